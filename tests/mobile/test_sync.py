"""Syncing against the real API (uvicorn on a free port), page by page, and against replies that go wrong.

A sync ends with the server's copy or changes nothing the reader sees: whatever goes wrong (the
server gone, a connection dropped half-way, a reply damaged, forged or incomplete, a write that
fails) the phone keeps exactly what it had, says why, and the next sync carries on from there.
"""

from __future__ import annotations

import gzip
import json
import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from bench import corpus
from mobile import snapshot as bundled
from mobile import sync
from mobile.store import Store, open_store
from rules.items import item_version
from tests.mobile.conftest import FakeAPI, dump, page_body
from tests.server import ROOT

EN_OLD = "Besides surgery, your treatment may include chemotherapy."
EN_NEW = "Besides surgery, your treatment may include chemotherapy, given in cycles."
SLUG = "liver-metastases-treatment"
SMALL_PAGES = 40


def chemo_intro(path: Path, locale: str) -> str:
    store = Store(path)
    try:
        doc = store.document(SLUG, locale)
    finally:
        store.close()
    section = next(s for s in doc["sections"] if s["id"] == "chemotherapy")
    return section["blocks"][0]["text"]


def items_of(path: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT kind, id, locale, version, data FROM items ORDER BY 1, 2, 3").fetchall()
    finally:
        conn.close()


def fresh_phone(folder: Path, name: str = "phone") -> Path:
    path = folder / name / "clara.sqlite3"
    open_store(path, bundled.load).store.close()
    return path


def publish(live, change) -> Any:
    """Edit the content the server serves (``change`` edits the parsed file in place and may return
    something), reload it, and return what ``change`` returned."""
    path = Path(live.env["CONTENT_PATH"])
    data = json.loads(path.read_text(encoding="utf-8"))
    found = change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    live.reload()
    return found


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.json"
    data = corpus.build(4)
    data.pop("signOffs")  # else an edit also changes each page's review line (tests/api/test_editorial.py)
    path.write_bytes(orjson.dumps(data))
    return path


def test_same_content_as_the_snapshot_is_confirmed_then_answered_by_304(db_path: Path, server) -> None:
    first = sync.run(db_path, server.url)
    assert first.status is sync.Status.UNCHANGED and not first.not_modified  # a 200 with nothing new
    store = Store(db_path)
    assert store.synced_at is not None  # but now we know the copy is fresh
    store.close()
    second = sync.run(db_path, server.url)
    assert second.status is sync.Status.UNCHANGED and second.not_modified and second.wire_bytes == 0


def test_a_first_sync_comes_in_pages_and_ends_with_the_servers_copy(tmp_path: Path, own_server, library) -> None:
    live = own_server(library)
    phone = fresh_phone(tmp_path)
    outcome = sync.run(phone, live.url, page_size=SMALL_PAGES)
    assert outcome.status is sync.Status.UPDATED and outcome.full_sync, outcome
    assert outcome.pages > 5 and outcome.wire_bytes > 0 and outcome.version == live.version()
    store = Store(phone)
    assert len(store.documents("es")) == 4 and store.document(SLUG, "es")["title"].startswith("¿Cómo")
    assert store.search("quimio", "es")
    store.close()
    other = fresh_phone(tmp_path, "other")
    sync.run(other, live.url)  # default page size: other pages, the same copy
    assert items_of(other) == items_of(phone)


def test_an_edited_glossary_definition_syncs_that_one_item(tmp_path: Path, own_server, library) -> None:
    live = own_server(library)
    phone = fresh_phone(tmp_path)
    sync.run(phone, live.url)
    def edit(data: dict) -> None:
        next(t for t in data["glossary"] if t["id"] == "tumor")["definition"]["en"] += " Some are not cancer."

    publish(live, edit)
    before = {row[:3]: row for row in items_of(phone)}
    outcome = sync.run(phone, live.url)
    assert outcome.status is sync.Status.UPDATED and not outcome.full_sync
    assert outcome.items == 1 and outcome.wire_bytes < 10_000, outcome
    after = {row[:3]: row for row in items_of(phone)}
    assert [k for k in after if after[k] != before.get(k)] == [("term", "tumor", "en")]
    store = Store(phone)
    assert store.document(SLUG, "en")["glossary"][0] is not None
    assert any(g["definition"].endswith("Some are not cancer.")
               for g in store.document(SLUG, "en")["glossary"] if g["id"] == "tumor")
    store.close()


def test_a_removed_document_arrives_as_a_removal(tmp_path: Path, own_server, library) -> None:
    live = own_server(library)
    phone = fresh_phone(tmp_path)
    sync.run(phone, live.url)
    gone = publish(live, lambda data: data["documents"].pop()["slug"])
    outcome = sync.run(phone, live.url)
    assert outcome.status is sync.Status.UPDATED and not outcome.full_sync
    store = Store(phone)
    assert gone not in {d["slug"] for d in store.documents("en")} and len(store.documents("es")) == 3
    store.close()


class CuttingProxy:
    """Forwards requests to the real server; the ``cut_at``-th answer is sent half and the line dropped."""

    def __init__(self, target: str, cut_at: int) -> None:
        self.target, self.cut_at, self.served = target, cut_at, 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                request = conn.recv(65536).split(b"\r\n\r\n")[0].decode()
                path = request.split(" ")[1]
                answer = httpx.get(self.target + path, headers={"Accept": "application/json"})
                self.served += 1
                body = answer.content
                head = (f"HTTP/1.1 {answer.status_code} OK\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
                conn.sendall(head.encode() + (body[: len(body) // 2] if self.served == self.cut_at else body))

    def close(self) -> None:
        self.sock.close()


def test_a_connection_dropped_mid_sync_resumes_from_the_last_page(tmp_path: Path, own_server, library) -> None:
    live = own_server(library)
    whole = fresh_phone(tmp_path, "whole")
    total = sync.run(whole, live.url, page_size=SMALL_PAGES)
    phone = fresh_phone(tmp_path)
    before = items_of(phone)
    proxy = CuttingProxy(live.url, cut_at=6)
    cut = sync.run(phone, proxy.url, page_size=SMALL_PAGES, timeout=5)
    proxy.close()
    assert cut.status is sync.Status.OFFLINE and cut.pages == 5
    assert items_of(phone) == before  # the reader still has the whole old copy
    resumed = sync.run(phone, live.url, page_size=SMALL_PAGES)
    assert resumed.status is sync.Status.UPDATED
    assert resumed.pages == total.pages - 5 and resumed.wire_bytes < total.wire_bytes * 0.9
    assert items_of(phone) == items_of(whole)


def test_a_sync_killed_at_any_moment_leaves_one_whole_copy_and_resumes(tmp_path: Path, own_server,
                                                                         library) -> None:
    """SIGKILL the one-shot sync at 12 moments spread over a first sync: after each, the database
    opens sound, the reader sees one whole version (the old copy or the new one, never a mix), and
    the next run goes on; the copy it ends with is the uninterrupted phone's."""
    import signal
    import time

    live = own_server(library)
    whole = fresh_phone(tmp_path, "whole")
    started = time.monotonic()
    sync.run(whole, live.url, page_size=SMALL_PAGES)
    duration = time.monotonic() - started
    old = items_of(fresh_phone(tmp_path, "old"))
    new = items_of(whole)
    phone = fresh_phone(tmp_path)
    command = [sys.executable, "-m", "mobile.sync", "--api", live.url, "--data-dir", str(phone.parent),
               "--page-size", str(SMALL_PAGES)]
    for n in range(12):
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.25 + duration * n / 12)  # python's start-up, then later and later into the sync
        child.send_signal(signal.SIGKILL)
        child.wait()
        opened = open_store(phone, bundled.load)
        opened.store.close()
        assert not opened.recovered, f"kill {n} left a damaged file: {opened.problem}"
        assert items_of(phone) in (old, new), f"kill {n} left a mix of versions"
    assert sync.run(phone, live.url, page_size=SMALL_PAGES).status in (sync.Status.UPDATED, sync.Status.UNCHANGED)
    assert items_of(phone) == new


def test_content_changing_mid_way_still_ends_with_one_version(tmp_path: Path, own_server, library) -> None:
    live = own_server(library)
    phone = fresh_phone(tmp_path)
    part = sync.run(phone, live.url, page_size=SMALL_PAGES, max_pages=3)
    assert part.status is sync.Status.FAILED and "comes next time" in part.detail
    def edit(data: dict) -> None:
        data["treatmentCategories"][0]["name"]["es"] += " (nuevo)"                 # an early item
        data["documents"][-1]["summary"]["en"] += " Updated while you were syncing."  # a later one

    publish(live, edit)
    new = live.version()
    done = sync.run(phone, live.url, page_size=SMALL_PAGES)
    assert done.status is sync.Status.UPDATED and done.version == new
    fresh = fresh_phone(tmp_path, "fresh")
    sync.run(fresh, live.url)
    assert items_of(phone) == items_of(fresh)


@pytest.mark.parametrize("bad", ["garbage", "A" * 5000, "eyJmIjoxfQ.AAAA", ""])
def test_a_refused_token_starts_a_complete_copy_once(db_path: Path, server, bad: str) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'sync_token'", (bad,))
    conn.close()
    outcome = sync.run(db_path, server.url)
    assert outcome.status is sync.Status.UNCHANGED and outcome.full_sync, outcome  # same content, complete copy
    assert Store(db_path).sync_token not in (None, bad)


def test_a_chain_with_a_refused_page_token_starts_again(tmp_path: Path, own_server, library) -> None:
    live = own_server(library)
    phone = fresh_phone(tmp_path)
    sync.run(phone, live.url, page_size=SMALL_PAGES, max_pages=2)
    conn = sqlite3.connect(phone, isolation_level=None)
    conn.execute("UPDATE meta SET value = 'forged.token' WHERE key = 'chain_next'")
    conn.close()
    outcome = sync.run(phone, live.url, page_size=SMALL_PAGES)
    assert outcome.status is sync.Status.UPDATED and outcome.full_sync


def test_a_stopped_server_leaves_the_content_and_says_offline(db_path: Path, own_server) -> None:
    live = own_server()
    live.stop()
    before = dump(db_path)
    outcome = sync.run(db_path, live.url, timeout=3)
    assert outcome.status is sync.Status.OFFLINE and outcome.detail
    assert dump(db_path) == before


def test_a_damaged_item_is_fetched_again_and_the_reader_told_until_then(db_path: Path, server) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("UPDATE items SET data = replace(data, 'cycles', 'cyclez') WHERE kind = 'document'")
    conn.execute("UPDATE items SET data = replace(data, 'Besides', 'Beside') WHERE kind = 'document'")
    conn.close()
    opened = open_store(db_path, bundled.load)
    assert opened.store.document(SLUG, "en") is None and opened.store.repairing  # read: found, hidden, said
    opened.store.close()
    healed = sync.run(db_path, server.url)
    assert healed.status is sync.Status.UPDATED and healed.full_sync, healed
    store = Store(db_path)
    assert not store.repairing and chemo_intro(db_path, "en") == EN_OLD
    store.close()


def test_damage_nobody_has_read_yet_is_found_and_healed_by_the_next_sync(db_path: Path, server) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("UPDATE items SET data = replace(data, 'tumor', 'tumour') WHERE kind = 'term' AND locale = 'en'")
    conn.close()
    healed = sync.run(db_path, server.url)  # its health check comes first
    assert healed.status is sync.Status.UPDATED and healed.full_sync, healed
    store = Store(db_path)
    assert not store.repairing and store.health_check(budget_seconds=5) == 0
    store.close()


def test_the_one_shot_command_prints_one_json_line(tmp_path: Path, server) -> None:
    done = subprocess.run([sys.executable, "-m", "mobile.sync", "--api", server.url, "--data-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, done.stderr
    assert outcome["status"] == "unchanged" and outcome["version"] == server.version()
    assert {"pages", "wireBytes", "seconds"} <= outcome.keys()
    offline = subprocess.run([sys.executable, "-m", "mobile.sync", "--api", "http://127.0.0.1:9", "--data-dir",
                              str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert json.loads(offline.stdout.strip().splitlines()[-1])["status"] == "offline" and offline.returncode == 1


def test_our_server_sends_the_phone_compressed_pages(server) -> None:
    fetched = sync.fetch(sync.page_url(server.url, None, ["en", "es"]), None)
    assert fetched.status == 200 and json.loads(fetched.body)["data"]["syncPage"]["items"]
    assert fetched.received < len(fetched.body) / 3  # what the patient's data plan pays for


# --- a fake server: replies that go wrong -----------------------------------------------------

@pytest.fixture(scope="module")
def changed_body(tmp_path_factory) -> bytes:
    """A real, complete one-page copy with new content: what the failure tests break in different ways."""
    from tests.mobile.conftest import edited_content
    from tests.server import LiveServer

    folder = tmp_path_factory.mktemp("changed")
    live = LiveServer(edited_content(folder, {EN_OLD: EN_NEW}), folder / "server.log").start()
    try:
        body = page_body(live.url, page_size=500)
        assert json.loads(body)["data"]["syncPage"]["nextPageToken"] is None
        return body
    finally:
        live.stop()


def _edit(body: bytes, change) -> bytes:
    top = json.loads(body)
    change(top["data"]["syncPage"])
    return json.dumps(top).encode()


def _doc(page: dict, locale: str) -> dict:
    return next(i for i in page["items"] if i["kind"] == "DOCUMENT" and i["locale"] == locale)


def _cut_to_one_section(page: dict) -> None:
    _doc(page, "en")["data"]["sections"][1:] = []


def _spanish_holding_english(page: dict) -> None:
    _doc(page, "es")["data"] = _doc(page, "en")["data"]


def _one_of_many_documents(page: dict) -> None:
    # a complete copy that lists fewer documents than the version has (the manifest says how many)
    page["items"] = [i for i in page["items"] if not (i["kind"] == "DOCUMENT" and i["locale"] == "es")]


def _portuguese_brazil(page: dict) -> None:
    item = {"kind": "LOCALE", "id": "pt-BR", "locale": "", "deleted": False,
            "data": {"code": "pt-BR", "nativeName": "Português", "choosePrompt": "Quero ver em português",
                     "continueLabel": "Continuar", "fallback": None, "isDefault": False, "position": 2}}
    item["version"] = item_version("locale", "pt-BR", "", item["data"])
    page["items"].append(item)
    page["items"].sort(key=lambda i: (i["kind"].lower(), i["id"], i["locale"]))


WRONG_REPLIES = {
    "connection-dropped": lambda api, body: setattr(api, "send_bytes", len(body) // 2),
    "truncated-json": lambda api, body: setattr(api, "body", body[: len(body) // 2]),
    "http-500": lambda api, body: (setattr(api, "status", 500),
                                   setattr(api, "body", b'{"errors": [{"message": "boom"}]}')),
    "http-502-html": lambda api, body: (setattr(api, "status", 502), setattr(api, "body", b"<html>Bad gateway")),
    "graphql-errors": lambda api, body: setattr(api, "body", b'{"data": null, "errors": [{"message": "x"}]}'),
    "wrong-shape": lambda api, body: setattr(api, "body", json.dumps({"data": {"sync": {}}}).encode()),
    "document-cut-to-one-section": lambda api, body: setattr(api, "body", _edit(body, _cut_to_one_section)),
    "spanish-holding-english": lambda api, body: setattr(api, "body", _edit(body, _spanish_holding_english)),
    "a-complete-copy-missing-documents": lambda api, body: setattr(api, "body", _edit(body, _one_of_many_documents)),
    "language-code-pt-BR": lambda api, body: setattr(api, "body", _edit(body, _portuguese_brazil)),
    "nested-200000-deep": lambda api, body: setattr(api, "body", b'{"data":' + b"[" * 200_000 + b"]" * 200_000 + b"}"),
    "not-json": lambda api, body: setattr(api, "body", b"\xff\xfe garbage"),
}


@pytest.mark.parametrize("name", list(WRONG_REPLIES))
def test_a_reply_that_goes_wrong_leaves_the_content_and_says_why(db_path: Path, fake_api: FakeAPI,
                                                                  changed_body: bytes, name: str) -> None:
    fake_api.body = changed_body
    WRONG_REPLIES[name](fake_api, changed_body)
    before = dump(db_path)
    for _ in range(2):  # and the next sync is not stuck: it tries again, and says why again
        outcome = sync.run(db_path, fake_api.url, timeout=5)
        assert outcome.status in (sync.Status.FAILED, sync.Status.OFFLINE), outcome
        assert outcome.detail
        assert dump(db_path) == before


def test_the_fake_api_serves_a_good_reply_that_is_stored(db_path: Path, fake_api: FakeAPI,
                                                         changed_body: bytes) -> None:
    fake_api.body = changed_body
    assert sync.run(db_path, fake_api.url).status is sync.Status.UPDATED
    assert chemo_intro(db_path, "en") == EN_NEW


def test_a_write_that_fails_half_way_leaves_the_content(db_path: Path, fake_api: FakeAPI, changed_body: bytes,
                                                        monkeypatch) -> None:
    from mobile import search as search_module

    fake_api.body = changed_body

    def broken_index(db, engine, *documents) -> None:
        db.execute("DELETE FROM search")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(search_module, "reindex", broken_index)
    monkeypatch.setattr(search_module, "reindex_some", broken_index)
    before = dump(db_path)
    outcome = sync.run(db_path, fake_api.url)
    assert outcome.status is sync.Status.FAILED and "disk is full" in outcome.detail
    assert dump(db_path) == before


def test_a_compressed_reply_is_accepted_and_a_damaged_one_refused(db_path: Path, fake_api: FakeAPI,
                                                                  changed_body: bytes) -> None:
    fake_api.headers["Content-Encoding"] = "gzip"
    before = dump(db_path)
    fake_api.body = gzip.compress(changed_body)[:-40]
    assert sync.run(db_path, fake_api.url).status is sync.Status.FAILED
    assert dump(db_path) == before
    fake_api.body = gzip.compress(changed_body)
    assert sync.run(db_path, fake_api.url).status is sync.Status.UPDATED
    assert chemo_intro(db_path, "en") == EN_NEW


def test_a_small_compressed_reply_that_would_fill_the_memory_is_refused(db_path: Path, fake_api: FakeAPI) -> None:
    fake_api.headers["Content-Encoding"] = "gzip"
    fake_api.body = gzip.compress(b" " * (sync.MAX_PAGE_BYTES + 1))  # about 4 KB on the wire
    before = dump(db_path)
    outcome = sync.run(db_path, fake_api.url)
    assert outcome.status is sync.Status.FAILED and "larger than" in outcome.detail
    assert dump(db_path) == before


def test_a_server_still_preparing_is_waited_for(db_path: Path, fake_api: FakeAPI, changed_body: bytes) -> None:
    not_ready = json.dumps({"data": None, "errors": [{"message": "wait", "extensions": {
        "code": "SYNC_NOT_READY", "retryAfterSeconds": 0.2}}]}).encode()
    answers = [not_ready, not_ready, changed_body]
    fake_api.body = not_ready

    def next_answer() -> None:
        fake_api.body = answers.pop(0) if answers else changed_body

    fake_api.before_reply = next_answer
    assert sync.run(db_path, fake_api.url).status is sync.Status.UPDATED
    assert len(fake_api.requests) == 3


def test_the_request_is_a_cacheable_get_naming_only_the_token(db_path: Path, fake_api: FakeAPI) -> None:
    fake_api.status, fake_api.body = 304, b""
    assert sync.run(db_path, fake_api.url).not_modified
    params = httpx.URL(fake_api.requests[0]).params
    assert fake_api.requests[0].startswith("/graphql?query=") and "ClaraSyncPage" in params["query"]
    asked = json.loads(params["variables"])
    assert set(asked) == {"token", "pageSize"} and asked["token"] == Store(db_path).sync_token


def test_a_language_the_server_starts_offering_is_fetched_whole_on_the_next_sync(
        db_path: Path, fake_api: FakeAPI) -> None:
    from rules.items import manifest_digest

    data = {"code": "pt", "nativeName": "Português", "choosePrompt": "Quero ver o site em Português",
            "continueLabel": "Continuar em português", "fallback": None, "isDefault": False, "position": 2}
    portuguese = {"kind": "LOCALE", "id": "pt", "locale": "", "deleted": False, "data": data,
                  "version": item_version("locale", "pt", "", data)}
    entries = sorted([row[:4] for row in items_of(db_path)] + [("locale", "pt", "", portuguese["version"])])

    def delta(page: dict) -> None:
        page.update(items=[portuguese], fullSync=False, since=page["version"],
                    manifest={"count": len(entries), "digest": manifest_digest(entries)})

    fake_api.body = _edit(bundled.SNAPSHOT.read_bytes(), delta)
    assert sync.run(db_path, fake_api.url).status is sync.Status.UPDATED
    fake_api.status, fake_api.body = 304, b""
    sync.run(db_path, fake_api.url)
    asked = json.loads(httpx.URL(fake_api.requests[-1]).params["variables"])
    assert asked == {"locales": ["en", "es", "pt"], "pageSize": sync.PAGE_SIZE}  # a complete copy, all three
