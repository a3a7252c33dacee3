"""The side-by-side table: seven ways to answer the same page, one after another, pinned alike.

Every server runs on CPU 0 and wrk on CPU 1, with the same connections and durations. Before a
scenario is measured its answer is checked against the reference (the bytes our server sends for
the page), so every row answers the same page in Spanish.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import page
from bench.config import Config
from bench.load import Req
from bench.servers import ROOT, Server, clara, comparison, free_port, have, nginx

NAMES = ["raw", "adapter", "naive", "executed", "persisted_get", "not_modified", "static"]
WHAT = {
    "raw": "bare Starlette route returning the page's bytes (pre-serialized): the Python ceiling",
    "adapter": "graphene schema behind starlette-graphene3: parse, validate, execute every request",
    "naive": "graphene schema via schema.execute_async in a plain Starlette route",
    "executed": "ours: POST /graphql, response cache off (document cache on)",
    "persisted_get": "ours: hash-only GET (APQ), response cache warm",
    "not_modified": "ours: the same GET with If-None-Match -> 304",
    "static": "Debian's nginx serving the same bytes from a file: the machine's practical limit",
    # a diagnostic, not a compared scenario: how much of the distance to raw is our access-log line
    "persisted_get_quiet": "ours: the persisted GET with LOG_LEVEL=warning (no access-log line per request)",
    # and what the header, deadline and per-client guards cost it (uvicorn's own httptools protocol)
    "persisted_get_unguarded": "ours: the persisted GET on uvicorn's stock httptools protocol (no header guard)",
}
DIAGNOSTICS = ["persisted_get_unguarded", "persisted_get_quiet"]
# Accept-Encoding is explicit: wrk sends none, httpx (the checks) asks for gzip by default, and
# each encoding has its own ETag, so the 304 scenario would otherwise measure full answers.
HEADERS = {"Accept": "application/graphql-response+json, application/json", "Accept-Language": "es-US,es;q=0.9",
           "Accept-Encoding": "identity"}
GET = Req("GET", page.PERSISTED_PATH, HEADERS)
POST = Req("POST", "/graphql", {**HEADERS, "Content-Type": "application/json"}, page.POST_BODY)

STATIC_CONF = """worker_processes 1;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:%(port)d;
        location = /graphql { root %(root)s; try_files /page.json =404; default_type application/json; }
    }
}
"""


def _send(server: Server, req: Req) -> httpx.Response:
    return httpx.request(req.method, server.url + req.path, headers=req.headers, content=req.body or None,
                         timeout=30)


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise RuntimeError(f"scenario check failed: {what}")


def run(cfg: Config, only: list[str] | None = None, log: Callable[[str], None] = print,
        diagnose: bool = False) -> dict[str, Any]:
    """Measure each scenario (or ``only`` these) ``cfg.rounds`` times, rounds interleaved.

    Returns ``{"scenarios": {name: the round with the most requests/s, plus every round's
    requests/s}, "page": {...}}``. On a shared machine other work only ever slows a round down,
    so the best round is the least disturbed one; every round is kept in the file.
    """
    wanted = list(only or NAMES) + (DIAGNOSTICS if diagnose else [])
    content = cfg.folder / "content.json"
    shutil.copy(ROOT / "content.json", content)
    rounds: dict[str, list[dict[str, Any]]] = {}
    reference = b""
    for number in range(cfg.rounds):
        if cfg.rounds > 1:
            log(f" round {number + 1} of {cfg.rounds}")
        reference = _round(cfg, content, wanted, rounds, log)
    best = {}
    for name, measured in rounds.items():
        top = max(measured, key=lambda r: r["rps"])
        best[name] = {**top, "rounds_rps": [round(r["rps"], 1) for r in measured], "what": WHAT[name]}
    return {"scenarios": {name: best[name] for name in NAMES if name in best},
            "diagnostics": {name: row for name, row in best.items() if name not in NAMES},
            "page": {"bytes": len(reference), "field_selections": page.field_selections()}}


def _round(cfg: Config, content: Path, wanted: list[str], rounds: dict[str, list[dict[str, Any]]],
           log: Callable[[str], None]) -> bytes:
    def record(name: str, server: Server, req: Req) -> None:
        log(f"  {name:<14} {WHAT[name]}")
        rounds.setdefault(name, []).append(cfg.measure(server.url, [req]).as_dict())

    with clara(cfg.folder, content, cfg.server_cpus) as ours:
        registered = _send(ours, Req("GET", page.REGISTER_PATH, HEADERS))
        _expect(registered.status_code == 200 and "errors" not in registered.json(), "the page query runs")
        reference = registered.content
        hit = _send(ours, GET)
        etag = hit.headers.get("etag", "")
        _expect(hit.content == reference and bool(etag), "hash-only GET answers the same bytes with an ETag")
        not_modified = Req("GET", page.PERSISTED_PATH, {**HEADERS, "If-None-Match": etag})
        _expect(_send(ours, not_modified).status_code == 304, "If-None-Match answers 304")
        _expect("content-encoding" not in hit.headers, "the compared answers are not compressed")
        if "persisted_get" in wanted:
            record("persisted_get", ours, GET)
        if "not_modified" in wanted:
            record("not_modified", ours, not_modified)
        _expect(ours.process is not None and ours.process.poll() is None, "our server ran to the end")
    data = orjson.loads(reference)["data"]
    body_path = cfg.folder / "page.json"
    body_path.write_bytes(reference)
    body_path.chmod(0o644)

    def compare(names: tuple[str, ...]) -> None:
        for name in names:
            if name not in wanted:
                continue
            with comparison(cfg.folder, name, content, cfg.server_cpus, BENCH_BODY=str(body_path)) as app:
                answer = _send(app, GET if name == "raw" else POST)
                same = answer.content == reference if name == "raw" else answer.json()["data"] == data
                _expect(same, f"{name} answers the page")
                record(name, app, GET if name == "raw" else POST)

    # raw, the unguarded server and the quiet one run right after the persisted GET, so the
    # ratios between them see the machine as it was then (a shared host drifts within minutes)
    compare(("raw",))
    if "persisted_get_unguarded" in wanted:
        with clara(cfg.folder, content, cfg.server_cpus, name="clara-unguarded", guarded=False) as stock:
            _expect(_send(stock, Req("GET", page.REGISTER_PATH, HEADERS)).content == reference, "same page")
            record("persisted_get_unguarded", stock, GET)
    if "persisted_get_quiet" in wanted:
        with clara(cfg.folder, content, cfg.server_cpus, name="clara-quiet", LOG_LEVEL="warning") as quiet:
            _expect(_send(quiet, Req("GET", page.REGISTER_PATH, HEADERS)).content == reference, "same page")
            record("persisted_get_quiet", quiet, GET)
    if "executed" in wanted:
        with clara(cfg.folder, content, cfg.server_cpus, name="clara-no-response-cache",
                   RESPONSE_CACHE="false") as ours:
            _expect(_send(ours, POST).json()["data"] == data, "POST answers the page")
            record("executed", ours, POST)
    compare(("adapter", "naive"))
    if "static" in wanted and have("nginx"):
        port = free_port()
        cfg.folder.chmod(0o755)  # nginx's workers (not root) read page.json from here
        conf = STATIC_CONF % {"port": port, "root": cfg.folder}
        with nginx(cfg.folder, "nginx-static", conf, port, cfg.server_cpus) as static:
            _expect(_send(static, GET).content == reference, "nginx serves the same bytes")
            record("static", static, GET)
    return reference
