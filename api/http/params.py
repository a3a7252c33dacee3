"""Reading a GraphQL-over-HTTP request into its parameters, refusing malformed ones clearly.

Follows the GraphQL-over-HTTP spec: GET carries ``query``, ``variables``, ``operationName`` and
``extensions`` in the URL (the last two JSON-encoded); POST carries a JSON object. Any POST body
that is not ``application/json`` is refused, which also stops cross-site request forgery: a
browser can only send JSON cross-origin after a CORS preflight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request

from api.settings import Limits


class RequestError(Exception):
    """A request we cannot run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, code: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


@dataclass(frozen=True)
class Params:
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def _json_param(raw: str | None, name: str) -> Any:
    if raw is None or raw == "":
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise RequestError(400, f"The `{name}` parameter is not valid JSON.", "BAD_REQUEST") from None


def depth_of(value: Any, stop: int) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0), counted without recursion and
    no further than ``stop`` + 1: a value nested a million deep costs no more than one at the limit."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop:
                    return deepest
            stack.extend((child, depth) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _check(params: dict[str, Any], limits: Limits) -> Params:
    query, variables = params.get("query"), params.get("variables")
    operation_name, extensions = params.get("operationName"), params.get("extensions")
    if query is not None and not isinstance(query, str):
        raise RequestError(400, "`query` must be a string.", "BAD_REQUEST")
    if query is not None and len(query) > limits.max_query_chars:
        raise RequestError(413, f"The query is too long ({len(query)} characters; the most is "
                                f"{limits.max_query_chars}).", "QUERY_TOO_LONG")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError(400, "`variables` must be an object (a map of names to values).", "BAD_REQUEST")
    for name, value in (("variables", variables), ("extensions", extensions)):
        if value is not None and depth_of(value, limits.max_json_depth) > limits.max_json_depth:
            raise RequestError(400, f"`{name}` nests lists and objects too deeply: the most is "
                                    f"{limits.max_json_depth} levels.", "JSON_TOO_DEEP")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestError(400, "`operationName` must be a string.", "BAD_REQUEST")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError(400, "`extensions` must be an object.", "BAD_REQUEST")
    if query is None and not (extensions and "persistedQuery" in extensions):
        raise RequestError(400, "The request has no `query`.", "BAD_REQUEST")
    return Params(query, variables, operation_name, extensions)


def from_query_string(request: Request, limits: Limits) -> Params:
    if len(request.url.query) > limits.max_query_chars * 3 + 4096:
        raise RequestError(414, "The URL is too long. Send large queries with POST.", "URI_TOO_LONG")
    qp = request.query_params
    for name in ("query", "variables", "operationName", "extensions"):
        if len(qp.getlist(name)) > 1:
            raise RequestError(400, f"The `{name}` parameter is given more than once.", "BAD_REQUEST")
    return _check({
        "query": qp.get("query"),
        "variables": _json_param(qp.get("variables"), "variables"),
        "operationName": qp.get("operationName") or None,
        "extensions": _json_param(qp.get("extensions"), "extensions"),
    }, limits)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refusing (413) anything over ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise RequestError(400, "The Content-Length header is not a number.", "BAD_REQUEST")
        if int(declared) > limit:
            raise RequestError(413, f"The request body is too large (the most is {limit} bytes).", "BODY_TOO_LARGE")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(413, f"The request body is too large (the most is {limit} bytes).", "BODY_TOO_LARGE")
        chunks.append(chunk)
    return b"".join(chunks)


async def from_body(request: Request, limits: Limits) -> Params:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        shown = media_type or "none"
        raise RequestError(
            415, f"POST bodies must be application/json (got {shown}). Other types are refused so that "
            "a web page cannot make a visitor's browser send queries (CSRF).", "UNSUPPORTED_MEDIA_TYPE",
            {"Accept-Post": "application/json"},
        )
    body = await read_body(request, limits.max_body_bytes)
    if not body.strip():
        raise RequestError(400, "The request body is empty; send a JSON object with a `query`.", "BAD_REQUEST")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        reason = "it is not valid UTF-8" if "utf-8" in str(exc).lower() else "it is not valid JSON"
        raise RequestError(400, f"The request body cannot be read: {reason}.", "BAD_REQUEST") from None
    if isinstance(data, list):
        raise RequestError(400, "Batched requests (a JSON array) are not supported; send one object per "
                                "request.", "BATCHING_NOT_SUPPORTED")
    if not isinstance(data, dict):
        raise RequestError(400, "The request body must be a JSON object with a `query`.", "BAD_REQUEST")
    return _check(data, limits)
