"""Sync tokens: where a phone is in a sync, as an opaque string any server of this library reads.

A token holds no server state: the locales, the version the phone has (``since``; none for a
complete copy), the key of the last item it was sent, the page size, the version the chain's first
page came from (and whether a later page came from another), and what the token is for
(the next page of a chain, or the next sync once a chain is done). It is base64url JSON plus an
HMAC-SHA256 tag, so a token that was cut, altered or made by another library (another
``SYNC_TOKEN_KEY`` or institution) is refused with a clear error. With the default key anyone
who reads this code can make a token; that grants nothing (a token only names a position in
public content), and setting ``SYNC_TOKEN_KEY`` makes tokens unforgeable.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

from rules.items import KINDS, MAX_ID_CHARS, Key, is_locale_code

MAX_TOKEN_CHARS = 1_024
DEFAULT_KEY = "clara-sync-token-v1"
FORMAT = 1


class BadToken(ValueError):
    """The token cannot be used; the message says why, in words a client developer can act on."""


@dataclass(frozen=True)
class Token:
    purpose: str              # "page": the next page of a chain; "sync": the next sync after a chain
    locales: tuple[str, ...]
    since: str | None         # the version the phone has (None: a complete copy is being sent)
    after: Key | None = None  # the last item sent (pages only)
    size: int = 0             # items per page the phone asked for
    origin: str | None = None  # the version the chain's first page came from (pages only)
    mixed: bool = False       # a page of this chain came from another version than ``origin``


class TokenCodec:
    def __init__(self, key: str, library: str) -> None:
        self._key = hashlib.sha256(f"{key}\n{library}".encode()).digest()

    def _tag(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:12]

    def encode(self, token: Token) -> str:
        body = {"f": FORMAT, "p": token.purpose, "l": list(token.locales), "s": token.since}
        if token.after is not None:
            body["a"] = list(token.after)
        if token.size:
            body["n"] = token.size
        if token.origin is not None:
            body["o"] = token.origin
        if token.mixed:
            body["m"] = 1
        payload = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        return f"{_b64(payload)}.{_b64(self._tag(payload))}"

    def decode(self, text: str) -> Token:
        if len(text) > MAX_TOKEN_CHARS:
            raise BadToken(f"The sync token is too long ({len(text)} characters; a real one is under "
                           f"{MAX_TOKEN_CHARS}). Start again without a token.")
        payload_part, dot, tag_part = text.partition(".")
        try:
            payload, tag = _unb64(payload_part), _unb64(tag_part)
        except (binascii.Error, ValueError):
            payload, tag = b"", b""
        if not dot or not payload or not hmac.compare_digest(tag, self._tag(payload)):
            raise BadToken("The sync token is not one this library made (damaged, altered, or from another "
                           "server's content). Start again without a token.")
        try:
            body = json.loads(payload)
            return _token(body)
        except (ValueError, TypeError, KeyError) as exc:  # a tag that verifies means our own bug
            raise BadToken(f"The sync token cannot be read ({exc}). Start again without a token.") from None


def _token(body: dict) -> Token:
    if body["f"] != FORMAT or body["p"] not in {"page", "sync"}:
        raise ValueError("unknown token format")
    locales = tuple(body["l"])
    if not locales or not all(is_locale_code(c) for c in locales):
        raise ValueError("bad locales")
    since = body["s"]
    if since is not None and not isinstance(since, str):
        raise ValueError("bad version")
    after = body.get("a")
    if after is not None:
        if (not isinstance(after, list) or len(after) != 3 or after[0] not in KINDS
                or not all(isinstance(x, str) and len(x) <= MAX_ID_CHARS for x in after)):
            raise ValueError("bad position")
        after = (after[0], after[1], after[2])
    size = body.get("n", 0)
    origin = body.get("o")
    if not isinstance(size, int) or (origin is not None and not isinstance(origin, str)):
        raise ValueError("bad size or origin")
    return Token(body["p"], locales, since, after, size, origin, bool(body.get("m")))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text or len(text) % 4 == 1:
        raise ValueError("not base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
