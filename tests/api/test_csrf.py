"""A hostile page cannot make a visitor's browser run queries with a "simple" POST (no preflight)."""

from __future__ import annotations

import pytest

QUERY = '{"query": "{ locales { code } }"}'


@pytest.mark.parametrize("content_type", [
    "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
])
@pytest.mark.parametrize("extra", [{}, {"Apollo-Require-Preflight": "true"}, {"X-Apollo-Operation-Name": "Q"}])
def test_simple_content_types_are_refused(app, content_type: str, extra: dict) -> None:
    response = app.client.post("/graphql", content=QUERY,
                          headers={"Content-Type": content_type, "Origin": "https://evil.example", **extra})
    assert response.status_code == 415
    assert "CSRF" in response.json()["errors"][0]["message"]
    assert "data" not in response.json()


def test_json_posts_need_a_preflight_and_are_accepted(app) -> None:
    response = app.client.post("/graphql", content=QUERY, headers={"Content-Type": "application/json"})
    assert response.status_code == 200


def test_preflight_is_answered_only_for_allowed_origins(own_app) -> None:
    live = own_app(CORS_ORIGINS="https://partner.example")
    asked = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = live.client.options("/graphql", headers={"Origin": "https://partner.example", **asked})
    refused = live.client.options("/graphql", headers={"Origin": "https://evil.example", **asked})
    assert allowed.headers["access-control-allow-origin"] == "https://partner.example"
    assert "access-control-allow-origin" not in refused.headers
