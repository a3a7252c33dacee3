"""Partner embeds: server-rendered, accessible HTML pages of the content, ``/embed.js`` and oEmbed.

``params`` checks a request, ``view`` reads what the page shows from one snapshot (with
``glossary`` and ``dates``), ``templates`` renders it, ``pages``, ``oembed`` and ``assets`` answer
HTTP with ``headers`` and ``caching``, and ``routes`` lists them for the app.
"""
