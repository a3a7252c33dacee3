"""What the app asks the API for, and the checks every page of a sync must pass before it is stored.

A sync is a chain of ``syncPage`` answers (see the API's ``syncPage``): items, each one record in
one language with its version, which is the digest of the item itself (:mod:`rules.items`). Each
item is checked here against its digest and its kind's shape; a page with any item that fails, an
unknown language code, items out of order, or a last page without its manifest, is refused
whole: nothing of it is stored. The bundled ``data/snapshot.json`` is one such page (a complete
copy), read through the same checks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rules.blocks import BLOCKS
from rules.items import MAX_ID_CHARS, NO_LOCALE, UNLOCALIZED, Key, is_locale_code, item_version

SYNC_QUERY = """query ClaraSyncPage($token: String, $locales: [String!], $pageSize: Int) {
  syncPage(token: $token, locales: $locales, pageSize: $pageSize) {
    version since fullSync reset locales
    items { kind id locale version deleted data }
    nextPageToken nextSyncToken manifest { count digest }
  }
}
"""
MAX_TOKEN_CHARS = 1_024


class InvalidReply(ValueError):
    """The reply is not something we can store; the message says where and why."""


class ServerSaid(InvalidReply):
    """The server answered with a GraphQL error (its code tells the sync what to do next)."""

    def __init__(self, message: str, code: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class Item:
    kind: str
    id: str
    locale: str
    version: str | None        # None: removed
    data: dict[str, Any] | None

    @property
    def key(self) -> Key:
        return (self.kind, self.id, self.locale)


@dataclass(frozen=True)
class Page:
    version: str
    since: str | None
    full_sync: bool
    reset: bool
    locales: list[str]
    items: list[Item]
    next_page_token: str | None
    next_sync_token: str | None
    manifest: tuple[int, str] | None

    @property
    def last(self) -> bool:
        return self.next_page_token is None


# --- a small declarative checker -------------------------------------------------------------

Spec = Any


@dataclass(frozen=True)
class Many:
    item: Spec
    min: int = 0


@dataclass(frozen=True)
class Maybe:
    item: Spec


def _text(value: Any, path: str) -> None:
    if value.__class__ is not str or not value.strip():
        raise InvalidReply(f"{path}: expected text, got {value!r:.60}")


def _string(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise InvalidReply(f"{path}: expected a string, got {value!r:.60}")


def _bool(value: Any, path: str) -> None:
    if not isinstance(value, bool):
        raise InvalidReply(f"{path}: expected true or false, got {value!r:.60}")


def _int(value: Any, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidReply(f"{path}: expected a whole number, got {value!r:.60}")


def _maybe_date(value: Any, path: str) -> None:
    if value is not None:
        _date(value, path)


def _date(value: Any, path: str) -> None:
    _text(value, path)
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidReply(f"{path}: expected a date, got {value!r:.60}") from None


def _code(value: Any, path: str) -> None:
    if not is_locale_code(value):
        raise InvalidReply(f"{path}: not a language code this app can use: {value!r:.20}")


def check(value: Any, spec: Spec, path: str) -> None:
    """Raise InvalidReply, naming the place, unless ``value`` has the shape ``spec`` describes."""
    try:
        _check(value, spec)
    except _Wrong as wrong:
        raise InvalidReply(f"{path}{''.join(reversed(wrong.where))}: {wrong.message}") from None


class _Wrong(Exception):
    """A shape error on its way up; each level adds where it was (paths are made only on failure)."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.where: list[str] = []


def _check(value: Any, spec: Spec) -> None:
    if isinstance(spec, Maybe):
        if value is not None:
            _check(value, spec.item)
    elif isinstance(spec, Many):
        if not isinstance(value, list):
            raise _Wrong(f"expected a list, got {type(value).__name__}")
        if len(value) < spec.min:
            raise _Wrong(f"expected at least {spec.min} item(s), got {len(value)}")
        for i, item in enumerate(value):
            try:
                _check(item, spec.item)
            except _Wrong as wrong:
                wrong.where.append(f"[{i}]")
                raise
    elif isinstance(spec, dict):
        if not isinstance(value, dict):
            raise _Wrong(f"expected an object, got {type(value).__name__}")
        for key, sub in spec.items():
            if key not in value:
                raise _Wrong(f"missing {key!r}")
            try:
                _check(value[key], sub)
            except _Wrong as wrong:
                wrong.where.append(f".{key}")
                raise
    elif callable(spec):
        try:
            spec(value, "")
        except InvalidReply as exc:
            raise _Wrong(str(exc).removeprefix(": ")) from None
    else:  # pragma: no cover - a mistake in the specs below
        raise TypeError(spec)


IDS = Many(_text)
BLOCK_FIELDS: dict[str, dict[str, Spec]] = {  # what each kind of block must hold (rules.blocks)
    kind: {**({shape.text: _text} if shape.text else {}), **({shape.items: Many(_text, 1)} if shape.items else {}),
           **({shape.refers: Many(_text, 1)} if shape.refers else {})}
    for kind, shape in BLOCKS.items()
}


def _block(value: Any, path: str) -> None:
    check(value, {"id": _text, "type": _text, "termIds": IDS}, path)
    # A block type this app does not know yet is kept and skipped when shown, so a newer server
    # does not stop older phones from syncing.
    check(value, BLOCK_FIELDS.get(value["type"], {}), path)


NAMED = {"id": _text, "name": _text, "description": _text}
SHAPES: dict[str, dict[str, Spec]] = {
    "document": {
        "slug": _text, "title": _text, "summary": _text, "audience": _text, "disclaimer": _text,
        "reviewedBy": _text, "lastReviewed": _maybe_date, "lastUpdated": _date, "sourceIds": Many(_text, 1),
        "sections": Many({"id": _text, "heading": _text, "blocks": Many(_block, 1)}, 1),
    },
    "treatment": {"id": _text, "categoryId": _text, "name": _text, "summary": _text, "howItWorks": _text,
                  "factIds": IDS, "termIds": IDS},
    "term": {"id": _text, "term": _text, "definition": _text, "alsoMatches": Many(_text)},
    "category": {"id": _text, "name": _text},
    "role": NAMED,
    "factor": NAMED,
    "fact": {"id": _text, "text": _text},
    "institution": {"id": _text, "name": _text, "factIds": IDS},
    "source": {"id": _text, "title": _text, "publisher": _text, "url": Maybe(_text), "retrieved": _date},
    "string": {"key": _text, "text": _string},
    "locale": {"code": _code, "nativeName": _text, "choosePrompt": _text, "continueLabel": _text,
               "fallback": Maybe(_code), "isDefault": _bool, "position": _int},
}
ID_FIELD = {"document": "slug", "string": "key", "locale": "code"}
PAGE = {
    "version": _text, "since": Maybe(_string), "fullSync": _bool, "reset": _bool, "locales": Many(_code, 1),
    "items": Many({"kind": _text, "id": _text, "locale": _string, "version": Maybe(_text), "deleted": _bool}),
    "nextPageToken": Maybe(_text), "nextSyncToken": Maybe(_text),
    "manifest": Maybe({"count": _int, "digest": _text}),
}


def check_item(raw: dict[str, Any], locales: Sequence[str], path: str) -> Item:
    """One item of a page, checked against its digest and its kind's shape."""
    kind, id, locale, version = raw["kind"].lower(), raw["id"], raw["locale"], raw["version"]  # enum: CATEGORY
    if len(id) > MAX_ID_CHARS:
        raise InvalidReply(f"{path}.id: longer than {MAX_ID_CHARS} characters")
    if kind in UNLOCALIZED:
        if locale != NO_LOCALE:
            raise InvalidReply(f"{path}.locale: a {kind} is in no language, got {locale!r:.20}")
    elif locale not in locales:
        raise InvalidReply(f"{path}.locale: {locale!r:.20} was not asked for")
    data = raw.get("data")
    if raw["deleted"]:
        if version is not None or data is not None:
            raise InvalidReply(f"{path}: a removal carries no version and no data")
        return Item(kind, id, locale, None, None)
    if not isinstance(data, dict) or version is None:
        raise InvalidReply(f"{path}: an item without its data or version")
    if item_version(kind, id, locale, data) != version:
        raise InvalidReply(f"{path}: {kind} {id!r:.40} ({locale or 'no language'}) does not match its version "
                           "(changed or damaged on the way)")
    shape = SHAPES.get(kind)
    if shape is not None:  # a kind this app does not know yet is kept, never shown
        check(data, shape, f"{path}.data")
        if data.get(ID_FIELD.get(kind, "id")) != id:
            raise InvalidReply(f"{path}.data: its id is not the item's id {id!r:.40}")
    return Item(kind, id, locale, version, data)


def parse_page(body: bytes | str, *, locales: Sequence[str] | None) -> Page:
    """Check one ``syncPage`` reply (asked for in ``locales``; None: whatever it says, the snapshot)."""
    try:
        top = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidReply(f"not JSON: {exc}"[:300]) from None
    except RecursionError:
        raise InvalidReply("the reply is nested too deeply to be ours") from None
    if not isinstance(top, dict):
        raise InvalidReply("the reply is not an object")
    errors = top.get("errors")
    if errors:
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        ext = first.get("extensions") if isinstance(first.get("extensions"), dict) else {}
        retry = ext.get("retryAfterSeconds")
        raise ServerSaid(f"the server reported: {str(first.get('message', errors))[:300]}", str(ext.get("code", "")),
                         float(retry) if isinstance(retry, int | float) and not isinstance(retry, bool) else None)
    data = top.get("data")
    check(data, {"syncPage": PAGE}, "data")
    page = data["syncPage"]
    sent = list(page["locales"])
    if locales is not None and sorted(sent) != sorted(locales):
        raise InvalidReply(f"data.syncPage.locales: asked for {sorted(locales)}, got {sorted(sent)}")
    items, previous = [], None
    for i, raw in enumerate(page["items"]):
        item = check_item(raw, sent, f"data.syncPage.items[{i}]")
        if previous is not None and item.key <= previous:
            raise InvalidReply(f"data.syncPage.items[{i}]: out of order or sent twice")
        previous = item.key
        items.append(item)
    for name in ("nextPageToken", "nextSyncToken"):
        if page[name] is not None and len(page[name]) > MAX_TOKEN_CHARS:
            raise InvalidReply(f"data.syncPage.{name}: longer than {MAX_TOKEN_CHARS} characters")
    if page["nextPageToken"] is None and (page["nextSyncToken"] is None or page["manifest"] is None):
        raise InvalidReply("data.syncPage: the last page has no next-sync token or no manifest")
    manifest = (page["manifest"]["count"], page["manifest"]["digest"]) if page["manifest"] else None
    return Page(version=page["version"], since=page["since"], full_sync=page["fullSync"], reset=page["reset"],
                locales=sent, items=items, next_page_token=page["nextPageToken"],
                next_sync_token=page["nextSyncToken"], manifest=manifest)
