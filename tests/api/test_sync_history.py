"""The sync history in a real SQLite file: a delta from a version another worker, or an earlier
start, built; and a damaged file that costs a complete copy, never an error."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest

from api.content.history import SyncHistory
from api.content.items import ItemTable
from api.content.live import LiveContent
from bench import corpus
from tests.api.test_sync_pages import Phone, ask


@pytest.fixture(scope="module")
def library() -> dict[str, Any]:
    data = corpus.build(6)
    # Without sign-offs: an edit would also change each page's review line (it shows the edited
    # text, so its review no longer holds), which is tested on its own in test_editorial.py.
    data.pop("signOffs")
    return data


def _served(path: Path, data: dict[str, Any], history: Path) -> LiveContent:
    """A server process's content: its own memory, the shared history file."""
    path.write_bytes(orjson.dumps(data))
    live = LiveContent(path, history=SyncHistory(history))
    live.load()
    assert live.wait_for_table(live.current.version, 60) is not None
    return live


def _edited(library: dict[str, Any]) -> dict[str, Any]:
    edited = json.loads(json.dumps(library))
    next(t for t in edited["glossary"] if t["id"] == "tumor")["definition"]["es"] += " Puede ser benigno."
    return edited


def test_an_item_table_comes_back_from_its_bytes_unchanged(tmp_path: Path, library: dict[str, Any]) -> None:
    live = _served(tmp_path / "c.json", library, tmp_path / "history")
    table = live.table(live.current.version)
    again = ItemTable.restore(table.dump())
    assert again.fingerprint == table.fingerprint and again.version == table.version
    assert again.manifest(table.locales) == table.manifest(table.locales)
    assert list(again.entries(table.locales)) == list(table.entries(table.locales))


def test_a_restarted_server_sends_a_delta_from_the_version_before(tmp_path: Path, library: dict[str, Any]) -> None:
    history = tmp_path / "history"
    before = _served(tmp_path / "a.json", library, history)
    phone = Phone()
    phone.sync(before)
    after = _served(tmp_path / "b.json", _edited(library), history)  # a new process: nothing in memory
    phone.pages.clear()
    page = phone.sync(after)
    assert not page["fullSync"]
    assert [(i["kind"], i["id"], i["locale"]) for p in phone.pages for i in p["items"]] == [("TERM", "tumor", "es")]


def test_without_the_history_the_same_phone_gets_a_complete_copy(tmp_path: Path, library: dict[str, Any]) -> None:
    before = _served(tmp_path / "a.json", library, tmp_path / "one")
    phone = Phone()
    phone.sync(before)
    after = _served(tmp_path / "b.json", _edited(library), tmp_path / "another")
    assert ask(after, token=phone.token)["fullSync"]


def test_the_history_keeps_its_last_versions_only(tmp_path: Path, library: dict[str, Any]) -> None:
    history = SyncHistory(tmp_path / "history", keep=2)
    path = tmp_path / "c.json"
    versions = []
    for n in range(4):
        data = json.loads(json.dumps(library))
        data["documents"][0]["summary"]["en"] += f" ({n})"
        path.write_bytes(orjson.dumps(data))
        live = LiveContent(path, history=history)
        live.load()
        live.wait_for_table(live.current.version, 60)
        versions.append(live.current.version)
    with sqlite3.connect(tmp_path / "history") as db:
        kept = {row[0] for row in db.execute("SELECT version FROM tables")}
    assert kept == set(versions[-2:])


def test_a_damaged_history_costs_a_complete_copy_and_is_logged(tmp_path: Path, library: dict[str, Any],
                                                             caplog: pytest.LogCaptureFixture) -> None:
    history = tmp_path / "history"
    before = _served(tmp_path / "a.json", library, history)
    phone = Phone()
    phone.sync(before)
    with sqlite3.connect(history) as db:
        db.execute("UPDATE tables SET data = ?", (b"not a table",))
    after = _served(tmp_path / "b.json", _edited(library), history)
    assert ask(after, token=phone.token)["fullSync"]
    assert "is damaged" in caplog.text


def test_a_history_file_that_is_not_a_database_is_logged_and_sync_still_works(tmp_path: Path,
                                                                              library: dict[str, Any],
                                                                              caplog: pytest.LogCaptureFixture) -> None:
    history = tmp_path / "history"
    history.write_bytes(b"garbage" * 1000)
    live = _served(tmp_path / "a.json", library, history)
    phone = Phone()
    page = phone.sync(live)
    assert page["fullSync"] and phone.items
    assert "could not be" in caplog.text
