"""Apollo Client's persisted-query link, unchanged, works against the live server (node)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.server import ROOT

pytestmark = pytest.mark.npm


def test_apollo_persisted_query_link_with_get_for_hashed_queries(own_server) -> None:
    live = own_server()
    result = subprocess.run(["node", "tests/api/apollo_apq.mjs", f"{live.url}/graphql"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["results"] == ["Radioterapia de protones"] * 2
    first, register, cached = report["requests"]
    assert (first["method"], first["cacheControl"]) == ("GET", "no-store")  # PersistedQueryNotFound
    assert "extensions=" in first["url"] and "query=" not in first["url"]
    assert register["method"] == "POST"
    assert cached["method"] == "GET" and "query=" not in cached["url"]
    assert cached["etag"] and cached["cacheControl"].startswith("public")


def test_apollo_relay_style_pagination_pages_through_the_documents(own_server, tmp_path) -> None:
    from tests.api.library import write_library

    live = own_server(write_library(tmp_path), EXECUTION_RATE="0")
    result = subprocess.run(["node", "tests/api/apollo_relay_pages.mjs", f"{live.url}/graphql", "2", "es"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["titles"] == ["Ánimo", "Náuseas", "Nutrición", "Ñandú (prueba)", "Ojos"]  # merged by the cache
    assert report["pages"] == 3 and report["totalCount"] == 5
    assert len(set(report["cursors"])) == 3
