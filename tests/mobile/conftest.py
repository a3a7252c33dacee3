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
from mobile.reply import Page
from mobile.store import Store, open_store
from tests.server import ROOT

CONTENT = ROOT / "content.json"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The real app, shared by the UI and accessibility tests (Kivy runs one App per process)."""
    from tests.mobile.driving import start_app

    instance = start_app(tmp_path_factory.mktemp("phone"))
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def snapshot_page() -> Page:
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
    """Everything the store holds, to compare before and after a failed sync (but where the health
    check stopped, which moves on every sync)."""
    conn = sqlite3.connect(path)
    try:
        found = {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608
                 for table in ("meta", "items", "staged", "search")}
        found["meta"] = [row for row in found["meta"] if row[0] != "checked_up_to"]
        return found
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
        self.before_reply: Callable[[], None] | None = None  # runs before each answer (to change it)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                fake.delay.wait(10)
                if fake.before_reply is not None:
                    fake.before_reply()
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


def page_body(api_url: str, token: str | None = None, locales: list[str] | None = None,
              page_size: int | None = None) -> bytes:
    """What the real API answers to one of the app's page requests (fetched to feed the fake API)."""
    from mobile import sync

    return sync.fetch(sync.page_url(api_url, token, locales or (["en", "es"] if token is None else None),
                                    page_size), None).body


def delta_body(db_path: Path, edit: Callable[[dict[str, Any]], bool], version: str = "next-version") -> bytes:
    """A server's one-page delta from the copy at ``db_path``: the snapshot's items that ``edit``
    changes (it edits an item's data in place and says whether it did), with their new versions,
    and the manifest of the copy they make."""
    import json

    from rules.items import item_version, manifest_digest

    body = json.loads(bundled.SNAPSHOT.read_text(encoding="utf-8"))
    page = body["data"]["syncPage"]
    changed = []
    for item in page["items"]:
        if edit(item):
            item["version"] = item_version(item["kind"].lower(), item["id"], item["locale"], item["data"])
            changed.append(item)
    conn = sqlite3.connect(db_path)
    try:
        rows = {r[:3]: r[3] for r in conn.execute("SELECT kind, id, locale, version FROM items")}
    finally:
        conn.close()
    rows.update({(i["kind"].lower(), i["id"], i["locale"]): i["version"] for i in changed})
    entries = sorted((*k, v) for k, v in rows.items())
    page.update(items=changed, fullSync=False, since=page["version"], version=version,
                manifest={"count": len(entries), "digest": manifest_digest(entries)})
    return json.dumps(body).encode()
