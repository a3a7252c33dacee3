"""Sync items: what a phone keeps, one record in one language at a time, and how it is checked.

Every record the phone keeps (a document, a treatment, a glossary term, a UI string…) travels as
an *item*: its kind, its id, its locale ("" for a record that is not in one language, such as a
locale itself) and its data, the JSON of what it shows in that language. An item's *version* is a
digest of all four, so a phone can check each item it receives or reads back, and an item sent
under the wrong kind, id or language fails the check. A *manifest* (how many items, and one digest
of every key and version in key order) says what a complete copy of one content version is, so a
phone can tell a complete copy from a partial one before it deletes anything.

The server and the phone both compute these with the functions below; ``json.dumps`` with sorted
keys and no spaces is the one canonical form (it round-trips through any JSON parser unchanged,
as long as the data holds no floats, which items never do).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

# Every kind of item, in the order they are paged (alphabetical: the key order is plain string
# order of (kind, id, locale), the same in Python and in SQLite's BINARY collation).
KINDS = ("category", "document", "fact", "factor", "institution", "locale", "role", "source", "string",
         "term", "treatment")
# Kinds whose items are not in one language: one item each, with locale "".
UNLOCALIZED = frozenset({"locale"})
NO_LOCALE = ""
VERSION_HEX = 16  # 64 bits of SHA-256: a damaged or swapped item goes unnoticed with odds of 1 in 2^64
MAX_ID_CHARS = 120

Key = tuple[str, str, str]  # (kind, id, locale)


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that digests are taken of."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def data_bytes_version(kind: str, id: str, locale: str, data_json: bytes) -> str:
    """The version of an item whose data is already in canonical form."""
    head = canonical([kind, id, locale]) + b"\n"
    return hashlib.sha256(head + data_json).hexdigest()[:VERSION_HEX]


def item_version(kind: str, id: str, locale: str, data: Any) -> str:
    """The digest of an item: its key and its data. Changes when anything it shows changes."""
    return data_bytes_version(kind, id, locale, canonical(data))


def manifest_digest(entries: Iterable[tuple[str, str, str, str]]) -> str:
    """One digest of every (kind, id, locale, version), given in key order."""
    h = hashlib.sha256()
    for kind, id, locale, version in entries:
        h.update(f"{kind}\t{id}\t{locale}\t{version}\n".encode())
    return h.hexdigest()[:32]


def is_locale_code(code: object) -> bool:
    """A content locale code: two or three lowercase ASCII letters ('en', 'es', 'haw')."""
    return isinstance(code, str) and 2 <= len(code) <= 3 and code.isascii() and code.isalpha() \
        and code.islower()
