"""A repeated GET is answered from what the endpoint remembers, byte for byte as the full path would.

Two apps over the same content, one with the shortcut and one without, get the same sequence
of requests (persisted and plain GETs, several headers, 304s, HEAD, registration, eviction,
a reload); every answer must be identical but for the request id.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
from pathlib import Path

import httpx

from api.app import create_app
from api.content.live import LiveContent
from api.http.endpoint import GraphQLEndpoint
from api.settings import Settings
from tests.conftest import BUNDLED

PAGE = '{ document(slug: "liver-metastases-treatment", locale: "es") { title sections { id heading } } }'
OTHER = "{ locales { code nativeName } }"


def _endpoint(app) -> GraphQLEndpoint:
    return next(r.endpoint for r in app.routes if getattr(r, "path", None) == "/graphql")


def _persisted(query: str, with_query: bool = False) -> dict[str, str]:
    params = {"extensions": json.dumps({"persistedQuery": {"version": 1,
                                                           "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}})}
    if with_query:
        params["query"] = query
    return params


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(k, v) for k, v in response.headers.multi_items() if k != "x-request-id"]
    return response.status_code, headers, response.content


def _caches(app) -> tuple[list, list]:
    """The keys of the response cache and the persisted-query store, in LRU order."""
    endpoint = _endpoint(app)
    return endpoint.responses.keys(), endpoint.persisted.store.keys()


async def _both(steps, tmp_path: Path, responses: int = 50, persisted: int = 50) -> list[tuple]:
    content = tmp_path / "content.json"
    shutil.copy(BUNDLED, content)
    settings = Settings(response_cache_entries=responses, persisted_query_entries=persisted)
    apps = []
    for shortcut in (True, False):
        app = create_app(settings, content=LiveContent.open(content))
        if not shortcut:
            _endpoint(app).held.size = 0
        apps.append(app)
    seen: list[tuple] = []
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") for app in apps]
    try:
        for step in steps:
            if step == "reload":
                data = json.loads(content.read_text())
                data["documents"][0]["title"]["es"] += " (nuevo)"
                content.write_text(json.dumps(data))
                assert all(app.state.content.reload() for app in apps)
                continue
            method, params, headers = step
            fast, full = [_answer(await c.request(method, "/graphql", params=params, headers=headers))
                          for c in clients]
            assert fast == full, step
            assert _caches(apps[0]) == _caches(apps[1]), step
            seen.append(fast)
    finally:
        for client in clients:
            await client.aclose()
    return seen


def test_repeated_gets_answer_exactly_as_the_full_path(tmp_path: Path) -> None:
    es = {"Accept-Language": "es-US,es;q=0.9"}
    modern = {"Accept": "application/graphql-response+json", "Accept-Language": "en"}
    steps = [
        ("GET", _persisted(PAGE), es),  # not registered yet: PersistedQueryNotFound
        ("GET", _persisted(PAGE, with_query=True), es),  # registers
        ("GET", _persisted(PAGE, with_query=True), es),
        ("GET", _persisted(PAGE), es),
        ("GET", _persisted(PAGE), es),
        ("HEAD", _persisted(PAGE), es),
        ("GET", _persisted(PAGE), modern),
        ("GET", _persisted(PAGE), modern),
        ("GET", {"query": OTHER}, {}),
        ("GET", {"query": OTHER}, {}),
        ("GET", {"query": OTHER}, {"Accept": "text/html"}),
        ("GET", {"query": "{ nope }"}, {}),
        ("GET", {"query": "{ nope }"}, {}),
        ("GET", _persisted(PAGE), {**es, "Accept-Encoding": "identity"}),  # httpx asks for gzip otherwise
        ("GET", _persisted(PAGE), {**es, "Accept-Encoding": "identity"}),
        ("GET", _persisted(PAGE), {**es, "Accept-Encoding": "gzip;q=0"}),
        ("POST", None, {}),
    ]
    seen = asyncio.run(_both(steps, tmp_path))
    assert [s[0] for s in seen[:5]] == [200, 200, 200, 200, 200]
    assert b"PersistedQueryNotFound" in seen[0][2] and b"PersistedQueryNotFound" not in seen[3][2]


def test_conditional_gets_and_reloads_match_the_full_path(tmp_path: Path) -> None:
    es = {"Accept-Language": "es"}
    first = asyncio.run(_both([("GET", {"query": PAGE}, es)], tmp_path))
    etag = dict(first[0][1])["etag"]
    steps = [
        ("GET", {"query": PAGE}, es),
        ("GET", {"query": PAGE}, {**es, "If-None-Match": etag}),
        ("GET", {"query": PAGE}, {**es, "If-None-Match": f'"other", {etag}'}),
        ("GET", {"query": PAGE}, {**es, "If-None-Match": '"other"'}),
        ("GET", {"query": PAGE}, {**es, "If-None-Match": "*"}),
        "reload",
        ("GET", {"query": PAGE}, es),
        ("GET", {"query": PAGE}, {**es, "If-None-Match": etag}),  # the old version's tag
    ]
    seen = asyncio.run(_both(steps, tmp_path))
    assert [s[0] for s in seen] == [200, 304, 304, 200, 304, 200, 200]
    assert "(nuevo)" in seen[-1][2].decode()


def test_an_evicted_answer_is_made_again(tmp_path: Path) -> None:
    others = [("GET", {"query": "{ locales { code } }", "variables": json.dumps({"n": i})}, {}) for i in range(4)]
    steps = [("GET", {"query": PAGE}, {}), ("GET", {"query": PAGE}, {}), *others, ("GET", {"query": PAGE}, {}),
             ("GET", {"query": PAGE}, {})]
    seen = asyncio.run(_both(steps, tmp_path, responses=3))
    assert {s[0] for s in seen} == {200}


def test_an_evicted_persisted_query_is_asked_for_again(tmp_path: Path) -> None:
    steps = [
        ("GET", _persisted(OTHER, with_query=True), {}),
        ("GET", _persisted(OTHER), {}),
        ("GET", _persisted(OTHER), {}),
        *[("GET", _persisted(f"{{ locales {{ code }} }} # {i}", with_query=True), {}) for i in range(3)],
        ("GET", _persisted(OTHER), {}),  # its hash has left the store; its answer has not left the cache
        ("GET", _persisted(OTHER, with_query=True), {}),
        ("GET", _persisted(OTHER), {}),
    ]
    seen = asyncio.run(_both(steps, tmp_path, persisted=2))
    assert b"PersistedQueryNotFound" in seen[-3][2] and b"PersistedQueryNotFound" not in seen[-1][2]
