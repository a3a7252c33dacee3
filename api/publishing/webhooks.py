"""One webhook try: the event's bytes, signed per Standard Webhooks, posted to one receiver.

The headers are ``webhook-id`` (the same on every try of one event, so a receiver can drop a
repeat), ``webhook-timestamp`` (this try's, in seconds) and ``webhook-signature``
(``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``), made by the ``standardwebhooks`` package
(PyPI, from the specification's authors) rather than by hand, so our signing and a receiver's
check are the same code. Redirects are not followed (a 3xx is a failed try: a receiver that
moved says so in the delivery log), and the answer's body is never read beyond its status.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import time
from dataclasses import dataclass

import httpx
from standardwebhooks.webhooks import Webhook

USER_AGENT = "Clara-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (refused, timed out, reset)
    error: str | None
    milliseconds: float

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def new_secret() -> str:
    """A fresh ``whsec_`` secret: 32 random bytes, base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signed_headers(secret: str, webhook_id: str, body: bytes, at: dt.datetime | None = None) -> dict[str, str]:
    at = at or dt.datetime.now(dt.UTC)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, at, body.decode()),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def send(client: httpx.Client, url: str, secret: str, webhook_id: str, body: bytes, timeout: float) -> Answer:
    """Post ``body`` to ``url`` once; every failure is an :class:`Answer`, never an exception."""
    started = time.perf_counter()
    try:
        with client.stream("POST", url, content=body, headers=signed_headers(secret, webhook_id, body),
                           timeout=timeout, follow_redirects=False) as response:
            status = response.status_code
        return Answer(status, None if 200 <= status < 300 else f"answered {status}",
                      (time.perf_counter() - started) * 1000)
    except httpx.TimeoutException:
        error = f"no answer within {timeout:g} s"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    return Answer(None, error, (time.perf_counter() - started) * 1000)
