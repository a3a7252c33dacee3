"""Item sync at library scale: what a phone downloads, how long it takes, and what the server does.

``run`` (in ``make bench``, 1,000 documents, both languages): a real server on loopback and the
phone's own one-shot command (``python -m mobile.sync``, a fresh process per sync, so its peak
memory is the sync's): a first sync on a fresh install; the next sync after one glossary
definition is edited; the next after one document is edited; a first sync cut off half-way
(``--max-pages``) and then finished, compared item by item with the phone that was not cut off;
and two phones' first syncs through ``deploy/nginx.conf``, counting how much of the second
nginx answered from its cache.

``run_scale`` (in ``make bench-scale``, 10,000 documents): in a fresh process, every page of a
complete copy built through the real ASGI app with the response cache off (each page executed),
its build time, and the server's memory at rest and while serving; then a phone's first sync
against a real server (bytes, time, database size).
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import corpus
from bench.config import Config
from bench.servers import ROOT, clara, free_port, have, nginx, wait_until_serving

DOCUMENTS = 1_000
SCALE_DOCUMENTS = 10_000


def phone_sync(api: str, data: Path, *args: str) -> dict[str, Any]:
    """One run of the phone's one-shot sync command; its JSON line, plus the database's size."""
    out = subprocess.run([sys.executable, "-m", "mobile.sync", "--api", api, "--data-dir", str(data), *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False)
    lines = out.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"the sync printed nothing: {out.stderr[-800:]}")
    result = json.loads(lines[-1])
    result["databaseMb"] = round((data / "clara.sqlite3").stat().st_size / 1e6, 1)
    return result


def stored_items(data: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(data / "clara.sqlite3")
    try:
        return conn.execute("SELECT kind, id, locale, version FROM items ORDER BY 1, 2, 3").fetchall()
    finally:
        conn.close()


def _publish(api: Any, content: Path, data: dict[str, Any], before: str) -> str:
    content.write_bytes(orjson.dumps(data))
    api.process.send_signal(signal.SIGHUP)
    return wait_until_serving(api.url, before)


def run(cfg: Config, n: int = DOCUMENTS, log: Callable[[str], None] = print) -> dict[str, Any]:
    content = cfg.folder / "sync-content.json"
    library = corpus.build(n)
    # What is measured is the delta of one edited record. With the bundled page's sign-offs kept, an
    # edit to a text that page shows also changes its review line (two more items, both languages):
    # right for readers, and not what this measures.
    library.pop("signOffs", None)
    content.write_bytes(orjson.dumps(library))
    results: dict[str, Any] = {"documents": n, "locales": ["en", "es"],
                               "how": __doc__.split("\n\n")[1].replace("\n", " ")}
    with clara(cfg.folder, content, cfg.server_cpus, name="clara-sync", EXECUTION_RATE="0") as api:
        version = wait_until_serving(api.url, None)
        log(f"  first sync, {n:,} documents")
        first = results["first_sync"] = phone_sync(api.url, cfg.folder / "phone-a")

        log("  one glossary definition edited")
        term = next(t for t in library["glossary"] if t["id"] == "tumor")
        term["definition"]["en"] += " Some tumors are not cancer."
        version = _publish(api, content, library, version)
        results["glossary_edit_sync"] = phone_sync(api.url, cfg.folder / "phone-a")

        log("  one document edited")
        library["documents"][n // 2]["summary"]["en"] += " This page was updated."
        version = _publish(api, content, library, version)
        one = results["document_edit_sync"] = phone_sync(api.url, cfg.folder / "phone-a")
        results["document_edit_share"] = round(one["wireBytes"] / first["wireBytes"], 5)

        log("  a first sync cut off half-way, then finished")
        half = max(1, first["pages"] // 2)
        cut = phone_sync(api.url, cfg.folder / "phone-b", "--max-pages", str(half))
        retry = phone_sync(api.url, cfg.folder / "phone-b")
        same = stored_items(cfg.folder / "phone-b") == stored_items(cfg.folder / "phone-a")
        results["interrupted"] = {"cut": cut, "retry": retry, "retry_share": round(retry["wireBytes"] /
                                                                                   first["wireBytes"], 4),
                                  "same_items_as_uninterrupted": same}
        if have("nginx"):
            log("  two phones' first syncs through nginx's cache")
            results["nginx"] = _through_nginx(cfg, api.port)
    return results


def _through_nginx(cfg: Config, api_port: int) -> dict[str, Any]:
    from bench.scenarios.scale import deploy_config

    port = free_port()
    prefix = cfg.folder / "nginx-sync"
    prefix.mkdir(exist_ok=True)
    with nginx(cfg.folder, "nginx-sync", deploy_config(prefix, port, api_port), port, cfg.server_cpus) as proxy:
        first = phone_sync(proxy.url, cfg.folder / "phone-c")
        log_path = prefix / "access.log"
        time.sleep(1.5)  # nginx writes its access log buffered (flush=1s)
        lines_before = len(log_path.read_text().splitlines()) if log_path.exists() else 0
        second = phone_sync(proxy.url, cfg.folder / "phone-d")
        time.sleep(1.5)
        lines = log_path.read_text().splitlines()[lines_before:]
    statuses = Counter(m.group(1) for line in lines if "/graphql" in line and (m := re.search(r"cache=(\w+|-)", line)))
    answered = sum(statuses.values())
    hits = sum(c for s, c in statuses.items() if s in {"HIT", "STALE", "UPDATING", "REVALIDATED"})
    return {"first_phone": first, "second_phone": second, "second_phone_cache_status": dict(statuses),
            "second_phone_cache_share": round(hits / answered, 4) if answered else None}


def run_scale(cfg: Config, n: int = SCALE_DOCUMENTS, log: Callable[[str], None] = print) -> dict[str, Any]:
    content = cfg.folder / "sync-scale.json"
    content.write_bytes(corpus.dumps(n))
    log(f"  every page of a complete copy at {n:,} documents, in-process")
    out = subprocess.run([sys.executable, "-m", "bench.scenarios.sync", str(content)], cwd=ROOT,
                         capture_output=True, text=True, timeout=7200, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    server = json.loads(out.stdout.strip().splitlines()[-1])
    log(f"  a phone's first sync at {n:,} documents")
    with clara(cfg.folder, content, cfg.server_cpus, name="clara-sync-scale", EXECUTION_RATE="0") as api:
        wait_until_serving(api.url, None, timeout=1800)
        phone = phone_sync(api.url, cfg.folder / "phone-scale")
    return {"documents": n, "server": server, "first_sync": phone}


def _pages_in_process(path: Path) -> dict[str, Any]:
    """Every page of a complete copy, through the real app (response cache off), timed one by one."""
    import asyncio

    from api.app import create_app
    from api.content.live import LiveContent
    from api.settings import Settings
    from bench.scenarios.growth import _memory
    from mobile.sync import page_url

    live = LiveContent.open(path)
    if live.wait_for_table(live.current.version, 3600) is None:
        raise RuntimeError("no item table")
    import gc

    gc.collect()
    rest = _memory()["rss_mb"]
    app = create_app(Settings(response_cache=False, execution_rate=0, log_level="warning"), content=live)

    async def chain() -> dict[str, Any]:
        times, peak, pages, largest = [], rest, 0, 0
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            url = page_url("", None, ["en", "es"], 500)
            while True:
                started = time.perf_counter()
                response = await client.get(url, headers={"Accept": "application/json", "Accept-Encoding": "gzip"})
                times.append((time.perf_counter() - started) * 1000)
                page = response.json()["data"]["syncPage"]
                pages += 1
                largest = max(largest, len(response.content))
                if pages % 50 == 0:
                    peak = max(peak, _memory()["rss_mb"])
                if page["nextPageToken"] is None:
                    break
                url = page_url("", page["nextPageToken"], None, None)
        peak = max(peak, _memory()["rss_mb"])
        times.sort()
        return {"pages": pages, "page_p50_ms": round(times[len(times) // 2], 1),
                "page_p95_ms": round(times[int(len(times) * 0.95)], 1), "page_max_ms": round(times[-1], 1),
                "rss_at_rest_mb": rest, "rss_peak_serving_mb": peak,
                "rss_growth_share": round(peak / rest - 1, 4), "largest_page_bytes": largest}

    return asyncio.run(chain())


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "warning")
    print(json.dumps(_pages_in_process(Path(sys.argv[1]))))
