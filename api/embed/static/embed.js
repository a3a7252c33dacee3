/* Clara partner embed.
   Paste, where the content should appear:
     <div data-clara-embed="liver-metastases-treatment" data-lang="es" data-section="surgery">
       <a href="https://HOST/embed/liver-metastases-treatment?lang=es&section=surgery">…</a>
     </div>
     <script src="https://HOST/embed.js" async></script>
   This script replaces each such div's content with an iframe of the embed page; the link inside
   is what readers get when scripts are off. The iframe's height follows its content: the embed
   page posts its height, and only messages from this server's origin, sent by that very iframe,
   are believed. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var server = new URL(script.src).origin;
  var registry = (window.__claraEmbeds = window.__claraEmbeds || {});
  if (registry[server]) { registry[server].scan(); return; }  // pasted twice: one listener is enough

  var ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
  var LANG = /^[a-z]{2,3}$/;
  var frames = [];
  var partner = /^https?:$/.test(location.protocol) ? location.origin : null;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function build(host) {
    if (host.getAttribute("data-clara-ready")) return;
    var slug = host.getAttribute("data-clara-embed") || "";
    var lang = (host.getAttribute("data-lang") || "").toLowerCase();
    var section = host.getAttribute("data-section") || "";
    if (!ID.test(slug) || (lang && !LANG.test(lang)) || (section && !ID.test(section))) return;  // keep the link
    var url = new URL("embed/" + slug, script.src);  // beside embed.js, even under a path prefix
    if (lang) url.searchParams.set("lang", lang);
    if (section) url.searchParams.set("section", section);
    if (partner) url.searchParams.set("origin", partner);

    var link = host.querySelector("a");
    var iframe = document.createElement("iframe");
    iframe.src = url.href;
    // The link's text names the content until the page reports its own title.
    iframe.title = (link && link.textContent.replace(/\s+/g, " ").trim()) || slug;
    if (lang) iframe.lang = lang;
    iframe.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox");
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    iframe.style.display = "block";
    iframe.style.width = "100%";
    iframe.style.border = "0";
    iframe.style.height = "480px";
    frames.push(iframe);
    host.textContent = "";
    host.appendChild(iframe);
    host.setAttribute("data-clara-ready", "true");
  }

  function scan() {
    var hosts = document.querySelectorAll("[data-clara-embed]");
    for (var i = 0; i < hosts.length; i++) build(hosts[i]);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== server) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.clara !== 1) return;
    var iframe = null;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) { iframe = frames[i]; break; }
    }
    if (!iframe) return;
    if (data.type === "size" && typeof data.height === "number" && data.height > 0 && data.height < 100000) {
      iframe.style.height = Math.ceil(data.height) + "px";
      if (typeof data.title === "string" && data.title && data.title.length <= 300) iframe.title = data.title;
      if (typeof data.lang === "string" && LANG.test(data.lang)) iframe.lang = data.lang;
    } else if (data.type === "scroll" && typeof data.top === "number" && data.top >= 0) {
      var top = iframe.getBoundingClientRect().top + window.pageYOffset + data.top;
      window.scrollTo({ top: top, behavior: reduceMotion ? "auto" : "smooth" });
    }
  });

  registry[server] = { scan: scan };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
