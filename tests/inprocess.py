"""The app in the test's own process, spoken to without a socket: the specification tests' server.

``InProcess`` builds the app with :func:`api.app.create_app` over a copy of a content file and
talks to it through an httpx client whose transport calls the app directly (httpx's
``ASGITransport``, on an event loop of its own, since the tests are synchronous). It answers in
milliseconds; a reload is :meth:`LiveContent.reload`, which is what the
server's SIGHUP handler calls. Tests of what only a socket shows (keep-alive, slow clients,
signals, workers, the browser, the phone) use :class:`tests.server.LiveServer` instead.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import httpx

from api.app import create_app
from api.content.live import LiveContent
from api.settings import from_env

BASE_URL = "http://testserver"
CLIENT = ("127.0.0.1", 50_000)  # where requests seem to come from (the rate limit reads it)


class AppTransport(httpx.BaseTransport):
    """A synchronous httpx transport that calls an ASGI app in this process, no socket involved."""

    def __init__(self, app: object) -> None:
        self._asgi = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=CLIENT)  # type: ignore[arg-type]
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="in-process-app", daemon=True)
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            sent = httpx.Request(request.method, request.url, headers=request.headers, content=request.read())
            answer = await self._asgi.handle_async_request(sent)
            raw = b"".join([chunk async for chunk in answer.aiter_raw()])  # still encoded, as on the wire
            return httpx.Response(answer.status_code, headers=answer.headers, stream=httpx.ByteStream(raw),
                                  request=request)

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout=120)

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


class InProcess:
    """An app over its own copy of a content file; ``client`` speaks to it, ``url`` is its base."""

    def __init__(self, content: Path, folder: Path, **env: str) -> None:
        self.content_path = folder / "content.json"
        shutil.copy(content, self.content_path)
        # The same names as the server's environment (tests/server.py), read by the same code.
        # "testserver" is the host httpx's ASGI transport sends: one of the names this app answers for
        self.settings = from_env({"CONTENT_PATH": str(self.content_path),
                                  "ALLOWED_HOSTS": "testserver localhost 127.0.0.1 ::1", **env})
        self.live = LiveContent.open(self.content_path)
        self.app = create_app(self.settings, self.live)
        self.client = httpx.Client(transport=AppTransport(self.app), base_url=BASE_URL)
        self.url = BASE_URL

    def version(self) -> str:
        return self.live.current.version

    def reload(self) -> str:
        """Re-read the content file, as SIGHUP does; returns the version now served."""
        if not self.live.reload():
            raise AssertionError("the reload did not swap in a new version")
        return self.version()

    def close(self) -> None:
        self.client.close()
