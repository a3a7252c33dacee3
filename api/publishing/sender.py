"""The one webhook sender of all the workers (and machines) that serve one content file.

Each worker runs a :class:`Sender` thread, but only the one holding an exclusive ``flock`` on
``sender.lock`` in the releases folder sends; the others try for the lock every few seconds, so
when the holder stops or dies another takes over, and no event is sent by two at once.

An event goes out only once this worker serves its publication or a later one (it has reloaded:
"sent only after the new version is served"), to every URL in ``WEBHOOK_URLS``, and is tried
until a receiver answers 2xx: at once, then after each of ``WEBHOOK_RETRY_SECONDS`` (by default
5 s, 30 s, 2 min, 10 min, 30 min, 1 h: seven tries over about 1 h 47 min). Pending deliveries
and every try live in SQLite (:mod:`api.content.publications`), so a restart resumes them.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from api.content.publications import Delivery, Publication, PublicationLog
from api.publishing.webhooks import send
from api.settings import Webhooks, redact

log = logging.getLogger("clara.webhooks")

LOOK_EVERY_SECONDS = 0.5  # for new events and due retries, while holding the lock
LOCK_EVERY_SECONDS = 2.0  # for the lock, while another process holds it
PARALLEL = 4  # receivers tried at once: one slow receiver does not hold up the others
DUE_AT_ONCE = 16


def next_try_at(tries_done: int, retry_seconds: tuple[float, ...], now: float) -> float | None:
    """When to try again after ``tries_done`` failed tries; None when the tries are used up."""
    return now + retry_seconds[tries_done - 1] if tries_done <= len(retry_seconds) else None


class Sender:
    def __init__(self, publications: PublicationLog, webhooks: Webhooks, served: Callable[[], str],
                 lock_path: Path) -> None:
        self.publications = publications
        self.webhooks = webhooks
        self.served = served  # the version this process serves now
        self.lock_path = lock_path
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock_fd: int | None = None
        self._fanned_out: int | None = None  # the publication this sender last fanned out
        self._client = httpx.Client(headers={"accept": "*/*"})
        self._pool = ThreadPoolExecutor(PARALLEL, thread_name_prefix="webhook")

    @property
    def holding(self) -> bool:
        return self._lock_fd is not None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="webhook-sender", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock: another worker takes over
            self._lock_fd = None

    def _take_lock(self) -> bool:
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        log.info("this process (pid %d) sends the webhooks", os.getpid())
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self.holding and not self._take_lock():
                self._stop.wait(LOCK_EVERY_SECONDS)
                continue
            try:
                self.step(time.time())
            except Exception:  # a broken database or a bug: log it, keep the last good state, look again
                log.exception("webhook sender step failed")
            self._stop.wait(LOOK_EVERY_SECONDS)

    def step(self, now: float) -> int:
        """Fan out what is newly served, then try what is due; returns the tries made."""
        seq = self.publications.seq_of(self.served())
        if seq is not None and seq != self._fanned_out:  # a write only when what is served has changed
            self.publications.open_deliveries(seq, self.webhooks.urls, now)
            self._fanned_out = seq
        due = self.publications.due(now, self.webhooks.urls, DUE_AT_ONCE)
        list(self._pool.map(lambda pair: self.try_once(*pair), due))
        return len(due)

    def try_once(self, delivery: Delivery, publication: Publication, replay: bool = False) -> bool:
        answer = send(self._client, delivery.url, self.webhooks.secret, publication.webhook_id, publication.body,
                      self.webhooks.timeout_seconds)
        tries = delivery.tries + 1
        next_at = None if answer.ok else next_try_at(tries, self.webhooks.retry_seconds, time.time())
        self.publications.record_try(delivery, answer.status, answer.error, answer.milliseconds, next_at, replay)
        where = redact(delivery.url)
        if answer.ok:
            log.info("webhook %s %s to %s: %d (try %d)", publication.event, publication.webhook_id, where,
                     answer.status, tries)
        elif next_at is None and not replay:
            log.error("webhook %s to %s failed after %d tries, last: %s", publication.webhook_id, where, tries,
                      answer.error)
        else:
            log.warning("webhook %s to %s: %s (try %d%s)", publication.webhook_id, where, answer.error, tries,
                        "" if next_at is None else f", again in {next_at - time.time():.0f} s")
        return answer.ok
