"""Did-you-mean: when a query finds nothing, the names of the requested language it is closest to.

The names are the glossary's terms and the treatments' names, as written (accents and all), the
words a patient is most likely reaching for. A name is close when the whole query, folded, is
within two edits in five of it (*cirujia* → *Cirugía*), or when one of the query's longer words
is within its typo allowance plus one of one of the name's words, whatever the first letter
(*xemoterapia* → *Quimioterapia*; search itself requires the first letter). The
closest come first, at most :data:`MAX_SUGGESTIONS`.

RapidFuzz computes the same distances where it is installed (the server); the plain loop serves
the phone. tests/rules/test_search_rules.py compares the two.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.search import spelling
from rules.search.words import words_of

MAX_SUGGESTIONS = 3
CLOSE = 0.4  # edits per letter of the longer text, at most
MIN_WORD = 4  # query words shorter than this are not compared one by one


class Suggester:
    """The names of one language, ready to be compared with a query."""

    def __init__(self, names: Iterable[str]) -> None:
        by_folded: dict[str, str] = {}  # one name per spelling: "quimioterapia" (term) and "Quimioterapia" (treatment)
        for name in names:
            if name.strip():
                by_folded.setdefault(" ".join(words_of(name)), name)
        self.names = list(by_folded.values())
        self.folded = list(by_folded)
        words: dict[str, list[int]] = {}
        for i, name in enumerate(self.folded):
            for word in name.split():
                words.setdefault(word, []).append(i)
        self.words = sorted(words)
        self.named = [words[word] for word in self.words]  # the names each word is in

    def suggest(self, words: list[str], fast: bool = True) -> list[str]:
        """The names closest to the query ``words`` (folded), closest first; none is the query itself."""
        text = " ".join(words)
        if not text:
            return []
        best: dict[int, float] = {}
        for i, score in self._whole(text, fast):
            best[i] = min(score, best.get(i, 1.0))
        for word in words:
            if len(word) >= MIN_WORD:
                for place, edits in self._near_words(word, fast):
                    for i in self.named[place]:
                        score = edits / len(word) + CLOSE  # after every whole match of the same closeness
                        best[i] = min(score, best.get(i, 2.0))
        order = sorted(best, key=lambda i: (best[i], self.folded[i]))
        return [self.names[i] for i in order if self.folded[i] != text][:MAX_SUGGESTIONS]

    def _whole(self, text: str, fast: bool) -> list[tuple[int, float]]:
        if fast and spelling.rapidfuzz is not None:
            found = spelling.rapidfuzz.extract(text, self.folded, scorer=spelling.OSA.normalized_distance,
                                              score_cutoff=CLOSE, limit=None)
            return [(i, score) for _, score, i in found]
        out = []
        for i, name in enumerate(self.folded):
            longest = max(len(text), len(name))
            edits = spelling.distance(text, name, int(CLOSE * longest))
            if edits / longest <= CLOSE:
                out.append((i, edits / longest))
        return out

    def _near_words(self, word: str, fast: bool) -> list[tuple[int, int]]:
        limit = spelling.allowance(word) + 1
        if fast and spelling.rapidfuzz is not None:
            found = spelling.rapidfuzz.extract(word, self.words, scorer=spelling.OSA.distance,
                                              score_cutoff=limit, limit=None)
            return [(place, int(edits)) for _, edits, place in found]
        out = []
        for place, candidate in enumerate(self.words):
            edits = spelling.distance(word, candidate, limit)
            if edits <= limit:
                out.append((place, edits))
        return out
