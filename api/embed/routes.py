"""The embed routes, in the order Starlette tries them."""

from __future__ import annotations

from starlette.routing import Route

from api.embed.assets import embed_script, page_asset
from api.embed.oembed import oembed
from api.embed.pages import embed_not_found, embed_page

routes = [
    Route("/embed.js", embed_script, methods=["GET", "HEAD"]),
    Route("/oembed", oembed, methods=["GET", "HEAD"]),
    Route("/embed/static/{name}", page_asset, methods=["GET", "HEAD"]),
    Route("/embed/{slug}", embed_page, methods=["GET", "HEAD"]),
    Route("/embed", embed_not_found, methods=["GET", "HEAD"]),
    Route("/embed/{rest:path}", embed_not_found, methods=["GET", "HEAD"]),
]
