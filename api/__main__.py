"""``python -m api``: serve the API with uvicorn, configured from the environment.

One worker runs in this process and reloads the content on SIGHUP. With ``WORKERS`` > 1 uvicorn's
supervisor runs the workers; SIGHUP to the supervisor replaces them one at a time, each new one
loading (and validating) the file before the old one leaves, so a bad file never takes a worker
down: the new worker fails its start and the old one keeps serving.
"""

from __future__ import annotations

import signal
import sys

import uvicorn

from api.content.snapshot import ContentError, load_file
from api.settings import configure_logging, from_env


def main() -> int:
    settings = from_env()
    # Until the app installs its reload handler, a SIGHUP must not kill the process.
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    configure_logging(settings.log_level)
    try:
        load_file(settings.content_path)  # fail fast, with every problem listed, before binding the port
    except ContentError as exc:
        print(f"Cannot serve {settings.content_path}:", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=False,  # our middleware logs each request with its id and timing
        log_level=settings.log_level,
        limit_concurrency=settings.limit_concurrency,
        backlog=2048,
        timeout_keep_alive=settings.keep_alive_seconds,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        http="api.http.protocol:GuardedHttpToolsProtocol",  # httptools with header, deadline and per-client limits
        h11_max_incomplete_event_size=16 * 1024,
        server_header=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
