"""Collections at library scale: pages of every collection, the whole library refused, the cache's bytes.

``latency``: in a fresh process pinned to the server's CPU, the app in-process (httpx's
ASGITransport, response cache off, so every answer is executed), over a corpus of N documents:

- ``documentsConnection(first: 20)`` with titles and summaries (cursors, pageInfo, totalCount);
- every page of every order and language of documents, treatments and the glossary, walked
  forwards, then pages backwards from random cursors, filtered pages, and search pages;
- ``totalCount`` alone, and the whole-library query of the collections issue, refused by its cost.

``cache_memory``: a real server (``python -m api``) over N documents and its default response
cache budget; its RSS at rest (after a warm-up), then while it answers distinct near-maximal
answers (pages of 100 documents with their sections and paragraphs; each a new cache entry).
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from api.settings import Settings
from bench import corpus
from bench.config import Config
from bench.servers import ROOT, Server, free_port, pinned

FIRST_20 = ("query($locale: String) { documentsConnection(first: 20, locale: $locale) { totalCount "
            "edges { cursor node { title summary } } pageInfo { hasNextPage endCursor } } }")
WHOLE_LIBRARY = ("{ documents { title sections { heading blocks { id ... on ParagraphBlock { text } } } "
                 "treatments { name summary howItWorks } glossary { term definition } } }")
WALKS = {  # collection: (field, node fields, orders)
    "documents": ("documentsConnection", "slug title summary",
                  ["CONTENT", "TITLE_ASC", "TITLE_DESC", "UPDATED_ASC", "UPDATED_DESC"]),
    "treatments": ("treatmentsConnection", "id name summary", ["CONTENT", "NAME_ASC", "NAME_DESC"]),
    "glossary": ("glossaryConnection", "id term definition", ["CONTENT", "TERM_ASC", "TERM_DESC"]),
}
MAXIMAL = ("query {name}($after: String, $locale: String) {{ documentsConnection(first: 100, after: $after, "
           "locale: $locale) {{ pageInfo {{ endCursor }} nodes {{ title summary audience disclaimer sections {{ "
           "heading blocks {{ id ... on ParagraphBlock {{ text }} }} }} }} }} }}")


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 2) if ordered else 0.0


def _page_query(field: str, nodes: str, order: str, size: int, backwards: bool = False) -> str:
    window = "last: $size, before: $cursor" if backwards else "first: $size, after: $cursor"
    return (f"query($size: Int, $cursor: String, $locale: String) {{ {field}({window}, orderBy: {order}, "
            f"locale: $locale) {{ totalCount edges {{ cursor node {{ {nodes} }} }} "
            f"pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}")


async def _latency(path: Path, samples: int, page_size: int) -> dict[str, Any]:
    from api.app import create_app
    from api.content.live import LiveContent
    from api.schema import list_indexes

    started = time.perf_counter()
    live = LiveContent.open(path)
    load_s = time.perf_counter() - started
    live.wait_for_table(live.current.version, 3600)  # built on its own thread: not measured beside it
    started = time.perf_counter()
    list_indexes(live.current)
    prepare_s = time.perf_counter() - started
    app = create_app(Settings(response_cache=False, execution_rate=0, log_level="warning"), content=live)
    snapshot = live.current
    rng = random.Random(12)
    times: dict[str, list[float]] = {}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        async def timed(kind: str, query: str, **variables: Any) -> dict[str, Any]:
            begun = time.perf_counter()
            answer = await client.post("/graphql", json={"query": query, "variables": variables})
            elapsed = time.perf_counter() - begun
            body = answer.json()
            if "errors" in body and kind != "whole_library_refused":
                raise RuntimeError(f"{kind}: {body['errors'][:1]}")
            times.setdefault(kind, []).append(elapsed)
            return body

        # warm: orderings by text are made on first use (once per version), and each query text is
        # parsed, validated and planned on first use (once per text: a front-end has a handful)
        for locale in ("en", "es"):
            for field, nodes, orders in WALKS.values():
                for order in orders:
                    for backwards in (False, True):
                        await client.post("/graphql", json={"query": _page_query(field, nodes, order, 1, backwards),
                                                            "variables": {"size": 1, "locale": locale}})
        for _ in range(samples):
            await timed("documents_first_20", FIRST_20, locale=rng.choice(["en", "es"]))

        cursors: dict[str, list[str]] = {}
        for name, (field, nodes, orders) in WALKS.items():
            for order in orders:
                for locale in ("en", "es"):
                    query, cursor, seen = _page_query(field, nodes, order, page_size), None, []
                    while True:
                        body = await timed(f"{name}_forwards", query, size=page_size, cursor=cursor, locale=locale)
                        info = body["data"][field]["pageInfo"]
                        seen += [e["cursor"] for e in body["data"][field]["edges"]]
                        if not info["hasNextPage"]:
                            break
                        cursor = info["endCursor"]
                    cursors[f"{name}/{order}/{locale}"] = seen
        gc.collect()
        gc.freeze()  # the harness's own cursors (720,000 at 10,000 documents) are not the server's to scan
        for name, (field, nodes, orders) in WALKS.items():
            for _ in range(samples // 4):
                order, locale = rng.choice(orders), rng.choice(["en", "es"])
                await timed(f"{name}_backwards", _page_query(field, nodes, order, 20, backwards=True), size=20,
                            cursor=rng.choice(cursors[f"{name}/{order}/{locale}"]), locale=locale)

        treatments, terms = list(snapshot.treatments), list(snapshot.glossary)
        categories = list(snapshot.categories)
        filtered = ("query($filter: DocumentFilter, $locale: String) { documentsConnection(first: 20, "
                    "filter: $filter, orderBy: TITLE_ASC, locale: $locale) { totalCount nodes { title } "
                    "pageInfo { hasNextPage endCursor } } }")
        for _ in range(samples):
            choice = rng.choice([{"treatment": rng.choice(treatments)}, {"treatmentCategory": rng.choice(categories)},
                                 {"term": rng.choice(terms)}, {"audience": "PATIENTS"},
                                 {"updatedSince": "2026-01-01"}, {"audience": "CAREGIVERS",
                                                                  "treatmentCategory": rng.choice(categories)}])
            await timed("documents_filtered", filtered, filter=choice, locale=rng.choice(["en", "es"]))
        treatments_filtered = ("query($filter: TreatmentFilter, $locale: String) { treatmentsConnection(first: 20, "
                               "filter: $filter, orderBy: NAME_ASC, locale: $locale) { totalCount nodes { name } "
                               "pageInfo { hasNextPage endCursor } } }")
        slugs = list(snapshot.documents)
        for _ in range(samples):
            choice = rng.choice([{"category": rng.choice(categories)}, {"document": rng.choice(slugs)},
                                 {"category": rng.choice(categories), "document": rng.choice(slugs)}])
            await timed("treatments_filtered", treatments_filtered, filter=choice, locale=rng.choice(["en", "es"]))
        letters = ("query($letter: String, $locale: String) { glossaryConnection(first: 20, filter: {letter: $letter}, "
                   "orderBy: TERM_ASC, locale: $locale) { totalCount nodes { term } pageInfo { hasNextPage } } }")
        for _ in range(samples):
            locale = rng.choice(["en", "es"])
            await timed("glossary_filtered", letters, letter=rng.choice("ABCDEFGHIJKLMNÑOPRSTUVZ"), locale=locale)
        search = ("query($q: String!, $after: String) { searchConnection(query: $q, first: 10, after: $after) "
                  "{ totalCount edges { cursor node { kind id title snippet } } pageInfo { endCursor } } }")
        for _ in range(samples // 2):
            word = rng.choice(["radiation", "surgery", "chemotherapy", "team", "tumor"])
            first = await timed("search_pages", search, q=word)
            after = first["data"]["searchConnection"]["pageInfo"]["endCursor"]
            if after:
                await timed("search_pages", search, q=word, after=after)
        for _ in range(samples):
            await timed("total_count", "{ documentsConnection(first: 0, filter: {audience: PATIENTS}) { totalCount } }")
        refused = None
        for _ in range(samples):
            refused = await timed("whole_library_refused", WHOLE_LIBRARY)
        refusal = (refused or {}).get("errors", [{}])[0].get("extensions", {})  # a small library answers it

    pages = {k: _p95(v) for k, v in times.items() if k.endswith(("forwards", "backwards", "filtered", "pages"))}
    return {"documents": len(snapshot.documents), "load_s": round(load_s, 2), "prepare_s": round(prepare_s, 2),
            "page_size": page_size, "p95_ms": {k: _p95(v) for k, v in times.items()},
            "requests": {k: len(v) for k, v in times.items()}, "any_page_p95_ms": max(pages.values()),
            "whole_library": {"code": refusal.get("code"), "cost": refusal.get("cost")}}


def latency(cfg: Config, n: int, samples: int) -> dict[str, Any]:
    """Write corpus N and measure it in a fresh process on the server's CPU."""
    path = cfg.folder / f"collections-{n}.json"
    path.write_bytes(corpus.dumps(n))
    argv = pinned(cfg.server_cpus, [sys.executable, "-m", "bench.scenarios.collections", str(path), str(samples),
                                    "100"])
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, timeout=3600)
    path.unlink()
    if out.returncode != 0:
        raise RuntimeError(f"collections N={n} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cache_memory(cfg: Config, n: int, answers: int, budget_mb: int | None = None,
                 log: Callable[[str], None] = print) -> dict[str, Any]:
    """RSS of a real server answering ``answers`` distinct near-maximal answers, against its budget."""
    path = cfg.folder / f"cache-{n}.json"
    path.write_bytes(corpus.dumps(n))
    env = {"CONTENT_PATH": str(path), "EXECUTION_RATE": "0", "LOG_LEVEL": "warning"}
    if budget_mb is not None:
        env["RESPONSE_CACHE_BYTES"] = str(budget_mb * 1024 * 1024)
    port = free_port()
    server = Server("clara", [sys.executable, "-m", "api"], port, cfg.folder / "cache-memory.log",
                    cpus=cfg.server_cpus, env={**env, "PORT": str(port)})
    server.start(timeout=600)
    try:
        assert server.process is not None
        pid = server.process.pid
        budget = budget_mb * 1024 * 1024 if budget_mb is not None else Settings.response_cache_bytes
        with httpx.Client(base_url=server.url, timeout=120) as client:
            cursors: list[str | None] = [None]
            while len(cursors) < n // 100:  # the start of every page of 100
                body = client.post("/graphql", json={"query": MAXIMAL.format(name="Walk"),
                                                     "variables": {"after": cursors[-1]}}).json()
                cursors.append(body["data"]["documentsConnection"]["pageInfo"]["endCursor"])
            for i in range(20):  # warm: every code path and the orderings, then the memory at rest
                client.post("/graphql", json={"query": MAXIMAL.format(name=f"Warm{i}"),
                                              "variables": {"after": cursors[i % len(cursors)]}})
            time.sleep(1)
            rest = _rss_mb(pid)
            peak, sizes, started = rest, [], time.perf_counter()
            for i in range(answers):
                answer = client.post("/graphql", json={
                    "query": MAXIMAL.format(name=f"Q{i}"),
                    "variables": {"after": cursors[i % len(cursors)], "locale": ["en", "es"][i // len(cursors) % 2]}})
                if answer.status_code != 200 or "errors" in answer.json():
                    raise RuntimeError(f"answer {i}: {answer.text[:300]}")
                sizes.append(len(answer.content))
                if i % 20 == 0:
                    peak = max(peak, _rss_mb(pid))
            elapsed = time.perf_counter() - started
            end = _rss_mb(pid)
            peak = max(peak, end)
        limit = (rest + budget / 2**20) * 1.10
        log(f"  rest {rest:.0f} MB, peak {peak:.0f} MB, end {end:.0f} MB, bound {limit:.0f} MB "
            f"({answers} answers of ~{sum(sizes) / len(sizes) / 1e6:.2f} MB in {elapsed:.0f} s)")
        return {"documents": n, "answers": answers, "answer_mb": round(sum(sizes) / len(sizes) / 1e6, 3),
                "budget_mb": round(budget / 2**20), "rest_mb": round(rest), "peak_mb": round(peak),
                "end_mb": round(end), "bound_mb": round(limit), "seconds": round(elapsed, 1),
                "within": peak <= limit}
    finally:
        server.stop()
        path.unlink()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_latency(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))))
