"""The ASGI application: routes, middleware and the content lifecycle, top to bottom.

This is the top of the import graph: it wires the content model, the GraphQL endpoint and the
embeds together and nothing imports it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator, Callable
from functools import partial
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Scope

from api.content.history import SyncHistory
from api.content.live import LiveContent
from api.content.releases import Releases
from api.content.watch import signature, watch
from api.embed.routes import routes as embed_routes
from api.embed.served import Served
from api.http.access_log import AccessLog
from api.http.edge import Answer, Edge
from api.http.endpoint import GraphQLEndpoint
from api.http.graphiql import graphiql_asset
from api.http.preview import Preview
from api.publishing.sender import Sender
from api.schema import list_indexes
from api.settings import Settings, configure_logging, from_env
from api.web.ratelimit import TokenBuckets

log = logging.getLogger("clara")


async def healthz(request: Request, live: LiveContent, graphql: GraphQLEndpoint) -> JSONResponse:
    """Which version is served, whether sync can page it yet, and how often a query plan fell back."""
    snapshot = live.current
    return JSONResponse(
        {"status": "ok", "version": snapshot.version, "loadedAt": snapshot.loaded_at.isoformat(),
         "syncReady": live.table(snapshot.version) is not None,
         "planFallbacks": dict(graphql.planner.fallbacks)},
        headers={"Cache-Control": "no-store"},
    )


class Clara(Starlette):
    """Starlette with :class:`~api.http.edge.Edge` outside its error handling and routing."""

    def __init__(self, edge: Callable[[ASGIApp], Edge], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.edge = edge

    def build_middleware_stack(self) -> ASGIApp:
        return self.edge(super().build_middleware_stack())


# Executions run on worker threads (api.http.endpoint); the event loop waits for the interpreter lock
# whenever one of them holds it. Python hands it over every 5 ms by default, so a reader behind a
# long execution waited up to 5 ms per step (p99 95 ms under the attack soak); at 1 ms, 32 ms.
SWITCH_INTERVAL_SECONDS = 0.001


def _sender(settings: Settings, live: LiveContent) -> Sender | None:
    """This worker's webhook sender (one of all the workers holds the lock and sends), when
    receivers are configured; a preview never tells anyone anything."""
    if not settings.webhooks.on or settings.preview:
        return None
    releases = Releases(live.path)
    sender = Sender(releases.log, settings.webhooks, lambda: live.current.version, releases.folder / "sender.lock")
    sender.start()
    return sender


def create_app(settings: Settings | None = None, content: LiveContent | None = None) -> Starlette:
    """Build the app. ``content`` defaults to the file named by the settings, loaded at start-up.

    The settings and the live content are handed to each part that reads them (the endpoint, the
    embeds, the health check); ``app.state`` holds them only for tools and tests.
    """
    settings = settings or from_env()
    if settings.preview:  # a draft's answers are never kept (api.http.preview)
        settings = dataclasses.replace(settings, response_cache=False)
    configure_logging(settings.log_level)
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    with contextlib.suppress(ValueError):  # (only the main thread may) until the lifespan reloads on it,
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # a SIGHUP must not end a worker that is starting
    history = SyncHistory(settings.sync_history_path) if settings.sync_history_path else None
    live = content if content is not None else LiveContent(Path(settings.content_path), history=history)
    live.prepare.append(list_indexes)
    if live.loaded:  # loaded before the app was made: prepare its version now, beside the requests
        threading.Thread(target=live.prepared, args=(live.current,), name="prepare", daemon=True).start()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        # the handler first, then the load: a SIGHUP while this worker starts is never lost (a
        # reload before the first load loads; see LiveContent.reload)
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.run_in_executor(None, live.reload))
        before = signature(live.path)  # before the load: a file replaced meanwhile is seen by the watch
        if not live.loaded:
            live.load()
        log.info("serving content version %s from %s%s", live.current.version, live.path,
                 " as a PREVIEW (nothing cacheable, nothing indexed)" if settings.preview else "")
        access_log.start()
        watching = (asyncio.create_task(watch(live, settings.content_watch_seconds, before), name="content-watch")
                    if settings.content_watch_seconds > 0 else None)
        sender = _sender(settings, live)
        yield
        if watching is not None:
            watching.cancel()
        if sender is not None:
            await asyncio.to_thread(sender.stop)
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.remove_signal_handler(signal.SIGHUP)
        access_log.stop()

    work = TokenBuckets(settings.execution_rate, settings.execution_burst)  # each client's, for queries and renders
    graphql = GraphQLEndpoint(settings, live, work)
    access_log = AccessLog(settings.access_log_flush_seconds)

    def shortcut(scope: Scope) -> Answer | None:
        return graphql.repeat(scope) if scope["path"] == "/graphql" else None

    served = Served(settings, live, work)
    routes = [
        Route("/healthz", partial(healthz, live=live, graphql=graphql), methods=["GET", "HEAD"]),
        Route("/graphql", graphql, methods=["GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]),
        Route("/graphiql/assets/{name}", graphiql_asset, methods=["GET", "HEAD"]),
        *embed_routes(served),
    ]
    def edge(inner: ASGIApp) -> Edge:
        if settings.preview:  # nothing a draft answers is kept, here or by anyone in between
            return Edge(Preview(inner), settings.cors_origins, access_log, None)
        return Edge(inner, settings.cors_origins, access_log, shortcut)

    app = Clara(edge, routes=routes, lifespan=lifespan)
    app.state.settings = settings
    app.state.content = live
    app.state.served = served
    return app
