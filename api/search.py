"""Full-text search over one content snapshot, per language, accent- and case-insensitive.

*metastasis* finds *metástasis*; *quimio* finds *quimioterapia* (every word of the query also
matches as a prefix, exact words rank higher). Hits are documents, sections, treatments and
glossary terms, ranked by a BM25-style score with titles weighted above body text, each with a
snippet and the ranges to highlight. The index is built once per content version.
"""

from __future__ import annotations

import bisect
import html
import math
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from api.content.model import CalloutBlock, ListBlock, LocalizedText, ParagraphBlock
from api.content.snapshot import Snapshot

_WORD = re.compile(r"\w+")
_STOP = {
    "en": set(
        "a an and are as at be by for from has have how i if in is it its of on or our that the their "
        "them they this to was we what when which who will with you your"
        .split()
    ),
    "es": set(
        "a al con de del e el en es esta este la las le les lo los o para por que se su sus un una unas "
        "uno unos usted y ya"
        .split()
    ),
}
TITLE_WEIGHT = 3.0
PREFIX_WEIGHT = 0.6
MAX_EXPANSIONS = 64
SNIPPET_CHARS = 160


def _fold_table() -> dict[int, str]:
    table = {}
    for code in range(0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()[:1]
        if base and base != char:
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Lowercase and strip accents, keeping every character at its place (offsets still match)."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Entry:
    kind: str  # document | section | treatment | term
    id: str
    document_slug: str | None
    section_id: str | None
    title: str
    body: str
    keywords: str = ""  # indexed like the title, never shown (other forms of a glossary term)


@dataclass(frozen=True)
class Hit:
    kind: str
    id: str
    document_slug: str | None
    section_id: str | None
    title: str
    snippet: str
    highlights: list[tuple[int, int]]
    score: float

    @property
    def snippet_html(self) -> str:
        out, last = [], 0
        for start, length in self.highlights:
            out += [html.escape(self.snippet[last:start]), "<mark>",
                    html.escape(self.snippet[start:start + length]), "</mark>"]
            last = start + length
        out.append(html.escape(self.snippet[last:]))
        return "".join(out)


@dataclass
class LocaleIndex:
    entries: list[Entry] = field(default_factory=list)
    # token -> {entry index: weighted term frequency}
    postings: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    vocabulary: list[str] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    average_length: float = 1.0

    def add(self, entry: Entry) -> None:
        index = len(self.entries)
        self.entries.append(entry)
        length = 0
        for weight, text in ((TITLE_WEIGHT, entry.title), (TITLE_WEIGHT, entry.keywords), (1.0, entry.body)):
            for token in _WORD.findall(fold(text)):
                length += 1
                slot = self.postings[token]
                slot[index] = slot.get(index, 0.0) + weight
        self.lengths.append(length)

    def finish(self) -> None:
        self.vocabulary = sorted(self.postings)
        self.average_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0
        self.postings = dict(self.postings)

    def expand(self, token: str) -> list[tuple[str, float]]:
        """The vocabulary words a query word matches: itself, then words it begins."""
        matches = [(token, 1.0)] if token in self.postings else []
        start = bisect.bisect_left(self.vocabulary, token)
        for word in self.vocabulary[start:start + MAX_EXPANSIONS + 1]:
            if not word.startswith(token):
                break
            if word != token:
                matches.append((word, PREFIX_WEIGHT))
        return matches


def _text(value: LocalizedText | None, locale: str, fallback: str) -> str:
    if value is None:
        return ""
    return value.get(locale) or value.get(fallback) or ""


def build_index(snapshot: Snapshot, locale: str) -> LocaleIndex:
    content, fb = snapshot.content, snapshot.content.default_locale
    index = LocaleIndex()
    shown_in: dict[str, tuple[str, str]] = {}
    for doc in content.documents:
        index.add(Entry("document", doc.slug, doc.slug, None, _text(doc.title, locale, fb),
                        _text(doc.summary, locale, fb)))
        for section in doc.sections:
            body = []
            for block in section.blocks:
                if isinstance(block, ParagraphBlock | CalloutBlock):
                    body.append(_text(block.text, locale, fb))
                elif isinstance(block, ListBlock):
                    body += [_text(item, locale, fb) for item in block.items]
                for tid in getattr(block, "treatment_ids", []):
                    shown_in.setdefault(tid, (doc.slug, section.id))
            index.add(Entry("section", section.id, doc.slug, section.id, _text(section.heading, locale, fb),
                            " ".join(body)))
    for t in content.treatments:
        slug, section_id = shown_in.get(t.id, (None, None))
        facts = [_text(snapshot.facts[f].text, locale, fb) for f in t.institution_facts if f in snapshot.facts]
        body = " ".join([_text(t.summary, locale, fb), _text(t.how_it_works, locale, fb), *facts])
        index.add(Entry("treatment", t.id, slug, section_id, _text(t.name, locale, fb), body))
    for term in content.glossary:
        forms = term.also_matches.root.get(locale, []) if term.also_matches else []
        title = _text(term.term, locale, fb)
        index.add(Entry("term", term.id, None, None, title, _text(term.definition, locale, fb), " ".join(forms)))
    index.finish()
    return index


_indexes: WeakKeyDictionary[Snapshot, dict[str, LocaleIndex]] = WeakKeyDictionary()
_lock = threading.Lock()


def index_for(snapshot: Snapshot, locale: str) -> LocaleIndex:
    """The index of ``snapshot`` in ``locale``, built on first use and kept with the snapshot."""
    with _lock:
        per_locale = _indexes.setdefault(snapshot, {})
        if locale not in per_locale:
            per_locale[locale] = build_index(snapshot, locale)
        return per_locale[locale]


def query_words(query: str, locale: str) -> list[str]:
    words = _WORD.findall(fold(query))
    kept = [w for w in words if w not in _STOP.get(locale, set())]
    return list(dict.fromkeys(kept or words))


def search(snapshot: Snapshot, query: str, locale: str, first: int = 10) -> list[Hit]:
    """Ranked hits for ``query`` in ``locale``. Every query word must match (exactly or as a prefix)."""
    index = index_for(snapshot, locale)
    words = query_words(query, locale)
    if not words:
        return []
    total = len(index.entries)
    scores: dict[int, float] | None = None
    for word in words:
        word_scores: dict[int, float] = {}
        for token, weight in index.expand(word):
            postings = index.postings[token]
            idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
            for entry, tf in postings.items():
                norm = tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * index.lengths[entry] / index.average_length))
                word_scores[entry] = max(word_scores.get(entry, 0.0), weight * idf * norm)
        if scores is None:
            scores = word_scores
        else:
            scores = {e: s + word_scores[e] for e, s in scores.items() if e in word_scores}
        if not scores:
            return []
    assert scores is not None
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:first]
    return [_hit(index.entries[e], score, words) for e, score in best]


def _hit(entry: Entry, score: float, words: list[str]) -> Hit:
    snippet, highlights = make_snippet(entry.body or entry.title, words)
    return Hit(entry.kind, entry.id, entry.document_slug, entry.section_id, entry.title, snippet,
               highlights, round(score, 4))


def make_snippet(text: str, words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``text`` around the first match, and the (start, length) of each matched word."""
    folded = fold(text)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)
             if any(m.group().startswith(w) for w in words)]
    start = 0
    if spans and len(text) > SNIPPET_CHARS:
        start = max(0, spans[0][0] - SNIPPET_CHARS // 4)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + SNIPPET_CHARS)
    while end < len(text) and not text[end].isspace():
        end += 1
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    snippet = prefix + text[start:end] + suffix
    offset = len(prefix) - start
    highlights = [(s + offset, e - s) for s, e in spans if s >= start and e <= end]
    return snippet, highlights
