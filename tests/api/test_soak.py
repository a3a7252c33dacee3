"""Mixed traffic at 64 connections: no failed request, bounded memory, reloads under load, drain.

``make test`` runs a short version; ``make soak`` runs it for 60 seconds (SOAK_SECONDS).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from api.content.releases import PublishError, Releases
from api.content.snapshot import load_bytes
from tests.load import rss_kib, run_load
from tests.server import ROOT

SECONDS = float(os.environ.get("SOAK_SECONDS", "6"))
pytestmark = pytest.mark.soak


def has_embeds(url: str) -> bool:
    return httpx.get(f"{url}/embed/liver-metastases-treatment?lang=en").status_code == 200


def test_mixed_traffic_soak(own_server, record_property) -> None:
    live = own_server(EXECUTION_RATE="0")  # one load generator stands for many readers
    embeds = has_embeds(live.url)
    asyncio.run(run_load(live.url, seconds=max(1.0, SECONDS * 0.2), has_embeds=embeds))  # warm-up
    before = rss_kib(live.process.pid)
    report = asyncio.run(run_load(live.url, seconds=SECONDS, has_embeds=embeds))
    after = rss_kib(live.process.pid)
    record_property("soak", {"sent": report.sent, "failed": len(report.failures), "rss_before_kib": before,
                             "rss_after_kib": after, "by_kind": dict(report.by_kind)})
    print(f"\nsoak {SECONDS}s: {report.sent} requests, {len(report.failures)} failed, "
          f"RSS {before} -> {after} KiB ({(after - before) / before:+.1%}), {dict(report.by_kind)}")
    assert report.failures == []
    assert report.sent > 100
    assert after < before * 1.20


def versioned(base: dict, n: int) -> dict:
    data = json.loads(json.dumps(base))
    data["documents"][0]["title"]["en"] = f"How are liver metastases treated? [{n}]"
    chemo = next(t for t in data["treatments"] if t["id"] == "chemotherapy")
    chemo["name"]["en"] = f"Chemotherapy [{n}]"
    return data


def same_version(body: dict) -> str | None:
    """Both texts carry the version's number: a mix of two versions would show two numbers."""
    data = body.get("data") or {}
    title = data["documents"][0]["title"]
    name = data["treatment"]["name"]
    title_mark = title.rsplit("[", 1)[-1] if "[" in title else "0]"
    name_mark = name.rsplit("[", 1)[-1] if "[" in name else "0]"
    return None if title_mark == name_mark else f"mixed versions: {title!r} / {name!r}"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_reload_under_load_serves_only_whole_good_versions(own_server, record_property, workers: str) -> None:
    live = own_server(EXECUTION_RATE="0", WORKERS=workers)  # one load generator stands for many readers
    path = Path(live.env["CONTENT_PATH"])
    base = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    good_versions = {httpx.get(f"{live.url}/healthz").json()["version"]}
    stop = threading.Event()
    swaps = {"good": 0, "invalid": 0, "truncated": 0, "empty": 0}
    seen_versions: set[str] = set()

    def editor() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            raw = json.dumps(versioned(base, n)).encode()
            good_versions.add(load_bytes(raw).version)
            broken = versioned(base, n)
            del broken["documents"][0]["sections"][0]["heading"]["es"]
            for kind, content in [("good", raw), ("invalid", json.dumps(broken).encode()),
                                  ("truncated", raw[: len(raw) // 2]), ("empty", b"")]:
                if stop.is_set():
                    return
                path.write_bytes(content)
                live.signal(signal.SIGHUP)
                swaps[kind] += 1
                time.sleep(0.15)
                seen_versions.add(httpx.get(f"{live.url}/healthz").json()["version"])

    thread = threading.Thread(target=editor, daemon=True)
    thread.start()
    try:
        report = asyncio.run(run_load(live.url, seconds=max(4.0, SECONDS), connections=32,
                                      has_embeds=has_embeds(live.url), check_marker=same_version))
    finally:
        stop.set()
        thread.join(timeout=10)
    record_property("reload", {"workers": workers, "sent": report.sent, "failed": len(report.failures),
                               "swaps": swaps, "versions_served": len(report.markers)})
    print(f"\nreload under load, {workers} worker(s): {report.sent} requests, {len(report.failures)} failed, "
          f"swaps {swaps}, {len(report.markers)} versions served")
    assert report.failures == []
    assert swaps["good"] >= 3 and swaps["empty"] >= 2
    assert len(report.markers) >= 2, "the reloads never reached the readers"
    assert seen_versions <= good_versions
    assert live.log().count("content reload refused") >= swaps["invalid"] + swaps["empty"]


def test_publishing_under_load_with_two_workers_drops_nothing(own_server, record_property) -> None:
    """``publish`` as the editor runs it (no signal, nobody knows the workers): each worker sees the
    new file within its watch interval; every request succeeds and each answer is one version."""
    live = own_server(EXECUTION_RATE="0", WORKERS="2")
    releases = Releases(Path(live.env["CONTENT_PATH"]))
    base = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    stop = threading.Event()
    switches: list[float] = []
    refused = 0

    def editor() -> None:
        nonlocal refused
        n = 0
        while not stop.is_set():
            n += 1
            bad = versioned(base, n)
            del bad["documents"][0]["sections"][0]["heading"]["es"]
            try:
                releases.publish(json.dumps(bad).encode(), by="soak")
            except PublishError:
                refused += 1
            outcome = releases.publish(json.dumps(versioned(base, n)).encode(), by="soak")
            assert outcome.publication is not None
            started = time.monotonic()
            # served by both workers: eight answers in a row from the new version
            streak = 0
            while streak < 8 and time.monotonic() - started < 15:
                streak = streak + 1 if httpx.get(f"{live.url}/healthz").json()["version"] == \
                    outcome.publication.version else 0
            switches.append(time.monotonic() - started)
            stop.wait(0.5)

    thread = threading.Thread(target=editor, daemon=True)
    thread.start()
    try:
        report = asyncio.run(run_load(live.url, seconds=max(6.0, SECONDS), connections=32,
                                      has_embeds=has_embeds(live.url), check_marker=same_version))
    finally:
        stop.set()
        thread.join(timeout=20)
    record_property("publish", {"sent": report.sent, "failed": len(report.failures), "publications": len(switches),
                                "slowest_switch_s": round(max(switches, default=0), 2)})
    print(f"\npublish under load, 2 workers: {report.sent} requests, {len(report.failures)} failed, "
          f"{len(switches)} publications ({refused} bad drafts refused), served by both within "
          f"{max(switches, default=0):.2f} s at the slowest")
    assert report.failures == []
    assert len(switches) >= 2 and refused in {len(switches), len(switches) + 1}
    assert max(switches) < 5
    assert len(report.markers) >= 2, "the publications never reached the readers"


def test_sigterm_drains_requests_in_flight(own_server) -> None:
    """A request whose body is still arriving when SIGTERM comes is answered before the exit."""
    live = own_server(EXECUTION_RATE="0")  # one load generator stands for many readers
    body = json.dumps({"query": '{ treatment(id: "sbrt", locale: "en") { name } }'}).encode()
    with socket.create_connection(("127.0.0.1", live.port), timeout=10) as sock:
        sock.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
        time.sleep(0.3)
        live.signal(signal.SIGTERM)
        time.sleep(0.3)
        assert live.process.poll() is None, "the server left with a request in flight"
        sock.sendall(body[10:])
        answer = b""
        while b"Stereotactic" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200")
    assert b"Stereotactic body radiation therapy" in answer
    assert live.process.wait(timeout=15) in {0, -signal.SIGTERM}  # uvicorn re-raises the signal it handled
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{live.url}/healthz", timeout=2)
