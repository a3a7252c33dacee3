"""GET /oembed answers oEmbed 1.0 for our own embed URLs, and refuses everything else as the spec says."""

from __future__ import annotations

import httpx
import pytest

from tests.embed.conftest import PUBLIC_URL, SLUG, page_path
from tests.embed.html import Page
from tests.inprocess import InProcess


def oembed(app: InProcess, **params: str) -> httpx.Response:
    return app.client.get("/oembed", params=params, timeout=10)


def test_a_section_url_becomes_a_rich_iframe(app: InProcess) -> None:
    url = app.url + page_path("es", "surgery")
    response = oembed(app, url=url, format="json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["provider_name"] == "Clara" and body["provider_url"] == app.url + "/"
    assert body["title"] == "Cirugía — ¿Cómo se tratan las metástasis hepáticas?"
    assert isinstance(body["cache_age"], int) and body["cache_age"] > 0
    assert (body["width"], body["height"]) == (640, 600)
    (iframe,) = Page(body["html"]).all("iframe")
    assert iframe.attrs["src"] == url
    assert iframe.attrs["title"] == body["title"] and iframe.attrs["lang"] == "es"
    assert (iframe.attrs["width"], iframe.attrs["height"]) == ("640", "600")


def test_format_defaults_to_json(app: InProcess) -> None:
    assert oembed(app, url=app.url + page_path("en")).json()["title"] == "How are liver metastases treated?"
    assert oembed(app, url=app.url + page_path("en"), format="").status_code == 200


def test_maxwidth_and_maxheight_are_respected(app: InProcess) -> None:
    body = oembed(app, url=app.url + page_path("en"), maxwidth="400", maxheight="300").json()
    assert (body["width"], body["height"]) == (400, 300)
    iframe = Page(body["html"]).one("iframe")
    assert (iframe.attrs["width"], iframe.attrs["height"]) == ("400", "300")
    roomy = oembed(app, url=app.url + page_path("en"), maxwidth="3000", maxheight="3000").json()
    assert roomy["width"] <= 3000 and roomy["height"] <= 3000


@pytest.mark.parametrize("value", ["0", "-5", "abc", "1.5", "99999", "", "１２"])
def test_a_bad_maxwidth_or_maxheight_is_a_400(app: InProcess, value: str) -> None:
    for name in ("maxwidth", "maxheight"):
        assert oembed(app, url=app.url + page_path("en"), **{name: value}).status_code == 400


def test_a_missing_url_is_a_400(app: InProcess) -> None:
    assert oembed(app).status_code == 400
    assert oembed(app, url="  ").status_code == 400


def test_only_json_is_offered(app: InProcess) -> None:
    assert oembed(app, url=app.url + page_path("en"), format="xml").status_code == 501


@pytest.mark.parametrize("url", [
    "https://elsewhere.example" + page_path("en"),
    "http://localhost:1" + page_path("en"),
    "{app}/embed/no-such-page?lang=en",
    "{app}" + page_path("en", "no-such-section"),
    "{app}" + page_path("fr"),
    "{app}/graphql",
    "{app}/embed/" + SLUG + "/extra?lang=en",
    "javascript:alert(1)",
    "{app}/embed/" + SLUG + "?lang=<script>",
    "{app}/embed/" + "x" * 3000,
])
def test_urls_that_are_not_our_embeds_are_a_404(app: InProcess, url: str) -> None:
    response = oembed(app, url=url.replace("{app}", app.url))
    assert response.status_code == 404
    assert "<script>" not in response.text


def test_behind_a_public_url_only_public_urls_are_ours(deployed: InProcess) -> None:
    public = oembed(deployed, url=PUBLIC_URL + page_path("en", "surgery"))
    assert public.status_code == 200
    body = public.json()
    assert body["provider_url"] == PUBLIC_URL + "/"
    assert Page(body["html"]).one("iframe").attrs["src"] == PUBLIC_URL + page_path("en", "surgery")
    assert oembed(deployed, url=deployed.url + page_path("en")).status_code == 404


def test_behind_a_public_url_pages_link_under_its_path(deployed: InProcess) -> None:
    page = Page(deployed.client.get(page_path("en"), timeout=10).text)
    discovery = next(e for e in page.all("link") if e.attrs.get("type") == "application/json+oembed")
    assert discovery.attrs["href"].startswith(PUBLIC_URL + "/oembed?url=https%3A%2F%2Fclara.example%2Fcontent%2F")
    stylesheet = next(e for e in page.all("link") if e.attrs["rel"] == "stylesheet")
    assert stylesheet.attrs["href"].startswith("/content/embed/static/embed.css")
