"""Screens' documents built from stored items: a document item plus the records it refers to by id.

The store keeps one item per record and language; a screen wants a document with its treatments,
glossary words, care team and sources at hand. :func:`assemble` joins them into that shape (the
one the screens have always read), choosing records exactly as the API's ``Document`` fields do:
a document's treatments are those its blocks list, its glossary the words its blocks and those
treatments use, in first-use order. No Kivy here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rules.blocks import BLOCKS, references

Get = Callable[[str, str], dict[str, Any] | None]  # (kind, id) -> data in the document's language


def _found(get: Get, kind: str, ids: Iterable[str]) -> list[dict[str, Any]]:
    return [d for d in (get(kind, i) for i in dict.fromkeys(ids)) if d is not None]


def _treatment(get: Get, t: dict[str, Any]) -> dict[str, Any]:
    category = get("category", t["categoryId"]) or {"id": t["categoryId"], "name": ""}
    return {"id": t["id"], "name": t["name"], "summary": t["summary"], "howItWorks": t["howItWorks"],
            "category": {"id": category["id"], "name": category["name"]},
            "institutionFacts": [{"id": f["id"], "text": f["text"]} for f in _found(get, "fact", t["factIds"])],
            "terms": [{"id": i} for i in t["termIds"]], "outdated": t.get("outdated", False)}


# Where a screen document keeps the records a block shows, by their kind. Treatments stay ids:
# the document lists them once, in full, under "treatments".
SCREEN_FIELD = {"treatment": "treatments", "role": "roles", "factor": "factors"}


def _texts(value: Any) -> list[str]:
    """A list of texts the server may leave out (``searchAlso``, newer than some servers): only its texts."""
    return [v for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def _block(get: Get, b: dict[str, Any]) -> dict[str, Any]:
    block: dict[str, Any] = {"id": b["id"], "type": b["type"], "terms": [{"id": i} for i in b["termIds"]],
                             "outdated": b.get("outdated", False)}
    shape = BLOCKS.get(b["type"])
    if shape is None:  # a kind this version does not know: kept bare, skipped when shown
        return block
    for name in (shape.text, shape.items):
        if name:
            block[name] = b[name]
    if shape.refers and shape.kind:
        ids = b[shape.refers]
        block[SCREEN_FIELD[shape.kind]] = ([{"id": i} for i in ids] if shape.kind == "treatment"
                                            else _found(get, shape.kind, ids))
    return block


def assemble(doc: dict[str, Any], locale: str, version: str, get: Get,
             institution: dict[str, Any] | None) -> dict[str, Any]:
    """The screen-ready document: ``doc`` (a document item's data) with every record it refers to,
    looked up with ``get``, and the institution (the one record of its kind) in the same language."""
    blocks = [b for s in doc["sections"] for b in s["blocks"]]
    treatments = _found(get, "treatment", (i for b in blocks for kind, i in references(b) if kind == "treatment"))
    term_ids = [i for b in blocks for i in b["termIds"]] + [i for t in treatments for i in t["termIds"]]
    institution = institution or {"name": "", "factIds": []}
    return {
        "slug": doc["slug"], "locale": locale, "version": version, "title": doc["title"], "summary": doc["summary"],
        "audience": doc["audience"], "disclaimer": doc["disclaimer"], "reviewedBy": doc["reviewedBy"],
        "lastReviewed": doc["lastReviewed"], "lastUpdated": doc["lastUpdated"],
        "sources": [{"title": s["title"], "publisher": s["publisher"], "url": s["url"], "retrieved": s["retrieved"]}
                    for s in _found(get, "source", doc["sourceIds"])],
        "institution": {"name": institution["name"],
                        "facts": [{"id": f["id"], "text": f["text"]}
                                  for f in _found(get, "fact", institution["factIds"])]},
        "sections": [{"id": s["id"], "heading": s["heading"], "blocks": [_block(get, b) for b in s["blocks"]]}
                     for s in doc["sections"]],
        "treatments": [_treatment(get, t) for t in treatments],
        "glossary": [{"id": g["id"], "term": g["term"], "definition": g["definition"],
                      "alsoMatches": g["alsoMatches"], "searchAlso": _texts(g.get("searchAlso"))}
                     for g in _found(get, "term", term_ids)],
    }

