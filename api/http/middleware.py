"""Plain ASGI middleware: request ids with access logs, and CORS for browser front-ends."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any, ClassVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("clara.access")


class AccessLogMiddleware:
    """One log line per request: id, method, path, status, bytes and milliseconds.

    The id comes from the client's ``X-Request-Id`` when it is a sane token, else a new one; it is
    echoed back in the response so a patient's report can be matched to the server's log.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status, size = 500, 0

        async def send_with_id(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info('%s "%s %s" %d %dB %.1fms', request_id, scope["method"], scope["path"], status, size,
                     (time.perf_counter() - started) * 1000)


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id" and 8 <= len(value) <= 64 and value.replace(b"-", b"").isalnum():
            return value.decode("ascii")
    return uuid.uuid4().hex


class CorsMiddleware:
    """CORS for GET/POST from browsers. ``origins`` is the allowlist; ``*`` allows any origin.

    Content is public and no cookies are read, so credentials are never allowed.
    """

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.any = "*" in origins
        self.origins = {o.encode() for o in origins}

    def _allowed(self, origin: bytes) -> bool:
        return self.any or origin in self.origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        origin = headers.get(b"origin")
        if origin is None or not self._allowed(origin):
            await self.app(scope, receive, send)
            return
        allow_origin = b"*" if self.any else origin
        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            await _preflight(send, allow_origin)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra: list[Any] = [(b"access-control-allow-origin", allow_origin),
                                    (b"access-control-expose-headers", b"ETag, X-Request-Id, Content-Language")]
                if not self.any:
                    extra.append((b"vary", b"Origin"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cors)


async def _preflight(send: Send, allow_origin: bytes) -> None:
    await send({"type": "http.response.start", "status": 204, "headers": [
        (b"access-control-allow-origin", allow_origin),
        (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
        (b"access-control-allow-headers",
         b"Content-Type, Accept, Accept-Language, If-None-Match, X-Request-Id, "
         b"Apollo-Require-Preflight, X-Apollo-Operation-Name"),
        (b"access-control-max-age", b"86400"),
        (b"vary", b"Origin"),
    ]})
    await send({"type": "http.response.body", "body": b""})


class SecurityHeadersMiddleware:
    """Headers every response carries (OWASP Secure Headers); a route may set stricter ones itself."""

    HEADERS: ClassVar[list[tuple[bytes, bytes]]] = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"cross-origin-resource-policy", b"cross-origin"),  # public content, meant to be embedded
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(k, v) for k, v in self.HEADERS if k not in present]]
            await send(message)

        await self.app(scope, receive, send_with_headers)
