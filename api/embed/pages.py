"""``GET /embed/{slug}``: a document, or one section of it, as a complete accessible HTML page.

The path of a request: check the parameters (any mistake is a 404 page in the reader's language),
answer ``304`` when the client holds this exact page, else take the rendered bytes from a bounded
cache keyed by everything they depend on, rendering once per key. The document's own version is in
the key, so a content reload makes exactly the changed pages stale without anyone clearing anything.
"""

from __future__ import annotations

import time
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from api.content.snapshot import Snapshot
from api.embed import headers
from api.embed.params import EmbedRequest, NotAnEmbed, parse, query_of
from api.embed.served import Served
from api.embed.templates import TEMPLATE_VERSION, render
from api.embed.urls import Urls
from api.embed.view import Reader, page_view
from api.web import conditional
from api.web.ratelimit import units

NOT_FOUND_CACHE = "public, max-age=60"


def page_key(snapshot: Snapshot, req: EmbedRequest, urls: Urls) -> tuple[str, ...]:
    """Everything the bytes of a page depend on."""
    return (snapshot.document_versions[req.slug], TEMPLATE_VERSION, urls.base, req.slug, req.locale,
            req.section.id if req.section else "", req.origin or "")


def render_page(snapshot: Snapshot, req: EmbedRequest, urls: Urls, preview: bool = False) -> bytes:
    def href(locale: str, section: str | None) -> str:
        return urls.page(req.slug, locale, section, req.origin)

    view = page_view(snapshot, req.document, req.locale, req.section, href)
    own = urls.page(req.slug, req.locale, req.section.id if req.section else None, None, absolute=True)
    oembed = f"{urls.base}/oembed?{urlencode({'url': own, 'format': 'json'}, quote_via=quote)}"
    return render("page.html", preview=preview, page=view, locale=req.locale, page_title=view.page_title,
                  parent_origin=req.origin, static=urls.static, oembed_href=oembed).encode()


def not_found_page(snapshot: Snapshot, error: NotAnEmbed, urls: Urls, frame_sources: tuple[str, ...],
                   preview: bool = False) -> Response:
    read = Reader(snapshot, error.locale)
    labels = {"notFoundTitle": read.label("embed.notFoundTitle"), "notFoundBody": read.label("embed.notFoundBody"),
              "readFullPage": read.label("embed.readFullPage"), "poweredBy": read.label("embed.poweredBy")}
    full = urls.page(error.slug, error.locale, None, None) if error.slug else None
    body = render("not_found.html", preview=preview, labels=labels, locale=error.locale,
                  page_title=labels["notFoundTitle"].text, parent_origin=None, static=urls.static, oembed_href=None,
                  full_page_href=full)
    return HTMLResponse(body, status_code=404, headers={
        **headers.page_headers(frame_sources), "Cache-Control": NOT_FOUND_CACHE, "Content-Language": error.locale})


async def embed_page(request: Request, served: Served) -> Response:
    settings = served.settings
    snapshot = served.live.current  # one version for the whole request
    urls = Urls.of(request, settings.public_url)
    frame_sources = tuple(settings.frame_ancestors)
    try:
        req = parse(snapshot, request.path_params["slug"], query_of(request.query_params.multi_items()),
                    request.headers.get("accept-language"))
    except NotAnEmbed as error:
        return not_found_page(snapshot, error, urls, frame_sources, settings.preview)
    key = page_key(snapshot, req, urls)
    tag = conditional.etag(*key)
    common = {
        **headers.page_headers(frame_sources),
        "ETag": tag,
        "Last-Modified": conditional.last_modified(snapshot),
        "Cache-Control": served.revalidated,
        "Content-Language": req.locale,
    }
    if req.negotiated:
        common["Vary"] = "Accept-Language"
    if conditional.matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=common)
    body = served.pages.get(key)
    if body is None:
        client = request.client.host if request.client else ""
        wait = served.work.take(client) if served.work is not None else 0
        if wait:  # a render is work, metered with the client's queries; held pages are not
            return PlainTextResponse(f"Too much new work from one address: try again in {wait} s.", status_code=429,
                                     headers={"Retry-After": str(wait), "Cache-Control": "no-store"})
        started = time.thread_time()
        body = render_page(snapshot, req, urls, settings.preview)
        if served.work is not None:
            served.work.charge(client, units(time.thread_time() - started))
        served.pages.put(key, body)
    return HTMLResponse(body, headers=common)


async def embed_not_found(request: Request, served: Served) -> Response:
    """Any other path under ``/embed``: the same 404 page, never the framework's plain text."""
    snapshot, settings = served.live.current, served.settings
    return not_found_page(snapshot, NotAnEmbed(snapshot.content.default_locale), Urls.of(request, settings.public_url),
                          tuple(settings.frame_ancestors), settings.preview)
