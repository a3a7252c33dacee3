"""Syncing against the real API (uvicorn on a free port), and against replies that go wrong.

Whatever goes wrong (the server gone, a connection dropped half-way, an error status, a reply
that is not JSON or not complete, a write that fails) the phone keeps exactly what it had.
"""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from mobile import search as search_module
from mobile import sync
from mobile.store import Store
from tests.mobile.conftest import FakeAPI, dump, sync_body

EN_OLD = "Besides surgery, your treatment may include chemotherapy."
EN_NEW = "Besides surgery, your treatment may include chemotherapy, given in cycles."
ES_OLD = "Además de la cirugía, su tratamiento puede incluir quimioterapia."
ES_NEW = "Además de la cirugía, su tratamiento puede incluir quimioterapia, en ciclos."


def wait_for_version_change(url: str, old: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        version = httpx.get(f"{url}/healthz", timeout=2).json()["version"]
        if version != old:
            return version
        time.sleep(0.05)
    raise AssertionError("the server did not reload")


def chemo_intro(path: Path, locale: str) -> str:
    store = Store(path)
    try:
        doc = store.document("liver-metastases-treatment", locale)
    finally:
        store.close()
    section = next(s for s in doc["sections"] if s["id"] == "chemotherapy")
    return section["blocks"][0]["text"]


def test_same_content_as_the_snapshot_is_confirmed_then_answered_by_304(db_path: Path, server) -> None:
    first = sync.run(db_path, server.url)
    assert first.status is sync.Status.UNCHANGED and not first.not_modified  # a 200 with nothing new
    store = Store(db_path)
    assert store.synced_at is not None  # but now we know the copy is fresh
    store.close()
    second = sync.run(db_path, server.url)
    assert second.status is sync.Status.UNCHANGED and second.not_modified     # 304: no body at all


def test_first_sync_replaces_the_snapshot_then_later_changes_arrive_as_a_delta(
        db_path: Path, own_server, content_copy) -> None:
    live = own_server(content_copy({EN_OLD: EN_NEW, ES_OLD: ES_NEW}))
    first = sync.run(db_path, live.url)
    assert first.status is sync.Status.UPDATED and first.full_sync  # the server never saw our version
    assert chemo_intro(db_path, "en") == EN_NEW
    assert chemo_intro(db_path, "es") == ES_NEW

    assert sync.run(db_path, live.url).status is sync.Status.UNCHANGED
    assert sync.run(db_path, live.url).not_modified

    # the editors change the content and the server reloads it (SIGHUP)
    path = Path(live.env["CONTENT_PATH"])
    path.write_text(path.read_text(encoding="utf-8").replace(ES_NEW, "Quimioterapia renovada."), encoding="utf-8")
    old = httpx.get(f"{live.url}/healthz").json()["version"]
    live.signal(signal.SIGHUP)
    new = wait_for_version_change(live.url, old)
    changed = sync.run(db_path, live.url)
    assert changed.status is sync.Status.UPDATED and not changed.full_sync
    assert changed.version == new
    assert chemo_intro(db_path, "es") == "Quimioterapia renovada."
    store = Store(db_path)
    assert any(h.target == "chemotherapy" for h in store.search("renovada", "es"))  # the index follows
    store.close()


def test_a_stopped_server_leaves_the_content_and_says_offline(db_path: Path, own_server) -> None:
    live = own_server()
    live.stop()
    before = dump(db_path)
    outcome = sync.run(db_path, live.url, timeout=3)
    assert outcome.status is sync.Status.OFFLINE
    assert dump(db_path) == before


class DroppingProxy:
    """Forwards one request to the real server, sends half of its answer, stops the server, hangs up."""

    def __init__(self, live) -> None:
        self.live = live
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve_one, daemon=True).start()

    def _serve_one(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            request = conn.recv(65536).split(b"\r\n\r\n")[0].decode()
            path = request.split(" ")[1]
            answer = httpx.get(self.live.url + path, headers={"Accept": "application/json"})
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(answer.content)}\r\n\r\n"
            conn.sendall(head.encode() + answer.content[: len(answer.content) // 2])
            self.live.stop()  # the server goes away in the middle of the reply
        self.sock.close()


def test_a_server_stopped_in_the_middle_of_a_reply_leaves_the_content(db_path: Path, own_server,
                                                                       content_copy) -> None:
    live = own_server(content_copy({EN_OLD: EN_NEW}))
    before = dump(db_path)
    outcome = sync.run(db_path, DroppingProxy(live).url, timeout=5)
    assert outcome.status is sync.Status.OFFLINE, outcome
    assert dump(db_path) == before
    assert chemo_intro(db_path, "en") == EN_OLD


@pytest.fixture(scope="module")
def changed_body(tmp_path_factory) -> bytes:
    """A real, complete reply with new content: what the failure tests break in different ways."""
    from tests.mobile.conftest import edited_content
    from tests.server import LiveServer

    folder = tmp_path_factory.mktemp("changed")
    live = LiveServer(edited_content(folder, {EN_OLD: EN_NEW}), folder / "server.log").start()
    try:
        from mobile.snapshot import load

        return sync_body(live.url, load().version, ["en", "es"])
    finally:
        live.stop()


def test_the_fake_api_serves_a_good_reply_that_is_stored(db_path: Path, fake_api: FakeAPI,
                                                         changed_body: bytes) -> None:
    fake_api.body = changed_body
    assert sync.run(db_path, fake_api.url).status is sync.Status.UPDATED
    assert chemo_intro(db_path, "en") == EN_NEW


@pytest.mark.parametrize(("setup", "status"), [
    pytest.param(lambda api, body: setattr(api, "send_bytes", len(body) // 2), sync.Status.OFFLINE,
                 id="connection-dropped"),
    pytest.param(lambda api, body: setattr(api, "body", body[: len(body) // 2]), sync.Status.FAILED,
                 id="truncated-json"),
    pytest.param(lambda api, body: (setattr(api, "status", 500),
                                    setattr(api, "body", b'{"errors": [{"message": "boom"}]}')),
                 sync.Status.FAILED, id="http-500"),
    pytest.param(lambda api, body: (setattr(api, "status", 502), setattr(api, "body", b"<html>Bad gateway")),
                 sync.Status.FAILED, id="http-502-html"),
    pytest.param(lambda api, body: setattr(api, "body", body.replace(b'"sections"', b'"sectionz"', 1)),
                 sync.Status.FAILED, id="document-incomplete"),
    pytest.param(lambda api, body: setattr(api, "body", b'{"data": null, "errors": [{"message": "x"}]}'),
                 sync.Status.FAILED, id="graphql-errors"),
    pytest.param(lambda api, body: setattr(api, "body", json.dumps({"data": {"sync": {}}}).encode()),
                 sync.Status.FAILED, id="wrong-shape"),
])
def test_a_reply_that_goes_wrong_leaves_the_content_exactly_as_it_was(
        db_path: Path, fake_api: FakeAPI, changed_body: bytes, setup, status) -> None:
    fake_api.body = changed_body
    setup(fake_api, changed_body)
    before = dump(db_path)
    outcome = sync.run(db_path, fake_api.url, timeout=5)
    assert outcome.status is status, outcome
    assert outcome.detail
    assert dump(db_path) == before


def test_a_write_that_fails_half_way_leaves_the_content(db_path: Path, fake_api: FakeAPI, changed_body: bytes,
                                                        monkeypatch) -> None:
    fake_api.body = changed_body

    def broken_index(db, engine) -> None:
        db.execute("DELETE FROM search")
        raise search_module.sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(search_module, "reindex", broken_index)
    before = dump(db_path)
    assert sync.run(db_path, fake_api.url).status is sync.Status.FAILED
    assert dump(db_path) == before


def test_a_compressed_reply_is_accepted_and_a_damaged_one_refused(db_path: Path, fake_api: FakeAPI,
                                                                  changed_body: bytes) -> None:
    import gzip

    fake_api.headers["Content-Encoding"] = "gzip"
    before = dump(db_path)
    fake_api.body = gzip.compress(changed_body)[:-40]
    assert sync.run(db_path, fake_api.url).status is sync.Status.FAILED
    assert dump(db_path) == before
    fake_api.body = gzip.compress(changed_body)
    assert sync.run(db_path, fake_api.url).status is sync.Status.UPDATED
    assert chemo_intro(db_path, "en") == EN_NEW


def test_a_small_compressed_reply_that_would_fill_the_memory_is_refused(db_path: Path, fake_api: FakeAPI) -> None:
    import gzip

    fake_api.headers["Content-Encoding"] = "gzip"
    fake_api.body = gzip.compress(b" " * (sync.MAX_REPLY_BYTES + 1))  # about 33 KB on the wire
    before = dump(db_path)
    outcome = sync.run(db_path, fake_api.url)
    assert outcome.status is sync.Status.FAILED and "too large" in outcome.detail
    assert dump(db_path) == before


def test_our_server_sends_the_phone_a_compressed_sync(server) -> None:
    url = sync.request_url(server.url, None, ["en", "es"])
    fetched = sync.fetch(url, None)
    assert fetched.status == 200 and json.loads(fetched.body)["data"]["sync"]["documents"]
    assert fetched.received < len(fetched.body) / 3  # what the patient's data plan pays for


def test_the_request_is_a_cacheable_get_with_the_version_we_have(db_path: Path, fake_api: FakeAPI) -> None:
    fake_api.status, fake_api.body = 304, b""
    assert sync.run(db_path, fake_api.url).not_modified
    path = fake_api.requests[0]
    assert path.startswith("/graphql?query=")
    assert "ClaraSync" in httpx.URL(path).params["query"]
    assert json.loads(httpx.URL(path).params["variables"])["locales"] == ["en", "es"]


def test_a_language_the_server_starts_offering_is_fetched_whole_on_the_next_sync(
        db_path: Path, fake_api: FakeAPI) -> None:
    from mobile.snapshot import SNAPSHOT

    store = Store(db_path)
    since = store.version
    store.close()
    body = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    data = body["data"]
    data["sync"].update(since=since, documents=[], fullSync=False)
    data["locales"].append({"code": "pt", "nativeName": "Português", "choosePrompt": "Quero ver o site em Português",
                            "continueLabel": "Continuar em português", "isDefault": False})
    fake_api.body = json.dumps(body).encode()
    assert sync.run(db_path, fake_api.url).status is sync.Status.UNCHANGED
    fake_api.status, fake_api.body = 304, b""
    sync.run(db_path, fake_api.url)
    asked = json.loads(httpx.URL(fake_api.requests[-1]).params["variables"])
    assert asked == {"since": None, "locales": ["en", "es", "pt"]}
