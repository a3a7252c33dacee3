"""The access log: every request gets one line, written in batches, and none is lost at shutdown."""

from __future__ import annotations

import asyncio
import io
import re
import signal
import time

import httpx
from starlette.middleware.errors import ServerErrorMiddleware

from api.http.access_log import BUFFER_BYTES, AccessLog
from api.http.edge import Edge
from tests.server import wait_for

LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO clara\.access (\S+) "(\w+) (\S+)" (\d{3}) (\d+)B '
                  r"[\d.]+ms$")


def _access_lines(text: str) -> list[tuple[str, ...]]:
    return [m.groups() for m in map(LINE.match, text.splitlines()) if m]


def test_a_batch_is_written_within_the_flush_interval(own_server) -> None:
    live = own_server(ACCESS_LOG_FLUSH_SECONDS="0.5")
    for i in range(5):
        httpx.get(f"{live.url}/healthz", headers={"X-Request-Id": f"batch-check-{i}"})
    # written by the flush timer (0.5 s), long before shutdown
    wait_for(lambda: sum(r[0].startswith("batch-check-") for r in _access_lines(live.log())) == 5, timeout=5)
    lines = [r for r in _access_lines(live.log()) if r[0].startswith("batch-check-")]
    assert [r[0] for r in lines] == [f"batch-check-{i}" for i in range(5)]  # in order, one each
    assert all(r[1:4] == ("GET", "/healthz", "200") and int(r[4]) > 0 for r in lines)


def test_lines_still_in_the_buffer_are_written_at_shutdown(own_server) -> None:
    live = own_server(ACCESS_LOG_FLUSH_SECONDS="3600")  # only a full buffer or shutdown writes
    for i in range(3):
        httpx.get(f"{live.url}/graphql", params={"query": "{ locales { code } }"},
                  headers={"X-Request-Id": f"shutdown-check-{i}"})
    assert "shutdown-check-" not in live.log()
    live.signal(signal.SIGTERM)  # a graceful stop; uvicorn then ends by the same signal (-15)
    assert live.process is not None and live.process.wait(timeout=15) in {0, -signal.SIGTERM}
    ids = [r[0] for r in _access_lines(live.log()) if r[0].startswith("shutdown-check-")]
    assert ids == ["shutdown-check-0", "shutdown-check-1", "shutdown-check-2"]


def test_a_quiet_log_level_writes_no_access_lines(own_server) -> None:
    live = own_server(LOG_LEVEL="warning", ACCESS_LOG_FLUSH_SECONDS="0")
    httpx.get(f"{live.url}/healthz", headers={"X-Request-Id": "quiet-check-1"})
    live.stop()
    assert "quiet-check-1" not in live.log()


def test_a_full_buffer_is_written_at_once(caplog) -> None:
    caplog.set_level("INFO", logger="clara.access")
    stream = io.StringIO()
    log = AccessLog(flush_seconds=3600, stream=stream)

    async def serve() -> tuple[int, int]:
        log.start()
        started = time.perf_counter()
        written = 0
        while not stream.getvalue() and written < 10_000:
            log.write(f"id-{written:08d}", "GET", "/graphql", 200, 1234, started)
            written += 1
        return written, len(stream.getvalue())

    written, size = asyncio.run(serve())
    assert size >= BUFFER_BYTES
    assert len(stream.getvalue().splitlines()) == written
    assert len(_access_lines(stream.getvalue())) == written


def test_without_its_lifespan_the_app_logs_each_line_through_logging(caplog) -> None:
    log = AccessLog(flush_seconds=3600, stream=io.StringIO())
    with caplog.at_level("INFO", logger="clara.access"):
        log.write("direct-1", "GET", "/healthz", 200, 10, time.perf_counter())
    assert 'direct-1 "GET /healthz" 200 10B' in caplog.text


def test_an_unhandled_error_still_gets_a_request_id_headers_and_a_line(caplog) -> None:
    async def broken(scope, receive, send) -> None:
        raise RuntimeError("a bug")

    app = Edge(ServerErrorMiddleware(broken), ["*"], AccessLog())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                               base_url="http://test")

    async def ask() -> httpx.Response:
        async with client:
            return await client.get("/anything", headers={"X-Request-Id": "error-check-1"})

    with caplog.at_level("INFO", logger="clara.access"):
        response = asyncio.run(ask())
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "error-check-1"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert 'error-check-1 "GET /anything" 500' in caplog.text
