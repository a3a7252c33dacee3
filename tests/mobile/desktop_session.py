"""A private desktop for screen-reader tests: an X server (Xvfb), a session bus with the AT-SPI bus
switched on, the real app in it, and an AT-SPI client in another process.

Everything lives in one temporary folder: ``HOME`` and the ``XDG_*`` folders point there and
GSettings keeps its values in memory, so switching accessibility on never touches the user's own
settings, and stopping the session leaves nothing running.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.server import ROOT

SIZE = (400, 800)  # the app's phone-like window (mobile.__main__.PHONE_SIZE), and the X screen
CLIENT = Path(__file__).with_name("atspi_client.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with PyGObject and the AT-SPI typelib
NEEDS = ["Xvfb", "dbus-daemon", "gdbus", SYSTEM_PYTHON]
TAB, RETURN, BACKSPACE = 0xFF09, 0xFF0D, 0xFF08  # X keysyms


def missing() -> list[str]:
    """What this machine lacks for the session (``make test`` installs it); empty when ready."""
    lacking = [tool for tool in NEEDS if shutil.which(tool) is None]
    if not lacking:
        probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('Atspi', '2.0')"],
                               capture_output=True, check=False)
        if probe.returncode != 0:
            lacking.append("python3-gi with gir1.2-atspi-2.0")
    return lacking


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


class Desktop:
    """``with Desktop(folder) as d``: X, the buses and the environment every process here shares."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: list[subprocess.Popen] = []
        self.bus_pid: int | None = None
        home = folder / "home"
        runtime = folder / "run"
        for path in (home, runtime):
            path.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        self.display = _free_display()
        keep = {k: v for k, v in os.environ.items() if k in {"PATH", "LANG", "LC_ALL", "TZ"}}
        self.env = {**keep, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
                    "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local/share"),
                    "XDG_CACHE_HOME": str(home / ".cache"), "GSETTINGS_BACKEND": "memory",
                    "DISPLAY": f":{self.display}", "NO_AT_BRIDGE": "0"}

    def __enter__(self) -> Desktop:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def _start(self) -> None:
        width, height = SIZE
        self.processes.append(subprocess.Popen(
            ["Xvfb", f":{self.display}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(lambda: Path(f"/tmp/.X11-unix/X{self.display}").exists(), 10, "Xvfb did not start")
        started = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                                 env=self.env, capture_output=True, text=True, check=True, timeout=10)
        address, pid = started.stdout.split()[:2]
        self.bus_pid = int(pid)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address
        subprocess.run(["gdbus", "call", "--session", "-d", "org.a11y.Bus", "-o", "/org/a11y/bus", "-m",
                        "org.freedesktop.DBus.Properties.Set", "org.a11y.Status", "IsEnabled", "<true>"],
                       env=self.env, capture_output=True, check=True, timeout=20)

    def start_app(self, data: Path, *args: str) -> subprocess.Popen:
        """``python -m mobile`` in an X window filling the screen, not syncing."""
        env = {**self.env, "SDL_VIDEODRIVER": "x11", "KIVY_NO_ARGS": "1", "KIVY_LOG_MODE": "PYTHON",
               "KIVY_HOME": str(self.folder / "kivy"), "KCFG_GRAPHICS_POSITION": "custom",
               "KCFG_GRAPHICS_LEFT": "0", "KCFG_GRAPHICS_TOP": "0", "PYTHONPATH": str(ROOT)}
        with (self.folder / "app.log").open("wb") as log:
            app = subprocess.Popen([sys.executable, "-m", "mobile", "--no-sync", "--data-dir", str(data), *args],
                                   cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        self.processes.append(app)
        return app

    def client(self) -> Client:
        process = subprocess.Popen([SYSTEM_PYTHON, str(CLIENT)], env=self.env, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True, bufsize=1)
        self.processes.append(process)
        return Client(process)

    def stop(self) -> None:
        for process in reversed(self.processes):
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
        self.processes.clear()
        if self.bus_pid is not None:  # the bus forked away from us; its children (the AT-SPI bus) follow it
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.bus_pid, signal.SIGTERM)
            self.bus_pid = None


class Client:
    """Talks to ``atspi_client.py``: one JSON line out, one back."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def ask(self, **command: Any) -> dict[str, Any]:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the AT-SPI client stopped")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"AT-SPI: {reply['error']} (for {command})")
        return reply


def wait_for(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(what)
        time.sleep(0.05)


def walk(node: dict[str, Any], path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], dict[str, Any]]]:
    """Every node of a tree from the client, depth first (reading order), with its path."""
    yield path, node
    for index, child in enumerate(node["children"]):
        yield from walk(child, (*path, index))
