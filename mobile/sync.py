"""Bringing the phone's copy up to date from the API. No Kivy here; the app runs this on a thread.

One GET of the sync query with ``If-None-Match``: ``304`` means nothing changed; a ``200`` reply
is checked whole (``mobile.reply``) and then written in one transaction (``Store.apply``). Any
failure on the way (no network, a dropped connection, a server error, a malformed or incomplete
reply, a failed write) leaves the stored content exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import os
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from mobile import reply as replies
from mobile.store import Damaged, Store

log = logging.getLogger("clara.sync")

DEFAULT_API_URL = "http://127.0.0.1:8000"
TIMEOUT_SECONDS = 20
MAX_REPLY_BYTES = 32 * 1024 * 1024


API_URL_FILE = Path(__file__).resolve().parent / "data" / "api_url.txt"  # written when packaging


def api_url_from_env() -> str:
    """``$API_URL``; else the address packaged with the app; else a local server."""
    configured = os.environ.get("API_URL", "").strip()
    if not configured and API_URL_FILE.exists():
        configured = API_URL_FILE.read_text(encoding="utf-8").strip()
    return configured or DEFAULT_API_URL


class Status(Enum):
    UPDATED = "updated"      # new content stored
    UNCHANGED = "unchanged"  # the server confirmed we are up to date (a 304 or an empty delta)
    OFFLINE = "offline"      # could not reach the server, or the connection dropped
    FAILED = "failed"        # the server answered, but not with something we can store


@dataclass(frozen=True)
class Outcome:
    status: Status
    version: str | None = None
    not_modified: bool = False  # answered by 304
    full_sync: bool = False
    detail: str = ""


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    etag: str | None
    received: int = 0  # bytes that crossed the network (the body before it was decompressed)


class ServerError(Exception):
    pass


def request_url(api_url: str, since: str | None, locales: list[str]) -> str:
    """The GET URL of the sync query; stable for a given (since, locales), so ETags apply."""
    variables = json.dumps({"since": since, "locales": locales}, separators=(",", ":"), sort_keys=True)
    query = urllib.parse.urlencode({"query": replies.sync_query(locales), "variables": variables})
    return f"{api_url.rstrip('/')}/graphql?{query}"


def fetch(url: str, etag: str | None, timeout: float = TIMEOUT_SECONDS) -> Fetched:
    """GET ``url``. Network trouble raises OSError or HTTPException; a 304 comes back as status 304."""
    headers = {"Accept": "application/json", "Accept-Encoding": "gzip", "User-Agent": "Clara-mobile/0.1"}
    if etag:
        headers["If-None-Match"] = etag
    request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310 - the configured API URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_REPLY_BYTES + 1)
            if len(body) > MAX_REPLY_BYTES:
                raise ServerError("the reply is too large")
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) != len(body):
                raise http.client.IncompleteRead(body, int(length) - len(body))
            received = len(body)
            if response.headers.get("Content-Encoding", "").lower() == "gzip":  # a fifth of the bytes
                body = _gunzip(body, MAX_REPLY_BYTES)
            return Fetched(response.status, body, response.headers.get("ETag"), received)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(304, b"", exc.headers.get("ETag") or etag)
        raise ServerError(f"HTTP {exc.code}: {_error_message(exc)}") from None


def _gunzip(body: bytes, limit: int) -> bytes:
    """Decompress a gzipped reply, refusing one that is damaged, cut short or grows past ``limit``
    (a small reply must not be able to fill the phone's memory)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # 16+: the gzip wrapper
    try:
        plain = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise ServerError(f"the compressed reply is damaged: {exc}") from None
    if len(plain) > limit:
        raise ServerError("the reply is too large")
    if not inflater.eof:
        raise ServerError("the compressed reply is damaged: it ends too soon")
    return plain


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read(64 * 1024))
        return "; ".join(e["message"] for e in body["errors"])[:300]
    except Exception:
        return exc.reason or "no message"


def run(path: Path, api_url: str, *, timeout: float = TIMEOUT_SECONDS, now: dt.datetime | None = None) -> Outcome:
    """One sync of the database at ``path`` against ``api_url``. Never raises for network or data trouble."""
    store = Store(path)
    try:
        return _run(store, api_url, timeout, now or dt.datetime.now(dt.UTC))
    finally:
        store.close()


def _run(store: Store, api_url: str, timeout: float, now: dt.datetime) -> Outcome:
    locales = store.offered_codes()
    # A language the phone does not have yet needs every document: ask for a complete copy.
    since = store.version if set(locales) == set(store.locale_codes()) else None
    url = request_url(api_url, since, locales)
    stamp = now.replace(microsecond=0).isoformat()
    try:
        fetched = fetch(url, store.etag_for(url), timeout)
    except (OSError, http.client.HTTPException) as exc:
        log.info("sync: offline (%s)", exc)
        return Outcome(Status.OFFLINE, since, detail=str(exc) or type(exc).__name__)
    except ServerError as exc:
        log.warning("sync: %s", exc)
        return Outcome(Status.FAILED, since, detail=str(exc))
    if fetched.status == 304:
        store.mark_checked(stamp)
        return Outcome(Status.UNCHANGED, since, not_modified=True)
    try:
        reply = replies.parse(fetched.body, since=since, locales=locales)
        changed = store.apply(reply, etag=fetched.etag, url=url, synced_at=stamp)
    except (replies.InvalidReply, Damaged, sqlite3.Error) as exc:
        log.warning("sync: refused the reply: %s", exc)
        return Outcome(Status.FAILED, since, detail=str(exc))
    return Outcome(Status.UPDATED if changed else Status.UNCHANGED, reply.version, full_sync=reply.full_sync)
