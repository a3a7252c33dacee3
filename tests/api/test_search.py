"""Search is accent- and case-insensitive, matches prefixes, and stays in the asked language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.content.snapshot import load_file
from api.search import fold, make_snippet, search
from api.search.text import WORD
from tests.server import ROOT


@pytest.fixture(scope="module")
def snapshot():
    return load_file(ROOT / "content.json")


def test_fold_keeps_offsets() -> None:
    text = "Metástasis HEPÁTICAS, niño"
    assert fold(text) == "metastasis hepaticas, nino"
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(("query", "locale", "expected_id"), [
    ("metastasis", "es", "liver-metastases"),
    ("METÁSTASIS", "es", "liver-metastases"),
    ("quimio", "es", "chemotherapy"),
    ("crioablacion", "es", "cryoablation"),
    ("cryoablation", "en", "cryoablation"),
    ("proton", "en", "proton-therapy"),
    ("protones", "es", "proton-therapy"),
])
def test_finds_without_accents_and_by_prefix(snapshot, query: str, locale: str, expected_id: str) -> None:
    hits = search(snapshot, query, locale, first=20)
    assert expected_id in {h.id for h in hits}


def test_results_are_in_the_asked_language(snapshot) -> None:
    spanish = search(snapshot, "quimioterapia", "es")
    english = search(snapshot, "quimioterapia", "en")
    assert spanish and not english


def test_every_word_must_match(snapshot) -> None:
    assert search(snapshot, "proton zebra", "en") == []


def test_names_rank_above_mentions(snapshot) -> None:
    hits = search(snapshot, "radioembolization", "en")
    assert hits[0].id == "radioembolization"


def test_snippet_highlights_the_matched_words() -> None:
    snippet, highlights = make_snippet("La quimioterapia usa medicamentos.", ["quimio"])
    assert [snippet[s:s + n] for s, n in highlights] == ["quimioterapia"]


def test_empty_and_stopword_queries(snapshot) -> None:
    assert search(snapshot, "   ", "en") == []
    assert search(snapshot, "!!!", "es") == []
    assert search(snapshot, "the", "en")  # only stop words: searched as given


@given(st.text(alphabet="aábcñ -.", max_size=60),
       st.lists(st.text(alphabet="abcn", min_size=1, max_size=3), max_size=3))
def test_the_marked_words_are_every_whole_word_that_begins_with_a_query_word(text: str, words: list[str]) -> None:
    shown, highlights = make_snippet(text, words)
    plain = [(m.start(), m.end() - m.start()) for m in WORD.finditer(fold(text))
             if any(m.group().startswith(w) for w in words)]
    assert shown == text and highlights == plain  # short texts are shown whole, so offsets are the text's
