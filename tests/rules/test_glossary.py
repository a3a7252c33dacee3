"""Glossary words are found where the reader first meets them, and only there: one rule
(:mod:`rules.glossary`), and the embeds and the phone mark exactly what it finds."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from api.content.snapshot import load_file
from api.embed.view import BlockView, MarkedText, page_view
from api.embed.view import Term as ShownTerm
from mobile import i18n, views
from mobile import snapshot as bundled
from mobile.markup import LEADING, TRAILING, Term, find_first_uses
from mobile.store import open_store
from rules.glossary import Use, first_uses, split
from tests.server import ROOT

Marker = Callable[[list[str], dict[str, list[str]]], list[list[str]]]


def by_rule(texts: list[str], forms: dict[str, list[str]]) -> list[list[str]]:
    return [[text[u.start:u.end] for u in uses] for text, uses in zip(texts, first_uses(texts, forms), strict=True)]


def by_phone(texts: list[str], forms: dict[str, list[str]]) -> list[list[str]]:
    terms = [Term(term_id, written[0], "", tuple(written[1:])) for term_id, written in forms.items()]
    return [[text[s:e] for s, e, _ in spans] for text, spans in zip(texts, find_first_uses(texts, terms), strict=True)]


every_caller = pytest.mark.parametrize("marked", [by_rule, by_phone], ids=["rule", "phone"])


def one(marked: Marker, text: str, forms: dict[str, list[str]]) -> list[str]:
    return marked([text], forms)[0]


@every_caller
def test_the_first_use_of_each_term_is_marked_once(marked: Marker) -> None:
    assert one(marked, "A tumor is a lump. Tumors can grow.", {"tumor": ["tumor", "tumors"]}) == ["tumor"]


@every_caller
def test_matching_ignores_case_and_uses_the_other_forms(marked: Marker) -> None:
    assert one(marked, "Tumors can grow.", {"tumor": ["tumor", "tumors"]}) == ["Tumors"]


@every_caller
def test_only_whole_words_match(marked: Marker) -> None:
    assert one(marked, "Tumorous growths and an MRI scan.", {"tumor": ["tumor"], "mr": ["MR"]}) == []


@every_caller
def test_accented_words_are_whole_words_too(marked: Marker) -> None:
    text = "Las metástasis hepáticas son un cáncer."
    assert one(marked, text, {"liver": ["metástasis hepáticas"], "meta": ["metástasis"]}) == ["metástasis hepáticas"]


@every_caller
def test_the_longer_term_wins_where_two_start_together_and_the_shorter_is_found_later(marked: Marker) -> None:
    text = "Liver metastases are cancer. When cancer spreads like this, it is called metastasis."
    forms = {"metastasis": ["metastasis", "metastases"], "liver-metastases": ["liver metastases"]}
    assert one(marked, text, forms) == ["Liver metastases", "metastasis"]


@every_caller
def test_reading_order_decides_between_overlapping_terms(marked: Marker) -> None:
    # The phone once placed longer terms first, wherever they were: "metastases treatment"
    # (20 letters) took the words from "liver metastases" (16), which the reader meets first.
    text = "Liver metastases treatment depends on the tumors."
    forms = {"liver-metastases": ["liver metastases"], "treatment": ["metastases treatment"]}
    assert one(marked, text, forms) == ["Liver metastases"]


@every_caller
def test_a_term_split_across_a_line_break_is_still_found(marked: Marker) -> None:
    # The embeds once matched the form's spaces exactly and missed this use.
    assert one(marked, "Ask about a clinical\ntrial today.", {"trial": ["clinical trial"]}) == ["clinical\ntrial"]


@every_caller
def test_a_list_marks_each_term_in_the_first_item_that_has_it(marked: Marker) -> None:
    assert marked(["No words here.", "A tumor.", "Another tumor."], {"tumor": ["tumor"]}) == [[], ["tumor"], []]


@every_caller
def test_regex_characters_in_a_term_are_literal(marked: Marker) -> None:
    text = "It is called stereotactic body radiation therapy (SBRT). SBRT is precise."
    assert one(marked, text, {"sbrt": ["stereotactic body radiation therapy (SBRT)", "SBRT"]}) == [
        "stereotactic body radiation therapy (SBRT)"]


def test_terms_already_used_in_the_reading_unit_are_not_marked_again() -> None:
    used: set[str] = set()
    assert [len(u) for u in first_uses(["Surgery removes tumors."], {"tumor": ["tumors"]}, used)] == [1]
    assert [len(u) for u in first_uses(["Radiation shrinks tumors."], {"tumor": ["tumors"]}, used)] == [0]
    assert used == {"tumor"}


def test_split_keeps_every_character_in_order() -> None:
    text = "Ask about a clinical trial today."
    [uses] = first_uses([text], {"trial": ["clinical trial", "trial"]})
    parts = split(text, uses)
    assert parts == ["Ask about a ", Use("trial", 12, 26), " today."]
    assert "".join(p if isinstance(p, str) else text[p.start:p.end] for p in parts) == text


def _marked_texts(block: BlockView) -> list[MarkedText]:
    """The texts of an embed block the phone shows too (of a card, only its summary)."""
    if block.text:
        return [block.text]
    return [*block.items, *(e.description for e in block.entries), *(c.summary for c in block.cards)]


REF = re.compile(r"\[ref=([^\]]+)\](?:\[[^\]]*\])*(.*?)\[/u\]")


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_embeds_and_the_phone_mark_the_same_words_in_the_bundled_content(tmp_path: Path, locale: str) -> None:
    snapshot = load_file(ROOT / "content.json")
    db = open_store(tmp_path / "clara.sqlite3", bundled.load).store
    texts = i18n.texts(db.strings(locale), db.strings("en"))
    marked = 0
    for document in snapshot.documents.values():
        page = page_view(snapshot, document, locale, None, lambda loc, section: "")
        doc = db.document(document.slug, locale)
        for section in page.sections:
            on_page = [part.text for block in section.blocks for rich in _marked_texts(block)
                       for part in rich.parts if isinstance(part, ShownTerm)]
            on_phone = [i18n.plain(found) for item in views.section(doc, section.id, "#000", texts)
                        for _, found in REF.findall(item.detail if item.kind in ("person", "card") else item.text)]
            # the phone keeps punctuation touching a word inside its link (see mobile.markup._glue)
            assert len(on_page) == len(on_phone), (document.slug, section.id, on_page, on_phone)
            for words, linked in zip(on_page, on_phone, strict=True):
                assert words in linked and set(linked.replace(words, "", 1)) <= set(LEADING + TRAILING), (words, linked)
            marked += len(on_page)
    assert marked > 20, "too few glossary words marked for the comparison to prove anything"
    db.close()
