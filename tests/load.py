"""A bounded mixed-traffic load generator for the soak and reload tests (loopback only).

Each of ``connections`` workers loops over a mix of real reader requests until the deadline and
checks every answer: the status, and that the body is whole and of one content version.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

SLUG = "liver-metastases-treatment"
PAGE = ('query($l: String) { document(slug: "%s", locale: $l) { title version sections { id heading '
        'blocks { id ... on ParagraphBlock { text } } } treatments { id name } } }' % SLUG)
MARKER = '{ documents(locale: "en") { title } treatment(id: "chemotherapy", locale: "en") { name } }'
PERSISTED = '{ treatment(id: "proton-therapy", locale: "es") { name summary } }'


@dataclass
class LoadReport:
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    by_kind: Counter = field(default_factory=Counter)
    markers: Counter = field(default_factory=Counter)

    def fail(self, what: str) -> None:
        if len(self.failures) < 50:
            self.failures.append(what)
        else:
            self.failures[-1] = f"... and more ({what})"


def _persisted_params() -> dict[str, str]:
    digest = hashlib.sha256(PERSISTED.encode()).hexdigest()
    return {"extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})}


async def _one(client: httpx.AsyncClient, kind: str, report: LoadReport, etags: dict[str, str],
               check_marker: Callable[[dict], str | None] | None, has_embeds: bool) -> None:
    if kind == "page":
        locale = random.choice(["en", "es"])
        r = await client.post("/graphql", json={"query": PAGE, "variables": {"l": locale}})
        ok = r.status_code == 200 and r.json()["data"]["document"]["sections"]
    elif kind == "persisted":
        r = await client.get("/graphql", params=_persisted_params())
        body = r.json()
        if body.get("errors", [{}])[0].get("message") == "PersistedQueryNotFound":
            r = await client.get("/graphql", params={**_persisted_params(), "query": PERSISTED})
            body = r.json()
        ok = r.status_code == 200 and body["data"]["treatment"]["name"]
        if ok:
            etags["persisted"] = r.headers.get("etag", "")
    elif kind == "not_modified":
        etag = etags.get("persisted")
        r = await client.get("/graphql", params={**_persisted_params(), "query": PERSISTED},
                             headers={"If-None-Match": etag} if etag else {})
        ok = r.status_code in {200, 304}
    elif kind == "search":
        term = random.choice(["quimio", "metástasis", "protones", "radiation", "tumor board", "cryo"])
        r = await client.post("/graphql", json={"query": 'query($q: String!) { search(query: $q) { id snippet } }',
                                                "variables": {"q": term}},
                              headers={"Accept-Language": random.choice(["es-US", "en-GB"])})
        ok = r.status_code == 200 and "data" in r.json()
    elif kind == "embed":
        r = await client.get(f"/embed/{SLUG}", params={"lang": random.choice(["en", "es"])})
        ok = r.status_code == 200 and r.text.rstrip().endswith("</html>")
    elif kind == "marker" and check_marker is not None:
        r = await client.post("/graphql", json={"query": MARKER})
        problem = check_marker(r.json()) if r.status_code == 200 else f"status {r.status_code}"
        ok = problem is None
        if ok:
            report.markers[r.json()["data"]["treatment"]["name"]] += 1
        else:
            report.fail(f"marker: {problem}")
    else:
        r = await client.get("/healthz")
        ok = r.status_code == 200
    report.sent += 1
    report.by_kind[kind] += 1
    if not ok:
        report.fail(f"{kind}: {r.status_code} {r.text[:200]}")


async def run_load(url: str, seconds: float, connections: int = 64, has_embeds: bool = True,
                   check_marker: Callable[[dict], str | None] | None = None) -> LoadReport:
    """Drive mixed traffic at ``url`` for ``seconds`` with ``connections`` concurrent clients."""
    report = LoadReport()
    kinds = ["page", "persisted", "not_modified", "search", "health"] + (["embed"] if has_embeds else [])
    if check_marker is not None:
        kinds += ["marker"] * 3
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, timeout=15, limits=limits) as client:
        etags: dict[str, str] = {}

        async def worker() -> None:
            while time.monotonic() < deadline:
                kind = random.choice(kinds)
                try:
                    await _one(client, kind, report, etags, check_marker, has_embeds)
                except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                    report.sent += 1
                    report.fail(f"{kind}: {type(exc).__name__}: {exc}")

        await asyncio.gather(*(worker() for _ in range(connections)))
    return report


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")
