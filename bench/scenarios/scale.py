"""Scale-out: one worker against two, and deploy/nginx.conf's cache in front of them.

This machine has two cores, and the load generator needs one of them. So here everything
(workers, nginx, wrk) shares both cores: these numbers show that the same stateless process
spreads over workers and behind a cache, not what a bigger machine would do. On N cores with
the load coming from elsewhere, workers scale close to N for CPU-bound work (``executed``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson

from bench import page
from bench.config import Config
from bench.load import Req
from bench.scenarios.http import HEADERS, POST
from bench.servers import ROOT, Server, clara, free_port, have, nginx

DEPLOY = ROOT / "deploy" / "nginx.conf"
SHARED_CPUS = "0,1"
# Apps ask for a few things besides the page; each is a persisted (hash-only) GET.
OTHER_QUERIES = {
    "Treatments": '{ treatments(locale: "es") { id name summary category { id name } } }',
    "Glossary": '{ glossary(locale: "es") { id term definition alsoMatches } }',
    "Search": '{ search(query: "quimio", locale: "es") { kind id title snippet } }',
}
LANGUAGES = ["es-US,es;q=0.9", "es", "es-419,es;q=0.8,en;q=0.5", "en-US,en;q=0.9"]


def _persisted(query: str, name: str, with_query: bool) -> str:
    """The GET URL Apollo's persisted-query link sends: the hash, and the query only to register it."""
    digest = hashlib.sha256(query.encode()).hexdigest()
    params = {"operationName": name} if query.lstrip().startswith("query") else {}
    if with_query:
        params["query"] = query
    params["extensions"] = orjson.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}}).decode()
    return "/graphql?" + urlencode(params)


def queries() -> dict[str, str]:
    return {"Page": page.QUERY, **OTHER_QUERIES}


def mix() -> list[Req]:
    """What many readers' apps send: the page and the other queries, in several browser languages."""
    return [Req("GET", _persisted(q, name, False), {**HEADERS, "Accept-Language": lang})
            for lang in LANGUAGES for name, q in queries().items()]


def register(server: Server, workers: int) -> None:
    """Teach every worker the hashes (each keeps its own store), then check that none misses."""
    for _ in range(20 * workers):
        for name, q in queries().items():
            with httpx.Client() as fresh:  # a new connection, so the kernel may pick another worker
                fresh.get(server.url + _persisted(q, name, True), headers=HEADERS)
    for _ in range(10 * workers):
        for req in mix()[:4]:
            with httpx.Client() as fresh:
                body = fresh.get(server.url + req.path, headers=req.headers).json()
                if "errors" in body:
                    raise RuntimeError(f"a worker does not know a persisted query: {body['errors']}")


def deploy_config(prefix: Path, port: int, upstream: int) -> str:
    """deploy/nginx.conf with this run's port, upstream, paths and one nginx worker."""
    text = DEPLOY.read_text()
    for old, new in [("listen 80;", f"listen 127.0.0.1:{port};"),
                     ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
                     ("/var/cache/nginx/clara", str(prefix / "cache")),
                     ("/var/log/nginx/clara-access.log", str(prefix / "access.log")),
                     ("worker_processes auto;", "worker_processes 1;"),
                     # also log the background revalidations (subrequests), to count the API's 304s
                     ("    server_tokens off;\n", "    server_tokens off;\n    log_subrequest on;\n")]:
        if text.count(old) != 1:
            raise RuntimeError(f"deploy/nginx.conf changed: expected {old!r} once")
        text = text.replace(old, new)
    return text


def _statuses(log_path: Path, pattern: str) -> dict[str, int]:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return dict(Counter(re.findall(pattern, text)))


def run(cfg: Config, log: Callable[[str], None] = print) -> dict[str, Any]:
    content = cfg.folder / "content.json"
    shutil.copy(ROOT / "content.json", content)
    out: dict[str, Any] = {"cpus": SHARED_CPUS, "note": __doc__.split("\n\n")[1].replace("\n", " ")}
    for workers in (1, 2):
        with clara(cfg.folder, content, SHARED_CPUS, name=f"clara-{workers}w", WORKERS=str(workers),
                   RESPONSE_CACHE="false") as api:
            log(f"  executed, {workers} worker(s)")
            out[f"executed_{workers}w"] = cfg.measure(api.url, [POST], cpus=SHARED_CPUS).as_dict()
        with clara(cfg.folder, content, SHARED_CPUS, name=f"clara-{workers}w-cache", WORKERS=str(workers)) as api:
            register(api, workers)
            log(f"  persisted mix, {workers} worker(s)")
            out[f"persisted_mix_{workers}w"] = cfg.measure(api.url, mix(), cpus=SHARED_CPUS).as_dict()
    for key in ("executed", "persisted_mix"):
        out[f"{key}_2w_vs_1w"] = round(out[f"{key}_2w"]["rps"] / out[f"{key}_1w"]["rps"], 3)
    if have("nginx"):
        out["nginx_cache"] = _through_nginx(cfg, content, log)
    return out


def _through_nginx(cfg: Config, content: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """The persisted mix through nginx's cache, with max-age 2 s so entries expire and revalidate."""
    with clara(cfg.folder, content, SHARED_CPUS, name="clara-behind-nginx", WORKERS="2", CACHE_MAX_AGE="2") as api:
        register(api, 2)
        port = free_port()
        prefix = cfg.folder / "nginx-cache"
        prefix.mkdir(exist_ok=True)
        with nginx(cfg.folder, "nginx-cache", deploy_config(prefix, port, api.port), port, SHARED_CPUS) as proxy:
            first = httpx.get(proxy.url + mix()[0].path, headers=mix()[0].headers)
            again = httpx.get(proxy.url + mix()[0].path, headers=mix()[0].headers)
            if first.status_code != 200 or again.headers.get("x-cache-status") != "HIT":
                raise RuntimeError(f"nginx does not cache: {first.status_code} {dict(again.headers)}")
            log("  persisted mix through nginx's cache (2 workers behind it)")
            load = cfg.measure(proxy.url, mix(), cpus=SHARED_CPUS).as_dict()
        statuses = _statuses(prefix / "access.log", r"cache=(\w+|-)")
        upstream = _statuses(prefix / "access.log", r"upstream=(\S+)")
    answered = sum(statuses.values())
    from_cache = sum(n for s, n in statuses.items() if s in {"HIT", "STALE", "UPDATING", "REVALIDATED"})
    return {**load, "cache_status": statuses, "cache_share": round(from_cache / answered, 5) if answered else None,
            "upstream_status": upstream, "upstream_max_age_s": 2,
            "how": "nginx (deploy/nginx.conf, 1 nginx worker, subrequests logged too) in front of 2 API workers; "
                   "everything on CPUs 0-1; the API's max-age lowered to 2 s so entries expire and are revalidated "
                   "(in the background, stale-while-revalidate) during the run; upstream '-' means answered from "
                   "the cache without asking the API"}
