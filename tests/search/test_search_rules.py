"""Search forgives what patients type, in both languages, on the server and the phone alike.

Each rule once per language: word forms, typos of one and two edits, swapped letters, lay words,
did-you-mean; the fast paths (RapidFuzz) against the plain loops; a lay word pointing nowhere is a
check-content line; and the query set of tests/search/queries.py, on the server and on the
phone's store, with the same top three on both.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from api import search
from api.content.live import LiveContent
from mobile.store import Store
from rules.search import spelling
from rules.search.suggestions import Suggester
from rules.search.synonyms import Synonyms
from rules.search.words import stem
from tests.search.queries import QUERIES
from tests.server import ROOT

SNAPSHOT = LiveContent.open(ROOT / "content.json").current


def top(query: str, locale: str, first: int = 3) -> list[str]:
    return [f"{hit.kind}/{hit.id}" for hit in search.search(SNAPSHOT, query, locale, first)]


@pytest.mark.parametrize(("locale", "plural", "singular"), [
    ("en", "surgeries", "surgery"), ("en", "treatments", "treatment"),
    ("es", "cirugias", "cirugia"), ("es", "cirugías", "cirugía"), ("es", "tratamientos", "tratamiento"),
])
def test_a_plural_finds_what_its_singular_finds(locale: str, plural: str, singular: str) -> None:
    assert stem(search.fold(plural), locale) == stem(search.fold(singular), locale)
    assert top(plural, locale, 5) == top(singular, locale, 5)


def test_an_exact_word_ranks_above_its_other_forms() -> None:
    for locale, word, other in (("en", "treatment", "treatments"), ("es", "tratamiento", "tratamientos")):
        index = search.index_for(SNAPSHOT, locale)
        weights = {index.vocabulary[t]: weight for t, weight in index.expand(word)}
        assert weights[word] > weights[other] > 0


@pytest.mark.parametrize(("locale", "typed", "wanted", "edits"), [
    ("en", "chemoterapy", "treatment/chemotherapy", 1),
    ("en", "radioembolisaton", "treatment/radioembolization", 2),
    ("en", "chemotherpay", "treatment/chemotherapy", 1),  # swapped letters count as one edit
    ("es", "quimioterpia", "treatment/chemotherapy", 1),
    ("es", "radioembolizasion", "treatment/radioembolization", 1),
    ("es", "quimioetrapia", "treatment/chemotherapy", 1),
    ("es", "radiofrecuensia", "treatment/radiofrequency-ablation", 1),
])
def test_a_misspelled_word_finds_what_it_was_meant_to(locale: str, typed: str, wanted: str, edits: int) -> None:
    index = search.index_for(SNAPSHOT, locale)
    found, _ = spelling.corrections(index.vocabulary, typed)
    assert found == edits
    assert wanted in top(typed, locale)


def test_the_allowance_grows_with_the_word_and_the_first_letter_must_be_right() -> None:
    assert [spelling.allowance("x" * n) for n in (3, 4, 5, 8, 9, 14)] == [0, 0, 1, 1, 2, 2]
    assert top("tumpr", "en") != [] and top("tmor", "en") == []  # 5 letters: one edit; 4: none
    assert top("xhemotherapy", "en") == []  # the first letter is wrong: no correction…
    assert "chemotherapy" in search.suggestions(SNAPSHOT, "xhemotherapy", "en")  # …but a suggestion


def test_corrections_never_drown_exact_and_prefix_matches() -> None:
    index = search.index_for(SNAPSHOT, "en")
    assert all(weight >= 0.6 for _, weight in index.expand("radia"))  # a prefix: no corrections looked for
    assert index.expand("chemoterapy") and all(weight < 0.6 for _, weight in index.expand("chemoterapy"))


@pytest.mark.parametrize(("locale", "lay", "wanted"), [
    ("en", "radiotherapy", "term/radiation-therapy"),
    ("en", "cancer that spread to the liver", "term/liver-metastases"),
    ("en", "tumour", "term/tumor"),
    ("es", "protonterapia", "treatment/proton-therapy"),
    ("es", "cáncer que se extendió al hígado", "term/liver-metastases"),
    ("es", "médico del cáncer", "term/oncologist"),
])
def test_a_lay_word_finds_the_term_it_stands_for(locale: str, lay: str, wanted: str) -> None:
    assert wanted in top(lay, locale)


def test_liver_cancer_is_no_synonym_of_liver_metastases() -> None:
    index = search.index_for(SNAPSHOT, "en")
    assert index.synonyms.rewrites(["liver", "cancer"]) == []
    assert Synonyms("en", [("radiotherapy", "radiation therapy")]).rewrites(["radiotherapy", "risks"]) == [
        ["radiation", "therapy", "risks"]]


@pytest.mark.parametrize(("locale", "typed", "meant"), [
    ("en", "xhemotherapy", "chemotherapy"), ("en", "embolizashun", "embolization"),
    ("es", "xemoterapia", "quimioterapia"), ("es", "kriioablacion", "crioablación"),
])
def test_a_query_that_finds_nothing_is_offered_the_closest_names(locale: str, typed: str, meant: str) -> None:
    assert top(typed, locale) == []
    offered = search.suggestions(SNAPSHOT, typed, locale)
    assert meant in [name.lower() for name in offered] and len(offered) <= 3
    assert search.suggestions(SNAPSHOT, "chemotherapy", "en") == []  # found: nothing to suggest


def test_the_fast_distances_are_the_plain_ones() -> None:
    if spelling.rapidfuzz is None:
        pytest.skip("RapidFuzz is not installed")
    rng = random.Random(7)
    vocabulary = sorted({"".join(rng.choice("abcde") for _ in range(rng.randrange(1, 11))) for _ in range(3000)})
    for _ in range(300):
        word = "".join(rng.choice("abcde") for _ in range(rng.randrange(4, 12)))
        assert spelling.corrections(vocabulary, word) == spelling.corrections(vocabulary, word, fast=False)
    names = Suggester(["Quimioterapia", "Cirugía robótica", "Crioablación", "Radioterapia de protones", *vocabulary])
    for query in (["kimioterapia"], ["cirujia", "robotika"], ["abcd"], ["eeddcc", "ab"]):
        assert names.suggest(query) == names.suggest(query, fast=False)


def test_a_lay_word_pointing_nowhere_or_shadowing_a_term_is_a_check_content_line(tmp_path: Path) -> None:
    data = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    tumor = next(g for g in data["glossary"] if g["id"] == "tumor")
    tumor["searchAlso"] = {"en": ["…", "chemotherapy"], "es": ["tumoración"]}
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "api.content", "check", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = [line.strip() for line in done.stderr.splitlines()]
    assert "glossary[tumor].searchAlso.en '…': points nowhere: it has no word to match" in lines
    assert any(line.startswith("glossary[tumor].searchAlso.en 'chemotherapy': shadows glossary[chemotherapy]")
               for line in lines), done.stderr


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from mobile import snapshot as bundled
    from mobile.store import open_store

    folder = tmp_path_factory.mktemp("phone")
    return open_store(folder / "clara.db", bundled.load).store


def test_the_query_set_finds_what_patients_want_on_the_server_and_the_phone_alike(phone: Store) -> None:
    assert len(QUERIES) >= 80 and abs(sum(q[0] == "en" for q in QUERIES) - len(QUERIES) / 2) <= 2
    found_server = found_phone = 0
    for locale, query, wanted, _ in QUERIES:
        server = top(query, locale)
        on_phone = [f"{hit.kind}/{hit.target}" for hit in phone.search(query, locale, 3)]
        assert on_phone == server, (locale, query)
        found_server += wanted in server
        found_phone += wanted in on_phone
    assert found_server / len(QUERIES) >= 0.95, found_server
    assert found_phone == found_server


def test_the_phone_offers_the_servers_suggestions(phone: Store) -> None:
    for locale, typed in (("en", "xhemotherapy"), ("es", "xemoterapia")):
        answer = phone.find(typed, locale)
        assert answer.hits == [] and answer.suggestions == search.suggestions(SNAPSHOT, typed, locale)
