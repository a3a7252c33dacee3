"""Eight clients send the worst queries we know in a loop; readers do not notice.

The attackers (from 127.0.0.2) send, round and round: the 101-character list chain that once
grew a server to 4.8 GB, thirty aliases of a depth-12 chain, 600 repeated fields made new each
time by an alias (0.3 s of validation each), variables nested 300 deep, a 100 KB header, and
embed renders made new by their ``origin``. Meanwhile readers (from 127.0.0.1) ask for a cached
GET and ``/healthz``: their p99 stays under 50 ms and the server's memory stays bounded.

``make test`` runs it for a few seconds and checks every answer and the memory; ``make soak`` runs
it for 60 (SOAK_SECONDS) and also holds the readers' p99 to 50 ms.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import socket
import threading
import time

import httpx
import pytest

from tests.load import rss_kib

SECONDS = float(os.environ.get("SOAK_SECONDS", "6"))
pytestmark = pytest.mark.soak
ATTACKER = "127.0.0.2"
CHAIN = "{treatments{category{treatments{category{treatments{id name summary howItWorks}}}}}}"
DEEP = "treatmentCategories { treatments { category { treatments { category { treatments { category { " \
       "treatments { category { treatments { category { treatments { id } } } } } } } } } } } }"


def _attacks(url: str, port: int):
    counter = itertools.count()
    nested = "[" * 299 + "1" + "]" * 299
    while True:
        n = next(counter)
        yield "post", {"query": CHAIN}
        yield "post", {"query": "{ " + " ".join(f"a{i}: {DEEP}" for i in range(30)) + " }"}
        yield "post", {"query": f"{{ n{n}: locales {{ " + "code " * 600 + "} }"}
        yield "raw", (b'{"query": "query($x: String) { locales { code } }", "variables": {"x": ' + nested.encode()
                      + b"}}")
        yield "header", None
        yield "get", f"/embed/liver-metastases-treatment?lang=en&origin=https%3A%2F%2Fsite{n}.example"


def _attacker(url: str, port: int, stop: threading.Event, statuses: list[int]) -> None:
    transport = httpx.HTTPTransport(local_address=ATTACKER)
    with httpx.Client(base_url=url, transport=transport, timeout=30) as client:
        for kind, what in _attacks(url, port):
            if stop.is_set():
                return
            try:
                if kind == "post":
                    statuses.append(client.post("/graphql", json=what).status_code)
                elif kind == "raw":
                    statuses.append(client.post("/graphql", content=what,
                                                headers={"Content-Type": "application/json"}).status_code)
                elif kind == "get":
                    statuses.append(client.get(what).status_code)
                else:
                    with socket.create_connection(("127.0.0.1", port), timeout=10,
                                                  source_address=(ATTACKER, 0)) as sock:
                        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 100_000
                                     + b"\r\n\r\n")
                        answer = sock.recv(64)
                    statuses.append(int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/1.1 ") else 0)
            except (httpx.HTTPError, OSError):
                statuses.append(0)


def _attack_process(url: str, port: int, seconds: float, out: multiprocessing.Queue) -> None:
    """Eight attackers in a process of their own, as they would be on another machine (in the
    readers' process they would take the readers' own interpreter lock)."""
    stop, statuses = threading.Event(), []
    threads = [threading.Thread(target=_attacker, args=(url, port, stop, statuses)) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    out.put(statuses)


def test_readers_stay_fast_while_eight_clients_send_the_worst_queries(own_server, record_property) -> None:
    live = own_server()
    cached = {"query": '{ document(slug: "liver-metastases-treatment") { title summary } }'}
    with httpx.Client(base_url=live.url, timeout=10) as reader:
        assert reader.get("/graphql", params=cached).status_code == 200  # now held: later ones are repeats
        before = rss_kib(live.process.pid)
        context = multiprocessing.get_context("spawn")
        out = context.Queue()
        attackers = context.Process(target=_attack_process, args=(live.url, live.port, SECONDS + 1, out))
        attackers.start()
        time.sleep(1.0)
        waits, peak = [], before
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            for path, params in (("/graphql", cached), ("/healthz", None)):
                started = time.monotonic()
                answer = reader.get(path, params=params)
                waits.append(time.monotonic() - started)
                assert answer.status_code == 200, answer.text[:200]
            peak = max(peak, rss_kib(live.process.pid))
            time.sleep(0.01)
        statuses = out.get(timeout=120)
        attackers.join(timeout=60)
    waits.sort()
    p99 = waits[int(len(waits) * 0.99)]
    by_status = {s: statuses.count(s) for s in sorted(set(statuses))}
    record_property("attack_soak", {"reader_requests": len(waits), "p50_ms": round(waits[len(waits) // 2] * 1e3, 2),
                                    "p99_ms": round(p99 * 1e3, 2), "attacks": len(statuses), "statuses": by_status,
                                    "rss_before_kib": before, "rss_peak_kib": peak})
    print(f"\nattack soak {SECONDS}s: readers {len(waits)} requests, p50 {waits[len(waits) // 2] * 1e3:.1f} ms, "
          f"p99 {p99 * 1e3:.1f} ms; attacks {len(statuses)} {by_status}; RSS {before} -> peak {peak} KiB")
    if "SOAK_SECONDS" in os.environ:  # a time is asserted only in `make soak`, on a machine left to it
        assert p99 < 0.050
    assert len(statuses) > 8
    assert 500 not in by_status
    assert peak < before + 150 * 1024  # KiB: the caches' budgets are far larger; the attacks leave little
