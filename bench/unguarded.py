"""``python -m bench.unguarded``: our API as ``python -m api`` serves it with one worker, but on
uvicorn's own ``httptools`` protocol instead of :class:`api.http.protocol.GuardedHttpToolsProtocol`.

Only the benchmark runs it: side by side with the guarded server it measures what the header,
deadline and per-client guards cost a persisted GET (a diagnostic row, not a way to deploy).
"""

from __future__ import annotations

import signal

import uvicorn

from api.__main__ import uvicorn_config
from api.settings import configure_logging, from_env


def main() -> None:
    settings = from_env()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as python -m api, until the app handles it
    configure_logging(settings.log_level)
    uvicorn.Server(uvicorn_config(settings, http="httptools")).run()


if __name__ == "__main__":
    main()
