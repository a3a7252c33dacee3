"""Every limit answers with a clear error that says the limit, and the app stays up."""

from __future__ import annotations

import httpx
import pytest

from api.settings import Limits
from tests.inprocess import InProcess

LIMITS = Limits()


def post(app: InProcess, query: str, **extra: object) -> httpx.Response:
    return app.client.post("/graphql", json={"query": query, **extra})


def test_depth_limit(app) -> None:
    nested = "{ treatmentCategories { treatments { category { treatments { category { treatments { category {" \
             " treatments { category { treatments { category { treatments { id } } } } } } } } } } } } }"
    error = post(app, nested).json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert error["extensions"]["maxDepth"] == LIMITS.max_depth
    assert "nested too deeply" in error["message"]


def test_alias_limit(app) -> None:
    query = "{ " + " ".join(f"a{i}: locales {{ code }}" for i in range(LIMITS.max_aliases + 5)) + " }"
    error = post(app, query).json()["errors"][0]
    assert error["extensions"]["code"] == "TOO_MANY_ALIASES"
    assert error["extensions"]["maxAliases"] == LIMITS.max_aliases


def test_field_limit_counts_fields_with_fragments_expanded_and_reports_the_maximum(app) -> None:
    fields = " ".join(["code nativeName choosePrompt continueLabel isDefault fallback"] * 10)
    fragments = "fragment F on Locale { " + fields + " } "
    query = fragments + "{ " + " ".join(f"l{i}: locales {{ ...F ...F ...F ...F ...F }}" for i in range(25)) + " }"
    error = post(app, query).json()["errors"][0]
    assert error["extensions"]["code"] == "TOO_MANY_FIELDS"
    assert error["extensions"]["maxFields"] == LIMITS.max_fields
    assert error["extensions"]["fields"] > LIMITS.max_fields


def test_fragment_bomb_is_cut_short(app) -> None:
    levels = ["fragment F0 on Locale { code nativeName }"]
    for i in range(1, 30):
        levels.append(f"fragment F{i} on Locale {{ ...F{i - 1} ...F{i - 1} }}")
    query = " ".join(levels) + " { locales { ...F29 } }"
    response = post(app, query)
    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_FIELDS"


def test_token_limit(app) -> None:
    query = "{ locales { " + "a " * (LIMITS.max_tokens + 10) + "} }"
    error = post(app, query).json()["errors"][0]
    assert "tokens" in error["message"].lower()


def test_query_length_limit(app) -> None:
    query = "{ locales { code } }" + " " * LIMITS.max_query_chars
    response = post(app, query)
    assert response.status_code == 413
    assert "too long" in response.json()["errors"][0]["message"]


def test_body_size_limit(app) -> None:
    body = b'{"query": "{ locales { code } }", "variables": {"x": "' + b"a" * (LIMITS.max_body_bytes + 10) + b'"}}'
    response = app.client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert str(LIMITS.max_body_bytes) in response.json()["errors"][0]["message"]


def test_search_text_limit(app) -> None:
    error = post(app, '{ search(query: "%s") { id } }' % ("a" * 500)).json()["errors"][0]
    assert error["extensions"] == {"code": "SEARCH_TOO_LONG", "max": 200}


def test_search_first_is_bounded(app) -> None:
    error = post(app, '{ search(query: "proton", first: 100000) { id } }').json()["errors"][0]
    assert "between 1 and 50" in error["message"]


def test_introspection_is_on_by_default(app) -> None:
    assert post(app, "{ __schema { queryType { name } } }").json()["data"]["__schema"]


def test_introspection_can_be_turned_off(own_app) -> None:
    live = own_app(INTROSPECTION="false")
    error = post(live, "{ __schema { queryType { name } } }").json()["errors"][0]
    assert "introspection" in error["message"].lower()


def test_full_graphiql_introspection_query_passes_the_limits(app) -> None:
    from graphql import get_introspection_query

    body = post(app, get_introspection_query(descriptions=True)).json()
    assert "errors" not in body


@pytest.mark.parametrize("variables", [{"l": "\ud800"}, {"l": 12}, {"l": ["es"]}])
def test_bad_variables_are_request_errors(app, variables: dict) -> None:
    import json

    try:
        body = json.dumps({"query": "query($l: String) { glossary(locale: $l) { id } }", "variables": variables})
    except UnicodeEncodeError:
        pytest.skip("not encodable")
    response = app.client.post("/graphql", content=body.encode("utf-8", "surrogatepass"),
                          headers={"Content-Type": "application/json"})
    assert response.status_code in {200, 400}
    assert response.json()["errors"]
    assert "Traceback" not in response.text and "/work" not in response.text


def test_server_answers_normally_after_all_that(app) -> None:
    assert post(app, "{ locales { code } }").json() == {"data": {"locales": [{"code": "en"}, {"code": "es"}]}}
