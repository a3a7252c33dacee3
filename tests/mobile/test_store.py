"""The SQLite store: built from the snapshot, searched offline, switched whole or not at all, and
trusting nothing it reads back: damaged items, indexes and files are found, healed, and said."""

from __future__ import annotations

import dataclasses
import random
import sqlite3
from pathlib import Path

import pytest

from mobile import search
from mobile import snapshot as bundled
from mobile.reply import Page
from mobile.search import fts_query
from mobile.store import Mismatch, Store, check_file, open_store
from tests.mobile.conftest import dump

SLUG = "liver-metastases-treatment"


def test_a_new_store_holds_the_snapshot_in_both_languages(db: Store, snapshot_page: Page) -> None:
    assert db.version == snapshot_page.version
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
        def no_fts5(db: sqlite3.Connection, engine: str | None = None) -> str:
            db.execute(search.PLAIN_TABLE)
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


def _next_version(page: Page) -> Page:
    """The snapshot as a server would send a changed version: one title edited, manifest to match."""
    from rules.items import item_version, manifest_digest

    items = []
    for item in page.items:
        if item.key == ("document", SLUG, "en"):
            data = {**item.data, "title": "How are liver metastases treated today?"}
            item = dataclasses.replace(item, data=data, version=item_version(*item.key, data))
        items.append(item)
    entries = [(*i.key, i.version) for i in items]
    return dataclasses.replace(page, version="next-version", items=items,
                               manifest=(len(entries), manifest_digest(entries)))


NEXT_PAGE = "page-2"  # a page token as the server would give it (opaque to the phone)


def _first_half(page: Page) -> Page:
    half = len(page.items) // 2
    return dataclasses.replace(page, items=page.items[:half], next_page_token=NEXT_PAGE, next_sync_token=None,
                               manifest=None)


def _second_half(page: Page) -> Page:
    return dataclasses.replace(page, items=page.items[len(page.items) // 2:])


def test_a_new_version_is_switched_to_in_one_step(db: Store, snapshot_page: Page) -> None:
    changed = _next_version(snapshot_page)
    db.add_page(_first_half(changed), starting=True)
    assert db.document(SLUG, "en")["title"] == "How are liver metastases treated?"  # gathered, not shown
    assert db.chain is not None and db.chain.next_token == NEXT_PAGE
    assert db.finish(_second_half(changed), starting=False, synced_at="2030-01-01T00:00:00+00:00")
    assert db.document(SLUG, "en")["title"] == "How are liver metastases treated today?"
    assert db.version == "next-version" and db.chain is None


def _search_rows(store: Store) -> list[tuple]:
    return sorted(store.conn.execute("SELECT locale, kind, slug, target, title, body FROM search").fetchall())


@pytest.mark.parametrize("edited", [
    pytest.param({("document", SLUG, "es")}, id="a-document"),
    pytest.param({("treatment", "chemotherapy", "en")}, id="a-treatment"),
    pytest.param({("term", "tumor", "es"), ("term", "chemotherapy", "en")}, id="glossary-words"),
    pytest.param({("fact", "minimally-invasive-surgery", "en")}, id="a-shared-record"),
])
def test_re_indexing_only_what_changed_gives_the_index_a_rebuild_gives(db: Store, snapshot_page: Page,
                                                                        edited: set) -> None:
    from rules.items import item_version, manifest_digest

    items = []
    for item in snapshot_page.items:
        if item.key in edited:
            text = {k: v for k, v in item.data.items()}
            field = {"document": "summary", "treatment": "summary", "term": "definition", "fact": "text"}
            text[field[item.kind]] += " Zanzíbar."
            item = dataclasses.replace(item, data=text, version=item_version(*item.key, text))
        items.append(item)
    assert len([i for i in items if i not in snapshot_page.items]) == len(edited)
    entries = [(*i.key, i.version) for i in items]
    changed = dataclasses.replace(snapshot_page, version="next", items=items,
                                  manifest=(len(entries), manifest_digest(entries)))
    db.finish(changed, starting=True, synced_at="2030-01-01T00:00:00+00:00")
    assert db.search("zanzibar", next(iter(edited))[2])
    incremental = _search_rows(db)
    db.rebuild_search()
    assert _search_rows(db) == incremental


def test_a_write_that_fails_at_the_end_changes_nothing(db: Store, snapshot_page: Page) -> None:
    before = dump(db.path)
    changed = _next_version(snapshot_page)

    def fail() -> None:
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError):
        db.add_page(_first_half(changed), starting=True, before_commit=fail)
    assert dump(db.path) == before
    db.add_page(_first_half(changed), starting=True)
    gathered = dump(db.path)
    with pytest.raises(sqlite3.OperationalError):
        db.finish(_second_half(changed), starting=False, synced_at="2030-01-01T00:00:00+00:00", before_commit=fail)
    assert dump(db.path) == gathered  # still the old copy, the pages still gathered: finishing can be retried


def test_a_copy_that_does_not_match_the_manifest_is_refused_and_nothing_is_deleted(
        db: Store, snapshot_page: Page) -> None:
    before = dump(db.path)
    documents_only_in_english = dataclasses.replace(
        snapshot_page, version="partial", items=[i for i in snapshot_page.items if i.key != ("document", SLUG, "es")])
    with pytest.raises(Mismatch, match="the copy has"):
        db.finish(documents_only_in_english, starting=True, synced_at="2030-01-01T00:00:00+00:00")
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
    conn.execute("DELETE FROM items WHERE kind = 'document'")
    conn.close()


def _no_manifest(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DELETE FROM meta WHERE key = 'manifest'")
    conn.close()


@pytest.mark.parametrize("damage", [
    pytest.param(lambda p: p.write_bytes(b"this is not a database" * 500), id="garbage-bytes"),
    pytest.param(lambda p: p.write_bytes(p.read_bytes()[:5000]), id="cut-short"),
    pytest.param(_damage_middle, id="scribbled-pages"),
    pytest.param(_other_sqlite, id="someone-elses-database"),
    pytest.param(_our_schema_but_empty, id="no-documents"),
    pytest.param(_no_manifest, id="no-manifest"),
    pytest.param(lambda p: p.write_bytes(b""), id="truncated-to-0-bytes"),
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


def test_a_missing_file_is_created_without_alarm(tmp_path: Path) -> None:
    opened = open_store(tmp_path / "clara.sqlite3", bundled.load)
    assert not opened.recovered
    opened.store.close()


def test_a_database_of_an_older_app_is_replaced_without_alarm(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    opened = open_store(db_path, bundled.load)
    assert not opened.recovered and opened.store.document(SLUG, "en") is not None
    opened.store.close()


@pytest.mark.parametrize("damage", [
    pytest.param("UPDATE items SET data = '{\"title\": ' WHERE kind = 'document' AND locale = 'es'", id="not-json"),
    pytest.param("UPDATE items SET data = replace(data, 'liver', 'lung') WHERE kind = 'document' AND locale = 'en'",
                 id="a-word-changed"),
    pytest.param("UPDATE items SET data = replace(data, 'quimioterapia', 'radioterapia') WHERE kind = 'treatment'",
                 id="treatments-changed"),
])
def test_a_damaged_item_is_never_shown_and_the_reader_is_told(tmp_path: Path, db_path: Path, damage: str) -> None:
    fresh = open_store(tmp_path / "fresh" / "clara.sqlite3", bundled.load).store
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute(damage)
    conn.close()
    opened = open_store(db_path, bundled.load)
    store = opened.store
    try:
        assert not opened.recovered  # the file is sound; an item in it is not
        for locale in ("en", "es"):
            shown = store.documents(locale)
            for doc in shown:  # what is still shown is exactly what was stored, never the damage
                assert doc == fresh.document(doc["slug"], locale) or doc["treatments"] != \
                    fresh.document(doc["slug"], locale)["treatments"]
        assert store.repairing, "the reader must be told part of the content is being fetched again"
        assert store.sync_token is None  # the next sync asks for a complete copy
    finally:
        store.close()
        fresh.close()


def _file_offsets(path: Path, text: bytes) -> list[int]:
    raw = path.read_bytes()
    found, start = [], 0
    while (start := raw.find(text, start)) != -1:
        found.append(start)
        start += 1
    return found


def test_bit_flips_in_stored_items_are_all_noticed(tmp_path: Path, db_path: Path) -> None:
    """40 single-bit flips inside stored document pages: each is healed from the snapshot (the file is
    unsound), or its item is dropped and the reader told, or nothing the reader sees changed."""
    original = open_store(db_path, bundled.load).store
    seen = {loc: original.documents(loc) for loc in ("en", "es")}
    original.close()
    offsets = _file_offsets(db_path, b"Besides surgery") + _file_offsets(db_path, "cirugía".encode())
    assert offsets
    rng = random.Random(7)
    silent = 0
    for n in range(40):
        copy = tmp_path / f"flip-{n}.sqlite3"
        raw = bytearray(db_path.read_bytes())
        at = rng.choice(offsets) + rng.randrange(0, 400)
        raw[at] ^= 1 << rng.randrange(8)
        copy.write_bytes(bytes(raw))
        opened = open_store(copy, bundled.load)
        try:
            shown = {loc: opened.store.documents(loc) for loc in ("en", "es")}
            if not opened.recovered and not opened.store.repairing:
                assert shown == seen, f"flip {n} at {at} changed what readers see without a word"
                silent += 1
        finally:
            opened.store.close()
    assert silent < 40  # the flips did land in what is shown


def test_a_damaged_search_index_is_found_and_rebuilt(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("UPDATE search_data SET block = x'deadbeef' WHERE id > 1")
    conn.close()
    opened = open_store(db_path, bundled.load)
    try:
        assert not opened.store.check_search()  # found, and rebuilt
        hits = opened.store.search("quimio", "es")
        assert hits and hits[0].title
        assert opened.store.check_search()
    finally:
        opened.store.close()


def test_the_health_check_goes_round_every_item_in_slices_then_the_index(db: Store) -> None:
    db.conn.execute("UPDATE items SET data = replace(data, 'liver', 'lung') WHERE kind = 'document'")
    assert db.health_check(budget_seconds=0) == 0  # no time: nothing checked, nothing lost
    assert db.health_check(budget_seconds=5) == 2
    assert db.repairing and db.sync_token is None
    assert db.meta("checked_up_to") == "0"  # a whole round was done


def test_a_search_index_that_fails_while_reading_is_rebuilt_on_the_spot(db: Store) -> None:
    db.conn.execute("DROP TABLE search")
    db.conn.execute("CREATE TABLE search (unrelated TEXT)")  # any query on it fails
    hits = db.search("quimio", "es")
    assert hits and hits[0].title


def test_search_survives_an_index_that_cannot_be_rebuilt(db: Store, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(search, "query", broken)
    assert db.search("quimio", "es") == []
