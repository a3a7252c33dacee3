"""A small library for the collection tests: five documents cut from the bundled page.

Their titles, dates, audiences and sections differ so that every order and filter has something
to tell apart: Spanish titles with an accent (Ánimo) and an ñ (Ñandú) that a byte-wise sort gets
wrong, two documents updated on the same day, and treatments only some documents show. Two
glossary terms (nube, ñu) put one term under N and one under Ñ in Spanish.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tests.conftest import BUNDLED

# slug: (English title, Spanish title, last updated, audiences, sections kept (None: all))
DOCUMENTS = {
    "nutrition": ("Nutrition", "Nutrición", "2026-03-01", ["patients"], None),
    "nausea": ("Nausea", "Náuseas", "2026-05-01", ["caregivers"], ["overview", "surgery"]),
    "zebra": ("Zebra test", "Ñandú (prueba)", "2026-01-15", ["health-professionals"], ["overview"]),
    "eyes": ("Eyes", "Ojos", "2026-05-01", ["patients", "caregivers"], ["overview", "radiation-therapy"]),
    "mood": ("Mood", "Ánimo", "2026-02-01", ["patients"], None),
}
EXTRA_TERMS = [("cloud", "cloud", "nube"), ("gnu", "gnu", "ñu")]


def write_library(folder: Path) -> Path:
    data = json.loads(BUNDLED.read_text(encoding="utf-8"))
    base = data["documents"][0]
    documents = []
    for slug, (english, spanish, updated, audiences, kept) in DOCUMENTS.items():
        document = copy.deepcopy(base)
        document["slug"] = slug
        document["title"] = {"en": english, "es": spanish}
        document["audiences"] = audiences
        document["review"]["lastUpdated"] = updated
        if kept is not None:
            document["sections"] = [s for s in document["sections"] if s["id"] in kept]
        documents.append(document)
    data["documents"] = documents
    for term_id, english, spanish in EXTRA_TERMS:
        definition = {"en": f"A test word ({english}).", "es": f"Una palabra de prueba ({spanish})."}
        data["glossary"].append({"id": term_id, "term": {"en": english, "es": spanish}, "definition": definition})
    path = folder / "library.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def sections_of(slug: str) -> list[str] | None:
    return DOCUMENTS[slug][4]
