"""``GET /oembed``: oEmbed 1.0 (https://oembed.com) for our embed pages, as a ``rich`` iframe.

A CMS that knows oEmbed turns a pasted embed URL into the iframe by itself. Only URLs on our own
public origin that name a real document, section and language are answered; anything else is a
404, as the specification asks. The height is a fixed estimate: an oEmbed consumer has no way to
hear the page's real height, so the iframe scrolls if its content is taller (embed.js, which can
listen, sizes the frame exactly).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import orjson
from starlette.requests import Request
from starlette.responses import Response

from api.content.snapshot import Snapshot
from api.embed import headers
from api.embed.params import NotAnEmbed, parse
from api.embed.served import Served
from api.embed.templates import TEMPLATE_VERSION, render
from api.embed.urls import Urls
from api.embed.view import Reader
from api.settings import Settings
from api.web import conditional

MAX_DIMENSION = 4096
MAX_URL = 2048
WIDTH = 640
HEIGHT = {"document": 800, "section": 600}


class OEmbedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _dimension(request: Request, name: str) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    value = values[0].strip()
    if len(values) > 1 or not value.isascii() or not value.isdigit() or len(value) > 6 \
            or not 0 < int(value) <= MAX_DIMENSION:
        raise OEmbedError(400, f"{name} must be a whole number of pixels from 1 to {MAX_DIMENSION}.")
    return int(value)


def _normal_origin(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{parts.hostname.lower()}" + (f":{port}" if port and port != default else "")


def answer(request: Request, settings: Settings, snapshot: Snapshot) -> dict[str, object]:
    """The oEmbed response object, or :class:`OEmbedError` with the status the specification asks."""
    urls = Urls.of(request, settings.public_url)
    if (request.query_params.get("format") or "json") != "json":  # an empty format= is no format
        raise OEmbedError(501, "Only format=json is offered.")
    url = request.query_params.get("url", "").strip()
    if not url:
        raise OEmbedError(400, "The url parameter is required.")
    max_width, max_height = _dimension(request, "maxwidth"), _dimension(request, "maxheight")
    parts = urlsplit(url) if len(url) <= MAX_URL and url.isprintable() else None
    prefix = f"{urls.path}/embed/"
    if parts is None or _normal_origin(url) != _normal_origin(urls.base) or not parts.path.startswith(prefix):
        raise OEmbedError(404, "That URL is not an embed on this server.")
    try:
        query = parse_qs(parts.query, keep_blank_values=True, max_num_fields=20)
        req = parse(snapshot, parts.path.removeprefix(prefix), query, None)
    except (NotAnEmbed, ValueError):
        raise OEmbedError(404, "That URL is not an embed on this server.") from None
    read = Reader(snapshot, req.locale)
    title = read.shown(req.document.title).text
    if req.section is not None:
        title = f"{read.shown(req.section.heading).text} — {title}"
    width = min(WIDTH, max_width or WIDTH)
    height = min(HEIGHT["section" if req.section else "document"], max_height or MAX_DIMENSION)
    src = urls.page(req.slug, req.locale, req.section.id if req.section else None, None, absolute=True)
    return {
        "version": "1.0",
        "type": "rich",
        "title": title,
        "provider_name": "Clara",
        "provider_url": f"{urls.base}/",
        "cache_age": settings.cache_max_age,
        "width": width,
        "height": height,
        "html": render("iframe.html", src=src, title=title, lang=req.locale, width=width, height=height).strip(),
    }


async def oembed(request: Request, served: Served) -> Response:
    snapshot = served.live.current  # one version for the answer and its tag
    try:
        body = answer(request, served.settings, snapshot)
    except OEmbedError as error:
        return Response(orjson.dumps({"error": str(error)}), status_code=error.status, media_type="application/json",
                        headers={**headers.resource_headers(), "Cache-Control": "no-store"})
    raw = orjson.dumps(body)
    tag = conditional.etag(snapshot.version, TEMPLATE_VERSION, raw.decode())
    common = {**headers.resource_headers(), "ETag": tag, "Last-Modified": conditional.last_modified(snapshot),
              "Cache-Control": served.revalidated}
    if conditional.matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=common)
    return Response(raw, media_type="application/json", headers=common)
