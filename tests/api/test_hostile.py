"""Hostile requests get a clear 4xx with a useful message, and normal readers are not slowed down.

What the request's bytes mean is checked in-process (``app``); what crossing a socket means (huge
request lines and bodies, bodies without a length, an attack beside readers) on the real server.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import threading
import time

import httpx
import pytest

ACCEPT = {"Accept": "application/graphql-response+json"}

SOAKING = "SOAK_SECONDS" in os.environ  # make soak: speed is asserted too


def message(response: httpx.Response) -> str:
    return response.json()["errors"][0]["message"]


def raw_request(server, request: bytes) -> bytes:
    """Send bytes no polite client would, and read what comes back."""
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)  # the server may stop reading once it has seen enough
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    return b"".join(chunks)


def test_two_megabyte_query_string_over_get(server) -> None:
    target = b"/graphql?query=" + b"%7B" + b"a" * 2_000_000 + b"%7D"
    answer = raw_request(server, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.split(b" ")[1] in {b"400", b"413", b"414", b"431"}, status_line
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_two_megabyte_query_in_a_post(server) -> None:
    response = httpx.post(f"{server.url}/graphql", json={"query": "{" + "a" * 2_000_000 + "}"}, timeout=20)
    assert response.status_code == 413
    assert "too large" in message(response) or "too long" in message(response)


def test_five_megabyte_body(server) -> None:
    response = httpx.post(f"{server.url}/graphql", content=b"{" + b" " * 5_000_000 + b"}",
                          headers={"Content-Type": "application/json"}, timeout=20)
    assert response.status_code == 413


def test_five_megabyte_body_without_a_length(server) -> None:
    def chunks():
        for _ in range(50):
            yield b" " * 100_000

    response = httpx.post(f"{server.url}/graphql", content=chunks(), headers={"Content-Type": "application/json"},
                          timeout=20)
    assert response.status_code == 413


def test_invalid_utf8(server) -> None:
    response = httpx.post(f"{server.url}/graphql", content=b'{"query": "{ locales { code } }\xff\xfe"}',
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "cannot be read" in message(response)


def test_lone_surrogate_in_variables(app) -> None:
    body = b'{"query": "query($l: String) { glossary(locale: $l) { id } }", "variables": {"l": "\\ud800"}}'
    response = app.client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "cannot be read" in message(response)


def _nested(levels: int) -> str:
    return "[" * (levels - 1) + "1" + "]" * (levels - 1)


@pytest.mark.parametrize("levels", [33, 254, 300, 1000])
def test_deeply_nested_variables_are_a_clear_400_never_a_500(app, levels: int) -> None:
    query = "query($x: String) { locales { code } }"
    body = '{"query": "' + query + '", "variables": {"x": ' + _nested(levels) + "}}"
    posted = app.client.post("/graphql", content=body, headers={"Content-Type": "application/json", **ACCEPT})
    got = app.client.get("/graphql", params={"query": query, "variables": '{"x": ' + _nested(levels) + "}"},
                         headers=ACCEPT)
    for response in (posted, got):
        assert response.status_code == 400, response.text[:200]
        assert "too deeply" in message(response) or "not valid JSON" in message(response)


def test_variables_nested_to_the_limit_are_read(app) -> None:
    query = "query($k: [String!]) { strings(keys: $k) { key } }"
    body = '{"query": "' + query + '", "variables": {"k": ["nav.back"], "y": ' + _nested(31) + "}}"
    response = app.client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200 and "errors" not in response.json()


@pytest.mark.parametrize("operation", ["mutation { x }", "subscription { x }"])
def test_mutations_and_subscriptions_are_refused(app, operation: str) -> None:
    response = app.client.post("/graphql", json={"query": operation}, headers=ACCEPT)
    assert response.status_code == 400
    assert "not configured" in message(response) or "not support" in message(response)


def test_batched_arrays_are_refused(app) -> None:
    batch = [{"query": "{ locales { code } }"}] * 500
    response = app.client.post("/graphql", json=batch)
    assert response.status_code == 400
    assert "Batched requests" in message(response)


@pytest.mark.parametrize("slug", ["../../etc/passwd", "<script>alert(1)</script>", "a" * 5000, "%00", "\u202e"])
def test_path_like_and_script_like_slugs_find_nothing(app, slug: str) -> None:
    response = app.client.post("/graphql", json={"query": "query($s: String!) { document(slug: $s) "
                                                                  "{ title } }", "variables": {"s": slug}})
    assert response.status_code == 200
    assert response.json() == {"data": {"document": None}}


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "../../etc/passwd", "' OR 1=1 --", "*" * 150,
                                  "\\u0000", "proton<img src=x onerror=alert(1)>"])
def test_hostile_search_strings_are_plain_text(app, text: str) -> None:
    response = app.client.post("/graphql", json={
        "query": "query($q: String!) { search(query: $q, locale: \"en\") { snippetHtml title } }",
        "variables": {"q": text}})
    assert response.status_code == 200
    for hit in response.json()["data"]["search"]:
        assert "<img" not in hit["snippetHtml"] and "<script" not in hit["snippetHtml"]


@pytest.mark.parametrize("tag", ["<script>", "x" * 10_000, "../en", "es\u0000"])
def test_hostile_locales_are_named_safely(app, tag: str) -> None:
    response = app.client.post("/graphql", json={
        "query": "query($l: String) { glossary(locale: $l) { id } }", "variables": {"l": tag}})
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNSUPPORTED_LOCALE"
    assert len(error["message"]) < 200


def test_hostile_accept_language_is_ignored(app) -> None:
    response = app.client.get("/graphql", params={"query": "{ treatment(id: \"sbrt\") { id } }"},
                         headers={"Accept-Language": "x" * 4000 + ",;;q=abc,<script>"})
    assert response.status_code == 200
    assert response.headers["content-language"] == "en"


@pytest.mark.soak
def test_normal_readers_stay_fast_during_an_attack(server, record_property) -> None:
    """While four clients hammer the server with hostile requests, every normal query is answered.

    How quickly is a speed claim: ``make soak`` holds it to a median of 0.25 s and a worst of 2 s;
    ``make test`` records the timings and asserts only that every answer came.
    """
    stop = threading.Event()
    attacks = [
        lambda c: c.post("/graphql", json={"query": "{" + "a" * 30_000 + "}"}),
        lambda c: c.post("/graphql", content=b"\xff" * 50_000, headers={"Content-Type": "application/json"}),
        lambda c: c.post("/graphql", json={"query": " ".join(
            f"fragment F{i} on Locale {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 25))
            + " fragment F0 on Locale { code } { locales { ...F24 } }"}),
        lambda c: c.get("/graphql", params={"query": "{ " + "locales { code } " * 400 + "}"}),
    ]
    sent = [0]

    def attacker(attack) -> None:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            while not stop.is_set():
                attack(client)
                sent[0] += 1

    threads = [threading.Thread(target=attacker, args=(a,), daemon=True) for a in attacks]
    for t in threads:
        t.start()
    timings = []
    try:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            for i in range(40):
                started = time.perf_counter()
                query = f'{{ treatment(id: "proton-therapy", locale: "es") {{ name }} n{i}: locales {{ code }} }}'
                response = client.post("/graphql", json={"query": query})
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200 and response.json()["data"]["treatment"]
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=15)
    assert sent[0] > 20, "the attack did not run"
    record_property("under_attack", {"median_s": statistics.median(timings), "max_s": max(timings)})
    if SOAKING:
        assert statistics.median(timings) < 0.25, f"median {statistics.median(timings):.3f}s under attack"
        assert max(timings) < 2.0
