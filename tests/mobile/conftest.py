"""Fixtures for the phone app's tests: a store built from the snapshot, a scriptable fake API.

Kivy reads its environment when first imported, so it is set here, before any test imports it:
its config goes to a private folder, its logs stay quiet, and without a display SDL2 draws offscreen.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="clara-kivy-"))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")

from mobile import snapshot as bundled
from mobile.reply import Reply
from mobile.store import Store, open_store
from tests.server import ROOT

CONTENT = ROOT / "content.json"


@pytest.fixture(scope="session")
def snapshot_reply() -> Reply:
    return bundled.load()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A content database freshly built from the snapshot, closed, ready for a sync."""
    path = tmp_path / "clara.sqlite3"
    open_store(path, bundled.load).store.close()
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Store]:
    store = Store(db_path)
    yield store
    store.close()


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything the store holds, to compare before and after a failed sync."""
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608
                for table in ("meta", "languages", "strings", "documents", "search")}
    finally:
        conn.close()


def edited_content(folder: Path, replace: dict[str, str]) -> Path:
    """A copy of the bundled content with some English or Spanish text replaced."""
    text = CONTENT.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = folder / f"content-edited-{len(list(folder.glob('content-edited-*')))}.json"
    path.write_text(text, encoding="utf-8")
    return path


class FakeAPI:
    """A tiny HTTP server whose answer a test scripts: status, body, and how much of it to send."""

    def __init__(self) -> None:
        self.status = 200
        self.body = b"{}"
        self.headers: dict[str, str] = {"Content-Type": "application/json"}
        self.send_bytes: int | None = None  # stop after this many bytes and drop the connection
        self.delay = threading.Event()       # when cleared, hold the reply until set
        self.delay.set()
        self.requests: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                fake.delay.wait(10)
                self.send_response(fake.status)
                for name, value in fake.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                body = fake.body if fake.send_bytes is None else fake.body[:fake.send_bytes]
                self.wfile.write(body)
                self.wfile.flush()
                if fake.send_bytes is not None:
                    self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.delay.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_api() -> Iterator[FakeAPI]:
    api = FakeAPI()
    yield api
    api.stop()


@pytest.fixture
def content_copy(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    return lambda replace: edited_content(tmp_path, replace)


def sync_body(api_url: str, since: str | None, locales: list[str]) -> bytes:
    """What the real API answers to the app's query (fetched once, to feed the fake API)."""
    from mobile import sync

    return sync.fetch(sync.request_url(api_url, since, locales), None).body
