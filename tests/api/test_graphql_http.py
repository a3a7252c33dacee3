"""GraphQL over HTTP, in-process: fields, locales, caching, persisted queries, errors."""

from __future__ import annotations

import hashlib
import json
import re

import httpx
import pytest

from api.http.graphiql import STATIC as GRAPHIQL_STATIC
from tests.inprocess import InProcess
from tests.server import wait_for

SLUG = "liver-metastases-treatment"
PAGE = """query Page($locale: String) {
  document(slug: "%s", locale: $locale) {
    slug locale version title summary audience disclaimer reviewedBy lastReviewed lastUpdated
    sources { title publisher retrieved }
    institution { name facts { id text } }
    sections { id heading readingLevel { scale value }
      blocks { id type terms { id }
        ... on ParagraphBlock { text } ... on ListBlock { items } ... on CalloutBlock { text }
        ... on TreatmentsBlock { treatments { id name } }
        ... on CareTeamBlock { roles { id name } }
        ... on DecisionFactorsBlock { factors { id name } } } }
    treatments { id name category { id name } institutionFacts { text } }
    careTeam { id name } decisionFactors { id name } glossary { id term definition }
    readingLevel { scale value words } readingLevels { locale value }
  }
}""" % SLUG


def post(app: InProcess, query: str, variables: dict | None = None, **headers: str) -> httpx.Response:
    return app.client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def get(app: InProcess, query: str | None = None, variables: dict | None = None, headers: dict | None = None,
        **params: str) -> httpx.Response:
    if query is not None:
        params["query"] = query
    if variables is not None:
        params["variables"] = json.dumps(variables)
    return app.client.get("/graphql", params=params, headers=headers or {})


@pytest.mark.parametrize("locale", ["en", "es"])
def test_the_full_page_in_each_language(app, locale: str) -> None:
    body = post(app, PAGE, {"locale": locale}).json()
    assert "errors" not in body
    doc = body["data"]["document"]
    assert doc["locale"] == locale
    assert doc["title"] == {"en": "How are liver metastases treated?",
                            "es": "¿Cómo se tratan las metástasis hepáticas?"}[locale]
    ids = [s["id"] for s in doc["sections"]]
    assert ids[:3] == ["overview", "how-the-team-decides", "care-team"]
    assert {"surgery", "radiation-therapy", "interventional-oncology", "clinical-trials", "tumor-board"} <= set(ids)
    assert {t["id"] for t in doc["treatments"]} >= {"proton-therapy", "sbrt", "radioembolization", "cryoablation"}
    assert doc["lastReviewed"] == "2026-12-02"  # the day the content team signed off every text it shows
    assert doc["readingLevel"]["scale"] == ("flesch-kincaid-grade" if locale == "en" else "fernandez-huerta")
    assert len(doc["readingLevels"]) == 2
    assert doc["glossary"] and all(term["definition"] for term in doc["glossary"])


@pytest.mark.parametrize("locale", ["en", "es"])
def test_every_root_field_answers_in_each_language(app, locale: str) -> None:
    query = """query($l: String!) {
      locales { code nativeName choosePrompt continueLabel isDefault fallback }
      documents(locale: $l) { slug title }
      treatments(locale: $l, category: "radiation-therapy") { id name }
      treatment(id: "proton-therapy", locale: $l) { name summary howItWorks }
      treatmentCategories(locale: $l) { id name treatments { id } }
      glossary(locale: $l) { id term }
      strings(locale: $l, keys: ["nav.back"]) { key text }
      search(query: "protons", locale: $l) { kind id title }
      sync(locales: [$l]) { version fullSync documents { slug locale } }
    }"""
    data = post(app, query, {"l": locale}).json()["data"]
    assert [loc["code"] for loc in data["locales"]] == ["en", "es"]
    assert {t["id"] for t in data["treatments"]} == {"proton-therapy", "sbrt", "mr-guided-radiation-therapy",
                                                    "radioembolization"}
    assert data["treatment"]["name"] == {"en": "Proton therapy", "es": "Radioterapia de protones"}[locale]
    assert data["strings"] == [{"key": "nav.back", "text": {"en": "Back", "es": "Atrás"}[locale]}]
    assert data["sync"]["documents"] == [{"slug": SLUG, "locale": locale}]
    assert data["glossary"]


def test_accept_language_decides_when_no_locale_is_given(app) -> None:
    response = get(app, '{ treatment(id: "chemotherapy") { name } }',
                   headers={"Accept-Language": "es-US,es;q=0.9,en;q=0.5"})
    assert response.json()["data"]["treatment"]["name"] == "Quimioterapia"
    assert "Accept-Language" in response.headers["vary"]
    assert response.headers["content-language"] == "es"


@pytest.mark.parametrize("tag", ["es-419", "es-US", "es"])
def test_bcp47_tags_map_to_spanish(app, tag: str) -> None:
    data = post(app, '{ treatment(id: "chemotherapy", locale: "%s") { name } }' % tag).json()["data"]
    assert data["treatment"]["name"] == "Quimioterapia"


def test_unsupported_locale_is_a_clear_error(app) -> None:
    body = post(app, '{ glossary(locale: "fr-FR") { id } }').json()
    error = body["errors"][0]
    assert error["message"] == "Unsupported locale 'fr-FR'. Supported locales: en, es."
    assert error["extensions"] == {"code": "UNSUPPORTED_LOCALE", "supportedLocales": ["en", "es"]}


def test_fallback_texts_are_reported_never_silent(own_app, tmp_path) -> None:
    from tests.server import ROOT

    data = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    data["locales"][1]["required"] = False
    del data["treatments"][0]["summary"]["es"]
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    live = own_app(path)
    tid = data["treatments"][0]["id"]
    body = post(live, '{ treatment(id: "%s", locale: "es") { name summary } }' % tid).json()
    assert body["data"]["treatment"]["summary"] == data["treatments"][0]["summary"]["en"]
    assert body["extensions"]["localeFallbacks"] == [
        {"path": ["treatment", "summary"], "requestedLocale": "es", "servedLocale": "en"}]


@pytest.mark.parametrize(("query", "locale", "expected"), [
    ("metastasis", "es", "liver-metastases"),
    ("metástasis", "es", "liver-metastases"),
    ("quimio", "es", "chemotherapy"),
    ("QUIMIOTERAPIA", "es", "chemotherapy"),
    ("cryoablation", "en", "cryoablation"),
    ("radioembolizacion", "es", "radioembolization"),
])
def test_search_with_and_without_accents(app, query: str, locale: str, expected: str) -> None:
    hits = post(app, 'query($q: String!, $l: String) { search(query: $q, locale: $l, first: 20) '
                            '{ kind id snippet snippetHtml highlights { start length } score } }',
                {"q": query, "l": locale}).json()["data"]["search"]
    assert expected in {h["id"] for h in hits}
    top = hits[0]
    assert "<mark>" in top["snippetHtml"] or top["kind"] == "TERM"
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_search_snippets_escape_markup(app) -> None:
    hits = post(app, '{ search(query: "<script>alert(1)</script> proton", locale: "en") '
                            '{ snippetHtml } }').json()["data"]["search"]
    assert all("<script" not in h["snippetHtml"] for h in hits)


def test_sync_from_nothing_from_current_and_from_unknown(app) -> None:
    q = 'query($s: String, $l: [String!]) { sync(since: $s, locales: $l) { version since fullSync locales ' \
        'removedSlugs documents { slug locale version document { title } } } }'
    first = post(app, q, {"l": ["es"]}).json()["data"]["sync"]
    assert first["fullSync"] is True
    assert [(d["slug"], d["locale"]) for d in first["documents"]] == [(SLUG, "es")]
    assert first["documents"][0]["document"]["title"].startswith("¿Cómo")
    current = post(app, q, {"s": first["version"]}).json()["data"]["sync"]
    assert current == {"version": first["version"], "since": first["version"], "fullSync": False,
                       "locales": ["en", "es"], "removedSlugs": [], "documents": []}
    unknown = post(app, q, {"s": "not-a-version"}).json()["data"]["sync"]
    assert unknown["fullSync"] is True and len(unknown["documents"]) == 2


def test_sync_from_an_old_version_sends_only_what_changed(own_app, tmp_path) -> None:
    from tests.server import ROOT

    data = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    second = json.loads(json.dumps(data))
    second["documents"].append(json.loads(json.dumps(data["documents"][0])))
    second["documents"][1]["slug"] = "second-page"
    live = own_app()
    path = live.content_path
    q = 'query($s: String) { sync(since: $s, locales: ["en"]) { version fullSync removedSlugs documents { slug } } }'
    v1 = post(live, q).json()["data"]["sync"]["version"]

    def reload_with(content: dict) -> str:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(content, f)
        return live.reload()

    reload_with(second)
    added = post(live, q, {"s": v1}).json()["data"]["sync"]
    assert added["fullSync"] is False
    assert [d["slug"] for d in added["documents"]] == ["second-page"]
    reload_with(data)
    removed = post(live, q, {"s": added["version"]}).json()["data"]["sync"]
    assert removed["documents"] == [] and removed["removedSlugs"] == ["second-page"]


def test_get_is_cacheable_with_etag_and_304(app) -> None:
    first = get(app, PAGE, {"locale": "es"})
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "public" in first.headers["cache-control"] and "max-age=" in first.headers["cache-control"]
    assert "stale-while-revalidate=" in first.headers["cache-control"]
    assert first.headers["last-modified"].endswith("GMT")
    again = get(app, PAGE, {"locale": "es"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = get(app, PAGE, {"locale": "en"}, headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag


def test_post_is_not_cacheable(app) -> None:
    response = post(app, "{ locales { code } }")
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def test_persisted_query_round_trip_over_get(own_app) -> None:
    live = own_app()
    query = '{ treatment(id: "sbrt", locale: "es") { name } }'
    ext = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha(query)}})
    miss = get(live, extensions=ext)
    assert miss.status_code == 200
    assert miss.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert miss.headers["cache-control"] == "no-store"
    registered = get(live, query, extensions=ext)
    assert registered.json()["data"]["treatment"]["name"].startswith("Radioterapia estereotáctica")
    hit = get(live, extensions=ext)
    assert hit.json() == registered.json()
    assert hit.headers["etag"] and "public" in hit.headers["cache-control"]
    assert get(live, extensions=ext, headers={"If-None-Match": hit.headers["etag"]}).status_code == 304


def test_persisted_query_hash_must_match(app) -> None:
    response = post(app, "{ locales { code } }")
    bad = app.client.post("/graphql", json={
        "query": "{ locales { code } }",
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}})
    assert response.status_code == 200
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["message"] == "provided sha does not match query"


def test_graphql_response_json_uses_the_spec_status_codes(app) -> None:
    accept = {"Accept": "application/graphql-response+json"}
    ok = get(app, "{ locales { code } }", headers=accept)
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith("application/graphql-response+json")
    assert get(app, "{ locales { code ", headers=accept).status_code == 400
    assert get(app, "{ nope }", headers=accept).status_code == 400
    legacy = get(app, "{ nope }")
    assert legacy.status_code == 200 and legacy.headers["content-type"].startswith("application/json")
    assert "Cannot query field 'nope'" in legacy.json()["errors"][0]["message"]


@pytest.mark.parametrize(("content_type", "body", "status", "message"), [
    ("application/json", b"{not json", 400, "The request body cannot be read: it is not valid JSON."),
    ("application/json", b"", 400, "The request body is empty; send a JSON object with a `query`."),
    ("application/json", b"[1, 2]", 400, "Batched requests (a JSON array) are not supported"),
    ("application/json", b'"query"', 400, "The request body must be a JSON object with a `query`."),
    ("application/json", b"{}", 400, "The request has no `query`."),
    ("application/json", b'{"query": 5}', 400, "`query` must be a string."),
    ("application/json", b'{"query": "{ locales { code } }", "variables": []}', 400, "`variables` must be an"),
    ("text/plain", b'{"query": "{ locales { code } }"}', 415, "POST bodies must be application/json"),
    ("application/x-www-form-urlencoded", b"query=x", 415, "POST bodies must be application/json"),
    ("multipart/form-data; boundary=x", b"--x--", 415, "POST bodies must be application/json"),
])
def test_malformed_requests_get_clear_4xx(app, content_type: str, body: bytes, status: int,
                                          message: str) -> None:
    response = app.client.post("/graphql", content=body, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert response.json()["errors"][0]["message"].startswith(message)


def test_mutations_over_get_are_refused_with_405(app) -> None:
    response = get(app, "mutation { x }")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_other_methods_get_405(app) -> None:
    response = app.client.put("/graphql", content=b"{}")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST, OPTIONS"


OFF_SERVER = re.compile(r"""(?:src|href)\s*=\s*["']?(?:[a-z]+:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("name", ["graphiql.html", "graphiql-missing.html"])
def test_neither_graphiql_page_loads_anything_from_another_server(name: str) -> None:
    # with node_modules the page loads GraphiQL from here; without, it says how to install it
    assert not OFF_SERVER.search((GRAPHIQL_STATIC / name).read_text(encoding="utf-8"))


def test_graphiql_page_for_browsers(app) -> None:
    page = app.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<title>Clara GraphQL explorer" in page.text
    assert not OFF_SERVER.search(page.text)
    if "graphiql.min.js" in page.text:
        script = app.client.get("/graphiql/assets/graphiql.min.js")
        assert script.status_code == 200 and len(script.content) > 100_000


def test_healthz_reports_the_content_version(app) -> None:
    health = app.client.get("/healthz").json()
    assert health["status"] == "ok" and len(health["version"]) == 16


def test_request_ids_are_returned_and_logged(server) -> None:
    # the log is the server process's own output: this one needs the real server
    response = httpx.get(f"{server.url}/healthz", headers={"X-Request-Id": "test-req-12345"})
    assert response.headers["x-request-id"] == "test-req-12345"
    wait_for(lambda: "test-req-12345" in server.log())  # access lines are written in batches


def test_cors_allows_browser_front_ends(app) -> None:
    preflight = app.client.options("/graphql", headers={
        "Origin": "https://partner.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    simple = get(app, "{ locales { code } }", headers={"Origin": "https://partner.example"})
    assert simple.headers["access-control-allow-origin"] == "*"


def test_every_response_carries_the_basic_security_headers(app) -> None:
    for response in [app.client.get("/healthz"), post(app, "{ locales { code } }"),
                     app.client.get("/nope")]:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
