"""A real server for tests: ``python -m api`` under uvicorn on a free loopback port."""

from __future__ import annotations

import functools
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate, timeout: float = 10.0) -> None:
    """Poll until ``predicate()`` holds (a log line appears, a version changes), or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """Starts the API in its own process; ``url`` is where it answers."""

    def __init__(self, content_path: Path | str, log_path: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port),
                    "CONTENT_PATH": str(content_path), "PYTHONUNBUFFERED": "1", **env}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> LiveServer:
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen([sys.executable, "-m", "api"], cwd=ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start in {timeout}s:\n{self.log()}")

    @functools.cached_property
    def client(self) -> httpx.Client:
        """An HTTP client for this server (the same interface as :attr:`InProcess.client`)."""
        return httpx.Client(base_url=self.url, timeout=10)

    def signal(self, sig: int) -> None:
        assert self.process is not None
        self.process.send_signal(sig)

    def version(self) -> str:
        return httpx.get(f"{self.url}/healthz", timeout=5).json()["version"]

    def reload(self, timeout: float = 30.0) -> str:
        """SIGHUP the server and wait until it serves a new version; returns that version."""
        old = self.version()
        self.signal(signal.SIGHUP)
        found: list[str] = []
        wait_for(lambda: found.append(self.version()) or found[-1] != old, timeout)
        return found[-1]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> int | None:
        if "client" in self.__dict__:
            self.client.close()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode if self.process else None
