"""The content as sync items: each record in each language, with its version, and the table of them.

A phone keeps items (see :mod:`rules.items`): one record in one language, referring to other
records by id, never embedding copies. :func:`item_data` builds one item's data from a snapshot;
:class:`ItemTable` holds, for one content version, every item's key, version and size, in key
order, so the sync can page, compare versions and give a manifest without building any item's
data again. The table is small (8 bytes of digest and 4 of size per item; the ids are the
snapshot's own strings), so the server can keep the tables of recent versions to send a phone
only what changed.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import sys
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from api.content.model import Block, LocalizedList, LocalizedText
from api.content.snapshot import Snapshot
from rules.blocks import BLOCKS
from rules.items import KINDS, NO_LOCALE, UNLOCALIZED, Key, canonical, data_bytes_version, manifest_digest

# How many bytes of JSON an item adds to a page besides its data (kind, id, locale, version, keys).
ITEM_OVERHEAD_BYTES = 110


class Localizer:
    """Texts of one snapshot read in one locale, falling back as the API does (never to nothing)."""

    def __init__(self, snapshot: Snapshot, locale: str) -> None:
        self.chain = snapshot.fallback_chain(locale)
        self.locale = locale
        self.translations = snapshot.translations

    def outdated(self, values: Sequence[LocalizedText | None]) -> bool:
        """Whether one of ``values`` is shown in a translation made from an earlier English (the
        phone then shows a note with it, as the embeds do)."""
        return any(v is not None and self.translations.outdated_in(v, self.locale) for v in values)

    def text(self, value: LocalizedText | None) -> str | None:
        found = value.first(self.chain) if value is not None else None
        return found[1] if found else None

    def own_texts(self, value: LocalizedList | None) -> list[str]:
        """The texts of this locale alone, never another's: lay words are words of one language."""
        return list(value.root.get(self.locale, [])) if value is not None else []

    def texts(self, value: LocalizedList | None) -> list[str]:
        if value is None:
            return []
        root = value.root
        for code in self.chain:
            if root.get(code):
                return list(root[code])
        return []


def _block(block: Block, t: Localizer) -> dict[str, Any]:
    data: dict[str, Any] = {"id": block.id, "type": block.type, "termIds": list(block.term_ids)}
    shape, texts, shown = BLOCKS[block.type], block.own_texts(), block.referenced()
    if shape.text:
        data[shape.text] = t.text(texts[0])
    elif shape.items:
        data[shape.items] = [t.text(x) for x in texts]
    if shape.refers and shown is not None:
        data[shape.refers] = list(shown[1])
    if t.outdated(texts):
        data["outdated"] = True
    return data


def _document(snapshot: Snapshot, slug: str, t: Localizer) -> dict[str, Any]:
    d = snapshot.documents[slug]
    review = snapshot.review(slug)
    return {
        "slug": d.slug, "title": t.text(d.title), "summary": t.text(d.summary), "audience": t.text(d.audience),
        "disclaimer": t.text(d.disclaimer), "reviewedBy": t.text(review.reviewed_by),
        "lastReviewed": review.last_reviewed.isoformat() if review.last_reviewed else None,
        "lastUpdated": d.review.last_updated.isoformat(),
        "sourceIds": list(d.source_ids),
        "sections": [{"id": s.id, "heading": t.text(s.heading), "blocks": [_block(b, t) for b in s.blocks]}
                     for s in d.sections],
    }


def _treatment(snapshot: Snapshot, id: str, t: Localizer) -> dict[str, Any]:
    x = snapshot.treatments[id]
    data = {"id": x.id, "categoryId": x.category, "name": t.text(x.name), "summary": t.text(x.summary),
            "howItWorks": t.text(x.how_it_works), "factIds": list(x.institution_facts), "termIds": list(x.term_ids)}
    if t.outdated([x.name, x.summary, x.how_it_works]):
        data["outdated"] = True
    return data


def _term(snapshot: Snapshot, id: str, t: Localizer) -> dict[str, Any]:
    g = snapshot.glossary[id]
    return {"id": g.id, "term": t.text(g.term), "definition": t.text(g.definition),
            "alsoMatches": t.texts(g.also_matches), "searchAlso": t.own_texts(g.search_also)}


def _named(kind: str) -> Callable[[Snapshot, str, Localizer], dict[str, Any]]:
    def build(snapshot: Snapshot, id: str, t: Localizer) -> dict[str, Any]:
        r = snapshot.records(kind)[id]
        return {"id": r.id, "name": t.text(r.name), "description": t.text(r.description)}
    return build


def _category(snapshot: Snapshot, id: str, t: Localizer) -> dict[str, Any]:
    return {"id": id, "name": t.text(snapshot.categories[id].name)}


def _fact(snapshot: Snapshot, id: str, t: Localizer) -> dict[str, Any]:
    return {"id": id, "text": t.text(snapshot.facts[id].text)}


def _institution(snapshot: Snapshot, id: str, t: Localizer) -> dict[str, Any]:
    i = snapshot.content.institution
    return {"id": i.id, "name": t.text(i.name), "factIds": [f.id for f in i.facts]}


def _source(snapshot: Snapshot, id: str, t: Localizer) -> dict[str, Any]:
    s = snapshot.sources[id]
    return {"id": s.id, "title": t.text(s.title), "publisher": t.text(s.publisher), "url": s.url,
            "retrieved": s.retrieved.isoformat()}


def _string(snapshot: Snapshot, key: str, t: Localizer) -> dict[str, Any]:
    return {"key": key, "text": t.text(snapshot.strings[key]) or ""}


def _locale(snapshot: Snapshot, code: str, t: Localizer) -> dict[str, Any]:
    content = snapshot.content
    position, loc = next((i, x) for i, x in enumerate(content.locales) if x.code == code)
    return {"code": loc.code, "nativeName": loc.native_name, "choosePrompt": loc.choose_prompt,
            "continueLabel": loc.continue_label, "fallback": loc.fallback,
            "isDefault": loc.code == content.default_locale, "position": position}


BUILDERS: dict[str, Callable[[Snapshot, str, Localizer], dict[str, Any]]] = {
    "category": _category, "document": _document, "fact": _fact, "factor": _named("factor"),
    "institution": _institution, "locale": _locale, "role": _named("role"), "source": _source,
    "string": _string, "term": _term, "treatment": _treatment,
}
assert tuple(sorted(BUILDERS)) == KINDS


def ids_of(snapshot: Snapshot, kind: str) -> list[str]:
    """Every id of one kind in a snapshot, sorted."""
    if kind == "institution":
        ids: Any = [snapshot.content.institution.id]
    elif kind == "locale":
        ids = snapshot.locales
    else:
        ids = snapshot.records(kind)
    return sorted(sys.intern(i) for i in ids)


def locales_of(kind: str, locales: Sequence[str]) -> list[str]:
    """The locales a kind's items come in, in key order."""
    return [NO_LOCALE] if kind in UNLOCALIZED else sorted(locales)


def item_data(snapshot: Snapshot, kind: str, id: str, locale: str,
              localizers: dict[str, Localizer] | None = None) -> dict[str, Any]:
    """One item's data: the record ``(kind, id)`` as it reads in ``locale``."""
    localizers = localizers if localizers is not None else {}
    t = localizers.get(locale)
    if t is None:
        t = localizers[locale] = Localizer(snapshot, locale or snapshot.content.default_locale)
    return BUILDERS[kind](snapshot, id, t)


@dataclass(frozen=True)
class Entry:
    key: Key
    version: str
    size: int  # bytes of the item in a page: its canonical data plus ITEM_OVERHEAD_BYTES


class ItemTable:
    """Every item of one content version: keys in order, versions and sizes, built once per version."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.version = snapshot.version
        self.locales = sorted(snapshot.locales)
        self.ids: dict[str, list[str]] = {}
        self._digests: dict[tuple[str, str], bytes] = {}     # (kind, locale) -> 8 bytes per id, in id order
        self._sizes: dict[tuple[str, str], array] = {}
        self._manifests: dict[tuple[str, ...], tuple[int, str]] = {}
        localizers: dict[str, Localizer] = {}
        for kind in KINDS:
            ids = self.ids[kind] = ids_of(snapshot, kind)
            for locale in locales_of(kind, self.locales):
                digests, sizes = bytearray(), array("I")
                for id in ids:
                    data = canonical(item_data(snapshot, kind, id, locale, localizers))
                    digests += bytes.fromhex(data_bytes_version(kind, id, locale, data))
                    sizes.append(len(data) + ITEM_OVERHEAD_BYTES)
                self._digests[kind, locale] = bytes(digests)
                self._sizes[kind, locale] = sizes
        self.manifest(self.locales)  # what most phones ask for, made here rather than on a request

    def dump(self) -> bytes:
        """The table as bytes (for :mod:`api.content.history`): keys, digests and sizes, no data."""
        return orjson.dumps({
            "version": self.version, "locales": self.locales, "ids": self.ids,
            "digests": {f"{k}\t{loc}": base64.b64encode(v).decode() for (k, loc), v in self._digests.items()},
            "sizes": {f"{k}\t{loc}": base64.b64encode(v.tobytes()).decode() for (k, loc), v in self._sizes.items()},
        })

    @classmethod
    def restore(cls, raw: bytes) -> ItemTable:
        """A table from :meth:`dump`'s bytes; raises ``ValueError`` when they are not one."""
        try:
            data = orjson.loads(raw)
            table = cls.__new__(cls)
            table.version, table.locales, table.ids = str(data["version"]), list(data["locales"]), dict(data["ids"])
            table._digests, table._sizes, table._manifests = {}, {}, {}
            for name, value in data["digests"].items():
                kind, locale = name.split("\t")
                table._digests[kind, locale] = base64.b64decode(value, validate=True)
            for name, value in data["sizes"].items():
                kind, locale = name.split("\t")
                sizes = array("I")
                sizes.frombytes(base64.b64decode(value, validate=True))
                table._sizes[kind, locale] = sizes
            for (kind, locale), digests in table._digests.items():
                if len(digests) != 8 * len(table.ids[kind]) or len(table._sizes[kind, locale]) != len(table.ids[kind]):
                    raise ValueError(f"the {kind}/{locale} part does not match its ids")
        except (KeyError, TypeError, AttributeError, orjson.JSONDecodeError, binascii.Error) as exc:
            raise ValueError(f"not an item table: {exc}") from None
        return table

    def _entry(self, key: Key, i: int) -> Entry:
        """The entry of ``key``, the ``i``-th id of its kind."""
        kind, _, locale = key
        return Entry(key, self._digests[kind, locale][8 * i:8 * i + 8].hex(), self._sizes[kind, locale][i])

    def _index(self, kind: str, id: str) -> int | None:
        ids = self.ids.get(kind)
        if ids is None:
            return None
        i = bisect.bisect_left(ids, id)
        return i if i < len(ids) and ids[i] == id else None

    def get(self, key: Key) -> Entry | None:
        kind, id, locale = key
        i = self._index(kind, id)
        if i is None or (kind, locale) not in self._digests:
            return None
        return self._entry(key, i)

    def entries(self, locales: Sequence[str], after: Key | None = None) -> Iterator[Entry]:
        """Every item in ``locales`` (and every item in no language), in key order, after ``after``."""
        wanted = set(locales) | {NO_LOCALE}
        for kind in KINDS:
            if after is not None and kind < after[0]:
                continue
            ids = self.ids[kind]
            codes = [c for c in locales_of(kind, self.locales) if c in wanted]
            start = 0
            if after is not None and kind == after[0]:
                start = bisect.bisect_left(ids, after[1])
            for i in range(start, len(ids)):
                id = ids[i]
                for code in codes:
                    key = (kind, id, code)
                    if after is None or key > after:
                        yield self._entry(key, i)

    def manifest(self, locales: Sequence[str]) -> tuple[int, str]:
        """(how many items, their manifest digest) of a complete copy in ``locales`` (kept once made)."""
        wanted = tuple(sorted(locales))
        found = self._manifests.get(wanted)
        if found is None:
            counted = [0]

            def keys() -> Iterator[tuple[str, str, str, str]]:
                for e in self.entries(wanted):
                    counted[0] += 1
                    yield (*e.key, e.version)

            digest = manifest_digest(keys())  # streamed: a list of every entry would be 60 MB at 10,000
            found = self._manifests[wanted] = (counted[0], digest)
        return found

    def changed_since(self, older: ItemTable, locales: Sequence[str]) -> list[Key]:
        """Keys, in order, of items added, changed or removed between ``older`` and this table."""
        now = {e.key: e.version for e in self.entries(locales)}
        before = {e.key: e.version for e in older.entries(locales)}
        return sorted(k for k in now.keys() | before.keys() if now.get(k) != before.get(k))

    @property
    def fingerprint(self) -> str:
        """A digest of the whole table (a test compares tables built twice)."""
        h = hashlib.sha256()
        for key in sorted(self._digests):
            h.update(repr(key).encode() + self._digests[key])
        return h.hexdigest()[:16]
