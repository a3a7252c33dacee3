"""Embed pages are cacheable like the API: strong ETags, 304s, and a new ETag when the content changes."""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime

from tests.embed.conftest import page_path
from tests.inprocess import InProcess


def test_pages_are_public_and_revalidated_with_a_strong_etag(app: InProcess) -> None:
    response = app.client.get(page_path("en", "surgery"), timeout=10)
    assert response.headers["cache-control"] == "public, max-age=300, stale-while-revalidate=86400"
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"'), "strong, not W/"
    assert parsedate_to_datetime(response.headers["last-modified"]).year >= 2024
    again = app.client.get(page_path("en", "surgery"), timeout=10)
    assert again.headers["etag"] == etag and again.content == response.content


def test_if_none_match_answers_304_with_no_body(app: InProcess) -> None:
    first = app.client.get(page_path("es"), timeout=10)
    for header in (first.headers["etag"], "W/" + first.headers["etag"], f'"other", {first.headers["etag"]}'):
        response = app.client.get(page_path("es"), headers={"If-None-Match": header}, timeout=10)
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == first.headers["etag"]
        assert response.headers["cache-control"] == first.headers["cache-control"]
        assert "content-security-policy" in response.headers
    stale = app.client.get(page_path("es"), headers={"If-None-Match": '"stale"'}, timeout=10)
    assert stale.status_code == 200


def test_each_language_section_and_partner_gets_its_own_etag(app: InProcess) -> None:
    paths = [page_path("en"), page_path("es"), page_path("en", "surgery"), page_path("es", "surgery"),
             page_path("en", "surgery") + "&origin=https%3A%2F%2Fpartner.example"]
    tags = {app.client.get(p, timeout=10).headers["etag"] for p in paths}
    assert len(tags) == len(paths)


def test_the_head_method_answers_the_same_headers(app: InProcess) -> None:
    get = app.client.get(page_path("en"), timeout=10)
    head = app.client.head(page_path("en"), timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]


def test_a_content_reload_changes_the_etag_and_the_page(own_app) -> None:
    live = own_app()
    path = live.content_path
    before = live.client.get(page_path("en"), timeout=10)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["documents"][0]["title"]["en"] = "How are liver metastases treated? (updated)"
    path.write_text(json.dumps(data), encoding="utf-8")
    live.reload()
    after = live.client.get(page_path("en"), headers={"If-None-Match": before.headers["etag"]}, timeout=10)
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert "How are liver metastases treated? (updated)" in after.text
