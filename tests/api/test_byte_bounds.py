"""No answer and no cache without a byte bound: caches weigh what they keep, answers have a ceiling."""

from __future__ import annotations

import hashlib
import json

from api.lru import LRU
from tests.api.test_endpoint_repeat import _endpoint

PAGE = '{ document(slug: "liver-metastases-treatment") { title sections { heading blocks { id ' \
    '... on ParagraphBlock { text } } } } }'


def _weigh(key: str, value: bytes) -> int:
    return len(value)


def test_an_lru_with_a_budget_drops_the_oldest_entries_until_it_fits() -> None:
    cache: LRU[str, bytes] = LRU(100, max_bytes=1_000, weigh=_weigh)
    for name in "abcde":
        cache.put(name, b"x" * 300)
    assert cache.keys() == ["c", "d", "e"]
    assert cache.bytes == 900


def test_an_lru_entry_heavier_than_the_budget_is_not_kept_and_keeps_nothing_stale() -> None:
    cache: LRU[str, bytes] = LRU(100, max_bytes=1_000, weigh=_weigh)
    cache.put("a", b"small")
    cache.put("a", b"x" * 2_000)
    assert cache.get("a") is None
    assert cache.bytes == 0


def test_an_lru_replacing_an_entry_weighs_only_the_new_value() -> None:
    cache: LRU[str, bytes] = LRU(100, max_bytes=1_000, weigh=_weigh)
    cache.put("a", b"x" * 600)
    cache.put("a", b"x" * 100)
    cache.put("b", b"x" * 800)
    assert cache.keys() == ["a", "b"]
    assert cache.bytes == 900


def test_an_answer_above_the_ceiling_is_refused_with_its_size_and_the_limit(own_app) -> None:
    served = own_app(MAX_ANSWER_BYTES="2000", EXECUTION_RATE="0")
    answer = served.client.get("/graphql", params={"query": PAGE},
                               headers={"Accept": "application/graphql-response+json"})
    assert answer.status_code == 400
    body = answer.json()
    assert "data" not in body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "ANSWER_TOO_LARGE"
    assert error["extensions"]["maxBytes"] == 2000
    assert error["extensions"]["bytes"] > 2000
    assert f"{error['extensions']['bytes']:,} bytes" in error["message"]
    assert answer.headers["cache-control"] == "no-store"


def test_a_refused_answer_is_kept_so_asking_again_executes_nothing(own_app) -> None:
    served = own_app(MAX_ANSWER_BYTES="2000", EXECUTION_RATE="0")
    endpoint = _endpoint(served.app)
    first = served.client.get("/graphql", params={"query": PAGE})
    (key,) = endpoint.responses.keys()
    refusal = endpoint.responses.get(key)
    again = served.client.get("/graphql", params={"query": PAGE})
    assert again.json() == first.json()
    assert endpoint.responses.keys() == [key] and endpoint.responses.get(key) is refusal


def test_an_answer_under_the_ceiling_is_served_whole(app) -> None:
    answer = app.client.get("/graphql", params={"query": PAGE})
    assert answer.status_code == 200
    assert answer.json()["data"]["document"]["title"]


def test_the_response_cache_stays_within_its_byte_budget(own_app) -> None:
    budget = 200_000
    served = own_app(RESPONSE_CACHE_BYTES=str(budget), EXECUTION_RATE="0")
    endpoint = _endpoint(served.app)
    sizes = []
    for n in range(40):  # each one distinct by an alias; about 25 KB each
        query = f'{{ a{n}: document(slug: "liver-metastases-treatment") {{ sections {{ blocks {{ id '\
                '... on ParagraphBlock { text } } } } }'
        answer = served.client.get("/graphql", params={"query": query}, headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200
        sizes.append(len(answer.content))
        assert endpoint.responses.bytes <= budget
        assert endpoint.held.bytes <= budget // 8
    assert 3 <= len(endpoint.responses) < 40  # it kept some, and dropped the oldest
    weighed = sum(len(a.body) + len(a.__dict__.get("gzipped", b"")) for a in
                  map(endpoint.responses.get, endpoint.responses.keys()))
    assert weighed <= endpoint.responses.bytes  # the weight counts at least the bytes held


def test_a_repeated_get_is_served_from_the_kept_answer_after_its_body_left_the_held_entry(own_app) -> None:
    served = own_app(EXECUTION_RATE="0")
    first = served.client.get("/graphql", params={"query": PAGE}, headers={"Accept-Encoding": "gzip"})
    again = served.client.get("/graphql", params={"query": PAGE}, headers={"Accept-Encoding": "gzip"})
    assert again.content == first.content
    assert again.headers["content-encoding"] == "gzip"


def test_the_cache_key_is_a_digest_not_the_query_text(own_app) -> None:
    served = own_app(EXECUTION_RATE="0")
    long_query = "{ " + " ".join(f"l{n}: locales {{ code }}" for n in range(25)) + " }"
    served.client.get("/graphql", params={"query": long_query})
    (key,) = _endpoint(served.app).responses.keys()
    assert len(key) == 64 and long_query not in key


def test_persisted_query_texts_are_bounded_by_bytes(own_app) -> None:
    served = own_app(PERSISTED_QUERY_BYTES="20000", EXECUTION_RATE="0")
    store = _endpoint(served.app).persisted.store
    for n in range(30):
        query = "{ " + f"n{n}: locales {{ code }} " + "# padding\n" * 200 + "}"  # about 2 KB of text
        digest = hashlib.sha256(query.encode()).hexdigest()
        served.client.get("/graphql", params={
            "query": query, "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})})
        assert store.bytes <= 20_000
    assert 5 <= len(store) < 30


def test_parsed_queries_are_bounded_by_an_estimate_of_their_size(own_app) -> None:
    served = own_app(DOCUMENT_CACHE_BYTES="2000000", EXECUTION_RATE="0")
    prepared = _endpoint(served.app).prepared
    for n in range(20):
        served.client.get("/graphql", params={"query": "{ " + f"n{n}: locales {{ code }} " + "#\n" * 1500 + "}"})
        assert prepared.bytes <= 2_000_000
    assert 2 <= len(prepared) < 20


def test_rendered_embed_pages_are_bounded_by_bytes(own_app) -> None:
    served = own_app(EMBED_CACHE_BYTES="60000")
    sections = [s["id"] for s in json.loads(served.content_path.read_text())["documents"][0]["sections"]]
    for locale in ("en", "es"):
        for section in sections[:5]:
            page = served.client.get("/embed/liver-metastases-treatment", params={"lang": locale,
                                                                                  "section": section})
            assert page.status_code == 200
    cache = served.app.state.served.pages
    assert cache.bytes <= 60_000
    assert len(cache) >= 1
