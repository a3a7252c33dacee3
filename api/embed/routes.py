"""The embed routes, in the order Starlette tries them, over what the app hands them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from api.embed.assets import embed_script, page_asset
from api.embed.oembed import oembed
from api.embed.pages import embed_not_found, embed_page
from api.embed.served import Served
from api.web.hosts import allowed

UNKNOWN_HOST = ("This server does not answer for that host name. Its operator sets PUBLIC_URL, or lists the "
                "names it answers for in ALLOWED_HOSTS.")


def routes(served: Served) -> list[Route]:
    """The embed routes. Each builds links from the request's host when ``PUBLIC_URL`` is unset, so
    each first checks that host against ``ALLOWED_HOSTS`` (see :mod:`api.web.hosts`)."""
    settings = served.settings

    def route(path: str, endpoint: Any) -> Route:
        async def trusted(request: Request) -> Response:
            if not settings.public_url and not allowed(request.headers.get("host"), settings.allowed_hosts):
                return PlainTextResponse(UNKNOWN_HOST, status_code=400, headers={"Cache-Control": "no-store"})
            return await endpoint(request, served=served)

        return Route(path, trusted, methods=["GET", "HEAD"])

    return [
        route("/embed.js", embed_script),
        route("/oembed", oembed),
        route("/embed/static/{name}", page_asset),
        route("/embed/{slug}", embed_page),
        route("/embed", embed_not_found),
        route("/embed/{rest:path}", embed_not_found),
    ]
