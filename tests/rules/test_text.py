"""Folding for search and order: one rule (:mod:`rules.text`) for the server's index, the phone's
search and the phone's alphabetical lists."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

import api.search
import api.search.text
import mobile.search
import mobile.store
import mobile.views
from rules.text import _TABLE, fold, fold_char


def test_every_caller_folds_with_the_one_rule() -> None:
    # The server folded only below U+0250 with NFD; the phone used NFKD over all of Unicode:
    # they disagreed on 1,825 characters ("²", "µ", Greek and Vietnamese accents…).
    assert api.search.fold is fold
    assert api.search.text.fold is fold
    assert mobile.search.fold is fold
    assert mobile.store.fold is fold
    assert mobile.views.fold is fold


@pytest.mark.parametrize(("written", "folded"), [
    ("Metástasis HEPÁTICAS", "metastasis hepaticas"),
    ("niño ÑANDÚ", "nino nandu"),
    ("5 µg in 2 m²", "5 μg in 2 m2"),  # compatibility forms: the micro sign is Greek mu, ² is 2
    ("ΣΟΦΊΑ", "σοφια"),
    ("Tiếng Việt", "tieng viet"),
    ("Straße", "straße"),  # ß folds to "ss", two letters: it keeps its place as itself
    ("ﬁn 한국", "ﬁn 한국"),  # a ligature or a Hangul syllable is more than a letter and its marks
])
def test_case_accents_and_compatibility_forms_are_ignored(written: str, folded: str) -> None:
    assert fold(written) == folded


@given(st.text())
def test_every_character_keeps_its_place_and_folding_twice_changes_nothing(text: str) -> None:
    folded = fold(text)
    assert len(folded) == len(text)
    assert fold(folded) == folded


@given(st.text(alphabet=st.characters(max_codepoint=0xFF)))
def test_the_latin1_fast_path_gives_the_plain_answer(text: str) -> None:
    assert fold(text) == text.translate(_TABLE) == "".join(fold_char(c) for c in text)


def test_the_server_and_both_phone_engines_find_accented_words_from_plain_ones() -> None:
    query = "metastasis hepaticas"
    assert api.search.query_words(query, "es") == ["metastasis", "hepaticas"]
    for engine in ("fts5", "plain"):
        db = sqlite3.connect(":memory:")
        used = mobile.search.create_table(db, engine)
        db.execute("INSERT INTO search (locale, kind, slug, target, title, body) VALUES (?, ?, ?, ?, ?, ?)"
                   if used == "fts5" else "INSERT INTO search VALUES (?, ?, ?, ?, ?, ?, ?)",
                   ("es", "section", "s", "t", "Metástasis hepáticas", "Texto",
                    *([] if used == "fts5" else [fold("Metástasis hepáticas\nTexto")])))
        hits = mobile.search.query(db, mobile.search.Indexes(), 0, query, "es").hits
        assert [h.title for h in hits] == ["Metástasis hepáticas"], engine
