"""Starting and stopping the servers under test: each a child process pinned to its CPUs.

Only processes started here are ever stopped here, by their own pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pinned(cpus: str | None, argv: list[str]) -> list[str]:
    """``argv`` run on ``cpus`` (``"0"``, ``"0,1"``) with taskset, or unpinned when None."""
    return ["taskset", "-c", cpus, *argv] if cpus and shutil.which("taskset") else argv


class Server:
    """A server process; ``url`` is where it answers once :meth:`start` returns."""

    def __init__(self, name: str, argv: list[str], port: int, log_path: Path, cpus: str | None = "0",
                 env: dict[str, str] | None = None, ready_path: str = "/healthz",
                 stop_signal: int = signal.SIGTERM) -> None:
        self.name = name
        self.argv = pinned(cpus, argv)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.ready_path = ready_path
        self.stop_signal = stop_signal
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> Server:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log()[-3000:]}")
            try:
                httpx.get(self.url + self.ready_path, timeout=2)
                return self
            except httpx.HTTPError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.name} did not start in {timeout:.0f}s:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def pids(self) -> list[int]:
        """The server's own pid and its direct children (uvicorn's workers, nginx's workers)."""
        if self.process is None:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [self.process.pid, *(int(p) for p in children.read_text().split())]
        except OSError:
            return [self.process.pid]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def clara(folder: Path, content: Path, cpus: str | None = "0", name: str = "clara", guarded: bool = True,
          **env: str) -> Server:
    """Our API, ``python -m api``, as deployed (environment configuration, access log at info);
    ``guarded=False`` serves it on uvicorn's own httptools protocol (:mod:`bench.unguarded`)."""
    port = free_port()
    module = "api" if guarded else "bench.unguarded"
    return Server(name, [sys.executable, "-m", module], port, folder / f"{name}.log", cpus,
                  {"HOST": "127.0.0.1", "PORT": str(port), "CONTENT_PATH": str(content),
                   "EXECUTION_RATE": "0", **env})  # wrk is one address standing for many readers


def comparison(folder: Path, app: str, content: Path, cpus: str | None = "0", **env: str) -> Server:
    """One of :mod:`bench.apps` under uvicorn."""
    port = free_port()
    return Server(app, [sys.executable, "-m", "bench.apps", app, "--port", str(port)], port, folder / f"{app}.log",
                  cpus, {"CONTENT_PATH": str(content), **env}, ready_path="/graphql")


def nginx(folder: Path, name: str, config: str, port: int, cpus: str | None = "0") -> Server:
    """Debian's nginx in the foreground with ``config``; its files live under ``folder/name``."""
    prefix = folder / name
    for sub in ("", "cache", "temp"):
        (prefix / sub).mkdir(exist_ok=True)
        (prefix / sub).chmod(0o777)  # nginx's workers drop root privileges; let them write here
    (prefix / "nginx.conf").write_text(config)
    argv = [NGINX, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log"),
            "-g", f"daemon off; pid {prefix / 'nginx.pid'};"]
    return Server(name, argv, port, prefix / "stdout.log", cpus, ready_path="/",
                  stop_signal=signal.SIGQUIT)


def have(program: str) -> bool:
    return shutil.which(program) is not None or Path(f"/usr/sbin/{program}").exists()


def wait_until_serving(url: str, before: str | None, timeout: float = 600) -> str:
    """Wait until the server at ``url`` serves a version other than ``before`` with its sync ready
    (after a start, ``before`` None; after a SIGHUP, the old version). Returns the new version."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = httpx.get(f"{url}/healthz", timeout=10).json()
        if health["version"] != before and health.get("syncReady"):
            return health["version"]
        time.sleep(0.05)
    raise RuntimeError("the server did not get ready")
