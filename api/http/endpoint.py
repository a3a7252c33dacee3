"""``/graphql``: GraphQL over HTTP with caching, persisted queries and limits.

The path of a request: read the parameters (GET or POST), resolve a persisted query, negotiate the
locale, answer ``304`` when the client already holds this exact answer, answer from the response
cache when we already made it, else parse and validate (cached per query text), execute, and
keep the bytes. Every key includes the content version, so a reload makes every cached answer
stale at once without anyone clearing anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSyntaxError,
    NoSchemaIntrospectionCustomRule,
    OperationType,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from starlette.requests import Request
from starlette.responses import Response

from api.content.live import LiveContent
from api.content.snapshot import Snapshot
from api.content.sync_pages import SyncPager
from api.http.graphiql import graphiql_page
from api.http.limits import limits_rule
from api.http.params import Params, RequestError, from_body, from_query_string
from api.http.persisted import PersistedQueries, PersistedQueryMiss, PersistedUse, not_found_body
from api.lru import LRU
from api.memory import give_back_freed_memory
from api.schema import schema
from api.schema.budget import Budget, OverBudget, aside
from api.schema.cost import cost_of, lengths_of
from api.schema.localize import RequestContext
from api.schema.plan import Plan, Planner
from api.settings import Settings
from api.web.conditional import cache_control, last_modified, matches
from api.web.negotiation import accepts_gzip, negotiate, weighted
from api.web.ratelimit import TokenBuckets, units

log = logging.getLogger("clara.graphql")

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
ALLOW = "GET, POST, OPTIONS"
VARY = "Accept, Accept-Language, Accept-Encoding"
GZIP_MIN_BYTES = 1024  # below this, gzip's header and the work cost more than they save
AST_BYTES_PER_CHAR = 120  # a parsed query keeps about 100 bytes per character of its text (measured)
ENTRY_BYTES = 512  # what an entry costs a cache beyond its texts: the entry, its key and object headers
LARGE_ANSWER_BYTES = 256 * 1024  # sync pages: the C heap they free is given back (at most 20 times a second)
TRIM_EVERY_SECONDS = 0.05


@dataclass(frozen=True)
class CheckedQuery:
    """A parsed and validated query, kept per query text."""

    document: DocumentNode | None
    errors: list[GraphQLError]
    plans: dict[str | None, Plan | None] = field(default_factory=dict, compare=False, repr=False)  # per operation
    # cost per (operation, content version) when there are no variables: the walk is 0.14 ms a page
    costs: dict[tuple[str | None, str], int] = field(default_factory=dict, compare=False, repr=False)

    def cost(self, operation: Any, variables: dict[str, Any] | None, snapshot: Any, lengths: dict[str, int]) -> int:
        """:func:`cost_of` this operation; without variables it depends only on the content version,
        so it is worked out once per version (the last :data:`COSTS_KEPT` versions are kept)."""
        if variables:
            return cost_of(schema.graphql_schema, self.document, operation, variables, lengths)
        key = (operation.name.value if operation.name else None, snapshot.version)
        found = self.costs.get(key)
        if found is None:
            found = cost_of(schema.graphql_schema, self.document, operation, None, lengths)
            if len(self.costs) >= COSTS_KEPT:
                self.costs.clear()
            self.costs[key] = found
        return found


COSTS_KEPT = 8  # (operation, version) costs kept per query text


@dataclass(frozen=True)
class FinishedAnswer:
    """A finished answer: status and bytes, kept per content version and request.

    ``cacheable``: HTTP caches may keep it (an ETag and a public Cache-Control). ``kept``: the
    response cache keeps it even though HTTP caches may not; a refusal that took work to find
    (an answer too large) is kept, so asking again costs a lookup, not another execution.
    """

    status: int
    body: bytes
    cacheable: bool
    kept: bool = False

    @cached_property
    def gzipped(self) -> bytes:
        """The body gzipped, made once per kept answer. ``mtime=0`` keeps the bytes the same in
        every worker, so a strong ETag stays true across them."""
        return gzip.compress(self.body, compresslevel=6, mtime=0)


@dataclass(frozen=True, slots=True)
class Representation:
    """What one answer is, for caches: the key it is kept under, its ETag, language and date.

    The full path makes it for every request; a repeated GET reuses the one kept with its answer,
    so the two paths cannot disagree on a tag or a header.
    """

    key: str  # the response cache's key: a SHA-256 of the content version, locale, media type, operation,
    # query and variables (a digest, so a 20 KB query text is not kept twice per answer)
    etag: str  # one tag per representation: the gzipped bytes are not the same bytes
    locale: str
    last_modified: str

    def not_modified(self, cache_control: str) -> Response:
        return Response(status_code=304, headers={
            "ETag": self.etag, "Cache-Control": cache_control, "Last-Modified": self.last_modified,
            "Vary": VARY, "Content-Language": self.locale})


@dataclass(frozen=True, slots=True)
class HeldAnswer:
    """A GET we have answered, kept by its raw request (query string and the headers it depends on).

    Repeating it needs none of the request parsing: only the same state checks the full path
    makes (the persisted query still held, the answer still cached), then the stored headers.
    """

    status: int
    representation: Representation
    persisted: PersistedUse | None  # how the URL used a persisted query, if it did
    headers: list[tuple[bytes, bytes]]
    gzipped: bool  # whether the body is the kept answer's gzip (else its plain bytes)
    not_modified: list[tuple[bytes, bytes]]


def _answer_weight(key: str, answer: FinishedAnswer) -> int:
    """What a kept answer holds alive: its bytes, its gzip when made, its key."""
    zipped = answer.__dict__.get("gzipped")
    return len(answer.body) + (len(zipped) if zipped is not None else 0) + len(key) + ENTRY_BYTES


def _held_weight(key: HeldKey, held: HeldAnswer) -> int:
    """What a held GET costs: its query string and headers (its body is the kept answer's)."""
    headers = sum(len(n) + len(v) for n, v in held.headers) + sum(len(n) + len(v) for n, v in held.not_modified)
    return sum(len(part) for part in key if part) + headers + ENTRY_BYTES


def _prepared_weight(query: str, prepared: CheckedQuery) -> int:
    return len(query) * AST_BYTES_PER_CHAR + ENTRY_BYTES


def accepted_media_type(accept: str | None) -> str | None:
    """``application/graphql-response+json`` when asked for, else ``application/json``; None if neither."""
    if not accept:
        return JSON
    best: tuple[float, str] | None = None
    for media, quality in weighted(accept):
        if quality <= 0:
            continue
        choice = {GRAPHQL_RESPONSE: GRAPHQL_RESPONSE, JSON: JSON, "application/*": JSON, "*/*": JSON}.get(media.lower())
        if choice and (best is None or quality > best[0] or (quality == best[0] and choice == GRAPHQL_RESPONSE)):
            best = (quality, choice)
    return best[1] if best else None


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value)


class GraphQLEndpoint:
    """The ``/graphql`` route. One instance per app; its caches are bounded and per process."""

    def __init__(self, settings: Settings, live: LiveContent, work: TokenBuckets | None = None) -> None:
        self.settings = settings
        self.live = live  # handed in by the app: the content every request reads
        self.limits = settings.limits
        self.rules = [*specified_rules, limits_rule(settings.limits)]
        if not settings.introspection:
            self.rules.append(NoSchemaIntrospectionCustomRule)
        self.prepared: LRU[str, CheckedQuery] = LRU(settings.document_cache_entries,
                                                     settings.document_cache_bytes, _prepared_weight)
        self.responses: LRU[str, FinishedAnswer] = LRU(
            settings.response_cache_entries if settings.response_cache else 0,
            settings.response_cache_bytes, _answer_weight)
        self.persisted = PersistedQueries(settings.persisted_query_entries, settings.persisted_query_bytes)
        self.cache_control = cache_control(settings.cache_max_age, settings.stale_while_revalidate)
        # held GETs share the kept answers' bodies; their own weight (query strings, headers) gets
        # an eighth of the answers' budget
        self.held: LRU[HeldKey, HeldAnswer] = LRU(self.responses.size, settings.response_cache_bytes // 8,
                                                  _held_weight)
        # each client's units of work, shared with the embeds' renders (see api.web.ratelimit)
        self.new_queries = work or TokenBuckets(settings.execution_rate, settings.execution_burst)
        self.pager = SyncPager(settings.sync_token_key)
        self.planner = Planner(schema.graphql_schema)
        # executions run here, never on the event loop (see _off_the_loop)
        self.pool = ThreadPoolExecutor(max_workers=max(1, settings.execution_threads), thread_name_prefix="execute")
        self._waiting = 0  # executions running or queued (read and written on the event loop only)
        self._trimmed_at = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        request = Request(scope, receive)
        response = await self.handle(request)
        await response(scope, receive, send)

    def repeat(self, scope: Any) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """The answer to a GET we already answered, exactly as :meth:`handle` would give it; else None.

        The app's outermost layer asks this before routing (see :mod:`api.http.edge`), so a repeated
        persisted GET costs a dictionary lookup and the state checks the full path would make. The
        header lists returned are shared: read them, do not change them.
        """
        if not self.held.size or scope["method"] not in _GET:
            return None
        key, if_none_match = _held_key(scope, self.live.current.version)
        held = self.held.get(key)
        if held is None:
            return None
        if held.persisted is not None and not self.persisted.repeat(held.persisted):
            return None
        if if_none_match is not None and matches(if_none_match.decode("latin-1"), held.representation.etag):
            return 304, held.not_modified, b""
        ready = self.responses.get(held.representation.key)
        if ready is None:
            return None
        return held.status, held.headers, ready.gzipped if held.gzipped else ready.body

    async def handle(self, request: Request) -> Response:
        method = request.method
        if method not in {"GET", "HEAD", "POST"}:
            if method == "OPTIONS":
                return Response(status_code=204, headers={"Allow": ALLOW})
            return self._error(405, f"Method {method} is not allowed; use GET or POST.", "METHOD_NOT_ALLOWED",
                               JSON, {"Allow": ALLOW})
        media_type = accepted_media_type(request.headers.get("accept"))
        if method != "POST" and "query" not in request.query_params and "extensions" not in request.query_params \
                and "text/html" in request.headers.get("accept", ""):
            return graphiql_page(request)
        if media_type is None:
            return self._error(406, f"This endpoint answers {GRAPHQL_RESPONSE} or {JSON}.", "NOT_ACCEPTABLE", JSON)
        try:
            params = from_query_string(request, self.limits) if method != "POST" \
                else await from_body(request, self.limits)
            return await self.run(request, params, media_type, is_get=method != "POST")
        except RequestError as exc:
            return self._error(exc.status, exc.message, exc.code, media_type, exc.headers)

    async def run(self, request: Request, params: Params, media_type: str, is_get: bool) -> Response:
        live = self.live
        snapshot = live.current  # one version for the whole request
        try:
            query, persisted = self.persisted.resolve(params)
        except PersistedQueryMiss:
            return self._respond(200, _dumps(not_found_body()), media_type, "no-store", None, None)
        locale = negotiate(request.headers.get("accept-language"), snapshot.locales,
                           snapshot.content.default_locale)
        gz = accepts_gzip(request.headers.get("accept-encoding"))
        representation = _representation(snapshot, locale, media_type, params, query, gz)
        if is_get and matches(request.headers.get("if-none-match"), representation.etag):
            return representation.not_modified(self.cache_control)

        ready = self.responses.get(representation.key)
        if ready is None:
            client = request.client.host if request.client else ""
            wait = self.new_queries.take(client)
            if wait:
                return self._error(
                    429, f"Too much new work from one client: try again in {wait} s. Answers already "
                    "made (repeated and persisted queries) are not limited.", "RATE_LIMITED", media_type,
                    {"Retry-After": str(wait)})
            ready = await self._off_the_loop(request, query, params, media_type, is_get, live, snapshot, locale,
                                             client)
            if isinstance(ready, Response):
                return ready
            if len(ready.body) >= LARGE_ANSWER_BYTES:
                self._trim_after_large_answers()
            if (ready.cacheable or ready.kept) and self.responses.size:
                self.responses.put(representation.key, ready)
        cacheable = is_get and ready.cacheable
        body, encoding = ready.body, None
        if gz and len(body) >= GZIP_MIN_BYTES:
            # a kept answer is compressed once, well; one made for this request alone, quickly
            # (60 KB: level 6 takes 0.75 ms for 9.2 KB, level 1 0.27 ms for 12.9 KB)
            kept = ready.cacheable and self.responses.size > 0
            body = ready.gzipped if kept else gzip.compress(body, compresslevel=1, mtime=0)
            encoding = "gzip"
        if not cacheable:
            return self._respond(ready.status, body, media_type, "no-store", None, None, locale, encoding)
        response = self._respond(ready.status, body, media_type, self.cache_control, representation.etag,
                                 representation.last_modified, locale, encoding)
        if self.held.size and self.responses.get(representation.key) is ready:
            self.held.put(_held_key(request.scope, snapshot.version)[0], HeldAnswer(
                ready.status, representation, persisted, response.raw_headers, encoding is not None,
                representation.not_modified(self.cache_control).raw_headers))
        return response

    async def _off_the_loop(self, request: Request, query: str, params: Params, media_type: str, is_get: bool,
                            live: Any, snapshot: Any, locale: str, client: str) -> FinishedAnswer | Response:
        """Parse, validate, execute and serialize on a worker thread, within a budget.

        The event loop only waits: other requests (cached answers, ``/healthz``) are answered
        meanwhile, and a query the cost model misjudged is stopped by its budget from inside the
        execution. A client that hangs up cancels its work. When every worker is busy and
        :attr:`Settings.execution_queue` requests already wait, a quick 503 says to retry. The
        CPU the work took is charged to the client's bucket (see :mod:`api.web.ratelimit`).
        """
        if self._waiting >= self.settings.execution_queue:
            return self._error(503, "The server is busy with other queries: try again in a second.", "BUSY",
                               media_type, {"Retry-After": "1"})
        budget = Budget(self.limits.execution_seconds, self.limits.max_resolved_fields, self.limits.max_answer_bytes)
        watcher = asyncio.ensure_future(_cancel_on_disconnect(request, budget))
        self._waiting += 1
        try:
            answer, cpu = await asyncio.get_running_loop().run_in_executor(
                self.pool, self._within_budget, budget, request, query, params, media_type, is_get, live, snapshot,
                locale)
            self.new_queries.charge(client, units(cpu))
            return answer
        finally:
            self._waiting -= 1
            watcher.cancel()

    def _within_budget(self, budget: Budget, request: Request, query: str, params: Params, media_type: str,
                       is_get: bool, live: Any, snapshot: Any, locale: str) -> tuple[FinishedAnswer | Response, float]:
        """(the answer, the CPU seconds this thread spent making it)."""
        started = time.thread_time()
        try:
            ready = self._execute(request, query, params, media_type, is_get, live, snapshot, locale, budget)
        except OverBudget as stop:
            if stop.reason == "bytes":  # its text alone is past the answer's ceiling
                ready = self._too_large(int(stop.spent), media_type, at_least=True)
            else:
                ready = self._over_budget(stop, media_type)
        if isinstance(ready, FinishedAnswer) and (ready.cacheable or ready.kept) and self.responses.size \
                and len(ready.body) >= GZIP_MIN_BYTES:
            _ = ready.gzipped  # the cache will keep it: made here, off the loop, before the cache weighs it
        return ready, time.thread_time() - started

    def _over_budget(self, stop: OverBudget, media_type: str) -> FinishedAnswer:
        """The answer of an execution its budget stopped (kept when the stop does not depend on time)."""
        what = {"seconds": f"ran for more than {stop.limit} s", "fields": f"completed more than {stop.limit:,} fields",
                "disconnected": "lost its client"}[stop.reason]
        if stop.reason == "disconnected":
            log.info("an execution was stopped: its client went away")
        body = {"errors": [{"message": f"The query {what} and was stopped. Ask for less: smaller pages (`first`), "
                            "fewer fields, or split the query.",
                            "extensions": {"code": "EXECUTION_BUDGET", "reason": stop.reason, "spent": stop.spent,
                                           "limit": stop.limit}}]}
        return FinishedAnswer(400 if media_type == GRAPHQL_RESPONSE else 200, _dumps(body), cacheable=False,
                              kept=stop.reason == "fields")

    def _trim_after_large_answers(self) -> None:
        """Give the C heap freed by earlier large answers back to the system.

        glibc keeps what a 450 KB sync page (and its gzip and JSON buffers) freed for reuse: over
        a library's worth of pages that kept memory grew to 10-14% above the server's memory at
        rest. Trimming after large answers (at most every 50 ms) costs about 0.1 ms each.
        """
        now = time.monotonic()
        if now - self._trimmed_at >= TRIM_EVERY_SECONDS:
            self._trimmed_at = now
            give_back_freed_memory()

    def _prepare(self, query: str) -> CheckedQuery:
        prepared = self.prepared.get(query)
        if prepared is not None:
            return prepared
        try:
            document = parse(query, no_location=False, max_tokens=self.limits.max_tokens)
        except GraphQLSyntaxError as exc:
            prepared = CheckedQuery(None, [exc])
        else:
            errors = validate(schema.graphql_schema, document, self.rules, max_errors=20)
            prepared = CheckedQuery(None if errors else document, errors)
        self.prepared.put(query, prepared)
        return prepared

    def _execute(self, request: Request, query: str, params: Params, media_type: str, is_get: bool,
                 live: Any, snapshot: Any, locale: str, budget: Budget | None = None) -> FinishedAnswer | Response:
        prepared = self._prepare(query)
        if prepared.document is None:
            status = 400 if media_type == GRAPHQL_RESPONSE else 200
            body = {"errors": [e.formatted for e in prepared.errors]}
            return FinishedAnswer(status, _dumps(body), cacheable=False)
        try:
            operation = get_operation_ast(prepared.document, params.operation_name)
        except GraphQLError:
            operation = None
        if operation is None:
            message = (f"Unknown operation named {params.operation_name!r}." if params.operation_name
                       else "The document has several operations; say which one with `operationName`.")
            return FinishedAnswer(400 if media_type == GRAPHQL_RESPONSE else 200,
                         _dumps({"errors": [{"message": message}]}), cacheable=False)
        if operation.operation is not OperationType.QUERY:
            kind = operation.operation.value
            if is_get:
                return self._error(405, f"A {kind} cannot be sent with GET; use POST.", "METHOD_NOT_ALLOWED",
                                   media_type, {"Allow": "POST"})
        with aside(budget):  # made once per version (on its own thread after a load): not this query's time
            lengths = lengths_of(snapshot)
        cost = prepared.cost(operation, params.variables, snapshot, lengths)
        if cost > self.limits.max_cost:
            return self._too_costly(cost, operation, media_type)
        def new_context() -> RequestContext:
            return RequestContext(live=live, snapshot=snapshot, locale=locale, pager=self.pager, budget=budget)

        result, context = self.planner.execute(prepared.plans, prepared.document, new_context, params.variables,
                                               params.operation_name)
        if not isinstance(result, ExecutionResult):  # pragma: no cover - all our resolvers are sync
            raise TypeError("asynchronous execution is not expected")
        return self._finish(request, result, context, media_type)

    def _finish(self, request: Request, result: ExecutionResult, context: RequestContext,
                media_type: str) -> FinishedAnswer:
        body: dict[str, Any] = {}
        internal = False
        if result.errors:
            body["errors"] = []
            for error in result.errors:
                if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
                    internal = True
                    request_id = request.scope.get("state", {}).get("request_id", "")
                    log.error("request %s: resolver failed at %s", request_id, error.path,
                              exc_info=error.original_error)
                    body["errors"].append({"message": f"Internal error (request id {request_id}).",
                                           "path": error.path, "extensions": {"code": "INTERNAL"}})
                else:
                    body["errors"].append(error.formatted)
        if result.data is None and result.errors and not internal:
            # variables that could not be coerced: a request error, not an execution result
            return FinishedAnswer(400 if media_type == GRAPHQL_RESPONSE else 200, _dumps(body), cacheable=False)
        body["data"] = result.data
        if context.fallbacks:
            body["extensions"] = {"localeFallbacks": context.fallbacks}
        if context.outdated:
            body.setdefault("extensions", {})["outdatedTranslations"] = context.outdated
        answer = _dumps(body)
        if len(answer) > self.limits.max_answer_bytes:
            return self._too_large(len(answer), media_type)
        return FinishedAnswer(200, answer, cacheable=not internal)

    def _too_costly(self, cost: int, operation: Any, media_type: str) -> FinishedAnswer:
        """The refusal of a query whose lists would hold too much (see :mod:`api.schema.cost`), kept."""
        name = f" {operation.name.value!r}" if operation.name else ""
        limit = self.limits.max_cost
        message = (f"Operation{name} asks for too much: cost {cost:,}, the most is {limit:,}. Each field counts "
                   "once per item of the lists it is in: ask for smaller pages (`first`), fewer fields, or "
                   "split the query.")
        body = {"errors": [{"message": message, "extensions": {
            "code": "QUERY_TOO_COMPLEX", "cost": cost, "maxCost": limit}}]}
        return FinishedAnswer(400 if media_type == GRAPHQL_RESPONSE else 200, _dumps(body), cacheable=False,
                              kept=True)

    def _too_large(self, size: int, media_type: str, at_least: bool = False) -> FinishedAnswer:
        """The refusal of an answer above ``max_answer_bytes``, kept so that asking again is cheap
        (``at_least``: the execution was stopped once its text passed the limit)."""
        limit = self.limits.max_answer_bytes
        message = (f"The answer would be {'at least ' if at_least else ''}{size:,} bytes; the most this server "
                   f"sends is {limit:,}. "
                   "Ask for fewer fields or a smaller page (`first`).")
        body = {"errors": [{"message": message, "extensions": {
            "code": "ANSWER_TOO_LARGE", "bytes": size, "maxBytes": limit}}]}
        # refused as a request (no data), as the other limits are
        return FinishedAnswer(400 if media_type == GRAPHQL_RESPONSE else 200, _dumps(body), cacheable=False,
                              kept=True)

    def _respond(self, status: int, body: bytes, media_type: str, cache_control: str, etag: str | None,
                 last_modified: str | None, locale: str | None = None, encoding: str | None = None) -> Response:
        headers = {"Cache-Control": cache_control, "Vary": VARY}
        if encoding:
            headers["Content-Encoding"] = encoding
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        if locale:
            headers["Content-Language"] = locale
        return Response(body, status_code=status, headers=headers, media_type=f"{media_type}; charset=utf-8")

    def _error(self, status: int, message: str, code: str, media_type: str,
               headers: dict[str, str] | None = None) -> Response:
        body = _dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
        response = self._respond(status, body, media_type, "no-store", None, None)
        response.headers.update(headers or {})
        return response


_GET = frozenset({"GET", "HEAD"})


async def _cancel_on_disconnect(request: Request, budget: Budget) -> None:
    """Wait for the client to hang up, and then stop its execution (the budget raises in the worker)."""
    with contextlib.suppress(Exception):
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                budget.cancel()
                return


def _representation(snapshot: Snapshot, locale: str, media_type: str, params: Params, query: str,
                    gz: bool) -> Representation:
    described = "\x1f".join([
        snapshot.version, locale, media_type, params.operation_name or "", query,
        orjson.dumps(params.variables, option=orjson.OPT_SORT_KEYS).decode() if params.variables else "",
    ])
    key = hashlib.sha256(described.encode()).hexdigest()
    etag = f'"{snapshot.version}-{key[:20]}{"-gz" if gz else ""}"'
    return Representation(key, etag, locale, last_modified(snapshot))


HeldKey = tuple[str, bytes, bytes | None, bytes | None, bytes | None]


def _held_key(scope: Any, version: str) -> tuple[HeldKey, bytes | None]:
    """(what a GET's answer depends on, its If-None-Match): the content version, the query string,
    and the first Accept, Accept-Language and Accept-Encoding, as the full path reads them (names
    are lowercase)."""
    accept = language = encoding = if_none_match = None
    for name, value in scope["headers"]:
        if name == b"accept":
            accept = value if accept is None else accept
        elif name == b"accept-language":
            language = value if language is None else language
        elif name == b"accept-encoding":
            encoding = value if encoding is None else encoding
        elif name == b"if-none-match":
            if_none_match = value if if_none_match is None else if_none_match
    return (version, scope["query_string"], accept, language, encoding), if_none_match
