"""Answers are gzipped for clients that accept it: a phone on a mobile plan downloads a fifth of
the bytes, with no proxy in front. Each encoding is its own representation with its own ETag."""

from __future__ import annotations

import gzip
import hashlib
import json

import httpx
import pytest

from api.web.negotiation import accepts_gzip
from tests.inprocess import InProcess

PAGE = '{ document(slug: "liver-metastases-treatment", locale: "es") { title summary sections { heading } } ' \
       'glossary(locale: "es") { term definition } }'


def _persisted(query: str) -> dict[str, str]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"query": query, "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})}


def _raw(app: InProcess, params: dict[str, str], **headers: str) -> tuple[httpx.Headers, int, bytes]:
    """Status, headers and the bytes as the app sent them (httpx would otherwise decode them)."""
    with app.client.stream("GET", "/graphql", params=params, headers=headers) as response:
        return response.headers, response.status_code, b"".join(response.iter_raw())


def test_a_client_that_accepts_gzip_gets_the_same_answer_in_a_fraction_of_the_bytes(app) -> None:
    plain_headers, _, plain = _raw(app, _persisted(PAGE), **{"Accept-Encoding": "identity"})
    zipped_headers, status, zipped = _raw(app, _persisted(PAGE), **{"Accept-Encoding": "gzip"})
    assert status == 200 and "content-encoding" not in plain_headers
    assert zipped_headers["content-encoding"] == "gzip"
    assert gzip.decompress(zipped) == plain
    assert len(zipped) < len(plain) / 2
    assert int(zipped_headers["content-length"]) == len(zipped)
    assert "Accept-Encoding" in zipped_headers["vary"] and "Accept-Encoding" in plain_headers["vary"]
    assert zipped_headers["etag"] != plain_headers["etag"]  # different bytes, different strong tag


def test_each_encoding_revalidates_with_its_own_tag(app) -> None:
    zipped_tag = _raw(app, _persisted(PAGE), **{"Accept-Encoding": "gzip"})[0]["etag"]
    plain_tag = _raw(app, _persisted(PAGE), **{"Accept-Encoding": "identity"})[0]["etag"]
    for _ in range(2):  # the first answer takes the full path, the repeat the shortcut
        headers, status, body = _raw(app, _persisted(PAGE), **{"Accept-Encoding": "gzip",
                                                                "If-None-Match": zipped_tag})
        assert (status, body) == (304, b"") and "Accept-Encoding" in headers["vary"]
        assert _raw(app, _persisted(PAGE), **{"Accept-Encoding": "gzip", "If-None-Match": plain_tag})[1] == 200
        assert _raw(app, _persisted(PAGE), **{"Accept-Encoding": "identity", "If-None-Match": plain_tag})[1] == 304


def test_small_answers_and_refusals_are_sent_as_they_are(app) -> None:
    small = _raw(app, {"query": "{ locales { code } }"}, **{"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small[0] and json.loads(small[2])["data"]["locales"]
    refused = _raw(app, {"query": PAGE}, **{"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused[0] and json.loads(refused[2])["data"]["document"]


def test_a_post_is_compressed_too(app) -> None:
    response = app.client.post("/graphql", json={"query": PAGE}, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["data"]["document"]["title"]  # httpx decoded it


@pytest.mark.parametrize(("header", "expected"), [
    (None, False), ("", False), ("gzip", True), ("GZIP", True), ("gzip, deflate, br", True), ("x-gzip", True),
    ("br", False), ("identity", False), ("*", True), ("gzip;q=0", False), ("gzip;q=0, *", False),
    ("*;q=0", False), ("br, *;q=0.5", True), ("gzip;q=junk", False),
])
def test_which_accept_encoding_headers_allow_gzip(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_without_the_response_cache_answers_are_still_compressed_and_revalidate(own_app) -> None:
    live = own_app(RESPONSE_CACHE="false")  # each answer made for its request alone (level 1)
    _, _, plain = _raw(live, {"query": PAGE}, **{"Accept-Encoding": "identity"})
    headers, _, zipped = _raw(live, {"query": PAGE}, **{"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip" and gzip.decompress(zipped) == plain
    again = _raw(live, {"query": PAGE}, **{"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})
    assert again[1] == 304
