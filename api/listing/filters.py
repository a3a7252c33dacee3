"""Which documents show which treatments, categories, glossary terms and audiences (and back).

A filter is a set of ids; filters given together are their intersection, so counting a filtered
list is the size of a set, with no node made per record. The links are found in one walk over
the library per content version, on the first filtered request, and kept with the snapshot.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from api.content.model import Document
from api.content.snapshot import Snapshot


def treatments_of(document: Document) -> list[str]:
    """The treatments a document shows, in reading order, once each."""
    return named_in([b for s in document.sections for b in s.blocks], "treatment")


def terms_of(snapshot: Snapshot, document: Document) -> list[str]:
    """The glossary terms a document uses: in its blocks, then in the treatments it shows."""
    ids = named_in([b for s in document.sections for b in s.blocks], "term")
    for treatment in treatments_of(document):
        ids += snapshot.treatments[treatment].term_ids
    return list(dict.fromkeys(ids))


def named_in(blocks: list[Any], kind: str) -> list[str]:
    """The ids of ``kind`` ("term", or a kind blocks show: "treatment", "role", "factor") the blocks
    name, in order, once each."""
    if kind == "term":
        return list(dict.fromkeys(i for b in blocks for i in b.term_ids))
    found = (b.referenced() for b in blocks)
    return list(dict.fromkeys(i for f in found if f is not None and f[0] == kind for i in f[1]))


@dataclass(frozen=True)
class Links:
    """Both directions of the links between documents and what they show."""

    documents_by_treatment: dict[str, frozenset[str]]
    documents_by_category: dict[str, frozenset[str]]
    documents_by_term: dict[str, frozenset[str]]
    documents_by_audience: dict[str, frozenset[str]]
    treatments_by_document: dict[str, frozenset[str]]
    terms_by_document: dict[str, frozenset[str]]
    treatments_by_category: dict[str, frozenset[str]]


def _find(snapshot: Snapshot) -> Links:
    by_treatment, by_category, by_term, by_audience = (defaultdict(set) for _ in range(4))
    treatments_by_document, terms_by_document = {}, {}
    for slug, document in snapshot.documents.items():
        treatments = treatments_of(document)
        terms = terms_of(snapshot, document)
        treatments_by_document[slug] = frozenset(treatments)
        terms_by_document[slug] = frozenset(terms)
        for treatment in treatments:
            by_treatment[treatment].add(slug)
            by_category[snapshot.treatments[treatment].category].add(slug)
        for term in terms:
            by_term[term].add(slug)
        for audience in document.audiences:
            by_audience[audience].add(slug)
    in_category: dict[str, set[str]] = defaultdict(set)
    for treatment in snapshot.content.treatments:
        in_category[treatment.category].add(treatment.id)
    return Links(*({k: frozenset(v) for k, v in table.items()}
                   for table in (by_treatment, by_category, by_term, by_audience)),
                 treatments_by_document, terms_by_document, {k: frozenset(v) for k, v in in_category.items()})


_links: weakref.WeakKeyDictionary[Snapshot, Links] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def links(snapshot: Snapshot) -> Links:
    """The links of ``snapshot``, found once (the first caller finds them, the others wait)."""
    with _lock:
        found = _links.get(snapshot)
        if found is None:
            found = _links[snapshot] = _find(snapshot)
        return found


def matching(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """What every set holds (the smallest first, so the work is the smallest set's size); None
    when there is no set, which means everything."""
    if not sets:
        return None
    ordered = sorted(sets, key=len)
    found = ordered[0]
    for other in ordered[1:]:
        found = found & other
    return found
