"""A loaded, validated content file: the model plus its version and look-up tables.

A snapshot never changes after it is built. Reloading builds a new one and swaps the reference,
so a request that started on one version finishes on that version.
"""

from __future__ import annotations

import datetime as dt
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
    Review,
    Source,
    Treatment,
    TreatmentCategory,
)
from api.content.paths import TextAt
from api.content.signoffs import NOT_BY_CLINICIAN, SignOffs, document_review, shown_by
from api.content.translations import TranslationState
from api.content.translations import state as translation_state
from api.content.validation import ContentError, check_parsed, parse_json, validate, validate_json
from api.memory import give_back_freed_memory, paused_cycle_collection
from rules.locales import fallback_chain


def _digest(value: Any) -> str:
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def _versions(data: dict[str, Any]) -> tuple[str, list[str]]:
    """The content's version and each document's (in file order): digests of sorted-key JSON.

    A document's version covers its own JSON and everything it shows from the shared records,
    so an edit to a treatment or a glossary term reaches the phones that keep that document.
    Each document is serialized once and its bytes also feed the whole file's digest, which is
    the one of ``orjson.dumps(data)`` without making that second copy of the file (263 MB at
    10,000 documents). Nothing from ``data`` is kept: a string of it kept alive would keep its
    memory page from being freed with the rest of the parse.
    """
    shared_digest = _digest({k: v for k, v in data.items() if k not in {"documents", "$schema"}}).encode()
    whole = hashlib.sha256(b"{")
    doc_versions = []
    for i, key in enumerate(sorted(data)):
        whole.update(b"," * (i > 0) + orjson.dumps(key) + b":")
        documents = data[key]
        if key != "documents" or not isinstance(documents, list):
            whole.update(orjson.dumps(documents, option=orjson.OPT_SORT_KEYS))
            continue
        whole.update(b"[")
        for j, doc in enumerate(documents):
            dumped = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
            whole.update(b"," * (j > 0) + dumped)
            doc_versions.append(hashlib.sha256(b"[" + dumped + b',"' + shared_digest + b'"]').hexdigest()[:16])
        whole.update(b"]")
    whole.update(b"}")
    return whole.hexdigest()[:16], doc_versions


# The Snapshot field holding each kind of record kept by id.
RECORD_TABLES = {"category": "categories", "document": "documents", "fact": "facts", "factor": "factors",
                 "role": "roles", "source": "sources", "string": "strings", "term": "glossary",
                 "treatment": "treatments"}


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
    translations: TranslationState = field(repr=False)
    sign_offs: SignOffs = field(repr=False)
    _reviews: dict[str, Review] = field(repr=False, default_factory=dict)

    @property
    def locales(self) -> list[str]:
        return [loc.code for loc in self.content.locales]

    def records(self, kind: str) -> dict[str, Any]:
        """The records of one item kind (see :data:`rules.items.KINDS`) by id: ``"role"`` → ``roles``."""
        return getattr(self, RECORD_TABLES[kind])

    def review(self, slug: str) -> Review:
        """The document's review line, made from the sign-offs (:mod:`api.content.signoffs`) the
        first time it is asked for: digesting every text a page shows costs about a millisecond."""
        found = self._reviews.get(slug)
        if found is None:
            found = self._reviews[slug] = document_review(self.documents[slug], self.shown_texts(slug),
                                                          self.sign_offs, self.strings[NOT_BY_CLINICIAN])
        return found

    def shown_texts(self, slug: str) -> Iterator[TextAt]:
        """Every text the document shows, its own and its records' (what a page's sign-off covers)."""
        return shown_by(self.documents[slug], self.records)

    def fallback_chain(self, locale: str) -> list[str]:
        """``locale``, then its fallbacks, then the default locale (the rule in :mod:`rules.locales`)."""
        fallbacks = {loc.code: loc.fallback for loc in self.content.locales}
        return fallback_chain(fallbacks, self.content.default_locale, locale)


def build_snapshot(data: Any, modified_at: dt.datetime | None = None) -> Snapshot:
    """Validate parsed JSON and index it. Raises :class:`ContentError` listing every problem."""
    content = validate(data)
    return _indexed(content, *_versions(data), modified_at)


def _indexed(content: Content, version: str, document_versions: list[str],
             modified_at: dt.datetime | None) -> Snapshot:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return Snapshot(
        content=content,
        version=version,
        document_versions={d.slug: v for d, v in zip(content.documents, document_versions, strict=True)},
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
        translations=translation_state(content),
        sign_offs=SignOffs(content),
    )


def load_bytes(raw: bytes, modified_at: dt.datetime | None = None) -> Snapshot:
    """Validate and index a content file's bytes, never holding its parse and its models at once.

    The meaning pass and the versions need the parsed JSON; the models are then made from the bytes
    again, after that parse is freed (see :func:`~api.content.validation.validate_json`).
    """
    with paused_cycle_collection():
        data = parse_json(raw)
        problems = check_parsed(data)
        versions = _versions(data)
        del data
        snapshot = _indexed(validate_json(raw, problems), *versions, modified_at)
        give_back_freed_memory()
        return snapshot


def load_file(path: str | Path) -> Snapshot:
    """Read and validate a content file. Problems come back as one :class:`ContentError`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(microsecond=0)
    except OSError as exc:
        raise ContentError([f"(file): cannot read {path.name}: {exc.strerror}"]) from None
    return load_bytes(raw, mtime)


__all__ = ["ContentError", "Snapshot", "build_snapshot", "load_bytes", "load_file"]
