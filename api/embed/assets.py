"""The embeds' own files: ``/embed.js`` for partner pages, and the stylesheet and resize script
that every embed page loads from ``/embed/static/`` (never from another host)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.embed import headers
from api.embed.served import Served
from api.embed.templates import ASSET_VERSION, STATIC
from api.web import conditional

TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
PAGE_ASSETS = {"embed.css", "resize.js", "favicon.svg"}
IMMUTABLE = "public, max-age=31536000, immutable"
FILES = {name: (STATIC / name).read_bytes() for name in [*PAGE_ASSETS, "embed.js"]}


def _file(request: Request, name: str, cache_control: str) -> Response:
    tag = conditional.etag(ASSET_VERSION, name)
    common = {**headers.resource_headers(), "ETag": tag, "Cache-Control": cache_control}
    if conditional.matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=common)
    return Response(FILES[name], media_type=TYPES[name[name.rindex("."):]], headers=common)


async def page_asset(request: Request, served: Served) -> Response:
    """A file the embed pages link with ``?v=<version>``, so a versioned link may be cached for good."""
    name = request.path_params["name"]
    if name not in PAGE_ASSETS:
        return Response("Not found.", status_code=404, media_type="text/plain", headers=headers.resource_headers())
    versioned = request.query_params.get("v") == ASSET_VERSION
    return _file(request, name, IMMUTABLE if versioned else served.revalidated)


async def embed_script(request: Request, served: Served) -> Response:
    """``/embed.js``: partners paste this URL once, so it is never versioned; it is revalidated."""
    return _file(request, "embed.js", served.revalidated)
