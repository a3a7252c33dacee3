"""A loaded, validated content file: the model plus its version and look-up tables.

A snapshot never changes after it is built. Reloading builds a new one and swaps the reference,
so a request that started on one version finishes on that version.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from api.content.model import (
    CareTeamRole,
    Content,
    DecisionFactor,
    Document,
    GlossaryTerm,
    InstitutionFact,
    Source,
    Treatment,
    TreatmentCategory,
)
from api.content.validation import ContentError, parse_json, validate


def _digest(value: Any) -> str:
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per version
class Snapshot:
    """Everything the server reads, for one content version."""

    content: Content
    version: str
    document_versions: dict[str, str]
    loaded_at: dt.datetime
    modified_at: dt.datetime
    documents: dict[str, Document] = field(repr=False)
    treatments: dict[str, Treatment] = field(repr=False)
    categories: dict[str, TreatmentCategory] = field(repr=False)
    glossary: dict[str, GlossaryTerm] = field(repr=False)
    roles: dict[str, CareTeamRole] = field(repr=False)
    factors: dict[str, DecisionFactor] = field(repr=False)
    facts: dict[str, InstitutionFact] = field(repr=False)
    sources: dict[str, Source] = field(repr=False)
    strings: dict[str, Any] = field(repr=False)

    @property
    def locales(self) -> list[str]:
        return [loc.code for loc in self.content.locales]


def build_snapshot(data: Any, modified_at: dt.datetime | None = None) -> Snapshot:
    """Validate parsed JSON and index it. Raises :class:`ContentError` listing every problem."""
    content = validate(data)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    # A document's version covers its own JSON and everything it shows from the shared records,
    # so an edit to a treatment or a glossary term reaches the phones that keep that document.
    shared = {k: v for k, v in data.items() if k not in {"documents", "$schema"}}
    shared_digest = _digest(shared)
    doc_versions = {doc["slug"]: _digest([doc, shared_digest]) for doc in data["documents"]}
    return Snapshot(
        content=content,
        version=_digest(data),
        document_versions=doc_versions,
        loaded_at=now,
        modified_at=modified_at or now,
        documents={d.slug: d for d in content.documents},
        treatments={t.id: t for t in content.treatments},
        categories={c.id: c for c in content.treatment_categories},
        glossary={g.id: g for g in content.glossary},
        roles={r.id: r for r in content.care_team_roles},
        factors={f.id: f for f in content.decision_factors},
        facts={f.id: f for f in content.institution.facts},
        sources={s.id: s for s in content.sources},
        strings={s.key: s.text for s in content.strings},
    )


@contextlib.contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector while a file becomes objects, and keep them out of its way after.

    Loading makes millions of objects that all live on, and each automatic collection scans the
    ones made so far: at 10,000 documents that was most of the load time (12.8 s with the
    collector, 7.2 s without). Once made, the collector would still scan them all three times
    (young, middle, old generation) in the first requests after: pauses of 1.1, 1.8 and 1.8 s at
    10,000 documents. So a load that succeeds ends with ``gc.freeze()``: what is alive then is
    never scanned again. Content has no reference cycles (a test checks it), so reference counting
    still frees a snapshot and its index when they are dropped; the collector resumes as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if enabled:
            gc.enable()


def load_bytes(raw: bytes, modified_at: dt.datetime | None = None) -> Snapshot:
    with paused_cycle_collection():
        return build_snapshot(parse_json(raw), modified_at)


def load_file(path: str | Path) -> Snapshot:
    """Read and validate a content file. Problems come back as one :class:`ContentError`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
    except OSError as exc:
        raise ContentError([f"(file): cannot read {path.name}: {exc.strerror}"]) from None
    return load_bytes(raw, mtime)


__all__ = ["ContentError", "Snapshot", "build_snapshot", "load_bytes", "load_file", "paused_cycle_collection"]
