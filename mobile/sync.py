"""Bringing the phone's copy up to date from the API, page by page. No Kivy here; the app runs this on a thread.

A sync follows a chain of ``syncPage`` GETs (see :mod:`mobile.reply`): the first asks with the
token the last sync ended with (or none, for a complete copy), each page names the next. Every
page is checked whole and gathered in one transaction (``Store.add_page``), so a sync cut off by a
dropped network resumes at the next page it needs; the last page's manifest is checked against
the gathered copy before the store switches to it (``Store.finish``). Any failure on the way (no
network, a server error, a malformed, damaged or incomplete reply, a failed write) leaves the
copy the reader sees exactly as it was, and comes back as an :class:`Outcome` with a reason,
never as an exception.

``python -m mobile.sync --api URL --data-dir DIR`` runs one sync (creating the database from the
bundled snapshot if DIR is new) and prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import logging
import os
import sqlite3
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from mobile import reply as replies
from mobile.store import Damaged, Mismatch, Store

log = logging.getLogger("clara.sync")

DEFAULT_API_URL = "http://127.0.0.1:8000"
TIMEOUT_SECONDS = 20
MAX_PAGE_BYTES = 4 * 1024 * 1024  # a page is about 450 KB; the library's size has no limit
PAGE_SIZE = 500                   # items per page asked for (pages also stop near 448 KB)
MAX_PAGES = 100_000               # per run: a server that never ends a chain cannot keep a phone busy
MAX_WAIT_SECONDS = 30             # for a server that is still preparing its sync ("not ready")


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
    full_sync: bool = False     # the chain was a complete copy
    detail: str = ""
    pages: int = 0              # pages received and gathered in this run
    items: int = 0
    wire_bytes: int = 0         # bytes received on the wire (compressed)
    seconds: float = 0.0
    largest_page: int = 0       # bytes of the largest page, decompressed

    def as_json(self) -> dict[str, object]:
        """The one-shot command's line (camelCase, as the API speaks)."""
        return {"status": self.status.value, "version": self.version, "pages": self.pages,
                "items": self.items, "wireBytes": self.wire_bytes, "seconds": round(self.seconds, 3),
                "fullSync": self.full_sync, "notModified": self.not_modified, "largestPageBytes": self.largest_page,
                "peakRssMb": _peak_rss_mb(), "detail": self.detail}


def _peak_rss_mb() -> float | None:
    """This process's peak resident memory (for operators and the benchmarks), where the OS says it.

    Linux's VmHWM, not ``getrusage``: ru_maxrss survives exec, so a process started by a large
    one would report its parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    etag: str | None
    received: int = 0  # bytes that crossed the network (the body before it was decompressed)


class ServerError(Exception):
    pass


def page_url(api_url: str, token: str | None, locales: list[str] | None, page_size: int | None = None) -> str:
    """The GET URL of one page: the same for every phone at the same point of the same chain, so a
    CDN can share the answer. A page token carries its languages and page size; only the start of
    a chain (no token, or the last sync's token) names a page size."""
    variables: dict[str, object] = {"token": token} if token is not None else {"locales": sorted(locales or [])}
    if page_size is not None:
        variables["pageSize"] = page_size
    query = urllib.parse.urlencode({
        "query": replies.SYNC_QUERY,
        "variables": json.dumps(variables, separators=(",", ":"), sort_keys=True),
    })
    return f"{api_url.rstrip('/')}/graphql?{query}"


def fetch(url: str, etag: str | None, timeout: float = TIMEOUT_SECONDS) -> Fetched:
    """GET ``url``. Network trouble raises OSError or HTTPException; a 304 comes back as status 304."""
    headers = {"Accept": "application/json", "Accept-Encoding": "gzip", "User-Agent": "Clara-mobile/0.2"}
    if etag:
        headers["If-None-Match"] = etag
    request = urllib.request.Request(url, headers=headers, method="GET")  # noqa: S310 - the configured API URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_PAGE_BYTES + 1)
            if len(body) > MAX_PAGE_BYTES:
                raise ServerError(f"a page is larger than {MAX_PAGE_BYTES // 1024 // 1024} MiB")
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) != len(body):
                raise http.client.IncompleteRead(body, int(length) - len(body))
            received = len(body)
            if response.headers.get("Content-Encoding", "").lower() == "gzip":  # a fifth of the bytes
                body = _gunzip(body, MAX_PAGE_BYTES)
            return Fetched(response.status, body, response.headers.get("ETag"), received)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(304, b"", exc.headers.get("ETag") or etag)
        if exc.code == 400:  # a GraphQL error answered as graphql-response+json: read it like any reply
            return Fetched(400, exc.read(64 * 1024), None, 0)
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
        raise ServerError(f"a page is larger than {limit // 1024 // 1024} MiB")
    if not inflater.eof:
        raise ServerError("the compressed reply is damaged: it ends too soon")
    return plain


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read(64 * 1024))
        return "; ".join(e["message"] for e in body["errors"])[:300]
    except Exception:
        return exc.reason or "no message"


def run(path: Path, api_url: str, *, timeout: float = TIMEOUT_SECONDS, now: dt.datetime | None = None,
        max_pages: int = MAX_PAGES, page_size: int = PAGE_SIZE) -> Outcome:
    """One sync of the database at ``path`` against ``api_url``. Never raises for network or data trouble."""
    started = time.monotonic()
    store = Store(path)
    try:
        outcome = _Sync(store, api_url, timeout, now or dt.datetime.now(dt.UTC), max_pages, page_size).run()
    except (sqlite3.Error, Damaged) as exc:
        log.warning("sync: the database refused the write: %s", exc)
        outcome = Outcome(Status.FAILED, store.version, detail=f"could not store the content: {exc}")
    finally:
        store.close()
    return replace(outcome, seconds=time.monotonic() - started)


class _Sync:
    """One run: follows the chain from where the store stands, counting pages and bytes."""

    def __init__(self, store: Store, api_url: str, timeout: float, now: dt.datetime, max_pages: int,
                 page_size: int) -> None:
        self.store, self.api_url, self.timeout, self.max_pages, self.page_size = \
            store, api_url, timeout, max_pages, page_size
        self.stamp = now.replace(microsecond=0).isoformat()
        self.pages = self.items = self.wire = self.largest = 0
        self.waited = 0.0
        self.restarted = False  # a complete copy has been asked for again once in this run

    def _outcome(self, status: Status, detail: str = "", **extra: object) -> Outcome:
        return Outcome(status, extra.pop("version", self.store.version), detail=detail, pages=self.pages,  # type: ignore[arg-type]
                       items=self.items, wire_bytes=self.wire, largest_page=self.largest, **extra)  # type: ignore[arg-type]

    def _start(self) -> tuple[str | None, list[str]]:
        """(token to ask with, languages) for a new chain: the last sync's token if it still fits."""
        offered = self.store.offered_codes()
        token = self.store.sync_token
        if sorted(self.store.sync_locales) != sorted(offered):  # a new language: a complete copy
            token = None
        return token, offered

    def run(self) -> Outcome:
        store = self.store
        damaged = store.health_check()  # what it drops, this sync fetches again
        if damaged:
            log.warning("sync: %d stored item(s) were damaged; fetching a complete copy", damaged)
        chain = store.chain
        token, offered = self._start()
        if chain is not None and sorted(chain.locales) == sorted(offered):
            token, starting = chain.next_token, False  # resume an interrupted sync
        else:
            if chain is not None:
                store.drop_chain()
            starting = True
        next_sync = starting and token is not None
        while True:
            if self.pages >= self.max_pages:
                return self._outcome(Status.FAILED, f"stopped after {self.pages} pages; the rest comes next time")
            url = self._url(token, offered, next_sync)
            try:
                fetched = fetch(url, store.etag_for(url) if next_sync else None, self.timeout)
            except (OSError, http.client.HTTPException) as exc:
                log.info("sync: offline (%s)", exc)
                return self._outcome(Status.OFFLINE, str(exc) or type(exc).__name__)
            except ServerError as exc:
                log.warning("sync: %s", exc)
                return self._outcome(Status.FAILED, str(exc))
            self.wire += fetched.received
            self.largest = max(self.largest, len(fetched.body))
            if fetched.status == 304:
                store.mark_checked(self.stamp)
                return self._outcome(Status.UNCHANGED, not_modified=True)
            try:
                page = replies.parse_page(fetched.body, locales=offered if token is None else None)
            except replies.ServerSaid as exc:
                if exc.code == "SYNC_TOKEN_INVALID" and not self.restarted:
                    log.info("sync: the server refused our token (%s); asking for a complete copy", exc)
                    store.drop_chain()
                    store.forget_sync_token()
                    token, starting, next_sync, self.restarted = None, True, False, True
                    continue
                if exc.code == "SYNC_NOT_READY" and self.waited < MAX_WAIT_SECONDS:
                    pause = min(max(exc.retry_after or 1.0, 0.2), MAX_WAIT_SECONDS - self.waited)
                    self.waited += pause
                    time.sleep(pause)
                    continue
                return self._outcome(Status.FAILED, str(exc))
            except replies.InvalidReply as exc:
                log.warning("sync: refused a page: %s", exc)
                return self._outcome(Status.FAILED, f"refused a page: {exc}")
            if token is not None and not starting and page.locales and store.chain \
                    and sorted(page.locales) != sorted(store.chain.locales):
                return self._outcome(Status.FAILED, "refused a page: its languages are not the sync's")
            self.pages += 1
            self.items += len(page.items)
            if page.next_page_token is not None:
                store.add_page(page, starting=starting)
                token, starting, next_sync = page.next_page_token, False, False
                continue
            one_request = next_sync and starting  # a one-page chain: only that URL is asked again next time
            try:
                changed = store.finish(page, starting=starting, synced_at=self.stamp,
                                       etag=fetched.etag if one_request else None, url=url if one_request else None)
            except Mismatch as exc:
                log.warning("sync: %s", exc)
                if self.restarted:
                    return self._outcome(Status.FAILED, f"the copy did not match the server's list: {exc}")
                # our copy, or this chain, is in doubt: ask for a complete copy (the token is kept
                # for next time, should the complete copy fail too)
                token, starting, next_sync, self.restarted = None, True, False, True
                continue
            status = Status.UPDATED if changed else Status.UNCHANGED
            return self._outcome(status, version=page.version, full_sync=page.full_sync)

    def _url(self, token: str | None, offered: list[str], next_sync: bool) -> str:
        if token is None:
            return page_url(self.api_url, None, offered, self.page_size)
        return page_url(self.api_url, token, None, self.page_size if next_sync else None)


def main(argv: list[str] | None = None) -> int:
    """``python -m mobile.sync``: one sync, one JSON line (for people operating the app, and for tests)."""
    from mobile import snapshot
    from mobile.store import open_store

    parser = argparse.ArgumentParser(prog="python -m mobile.sync", description="Run one sync of a Clara phone copy.")
    parser.add_argument("--api", default=api_url_from_env(), help="the API's base URL (default: $API_URL)")
    parser.add_argument("--data-dir", type=Path, required=True, help="where the phone's database is (made if new)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds to wait for each page")
    parser.add_argument("--max-pages", type=int, default=MAX_PAGES, help="stop after this many pages (resumable)")
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE, help="items per page to ask for (1-500)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s", stream=sys.stderr)
    path = args.data_dir / "clara.sqlite3"
    try:
        opened = open_store(path, snapshot.load)
    except Exception as exc:  # the one place a failure must still become the promised JSON line
        print(json.dumps({"status": "failed", "version": None, "pages": 0, "wireBytes": 0, "seconds": 0,
                          "detail": f"cannot open the database: {exc}"}))
        return 1
    if opened.recovered:
        log.warning("the database was damaged (%s); rebuilt from the bundled snapshot", opened.problem)
    opened.store.close()
    outcome = run(path, args.api, timeout=args.timeout, max_pages=args.max_pages, page_size=args.page_size)
    print(json.dumps(outcome.as_json(), ensure_ascii=False))
    return 0 if outcome.status in (Status.UPDATED, Status.UNCHANGED) else 1


if __name__ == "__main__":
    sys.exit(main())
