"""What every response gets, in one ASGI layer: a request id, the access line, the basic security
headers and CORS; plus the shortcut for answers we already hold.

These were three middlewares, each wrapping ``send`` once more; on a cached GET the wrapping cost
more than the answer. One layer reads the request headers once and adds its headers in one step.
It sits outside Starlette's own layers (error handling, routing), so a ``500`` from Starlette's
error handler carries the id and headers too, and an answer the ``shortcut`` already holds (a
repeated persisted GET) goes out without routing at all.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from typing import ClassVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.access_log import AccessLog

Headers = list[tuple[bytes, bytes]]
Answer = tuple[int, Headers, bytes]
Shortcut = Callable[[Scope], "Answer | None"]

EXPOSED = b"ETag, X-Request-Id, Content-Language"
PREFLIGHT: Headers = [
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers",
     b"Content-Type, Accept, Accept-Language, If-None-Match, X-Request-Id, "
     b"Apollo-Require-Preflight, X-Apollo-Operation-Name"),
    (b"access-control-max-age", b"86400"),
    (b"vary", b"Origin"),
]


class Edge:
    """The outermost layer of the app.

    Request ids: the client's ``X-Request-Id`` when it is a sane token, else a new one; echoed in
    the response and written in the access line, so a patient's report can be matched to the log.
    CORS: ``origins`` is the allowlist (``*`` allows any); content is public and no cookies are
    read, so credentials are never allowed. Security headers (OWASP Secure Headers) are added
    unless a route set its own, stricter ones.
    """

    SECURITY: ClassVar[Headers] = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"cross-origin-resource-policy", b"cross-origin"),  # public content, meant to be embedded
    ]

    def __init__(self, app: ASGIApp, origins: list[str], access_log: AccessLog,
                 shortcut: Shortcut | None = None) -> None:
        self.app = app
        self.any_origin = "*" in origins
        self.origins = {o.encode() for o in origins}
        self.access_log = access_log
        self.shortcut = shortcut
        self._ids = itertools.count()
        self._id_prefix = os.urandom(8).hex()  # ids are unique across processes and restarts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id, origin, preflight = self._read(scope["headers"])
        scope.setdefault("state", {})["request_id"] = request_id
        extra: Headers = [(b"x-request-id", request_id.encode())]
        if origin is not None and (self.any_origin or origin in self.origins):
            allow = b"*" if self.any_origin else origin
            if preflight and scope["method"] == "OPTIONS":
                await _send(send, 204, [(b"access-control-allow-origin", allow), *PREFLIGHT, *extra], b"")
                self.access_log.write(request_id, scope["method"], scope["path"], 204, 0, started)
                return
            extra += [(b"access-control-allow-origin", allow), (b"access-control-expose-headers", EXPOSED)]
            if not self.any_origin:
                extra.append((b"vary", b"Origin"))

        answer = self.shortcut(scope) if self.shortcut is not None else None
        if answer is not None:
            status, headers, body = answer
            await _send(send, status, [*headers, *self.SECURITY, *extra], body)
            self.access_log.write(request_id, scope["method"], scope["path"], status, len(body), started)
            return

        status, size = 500, 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.get("headers", [])
                present = {name.lower() for name, _ in headers}
                message["headers"] = [*headers, *[h for h in self.SECURITY if h[0] not in present], *extra]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self.access_log.write(request_id, scope["method"], scope["path"], status, size, started)

    def _read(self, headers: Headers) -> tuple[str, bytes | None, bool]:
        """(request id, Origin, whether this is a CORS preflight) from one pass over the headers."""
        request_id = origin = None
        preflight = False
        for name, value in headers:
            if name == b"x-request-id":
                if request_id is None and 8 <= len(value) <= 64 and value.replace(b"-", b"").isalnum():
                    request_id = value.decode("ascii")
            elif name == b"origin":
                origin = value if origin is None else origin
            elif name == b"access-control-request-method":
                preflight = True
        return request_id or f"{self._id_prefix}{next(self._ids):016x}", origin, preflight


async def _send(send: Send, status: int, headers: Headers, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
