"""What a new version of the content changes: per record and per language, the translations it
leaves behind, and the reading levels it moves.

An editor about to publish wants the answer a reviewer would give, not a text diff: "the
cryoablation treatment changed in English and Spanish; the Spanish of section 3's second
paragraph still says what the old English said". So records are compared by their id, and each
piece of reader-facing text (a ``{"en": …, "es": …}`` value) by its place in the record. A place
whose default-language text changed while another language's did not is a translation that may
now be outdated: it is listed, so a translator looks at it before readers do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from api.content.readability import document_level
from api.content.snapshot import Snapshot

# The collections whose records an editor names, and the key that names each record.
KEYS = {
    "documents": "slug", "treatments": "id", "glossary": "id", "careTeamRoles": "id",
    "decisionFactors": "id", "treatmentCategories": "id", "strings": "key", "sources": "id", "locales": "code",
}
INSTITUTION = "institution"
SHOWN_PATHS = 3  # places named in a changed record's line
MAX_KEPT = 2_000  # entries of each list kept in a publication's summary (the changelog is bounded)

Change = Literal["added", "changed", "removed"]


@dataclass(frozen=True)
class RecordChange:
    """One record added, changed or removed; ``locales`` are the languages whose text differs
    (every language of an added or removed record), ``other`` whether anything else changed."""

    kind: str
    id: str
    change: Change
    locales: tuple[str, ...]
    other: bool = False
    paths: tuple[str, ...] = ()  # of a changed record: where its texts changed, in the record's order

    def line(self) -> str:
        what = ", ".join(self.locales) if self.locales else "no text"
        extra = " and other fields" if self.other and self.locales else (" (fields only)" if self.other else "")
        where = ""
        if self.paths:
            shown = ", ".join(self.paths[:SHOWN_PATHS])
            more = len(self.paths) - SHOWN_PATHS
            where = f" at {shown}" + (f" and {more} more" if more > 0 else "")
        return f"{self.change:<8} {self.kind} {self.id}: {what}{extra}{where}"


@dataclass(frozen=True)
class Outdated:
    """A translation whose default-language text changed while it did not."""

    kind: str
    id: str
    path: str  # the JSON path inside the record, e.g. ``sections[2].blocks[0].text``
    locale: str

    def line(self) -> str:
        return f"outdated {self.kind} {self.id} {self.path} [{self.locale}]: its English changed, it did not"


@dataclass(frozen=True)
class LevelChange:
    """A document's reading level in one language, before and after."""

    document: str
    locale: str
    before: str
    after: str

    def line(self) -> str:
        return f"reading level of {self.document} [{self.locale}]: {self.before} -> {self.after}"


@dataclass(frozen=True)
class Changes:
    records: list[RecordChange] = field(default_factory=list)
    outdated: list[Outdated] = field(default_factory=list)
    levels: list[LevelChange] = field(default_factory=list)
    # documents whose version changed: their own text, or a shared record they show (a treatment)
    affected: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.records

    def documents(self) -> list[str]:
        """Slugs of the documents added, changed or removed."""
        return [r.id for r in self.records if r.kind == "documents"]

    def by_locale(self) -> dict[str, list[dict[str, str]]]:
        """Per language, the records whose text in it changed (what a front-end re-renders)."""
        found: dict[str, list[dict[str, str]]] = {}
        for record in self.records:
            for locale in record.locales:
                found.setdefault(locale, []).append({"kind": record.kind, "id": record.id, "change": record.change})
        return found

    def lines(self) -> list[str]:
        if self.empty:
            return ["no changes"]
        return [r.line() for r in self.records] + [o.line() for o in self.outdated] + [lv.line() for lv in self.levels]

    def summary(self) -> dict[str, Any]:
        """The JSON form kept in the changelog and sent in webhooks: each list at most
        :data:`MAX_KEPT` long, with the full counts beside them."""
        return {
            "documents": self.affected[:MAX_KEPT],
            "records": [{"kind": r.kind, "id": r.id, "change": r.change, "locales": list(r.locales)}
                        for r in self.records[:MAX_KEPT]],
            "byLocale": {k: v[:MAX_KEPT] for k, v in self.by_locale().items()},
            "outdatedTranslations": [{"kind": o.kind, "id": o.id, "path": o.path, "locale": o.locale}
                                     for o in self.outdated[:MAX_KEPT]],
            "readingLevels": [{"document": lv.document, "locale": lv.locale, "before": lv.before, "after": lv.after}
                              for lv in self.levels[:MAX_KEPT]],
            "counts": {"documents": len(self.affected), "records": len(self.records),
                       "outdatedTranslations": len(self.outdated), "readingLevels": len(self.levels)},
        }


def texts(value: Any, locales: frozenset[str], path: str = "") -> Iterator[tuple[str, str, Any]]:
    """Every reader-facing text in ``value``: (path, locale, text). A dict whose keys are all
    locale codes is one text in several languages; anything else is walked into. Paths name list
    items by their ``id`` where they have one: ``sections[care-team].blocks[care-team-intro].text``."""
    if isinstance(value, dict):
        if value and set(value) <= locales:
            for locale, text in value.items():
                yield path, locale, text
            return
        for key, inner in value.items():
            yield from texts(inner, locales, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            # a record with an id is named by it (stable when others are added before it), else by place
            name = inner.get("id") if isinstance(inner, dict) else None
            yield from texts(inner, locales, f"{path}[{name if isinstance(name, str) else i}]")


def _without_texts(value: Any, locales: frozenset[str]) -> Any:
    """``value`` with its texts taken out: what is left to compare as "other fields"."""
    if isinstance(value, dict):
        if value and set(value) <= locales:
            return None
        return {k: _without_texts(v, locales) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_texts(v, locales) for v in value]
    return value


def _reading_order(*orders: dict[tuple[str, str], Any]) -> Any:
    """A sort key putting (path, locale) keys in the order their texts come in the record."""
    place: dict[str, int] = {}
    for order in orders:
        for path, _ in order:
            place.setdefault(path, len(place))
    return lambda key: (place.get(key[0], len(place)), key[1])


def _languages(record: Any, locales: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted({locale for _, locale, _ in texts(record, locales)}))


def _records(data: dict[str, Any]) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for kind, key in KEYS.items():
        for record in data.get(kind) or []:
            if isinstance(record, dict) and key in record:
                found[(kind, str(record[key]))] = record
    institution = data.get(INSTITUTION) or {}
    if isinstance(institution, dict):
        found[(INSTITUTION, str(institution.get("id", INSTITUTION)))] = institution
    return found


def _locales(*datas: dict[str, Any]) -> frozenset[str]:
    return frozenset(loc["code"] for data in datas for loc in data.get("locales") or [] if isinstance(loc, dict))


def compare(old: dict[str, Any] | None, new: dict[str, Any]) -> Changes:
    """The changes from ``old`` (parsed JSON; None before the first publication) to ``new``."""
    locales = _locales(new, old or {})
    default = new.get("defaultLocale", "en")
    before, after = _records(old or {}), _records(new)
    records: list[RecordChange] = []
    outdated: list[Outdated] = []
    for (kind, rid), record in after.items():
        if (kind, rid) not in before:
            records.append(RecordChange(kind, rid, "added", _languages(record, locales)))
            continue
        previous = before[(kind, rid)]
        if previous == record:
            continue
        old_texts = {(p, loc): t for p, loc, t in texts(previous, locales)}
        new_texts = {(p, loc): t for p, loc, t in texts(record, locales)}
        changed = {key for key in old_texts.keys() | new_texts.keys() if old_texts.get(key) != new_texts.get(key)}
        other = _without_texts(previous, locales) != _without_texts(record, locales)
        paths = tuple(dict.fromkeys(p for p, _ in sorted(changed, key=_reading_order(new_texts, old_texts))))
        records.append(RecordChange(kind, rid, "changed", tuple(sorted({loc for _, loc in changed})), other, paths))
        for path, locale in sorted(new_texts):
            if locale == default or (path, locale) in changed:
                continue
            if (path, default) in changed and (path, default) in old_texts and (path, locale) in old_texts:
                outdated.append(Outdated(kind, rid, path, locale))
    for (kind, rid), record in before.items():
        if (kind, rid) not in after:
            records.append(RecordChange(kind, rid, "removed", _languages(record, locales)))
    return Changes(records, outdated)


def with_reading_levels(changes: Changes, old: Snapshot | None, new: Snapshot) -> Changes:
    """``changes`` plus the documents each reader sees changed (by their versions), and the reading
    level of each changed document, in each language, where it moved (measured only for those
    documents: textstat takes milliseconds a page)."""
    levels = []
    before = old.document_versions if old is not None else {}
    affected = [slug for slug, v in new.document_versions.items() if before.get(slug) != v]
    affected += [slug for slug in before if slug not in new.document_versions]
    for slug in changes.documents():
        was = old.documents.get(slug) if old is not None else None
        now = new.documents.get(slug)
        if now is None:
            continue
        for locale in new.locales:
            after = document_level(new, now, locale).label
            before = document_level(old, was, locale).label if old is not None and was is not None else "new"
            if before != after:
                levels.append(LevelChange(slug, locale, before, after))
    return Changes(changes.records, changes.outdated, levels, affected)
