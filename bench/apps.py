"""The apps we compare ours with, each the smallest honest version of its idea.

- ``raw``: a bare Starlette route answering the page's bytes, serialized once at start: the
  ceiling for a Python server on this machine.
- ``adapter``: our graphene schema behind ``starlette-graphene3`` (parse, validate and execute on
  every request, as the community adapter does).
- ``naive``: the same schema through ``schema.execute_async`` in a plain Starlette route.

``python -m bench.apps NAME`` serves one of them with uvicorn, configured as ``python -m api``
configures ours (one worker, no access log, no server header), so only the app differs.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.content.live import LiveContent
from api.schema import schema
from api.schema.localize import RequestContext
from api.settings import from_env


class AdapterContext(RequestContext):
    """Our resolvers' context, with the ``get`` the adapter calls (it looks for background tasks)."""

    def get(self, key: str, default: Any = None) -> Any:
        return default


def _content() -> LiveContent:
    return LiveContent.open(from_env().content_path)


def raw_app() -> Starlette:
    body = Path(os.environ["BENCH_BODY"]).read_bytes()

    async def page(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/graphql", page, methods=["GET", "POST"])])


def adapter_app() -> Starlette:
    from starlette_graphene3 import GraphQLApp  # bench-only dependency (the `bench` extra)

    live = _content()

    def context(request: Request) -> AdapterContext:
        snapshot = live.current
        return AdapterContext(live=live, snapshot=snapshot, locale=snapshot.content.default_locale)

    return Starlette(routes=[Route("/graphql", GraphQLApp(schema, context_value=context), methods=["GET", "POST"])])


def naive_app() -> Starlette:
    live = _content()

    async def graphql(request: Request) -> Response:
        params = await request.json()
        snapshot = live.current
        context = RequestContext(live=live, snapshot=snapshot, locale=snapshot.content.default_locale)
        result = await schema.execute_async(params["query"], variable_values=params.get("variables"),
                                            operation_name=params.get("operationName"), context_value=context)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        return JSONResponse(body)

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


APPS = {"raw": "raw_app", "adapter": "adapter_app", "naive": "naive_app"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(APPS))
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    settings = from_env()
    uvicorn.run(f"bench.apps:{APPS[args.name]}", factory=True, host="127.0.0.1", port=args.port, workers=1,
                access_log=False, log_level="warning", limit_concurrency=settings.limit_concurrency, backlog=2048,
                timeout_keep_alive=settings.keep_alive_seconds, server_header=False)


if __name__ == "__main__":
    main()
