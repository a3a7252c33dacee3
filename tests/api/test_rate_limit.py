"""One client cannot take the server from everyone with endless new queries; answers we already
hold are never limited."""

from __future__ import annotations

import hashlib
import json

import httpx

from api.web.ratelimit import TokenBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_client_spends_its_burst_then_waits_for_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=2, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == 1  # a token comes back every half second: "try again in 1 s"
    clock.now += 0.5
    assert buckets.take("a") == 0
    assert buckets.take("a") == 1
    clock.now += 60  # a long pause refills the burst, never more
    assert [buckets.take("a") for _ in range(4)] == [0, 0, 0, 1]


def test_clients_have_buckets_of_their_own_and_the_table_is_bounded() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=0.001, burst=1, clients=2, clock=clock)
    assert buckets.take("a") == 0 and buckets.take("a") > 0
    assert buckets.take("b") == 0  # a's spending is not b's
    assert buckets.take("c") == 0  # a third client pushes out the quietest (a)
    assert len(buckets.buckets) == 2
    assert buckets.take("a") == 0  # forgotten, so a starts with a full burst again


def test_a_rate_of_zero_turns_the_limit_off() -> None:
    buckets = TokenBuckets(rate=0, burst=1)
    assert all(buckets.take("a") == 0 for _ in range(1_000))
    assert len(buckets.buckets) == 0


def _query(n: int) -> str:
    return f'{{ n{n}: locales {{ code }} }}'


def test_the_server_answers_429_with_retry_after_and_keeps_serving_what_it_holds(own_server) -> None:
    live = own_server(EXECUTION_RATE="0.01", EXECUTION_BURST="10")
    url = f"{live.url}/graphql"
    persisted = {"query": _query(0), "extensions": json.dumps(
        {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(_query(0).encode()).hexdigest()}})}
    assert httpx.get(url, params=persisted).status_code == 200
    answers = []  # new queries until the burst is spent (each a unit, or more when it took more CPU)
    while not answers or answers[-1].status_code == 200:
        answers.append(httpx.get(url, params={"query": _query(len(answers) + 1)},
                                 headers={"Accept": "application/graphql-response+json"}))
        assert len(answers) < 50
    assert len(answers) >= 3

    refused = answers[-1]
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["cache-control"] == "no-store"
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED" and "try again in" in error["message"]

    # what the server already holds costs nothing and is still answered
    assert httpx.get(url, params={"query": _query(1)},
                     headers={"Accept": "application/graphql-response+json"}).status_code == 200
    hash_only = {"extensions": persisted["extensions"]}
    assert httpx.get(url, params=hash_only).status_code == 200
    # behind a trusted proxy (loopback here) each reader is their own client
    other = httpx.get(url, params={"query": _query(len(answers))}, headers={"X-Forwarded-For": "203.0.113.7"})
    assert other.status_code == 200


def test_work_measured_after_it_is_charged_and_a_debt_is_waited_out() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=10, burst=20, clock=clock)
    assert buckets.take("a") == 0
    buckets.charge("a", 49)  # a query that took 50 units of CPU: deep in debt, at most one burst
    assert buckets.buckets.get("a")[0] == -20
    assert buckets.take("a") == 3  # 21 units to earn back at 10 a second
    clock.now += 2.2
    assert buckets.take("a") == 0
    buckets.charge("b", 5)  # a client without a bucket owes nothing it has not been asked for
    assert buckets.take("b") == 0


def test_expensive_new_queries_run_out_long_before_cheap_ones(own_app, tmp_path) -> None:
    from bench import corpus

    library = tmp_path / "library.json"
    corpus.main(["100", "-o", str(library)])
    served = own_app(library, EXECUTION_RATE="0.01", EXECUTION_BURST="30")
    heavy = ("query H{n} {{ documentsConnection(first: 100) {{ nodes {{ title sections {{ heading blocks {{ id "
             "... on ParagraphBlock {{ text }} }} }} }} }} }}")
    statuses = [served.client.post("/graphql", json={"query": heavy.format(n=n)}).status_code for n in range(10)]
    assert statuses[0] == 200 and 429 in statuses
    heavy_answered = statuses.index(429)
    cheap = own_app(library, EXECUTION_RATE="0.01", EXECUTION_BURST="30")
    answered = [cheap.client.post("/graphql", json={"query": _query(n)}).status_code for n in range(40)].count(200)
    assert answered >= 25 > heavy_answered  # cheap ones cost about a unit each; heavy ones tens


def test_embed_renders_are_metered_with_the_queries_and_held_pages_are_not(own_app) -> None:
    served = own_app(EXECUTION_RATE="0.01", EXECUTION_BURST="3")
    path = "/embed/liver-metastases-treatment"
    renders = [served.client.get(path, params={"lang": "en", "origin": f"https://site{n}.example"}).status_code
               for n in range(8)]
    assert renders[0] == 200 and renders[-1] == 429
    again = served.client.get(path, params={"lang": "en", "origin": "https://site0.example"})
    assert again.status_code == 200  # rendered before: served from the pages held, not metered
    limited = served.client.get(path, params={"lang": "en", "origin": "https://site99.example"})
    assert limited.status_code == 429 and limited.headers["retry-after"] and "no-store" in limited.headers[
        "cache-control"]
