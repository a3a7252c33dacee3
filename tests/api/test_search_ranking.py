"""The fast ranking returns exactly what scoring every entry returns: same hits, order and scores.

The reference below is the plain algorithm written independently of the index's new layout
(a dict of term frequencies per token, every entry of every word scored). The corpus repeats
the same page for many organs, so scores tie in large groups: the hard case for ordering.
"""

from __future__ import annotations

import math
import random
from array import array
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.content.snapshot import load_bytes
from api.search import fold, search
from api.search import index as search_index
from bench import corpus
from rules.search import index as shared_index
from rules.search import ranking
from rules.search.index import TITLE_WEIGHT
from rules.search.query import alternatives
from rules.search.words import WORD

SNAPSHOT = load_bytes(corpus.dumps(40))


def _reference_index(locale: str) -> tuple[dict[str, dict[int, float]], list[int], float, list[str]]:
    entries = search_index.build_index(SNAPSHOT, locale).entries
    postings: dict[str, dict[int, float]] = defaultdict(dict)
    lengths = []
    for index, entry in enumerate(entries):
        length = 0
        for weight, text in ((TITLE_WEIGHT, entry.title), (TITLE_WEIGHT, entry.keywords), (1.0, entry.body)):
            for token in WORD.findall(fold(text)):
                length += 1
                postings[token][index] = postings[token].get(index, 0.0) + weight
        lengths.append(length)
    return dict(postings), lengths, sum(lengths) / len(lengths), sorted(postings)


REFERENCE = {locale: _reference_index(locale) for locale in ("en", "es")}


def reference(query: str, locale: str, first: int) -> list[tuple[str, str, float]]:
    """Every entry scored, the plain way, for the query and each rewrite its lay words lead to; the
    vocabulary words each query word matches are the index's (tests/rules/test_search_rules.py
    specifies those)."""
    postings, lengths, average, _vocabulary = REFERENCE[locale]
    index = search_index.index_for(SNAPSHOT, locale)
    entries = index.entries
    best: dict[int, float] = {}
    for words, boost in alternatives(index, query):
        scores: dict[int, float] | None = None
        for word in words:
            expansions = [(index.vocabulary[t], weight) for t, weight in index.expand(word)]
            word_scores: dict[int, float] = {}
            for token, weight in expansions:
                found = postings[token]
                idf = math.log(1 + (len(entries) - len(found) + 0.5) / (len(found) + 0.5))
                for entry, tf in found.items():
                    norm = tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * lengths[entry] / average))
                    word_scores[entry] = max(word_scores.get(entry, 0.0), weight * idf * norm)
            scores = word_scores if scores is None else {e: s + word_scores[e] for e, s in scores.items()
                                                          if e in word_scores}
            if not scores:
                break
        for entry, score in (scores or {}).items():
            score = score * boost if boost != 1.0 else score
            best[entry] = max(best.get(entry, 0.0), score)
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:first]
    return [(entries[e].kind, entries[e].id, round(score, 4)) for e, score in ranked]


def fast(query: str, locale: str, first: int) -> list[tuple[str, str, float]]:
    return [(hit.kind, hit.id, hit.score) for hit in search(SNAPSHOT, query, locale, first)]


QUERIES = ["quimioterapia", "metástasis", "radio", "cirugía del hígado", "terapia de protones",
           "equipo de atención", "ablación", "pulmón", "tumor", "ensayos clínicos", "quimio", "equipo",
           "radioterapia estereotáctica", "equipo atención cáncer", "el equipo de su cáncer", "tra", "c",
           "cancer team", "liver surgery", "proton therapy", "care team doctor", "the", "zzz", "tumor zzz",
           "quimioterpia", "cirugias", "tratamientos", "chemoterapy", "radiotherapy", "tumour", "surgeries",
           "efetcos secundarios", "cancer that spread to the liver"]


@pytest.fixture(params=["score the shared entries", "threshold algorithm", "threshold algorithm, shared entries",
                        "threshold algorithm, merged expansions", "threshold algorithm, binary searches only"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Several words are ranked one of three ways, by how many entries they share, and a word's
    expansions are read merged or a block at a time, looked up in tables or by binary search:
    run each on every query."""
    if request.param != "score the shared entries":
        monkeypatch.setattr(ranking, "FEW", 0)
    if request.param == "threshold algorithm, shared entries":
        monkeypatch.setattr(ranking, "FEW", 50_000)
        monkeypatch.setattr(ranking, "DIRECT", 0)
    elif request.param == "threshold algorithm, merged expansions":
        monkeypatch.setattr(ranking, "MERGED", 0)
    elif request.param == "threshold algorithm, binary searches only":
        for index in search_index.index_for(SNAPSHOT, "en"), search_index.index_for(SNAPSHOT, "es"):
            monkeypatch.setattr(index, "dense", {})


@pytest.mark.parametrize("first", [1, 3, 10, 50])
@pytest.mark.parametrize("query", QUERIES)
def test_the_fast_ranking_is_the_reference_ranking(way: None, query: str, first: int) -> None:
    for locale in ("en", "es"):
        assert fast(query, locale, first) == reference(query, locale, first), (query, locale)


def test_many_word_combinations(way: None) -> None:
    rng = random.Random(6)
    for locale in ("en", "es"):
        vocabulary = REFERENCE[locale][3]
        for _ in range(300):
            words = [rng.choice(vocabulary)[:rng.randint(2, 8)] for _ in range(rng.randint(1, 3))]
            query = " ".join(words)
            first = rng.choice([1, 5, 10, 50])
            assert fast(query, locale, first) == reference(query, locale, first), (query, locale, first)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(REFERENCE["es"][3]), min_size=1, max_size=4), st.integers(1, 50))
def test_generated_queries(words: list[str], first: int) -> None:
    query = " ".join(w[: max(1, len(w) - 2)] for w in words)
    assert fast(query, "es", first) == reference(query, "es", first)


@st.composite
def _words(draw: st.DrawFn) -> tuple[shared_index.LocaleIndex, list[list[shared_index.Token]]]:
    """Two to four words over a few small vocabulary words whose scores tie often.

    Frequencies, entry lengths and boosts come from tiny sets, so term weights and scores repeat.
    """
    entries = search_index.Entries("es", "es", {})
    index = shared_index.LocaleIndex(entries, "es")
    for _ in range(26):
        entries.add("term", None)
        index.add_length(draw(st.sampled_from([1, 2, 4, 8])))
    words = []
    for w in range(draw(st.integers(1, 4))):
        names = []
        for k in range(draw(st.integers(1, 3))):
            found = sorted(draw(st.sets(st.integers(0, 25), min_size=1, max_size=20)))
            tfs = [draw(st.sampled_from([1, 2, 3])) for _ in found]
            index.add_postings(name := f"w{w}t{k}", found, tfs)
            names.append((name, draw(st.sampled_from([1.0, 0.6, 3.0, 0.1 + 0.2]))))
        words.append(names)
    index.finish()
    number = {word: t for t, word in enumerate(index.vocabulary)}
    return index, [[shared_index.Token(index.starts[number[name]], index.starts[number[name] + 1], boost,
                                         index.dense.get(number[name])) for name, boost in names]
                   for names in words]


@pytest.mark.parametrize("merged", [0, 4])
@pytest.mark.parametrize("dense", [0, 1_000])
@settings(max_examples=400, deadline=None, derandomize=True)
@given(_words(), st.integers(1, 12))
def test_the_threshold_algorithm_on_tied_scores(merged: int, dense: int, words, first: int) -> None:
    index, expansions = words
    if not dense:
        index.dense = {}
        expansions = [[shared_index.Token(t.start, t.end, t.boost) for t in tokens] for tokens in expansions]
    expected = ranking.score_every(index, expansions, first)
    assert ranking.threshold_top(index, expansions, first, merged_above=merged) == expected
    sizes = [1] * len(expansions)
    if len(expansions) > 1:
        matching = ranking.shared_entries(index, expansions, sizes)
        assert ranking.threshold_top(index, expansions, first, matching, merged_above=merged) == expected
        assert ranking.score_shared(index, expansions, matching, first) == expected


def test_the_index_keeps_no_copy_of_the_text() -> None:
    index = search_index.build_index(SNAPSHOT, "es")
    document = next(iter(SNAPSHOT.documents.values()))
    assert index.entries.sources[0] is document
    assert index.entries[0].title is document.title.get("es")
    assert index.frequencies.itemsize == 1  # every weighted frequency fits in a byte here


@given(st.lists(st.tuples(st.integers(0, 300), st.floats(0.3, 20.0)), max_size=40), st.floats(0.01, 30.0))
def test_the_weights_of_a_list_are_the_weights_one_by_one_to_the_bit(pairs, boost) -> None:
    tfs = [tf for tf, _ in pairs]
    damping = array("d", [d for _, d in pairs])
    weights = shared_index.bm25_weights(tfs, list(range(len(pairs))), damping, boost)
    assert weights == [boost * shared_index.bm25_weight(tf, d) for tf, d in pairs]
