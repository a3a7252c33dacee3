"""The embed routes, in the order Starlette tries them, over what the app hands them."""

from __future__ import annotations

from functools import partial

from starlette.routing import Route

from api.embed.assets import embed_script, page_asset
from api.embed.oembed import oembed
from api.embed.pages import embed_not_found, embed_page
from api.embed.served import Served


def routes(served: Served) -> list[Route]:
    def route(path: str, endpoint: object) -> Route:
        return Route(path, partial(endpoint, served=served), methods=["GET", "HEAD"])  # type: ignore[call-overload]

    return [
        route("/embed.js", embed_script),
        route("/oembed", oembed),
        route("/embed/static/{name}", page_asset),
        route("/embed/{slug}", embed_page),
        route("/embed", embed_not_found),
        route("/embed/{rest:path}", embed_not_found),
    ]
