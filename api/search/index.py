"""The server's search index of one content version in one language: which content records are entries.

The postings and the matching rules are :mod:`rules.search.index`'s, shared with the phone;
here the entries are references to the content's records, whose texts are made again for the
few that become hits. An index is built on first use and kept with its snapshot.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload
from weakref import WeakKeyDictionary

from api.content.model import (
    CalloutBlock,
    InstitutionFact,
    ListBlock,
    LocalizedList,
    LocalizedText,
    ParagraphBlock,
)
from api.content.snapshot import Snapshot
from api.memory import give_back_freed_memory, paused_cycle_collection
from rules.search.index import LocaleIndex

KINDS = ("document", "section", "treatment", "term")


@dataclass(frozen=True)
class Entry:
    kind: str  # document | section | treatment | term
    id: str
    document_slug: str | None
    section_id: str | None
    title: str
    body: str
    keywords: str = ""  # indexed like the title, never shown (other forms of a glossary term)


def _text(value: LocalizedText | None, locale: str, fallback: str) -> str:
    if value is None:
        return ""
    return value.get(locale) or value.get(fallback) or ""


def _forms(value: LocalizedList | None, locale: str) -> list[str]:
    return value.root.get(locale, []) if value else []


class Entries(Sequence[Entry]):
    """What the index finds, by number: a reference to the content record and where it is shown.

    An entry's texts are made again when asked for (a hit), so the index keeps no copy of the
    content's text: at 10,000 documents that copy alone was about 100 MB.
    """

    def __init__(self, locale: str, fallback: str, facts: dict[str, InstitutionFact]) -> None:
        self.locale, self.fallback, self.facts = locale, fallback, facts
        self.sources: list[Any] = []  # Document | Section | Treatment | GlossaryTerm
        self.kinds = bytearray()  # index into KINDS
        self.parents = array("i")  # a section's document entry, the section entry showing a treatment, or -1

    def add(self, kind: str, source: Any, parent: int = -1) -> int:
        self.sources.append(source)
        self.kinds.append(KINDS.index(kind))
        self.parents.append(parent)
        return len(self.sources) - 1

    def __len__(self) -> int:
        return len(self.sources)

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        source, kind, parent = self.sources[index], KINDS[self.kinds[index]], self.parents[index]
        title, body, keywords = self.texts(index)
        slug = section_id = None
        if kind == "document":
            slug = source.slug
        elif kind == "section":
            slug, section_id = self.sources[parent].slug, source.id
        elif kind == "treatment" and parent >= 0:
            slug, section_id = self.sources[self.parents[parent]].slug, self.sources[parent].id
        return Entry(kind, slug if kind == "document" else source.id, slug, section_id, title, body, keywords)

    def texts(self, index: int) -> tuple[str, str, str]:
        """The entry's title, body and keywords (other forms of a glossary term) in the index's language."""
        source, kind, locale, fb = self.sources[index], KINDS[self.kinds[index]], self.locale, self.fallback
        if kind == "document":
            return _text(source.title, locale, fb), _text(source.summary, locale, fb), ""
        if kind == "section":
            body = []
            for block in source.blocks:
                if isinstance(block, ParagraphBlock | CalloutBlock):
                    body.append(_text(block.text, locale, fb))
                elif isinstance(block, ListBlock):
                    body += [_text(item, locale, fb) for item in block.items]
            return _text(source.heading, locale, fb), " ".join(body), ""
        if kind == "treatment":
            facts = [_text(self.facts[f].text, locale, fb) for f in source.institution_facts if f in self.facts]
            body = " ".join([_text(source.summary, locale, fb), _text(source.how_it_works, locale, fb), *facts])
            return _text(source.name, locale, fb), body, ""
        forms = _forms(source.also_matches, locale)  # lay words lead to the term by rewriting (rules.search.synonyms)
        return _text(source.term, locale, fb), _text(source.definition, locale, fb), " ".join(forms)


def build_index(snapshot: Snapshot, locale: str) -> LocaleIndex:
    content, fb = snapshot.content, snapshot.content.default_locale
    entries = Entries(locale, fb, snapshot.facts)
    index = LocaleIndex(entries, locale)
    shown_in: dict[str, int] = {}  # treatment id -> entry of the first section showing it
    for doc in content.documents:
        index.add(document := entries.add("document", doc), *entries.texts(document))
        for section in doc.sections:
            number = entries.add("section", section, document)
            for block in section.blocks:
                for tid in getattr(block, "treatment_ids", []):
                    shown_in.setdefault(tid, number)
            index.add(number, *entries.texts(number))
    for t in content.treatments:
        number = entries.add("treatment", t, shown_in.get(t.id, -1))
        index.add(number, *entries.texts(number))
    for term in content.glossary:
        number = entries.add("term", term)
        index.add(number, *entries.texts(number))
    index.finish(
        lay_words=[(form, name) for term in content.glossary if (name := _text(term.term, locale, fb))
                   for form in [*_forms(term.also_matches, locale), *_forms(term.search_also, locale)]],
        names=[*(_text(term.term, locale, fb) for term in content.glossary),
               *(_text(t.name, locale, fb) for t in content.treatments)])
    return index


_indexes: WeakKeyDictionary[Snapshot, dict[str, LocaleIndex]] = WeakKeyDictionary()
_lock = threading.Lock()


def index_for(snapshot: Snapshot, locale: str) -> LocaleIndex:
    """The index of ``snapshot`` in ``locale``, built on first use and kept with the snapshot."""
    with _lock:
        per_locale = _indexes.setdefault(snapshot, {})
        if locale not in per_locale:
            with paused_cycle_collection():  # a large index is millions of new objects, like a load
                per_locale[locale] = build_index(snapshot, locale)
            give_back_freed_memory()  # the postings made apart before they were joined
        return per_locale[locale]
