"""What a page shows, read from the content without HTTP: fallbacks, headings, glossary marking."""

from __future__ import annotations

import copy
import itertools
import json

import pytest

from api.content.snapshot import Snapshot, build_snapshot
from api.embed.templates import render
from api.embed.view import Term, page_view
from tests.conftest import BUNDLED
from tests.embed.html import Page

SLUG = "liver-metastases-treatment"
DATA = json.loads(BUNDLED.read_text(encoding="utf-8"))


def href(locale: str, section: str | None) -> str:
    return f"/embed/{SLUG}?lang={locale}" + (f"&section={section}" if section else "")


def html(snapshot: Snapshot, locale: str, section: str | None = None) -> Page:
    document = snapshot.documents[SLUG]
    chosen = next(s for s in document.sections if s.id == section) if section else None
    view = page_view(snapshot, document, locale, chosen, href)
    return Page(render("page.html", page=view, locale=locale, page_title=view.page_title, parent_origin=None,
                       static="/embed/static/", oembed_href=None))


@pytest.fixture(scope="module")
def bundled() -> Snapshot:
    return build_snapshot(copy.deepcopy(DATA))


@pytest.fixture(scope="module")
def partly_translated() -> Snapshot:
    """Spanish as a draft locale with a few texts not yet translated."""
    data = copy.deepcopy(DATA)
    next(loc for loc in data["locales"] if loc["code"] == "es")["required"] = False
    document = data["documents"][0]
    del document["sections"][0]["heading"]["es"]
    del document["sections"][0]["blocks"][0]["text"]["es"]
    del next(t for t in data["glossary"] if t["id"] == "tumor")["definition"]["es"]
    return build_snapshot(data)


def test_a_missing_translation_shows_the_fallback_marked_with_its_own_language(partly_translated) -> None:
    page = html(partly_translated, "es")
    assert page.one("html").attrs["lang"] == "es"
    heading = next(h for h in page.all("h2") if h.attrs.get("id") == "section-overview")
    assert heading.attrs["lang"] == "en"
    assert heading.text == "Treating liver metastases"
    intro = page.by_class("para")[0]
    assert intro.attrs["lang"] == "en" and intro.text.startswith("Liver metastases")


def test_glossary_words_in_fallback_text_are_found_in_that_text_s_language(partly_translated) -> None:
    page = html(partly_translated, "es")
    intro = page.by_class("para")[0]
    words = [e.text for e in intro.find("dfn")]
    assert words == ["Liver metastases", "metastasis", "primary cancer"]


def test_a_missing_definition_falls_back_and_says_so(partly_translated) -> None:
    page = html(partly_translated, "es")
    tumor = next(e for e in page.all("details") if e.children and "tumores" in e.text)
    definition = next(e for e in tumor.find("span") if e.attrs.get("lang") == "en")
    assert definition.text == "A lump or growth made of cells that grow when they should not."


def test_the_whole_document_has_one_h1_and_no_skipped_heading_levels(bundled) -> None:
    for locale in ("en", "es"):
        levels = [level for level, _ in html(bundled, locale).headings()]
        assert levels.count(1) == 1 and levels[0] == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_a_section_alone_is_headed_by_its_own_heading_under_the_document_title(bundled) -> None:
    page = html(bundled, "en", "surgery")
    headings = page.headings()
    assert headings[0] == (1, "Surgery")
    assert [h for h in headings if h[0] == 2][:3] == [
        (2, "Laparoscopic surgery"), (2, "Robotic surgery"), (2, "Liver surgery during colorectal cancer surgery")]
    hgroup = page.one("hgroup")
    assert "How are liver metastases treated?" in hgroup.text


def test_each_treatment_card_explains_its_own_words(bundled) -> None:
    document = bundled.documents[SLUG]
    surgery = next(s for s in document.sections if s.id == "surgery")
    view = page_view(bundled, document, "en", surgery, href)
    cards = next(b for b in view.sections[0].blocks if b.kind == "treatments").cards
    for card in cards[:2]:
        words = [p.text for p in card.summary.parts if isinstance(p, Term)]
        assert "minimally invasive surgery" in words


def test_a_term_is_marked_once_across_the_items_of_a_list(bundled) -> None:
    document = bundled.documents[SLUG]
    view = page_view(bundled, document, "en", document.sections[0], href)
    items = next(b for b in view.sections[0].blocks if b.kind == "list").items
    words = [p.text.lower() for item in items for p in item.parts if isinstance(p, Term)]
    assert len(words) == len(set(words))
    assert "tumors" in words and "chemotherapy" in words


def test_the_other_language_link_is_labelled_in_that_language(bundled) -> None:
    document = bundled.documents[SLUG]
    view = page_view(bundled, document, "en", None, href)
    (link,) = view.languages
    assert (link.label.text, link.label.lang, link.hreflang) == ("En español", "es", "es")
