"""Every embed response is locked down, and no parameter value, however hostile, comes back as markup."""

from __future__ import annotations

import httpx
import pytest

from api.embed.headers import frame_ancestors
from tests.embed.conftest import SLUG, page_path
from tests.embed.html import Page
from tests.inprocess import InProcess

NOT_FOUND = {"en": "Page not found", "es": "No se encontró la página"}
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "../../../etc/passwd",
    "javascript:alert(1)",
    "%00%0d%0aSet-Cookie:%20x=1",
    "x" * 5000,
]


def csp(response: httpx.Response) -> dict[str, str]:
    directives = [d.strip().split(None, 1) for d in response.headers["content-security-policy"].split(";")]
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives if d}


def assert_locked_down(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in {"strict-origin-when-cross-origin", "no-referrer", "same-origin"}
    policy = response.headers["permissions-policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    assert csp(response)["default-src"] == "'none'"
    assert "x-frame-options" not in response.headers, "partners must be able to frame the pages"


@pytest.mark.parametrize("path", [
    page_path("en"), page_path("es", "surgery"), "/embed/nope", "/embed/a/b", "/embed", "/embed.js",
    "/embed/static/embed.css", "/embed/static/resize.js", "/embed/static/nope.js",
    f"/oembed?url=http://x/embed/{SLUG}", "/oembed",
])
def test_every_embed_response_carries_the_security_headers(app: InProcess, path: str) -> None:
    assert_locked_down(app.client.get(path, timeout=10))


def test_the_page_policy_allows_only_its_own_files_and_no_forms_or_base(app: InProcess) -> None:
    policy = csp(app.client.get(page_path("en"), timeout=10))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self'"
    assert policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'none'"
    assert policy["frame-ancestors"] == "*", "by default any site may embed"
    assert "unsafe-inline" not in str(policy) and "unsafe-eval" not in str(policy)


def test_frame_ancestors_comes_from_the_configuration(deployed: InProcess) -> None:
    for path in (page_path("en"), "/embed/nope"):
        policy = csp(deployed.client.get(path, timeout=10))
        assert policy["frame-ancestors"] == "https://partner.example 'self'"


def test_a_configured_source_that_could_inject_a_directive_is_dropped() -> None:
    assert frame_ancestors(("https://ok.example", "https://x.example;script-src", "'self'")) == \
        "https://ok.example 'self'"
    assert frame_ancestors(("bad;value",)) == "'none'"
    assert frame_ancestors(("https://a.example", "*")) == "*"


@pytest.mark.parametrize(("path", "lang"), [
    ("/embed/nope?lang=es", "es"),
    (page_path("es", "no-such-section"), "es"),
    (page_path("en", "no-such-section"), "en"),
    (f"/embed/{SLUG}?lang=fr", "en"),
    (f"/embed/{SLUG}?lang=en&lang=es", "en"),
    (page_path("es") + "&origin=https://partner.example/path", "es"),
    (page_path("es") + "&origin=null", "es"),
    ("/embed/Liver-Metastases-Treatment?lang=es", "es"),
])
def test_unknown_values_get_a_calm_404_page_in_the_reader_s_language(app: InProcess, path: str, lang: str) -> None:
    response = app.client.get(path, timeout=10)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = Page(response.text)
    assert page.one("html").attrs["lang"] == lang
    assert page.one("h1").text == NOT_FOUND[lang]
    assert len(page.all("main")) == 1


def test_a_404_for_a_wrong_section_offers_the_whole_page(app: InProcess) -> None:
    page = Page(app.client.get(page_path("es", "nope"), timeout=10).text)
    assert [a.attrs["href"] for a in page.by_class("more")[0].find("a")] == [page_path("es")]


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("name", ["lang", "section", "origin", "slug"])
def test_hostile_values_are_refused_and_never_reflected(app: InProcess, name: str, value: str) -> None:
    if name == "slug":
        url = httpx.URL("/embed/" + value.replace("/", "%2F"), params={"lang": "en"})
    else:
        params = {"lang": "en", name: value} if name != "lang" else {"lang": value}
        url = httpx.URL(f"/embed/{SLUG}", params=params)
    response = app.client.get(url, timeout=10)
    assert response.status_code == 404
    assert "alert(1)" not in response.text and "onerror" not in response.text and "passwd" not in response.text
    assert "Set-Cookie" not in response.text and "set-cookie" not in response.headers
    assert "xxxxxxxxxx" not in response.text


def test_invalid_utf8_in_the_query_or_path_is_a_404_not_a_500(app: InProcess) -> None:
    for raw in (f"/embed/{SLUG}?lang=%FF%FE", f"/embed/{SLUG}?lang=en&section=%C3%28", "/embed/%FF%FE?lang=en"):
        response = app.client.get(raw, timeout=10)
        assert response.status_code == 404
        assert "\ufffd" not in response.text


@pytest.mark.parametrize("where", ["page", "oembed", "script", "missing"])
def test_a_host_that_is_not_allowed_gets_a_400_that_does_not_repeat_it(app: InProcess, where: str) -> None:
    """Without PUBLIC_URL links are built from the request's host: only from an allowed one."""
    path = {"page": page_path("en", "chemotherapy"), "script": "/embed.js", "missing": "/embed/nope",
            "oembed": f"/oembed?url=http%3A%2F%2Fevil.example%2Fembed%2F{SLUG}"}[where]
    for host in ("evil.example", 'evil.example"><b>x</b>', "localhost.evil.example"):
        forged = app.client.get(path, headers={"Host": host}, timeout=10)
        assert forged.status_code == 400
        assert "evil" not in forged.text and "<b>" not in forged.text
        assert forged.headers["cache-control"] == "no-store"
    assert app.client.get(path, timeout=10).status_code in {200, 404}


def test_an_allowed_host_with_a_port_is_answered(own_app) -> None:
    served = own_app(ALLOWED_HOSTS="clara.example")
    page = served.client.get(page_path("en", "chemotherapy"), headers={"Host": "clara.example:8443"}, timeout=10)
    assert page.status_code == 200 and "clara.example:8443" in page.text
    assert served.client.get(page_path("en", "chemotherapy"), timeout=10).status_code == 400  # testserver is not


def test_with_public_url_the_request_host_is_never_read(own_app) -> None:
    served = own_app(PUBLIC_URL="https://clara.example", ALLOWED_HOSTS="nothing.example")
    page = served.client.get(page_path("en", "chemotherapy"), headers={"Host": "evil.example"}, timeout=10)
    assert page.status_code == 200
    assert "evil.example" not in page.text and "https://clara.example" in page.text
