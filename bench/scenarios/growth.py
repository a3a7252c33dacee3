"""Cost as the content grows: load, memory, document and search latency, sync bytes, per N.

For each N the corpus (``bench.corpus``) is written twice, version A and version B with one
document changed, and a fresh process (pinned to CPU 0) measures one N so that its memory is its
own. Latencies are in-process: requests go through our real ASGI app (middleware, endpoint,
schema) with httpx's ASGI transport, no sockets, and with the response cache off, so every
request executes.
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

from bench import corpus, page
from bench.config import Config
from bench.servers import ROOT, pinned

DOCUMENT_QUERY = 'query Doc($slug: String!) {\n  document(slug: $slug, locale: "es") %s\n}' % page.PAGE_FIELDS
SEARCH_QUERY = """query Search($q: String!) {
  search(query: $q, locale: "es", first: 10) {
    kind id documentSlug sectionId title snippet snippetHtml highlights { start length } score
  }
}"""
SEARCHES = ["quimioterapia", "metástasis", "radio", "cirugía del hígado", "terapia de protones", "equipo de atención",
            "ablación", "pulmón", "tumor", "ensayos clínicos", "quimio", "radioterapia estereotáctica"]
# What patients mistype (one or two edits, swapped letters): the corrections are looked up only for
# words that match nothing, so these are timed on their own.
MISSPELLED = ["quimioterpia", "metastásis hepatcias", "radioterapai", "cirujía del hígado", "ablasión",
              "tratamento", "embolisacion", "ensayos clínicso", "radioterapia de protnes", "efetos secundarios"]
FULL_SYNC_MAX = 1_000  # above this a full sync is hundreds of megabytes in one answer: not measured


def _memory() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            fields[name] = int(value.split()[0]) / 1024
    return {"rss_mb": round(fields["VmRSS"], 1), "peak_rss_mb": round(fields["VmHWM"], 1)}


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 3)


async def _timed(client: httpx.AsyncClient, bodies: list[dict[str, Any]],
                 check: Callable[[dict[str, Any]], bool]) -> list[float]:
    times = []
    for body in bodies:
        started = time.perf_counter()
        response = await client.post("/graphql", json=body)
        times.append(time.perf_counter() - started)
        answer = response.json()
        if response.status_code != 200 or "errors" in answer or not check(answer["data"]):
            raise RuntimeError(f"unexpected answer: {response.text[:300]}")
    return times


async def _measure(a: Path, b: Path, samples: int, sync_full: bool) -> dict[str, Any]:
    from api.app import create_app
    from api.content.live import LiveContent
    from api.search import index_for
    from api.settings import Limits, Settings

    started = time.perf_counter()
    live = LiveContent.open(a)
    load_s = time.perf_counter() - started
    # The sync's item table is built on its own thread after a load; measured here on its own,
    # so that it does not share the CPU with what is timed below (as it would for the first
    # seconds after a real start).
    live.wait_for_table(live.current.version, 3600)
    table_s = time.perf_counter() - started - load_s
    gc.collect()
    result: dict[str, Any] = {"load_s": round(load_s, 3), "item_table_s": round(table_s, 3), **_memory()}
    snapshot = live.current
    started = time.perf_counter()
    index_for(snapshot, "es")
    result["search_index_s"] = round(time.perf_counter() - started, 3)
    result["rss_with_index_mb"] = _memory()["rss_mb"]

    # The deprecated whole-library `sync` is refused by the cost, answer-size and execution limits
    # (its lists hold every document); it is measured with them lifted, as the baseline `syncPage`
    # replaces.
    lifted = Limits(max_cost=10**15, max_answer_bytes=2**40, execution_seconds=3600, max_resolved_fields=10**12)
    app = create_app(Settings(response_cache=False, execution_rate=0, limits=lifted), content=live)
    rng = random.Random(6)
    slugs = list(snapshot.documents)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        await _timed(client, [{"query": DOCUMENT_QUERY, "variables": {"slug": slugs[0]}}], bool)  # warm
        docs = [{"query": DOCUMENT_QUERY, "variables": {"slug": rng.choice(slugs)}} for _ in range(samples)]
        # The first read of a document measures its reading levels (textstat); later reads reuse them.
        result["document_first_p95_ms"] = _p95(await _timed(client, docs, lambda d: d["document"] is not None))
        result["document_p95_ms"] = _p95(await _timed(client, docs, lambda d: d["document"] is not None))
        words = [*SEARCHES, *(corpus.made_up_word(rng.randrange(1, max(2, len(slugs)))) for _ in range(4))]
        searches = [{"query": SEARCH_QUERY, "variables": {"q": rng.choice(words)}} for _ in range(samples)]
        result["search_p95_ms"] = _p95(await _timed(client, searches, lambda d: isinstance(d["search"], list)))
        typos = [{"query": SEARCH_QUERY, "variables": {"q": rng.choice(MISSPELLED)}} for _ in range(samples)]
        result["search_typo_p95_ms"] = _p95(await _timed(client, typos, lambda d: bool(d["search"])))

        version_a = snapshot.version
        live.path = b
        if not live.reload():
            raise RuntimeError("version B was not loaded")

        async def sync(since: str | None) -> tuple[int, float, int]:
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": page.SYNC_QUERY,
                                                           "variables": {"since": since, "locales": ["es"]}})
            elapsed = time.perf_counter() - started
            data = response.json()["data"]["sync"]
            return len(response.content), elapsed, len(data["documents"])

        if sync_full:
            size, elapsed, count = await sync(None)
            result.update(full_sync_bytes=size, full_sync_s=round(elapsed, 3), full_sync_documents=count)
        else:
            result.update(full_sync_bytes=None, full_sync_s=None, full_sync_documents=len(slugs))
        size, elapsed, count = await sync(version_a)
        result.update(delta_sync_bytes=size, delta_sync_s=round(elapsed, 3), delta_sync_documents=count)
        if result["full_sync_bytes"]:
            result["delta_share"] = round(size / result["full_sync_bytes"], 6)
    return result


def measure_one(cfg: Config, n: int, samples: int) -> dict[str, Any]:
    """Write corpus N (A and B) and measure it in a fresh pinned process."""
    a, b = cfg.folder / f"corpus-{n}-a.json", cfg.folder / f"corpus-{n}-b.json"
    a.write_bytes(corpus.dumps(n))
    b.write_bytes(corpus.dumps(n, change=n // 2))
    argv = pinned(cfg.server_cpus, [sys.executable, "-m", "bench.scenarios.growth", str(a), str(b), str(samples),
                                    "full" if n <= FULL_SYNC_MAX else "delta"])
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False, timeout=1800)
    file_mb = round(a.stat().st_size / 1e6, 1)
    a.unlink()
    b.unlink()
    if out.returncode != 0:
        raise RuntimeError(f"growth N={n} failed:\n{out.stderr[-3000:]}")
    return {"documents": n, "file_mb": file_mb, **json.loads(out.stdout.strip().splitlines()[-1])}


def run(cfg: Config, sizes: list[int], samples: int = 200, log: Callable[[str], None] = print) -> dict[str, Any]:
    rows = []
    for n in sizes:
        log(f"  N={n:<6}")
        rows.append(measure_one(cfg, n, samples))
    return {"how": "in-process through the ASGI app (httpx ASGITransport), response cache off; "
                   "sync asks for Spanish only; one process per N, pinned to CPU 0",
            "rows": rows}


if __name__ == "__main__":
    result = asyncio.run(_measure(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "full"))
    print(json.dumps(result))
