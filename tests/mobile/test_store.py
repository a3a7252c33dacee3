"""The SQLite store: built from the snapshot, searched offline, written whole or not at all, rebuilt when damaged."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from mobile import search
from mobile import snapshot as bundled
from mobile.reply import Reply
from mobile.search import fts_query
from mobile.store import Damaged, Store, check_file, open_store
from tests.mobile.conftest import dump

SLUG = "liver-metastases-treatment"


def test_a_new_store_holds_the_snapshot_in_both_languages(db: Store, snapshot_reply: Reply) -> None:
    assert db.version == snapshot_reply.version
    assert db.synced_at is None  # still the copy built into the app
    assert db.locale_codes() == ["en", "es"]
    assert db.default_locale() == "en"
    assert db.strings("es")["nav.back"] == "Atrás"
    assert db.document(SLUG, "en")["title"] == "How are liver metastases treated?"
    assert db.document(SLUG, "es")["title"].startswith("¿Cómo se tratan")
    assert [d["slug"] for d in db.documents("es")] == [SLUG]
    check_file(db.path)


@pytest.fixture(params=["fts5", "plain"])
def searchable(request, tmp_path: Path, monkeypatch) -> Store:
    """A store searched by FTS5, and one as on a phone whose SQLite has no FTS5."""
    if request.param == "plain":
        def no_fts5(db: sqlite3.Connection) -> str:
            db.executescript(search.PLAIN_TABLE)
            return "plain"

        monkeypatch.setattr(search, "create_table", no_fts5)
    opened = open_store(tmp_path / "clara.sqlite3", bundled.load)
    assert opened.store.search_engine == request.param
    yield opened.store
    opened.store.close()


@pytest.mark.parametrize(("query", "locale", "expected"), [
    ("metastasis", "es", "metástasis"),       # no accent typed, accent in the text
    ("metástasis", "en", "metastasis"),       # accent typed, none in the text
    ("quimio", "es", "quimioterapia"),        # a prefix finds the whole word
    ("QUIMIOTERAPIA", "es", "quimioterapia"),
    ("radioembolizacion", "es", "radioembolización"),
    ("chemo", "en", "chemotherapy"),
    ("cirugia robot", "es", "robótica"),      # every word, each as a prefix
    ("proton", "en", "proton"),
])
def test_search_ignores_accents_and_case_and_finds_prefixes(searchable: Store, query: str, locale: str,
                                                            expected: str) -> None:
    hits = searchable.search(query, locale)
    assert hits, query
    assert any(expected in (h.title + h.snippet).casefold() for h in hits[:5]), [h.title for h in hits]


def test_search_stays_in_the_chosen_language(searchable: Store) -> None:
    assert searchable.search("quimioterapia", "en") == []
    assert searchable.search("chemotherapy", "es") == []


def test_search_results_say_what_they_are_and_where(searchable: Store) -> None:
    kinds = {(h.kind, h.target) for h in searchable.search("quimioterapia", "es")}
    assert ("section", "chemotherapy") in kinds
    assert ("treatment", "chemotherapy") in kinds
    assert ("term", "chemotherapy") in kinds
    hit = next(h for h in searchable.search("quimioterapia", "es") if h.kind == "section")
    assert "\x02" in hit.snippet and "\x03" in hit.snippet  # the match is marked for bold


@pytest.mark.parametrize("query", ["", "   ", "?!", '"', "AND", "NEAR(", "*", "a OR", "col:x", "'", "%", "_"])
def test_search_never_fails_on_odd_input(searchable: Store, query: str) -> None:
    assert isinstance(searchable.search(query, "en"), list)


def test_fts_query_quotes_every_word_as_a_prefix() -> None:
    assert fts_query("Quimio  terapia!") == '"quimio"* "terapia"*'
    assert fts_query("...") is None


def test_a_write_that_fails_at_the_end_changes_nothing(db: Store, snapshot_reply: Reply) -> None:
    before = dump(db.path)
    changed = dataclasses.replace(snapshot_reply, version="new-version", removed_slugs=[SLUG])

    def fail() -> None:
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError):
        db.apply(changed, synced_at="2030-01-01T00:00:00+00:00", before_commit=fail)
    assert dump(db.path) == before


def test_a_reply_that_would_leave_a_language_without_a_document_is_refused(db: Store,
                                                                          snapshot_reply: Reply) -> None:
    before = dump(db.path)
    only_english = dataclasses.replace(snapshot_reply, full_sync=True,
                                       documents=[d for d in snapshot_reply.documents if d.locale == "en"])
    with pytest.raises(Damaged, match="missing in some languages"):
        db.apply(only_english)
    assert dump(db.path) == before


def _damage_middle(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    page = 4096
    for start in range(page * 2, len(raw) - page, page * 3):  # scribble over some b-tree pages
        raw[start:start + 64] = b"\xff" * 64
    path.write_bytes(bytes(raw))


def _other_sqlite(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()


def _our_schema_but_empty(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DELETE FROM documents")
    conn.close()


def _bad_document_json(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE documents SET data = '{\"title\": ' WHERE locale = 'es'")
    conn.close()


@pytest.mark.parametrize("damage", [
    pytest.param(lambda p: p.write_bytes(b"this is not a database" * 500), id="garbage-bytes"),
    pytest.param(lambda p: p.write_bytes(p.read_bytes()[:5000]), id="cut-short"),
    pytest.param(_damage_middle, id="scribbled-pages"),
    pytest.param(_other_sqlite, id="someone-elses-database"),
    pytest.param(_our_schema_but_empty, id="no-documents"),
    pytest.param(_bad_document_json, id="document-not-json"),
])
def test_a_damaged_database_is_rebuilt_from_the_snapshot_and_says_so(db_path: Path, damage) -> None:
    damage(db_path)
    opened = open_store(db_path, bundled.load)
    try:
        assert opened.recovered, "the person must be told"
        assert opened.problem
        assert opened.store.document(SLUG, "es")["title"].startswith("¿Cómo se tratan")
        assert opened.store.search("quimio", "es")
        assert (db_path.parent / "clara.sqlite3.damaged").exists()  # kept for support
    finally:
        opened.store.close()
    again = open_store(db_path, bundled.load)  # and the rebuilt file is sound next time
    assert not again.recovered
    again.store.close()


def test_a_sound_database_is_opened_as_it_is(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("UPDATE meta SET value = '2030-01-01T00:00:00+00:00' WHERE key = 'synced_at'")
    conn.close()
    opened = open_store(db_path, bundled.load)
    assert not opened.recovered
    assert opened.store.synced_at is not None
    opened.store.close()


def test_a_missing_or_empty_file_is_created_without_alarm(tmp_path: Path) -> None:
    (tmp_path / "clara.sqlite3").touch()
    opened = open_store(tmp_path / "clara.sqlite3", bundled.load)
    assert not opened.recovered
    opened.store.close()
