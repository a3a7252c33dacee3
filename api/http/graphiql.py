"""The GraphiQL page at ``GET /graphql`` for browsers, served entirely from this server.

Its scripts come from ``node_modules`` (installed by ``make node``), not from a CDN, so the page
works on a machine with no internet. Without them the page says how to install them.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from api.settings import ROOT

STATIC = Path(__file__).parent / "static"
MODULES = ROOT / "node_modules"
ASSETS = {
    "graphiql.min.js": MODULES / "graphiql" / "graphiql.min.js",
    "graphiql.min.css": MODULES / "graphiql" / "graphiql.min.css",
    "react.production.min.js": MODULES / "react" / "umd" / "react.production.min.js",
    "react-dom.production.min.js": MODULES / "react-dom" / "umd" / "react-dom.production.min.js",
    "start.js": STATIC / "graphiql-start.js",
}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
       "img-src 'self' data:; font-src 'self' data:; base-uri 'none'; frame-ancestors 'none'")


def installed() -> bool:
    return all(path.exists() for path in ASSETS.values())


def graphiql_page(request: Request) -> Response:
    page = "graphiql.html" if installed() else "graphiql-missing.html"
    return HTMLResponse((STATIC / page).read_text(encoding="utf-8"),
                        headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache",
                                 "X-Content-Type-Options": "nosniff", "Vary": "Accept"})


async def graphiql_asset(request: Request) -> Response:
    path = ASSETS.get(request.path_params["name"])
    if path is None or not path.exists():
        return PlainTextResponse("Not found. Run `make node` to install the GraphiQL files.", status_code=404)
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400",
                                       "X-Content-Type-Options": "nosniff"})
