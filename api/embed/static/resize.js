/* Clara embed page: tells the partner page (embed.js) how tall this page is, so its iframe
   can be exactly that tall, and asks it to scroll when a link inside jumps to a heading.
   Messages go only to the partner's origin, which embed.js passed as ?origin= and the server
   checked; without it (a bare iframe, or the page on its own) nothing is sent. */
(function () {
  "use strict";
  var root = document.documentElement;
  var origin = root.getAttribute("data-parent-origin");
  if (!origin || window.parent === window) return;

  var last = -1;
  function send(message) {
    message.clara = 1;
    window.parent.postMessage(message, origin);
  }
  function measure() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      send({ type: "size", height: height, title: document.title, lang: root.lang });
    }
  }

  if (typeof ResizeObserver === "function") {
    new ResizeObserver(measure).observe(root);
  }
  window.addEventListener("load", measure);
  window.addEventListener("resize", measure);
  document.addEventListener("toggle", measure, true);
  measure();

  // The frame is as tall as its content and never scrolls itself, so a jump to "#section-x"
  // has to scroll the partner's page instead.
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) return;
    send({ type: "scroll", top: Math.max(0, Math.floor(target.getBoundingClientRect().top + window.scrollY)) });
  });
})();
