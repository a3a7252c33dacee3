"""What a preview server (``make preview DRAFT=path``) does to every answer, in one layer.

A draft must never be mistaken for published content by anyone in between: every answer says
``Cache-Control: no-store`` (no cache keeps it: nginx, a CDN, a browser) and ``X-Robots-Tag:
noindex`` (no search engine lists it), carries no validator (no ``ETag`` or ``Last-Modified``
that a cache holding a live answer could match), and every GraphQL answer says
``"extensions": {"preview": true}``. Requests lose their ``If-None-Match``, ``If-Modified-Since``
and ``Accept-Encoding`` on the way in, so every answer is a whole, uncompressed body this layer
can mark. A preview server also keeps no answers and sends no webhooks (see ``create_app``).
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DROPPED_REQUEST = {b"if-none-match", b"if-modified-since", b"accept-encoding"}
DROPPED_RESPONSE = {b"cache-control", b"etag", b"last-modified", b"content-length", b"expires", b"age"}
ADDED = [(b"cache-control", b"no-store"), (b"x-robots-tag", b"noindex, nofollow")]


def marked(body: bytes) -> bytes:
    """A GraphQL answer with ``extensions.preview: true`` (bodies that are not a JSON object pass)."""
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body
    if not isinstance(answer, dict):
        return body
    extensions = answer.get("extensions")
    answer["extensions"] = {**(extensions if isinstance(extensions, dict) else {}), "preview": True}
    return orjson.dumps(answer)


class Preview:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k not in DROPPED_REQUEST]}
        graphql = scope["path"].startswith("/graphql")
        start: Message | None = None
        chunks: list[bytes] = []

        async def marking(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in DROPPED_RESPONSE]
            is_json = any(k.lower() == b"content-type" and b"json" in v for k, v in headers)
            if graphql and is_json and body:
                body = marked(body)
            headers += [*ADDED, (b"content-length", str(len(body)).encode())]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, marking)
