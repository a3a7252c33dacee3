"""``python -m api``: serve the API with uvicorn, configured from the environment.

One worker runs in this process and reloads the content on SIGHUP. With ``WORKERS`` > 1 uvicorn's
supervisor runs the workers, with one change (:class:`ReloadInPlace`): SIGHUP to it is passed to
every worker, and each reloads in place as a single worker does (it validates the new file
completely and swaps one reference), instead of uvicorn's replacing the worker processes, which
cut requests short at each swap. A bad file is refused by each worker, which keeps serving.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import Any

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess

from api.content.snapshot import ContentError, load_file
from api.settings import Settings, configure_logging, from_env


class ReloadInPlace(Multiprocess):
    """uvicorn's supervisor, but SIGHUP reloads each worker's content in place (no process swap).

    uvicorn queues the signals it gets and looks at the queue every half second; SIGHUP is passed
    on at once instead, so each worker reads the file as it was when the signal came (an editor
    that writes a new file and signals, then writes again, has each version read)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        signal.signal(signal.SIGHUP, lambda sig, frame: self.handle_hup())

    def handle_hup(self) -> None:
        for process in self.processes:
            if process.pid is not None:
                with contextlib.suppress(ProcessLookupError):  # it just died; the supervisor starts another
                    os.kill(process.pid, signal.SIGHUP)


GUARDED = "api.http.protocol:GuardedHttpToolsProtocol"  # httptools with header, deadline and per-client limits


def uvicorn_config(settings: Settings, http: str = GUARDED) -> uvicorn.Config:
    """How uvicorn serves the app; ``http`` is only ever changed by the benchmark, which measures
    what the guarded protocol costs against uvicorn's own ``"httptools"``."""
    return uvicorn.Config(
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
        http=http,
        h11_max_incomplete_event_size=16 * 1024,
        server_header=False,
    )


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
    config = uvicorn_config(settings)
    if settings.workers <= 1:
        uvicorn.Server(config).run()
        return 0
    ReloadInPlace(config, sockets=[config.bind_socket()]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
