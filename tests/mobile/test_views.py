"""What the screens say, decided without a window: items, dates, ages and the offline banner."""

from __future__ import annotations

import datetime as dt

import pytest

from mobile import i18n, views
from mobile.store import Store
from rules.text import fold

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
SLUG = "liver-metastases-treatment"


@pytest.fixture
def texts(db: Store):
    return {code: i18n.texts(db.strings(code), db.strings("en")) for code in ("en", "es")}


@pytest.mark.parametrize(("seconds", "en", "es"), [
    (10, "just now", "hace un momento"),
    (60, "1 minute ago", "hace 1 minuto"),
    (600, "10 minutes ago", "hace 10 minutos"),
    (3600 * 5, "5 hours ago", "hace 5 horas"),
    (86400, "1 day ago", "hace 1 día"),
    (86400 * 12, "12 days ago", "hace 12 días"),
])
def test_age_reads_naturally_in_both_languages(texts, seconds: int, en: str, es: str) -> None:
    then = NOW - dt.timedelta(seconds=seconds)
    assert i18n.age(texts["en"], then, NOW) == en
    assert i18n.age(texts["es"], then, NOW) == es


def test_dates_are_written_out(texts) -> None:
    assert i18n.date(texts["en"], "2026-11-27") == "November 27, 2026"
    assert i18n.date(texts["es"], "2026-11-27") == "27 de noviembre de 2026"


def test_a_missing_string_shows_its_key_rather_than_breaking() -> None:
    t = i18n.texts({"a": "A"}, {"b": "B"})
    assert (t["a"], t["b"], t["nothing.here"]) == ("A", "B", "nothing.here")


def test_the_banner_says_offline_and_how_old_the_content_is(texts) -> None:
    built_in = views.banner(texts["es"], status="offline", synced_at=None, now=NOW, recovered=False)
    assert built_in == "No tiene conexión. Está leyendo la copia incluida en la aplicación."
    synced = views.banner(texts["en"], status="offline", synced_at=NOW - dt.timedelta(days=3), now=NOW,
                          recovered=False)
    assert synced == "You are offline. Content updated 3 days ago."
    assert views.banner(texts["en"], status="idle", synced_at=NOW, now=NOW, recovered=False) == ""
    restored = views.banner(texts["en"], status="idle", synced_at=None, now=NOW, recovered=True)
    assert "restored the copy built into the app" in restored


def test_the_banner_says_when_damaged_content_is_hidden_until_fetched_again(texts) -> None:
    note = views.banner(texts["es"], status="idle", synced_at=NOW, now=NOW, recovered=False, repairing=True)
    assert note == ("Una parte del contenido guardado estaba dañada. No se muestra hasta que la aplicación "
                    "la descargue de nuevo.")
    offline = views.banner(texts["en"], status="offline", synced_at=NOW, now=NOW, recovered=False, repairing=True)
    assert offline.startswith("Part of the saved content was damaged.") and "offline" in offline


def test_a_section_marks_its_glossary_words_and_lists_them(db: Store, texts) -> None:
    doc = db.document(SLUG, "es")
    items = views.section(doc, "overview", "#123456", texts["es"])
    assert items[0].kind == "title" and items[0].text == "Tratamiento de las metástasis hepáticas"
    assert any("[ref=liver-metastases]" in i.text for i in items if i.kind == "paragraph")
    words = [i for i in items if i.kind == "term"]
    assert {"liver-metastases", "metastasis", "chemotherapy"} <= {w.target for w in words}
    assert [w.text for w in words] == sorted((w.text for w in words), key=fold)


def test_every_block_of_every_section_becomes_something(db: Store, texts) -> None:
    for locale in ("en", "es"):
        doc = db.document(SLUG, locale)
        for section in doc["sections"]:
            items = views.section(doc, section["id"], "#000", texts[locale])
            shown = len([i for i in items if i.kind not in ("title", "hint", "heading", "term")])
            assert shown >= len(section["blocks"]), section["id"]


def test_a_treatment_shows_what_it_is_how_it_works_and_the_institution(db: Store, texts) -> None:
    items = views.treatment(db.document(SLUG, "en"), "proton-therapy", "#000", texts["en"])
    kinds = [i.kind for i in items]
    assert kinds[:5] == ["title", "field", "paragraph", "heading", "paragraph"]
    assert "callout" in kinds


def test_about_shows_source_review_disclaimer_and_last_sync(db: Store, texts) -> None:
    items = views.about(db.document(SLUG, "en"), texts["en"], None, NOW)
    text = "\n".join(i.text + " " + i.detail for i in items)
    for needed in ("Source", "Last reviewed", "November 27, 2026", "Reviewed by", "not medical advice",
                   "You are reading the copy built into the app"):
        assert needed in text


def test_the_glossary_is_alphabetical_ignoring_accents(db: Store, texts) -> None:
    items = views.glossary(db.documents("es"), texts["es"])[1:]
    keys = [fold(i18n.plain(i.text)) for i in items]
    assert keys == sorted(keys)
    assert len(items) == len(db.document(SLUG, "es")["glossary"])
