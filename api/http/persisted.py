"""Automatic persisted queries, as Apollo Client's persisted-query link speaks them.

A client first sends only ``extensions.persistedQuery.sha256Hash``. When we do not know the hash
we answer ``PersistedQueryNotFound`` (never cacheable: a CDN that kept that answer would break
every client); the client then sends the query with its hash, we check that the hash is the
query's SHA-256, and remember it in a bounded store. Later GETs carry only the hash, so their URL
is short and a CDN can cache them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from api.http.params import Params, RequestError
from api.lru import LRU

NOT_FOUND = "PersistedQueryNotFound"


class PersistedQueryMiss(Exception):
    """The client sent a hash we do not hold; it should retry with the query."""


@dataclass(frozen=True, slots=True)
class PersistedUse:
    """How one request used a persisted query: its hash, and the query when the request sent it too
    (a registration). Kept with a held answer, so a repeat does the same bookkeeping."""

    digest: str
    registered: str | None


def _query_weight(digest: str, query: str) -> int:
    return len(digest) + len(query.encode("utf-8")) + 256  # the entry and its strings' headers


class PersistedQueries:
    """Query texts by their SHA-256, at most ``size`` of them and ``max_bytes`` of text."""

    def __init__(self, size: int, max_bytes: int | None = None) -> None:
        self.store: LRU[str, str] = LRU(size, max_bytes, _query_weight)

    def resolve(self, params: Params) -> tuple[str, PersistedUse | None]:
        """(query text, how the request used APQ, if it did). Raises on a bad or unknown hash."""
        persisted = (params.extensions or {}).get("persistedQuery")
        if persisted is None:
            assert params.query is not None
            return params.query, None
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise RequestError(400, "Unsupported persistedQuery version; only version 1 is supported.",
                               "PERSISTED_QUERY_VERSION")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64 or not _is_hex(digest):
            raise RequestError(400, "persistedQuery.sha256Hash must be a 64-character hex SHA-256.",
                               "BAD_REQUEST")
        digest = digest.lower()
        if params.query is None:
            query = self.store.get(digest)
            if query is None:
                raise PersistedQueryMiss
            return query, PersistedUse(digest, None)
        if hashlib.sha256(params.query.encode("utf-8")).hexdigest() != digest:
            raise RequestError(400, "provided sha does not match query", "INVALID_PERSISTED_QUERY_HASH")
        self.store.put(digest, params.query)
        return params.query, PersistedUse(digest, params.query)

    def repeat(self, use: PersistedUse) -> bool:
        """Do for a repeated request what :meth:`resolve` did for the first: register its query again
        (which keeps it fresh in the store), or check that its hash is still held."""
        if use.registered is not None:
            self.store.put(use.digest, use.registered)
            return True
        return self.store.get(use.digest) is not None


def _is_hex(value: str) -> bool:
    try:
        int(value, 16)
    except ValueError:
        return False
    return True


def not_found_body() -> dict[str, Any]:
    return {"errors": [{"message": NOT_FOUND, "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]}
