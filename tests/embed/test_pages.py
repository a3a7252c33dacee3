"""GET /embed/{slug}: a complete, accessible page for the whole document and for every section."""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.embed.conftest import LOCALES, SECTIONS, SLUG, page_path
from tests.embed.html import Page
from tests.inprocess import InProcess

EVERY_PAGE = [(lang, section) for lang in LOCALES for section in (None, *SECTIONS)]


def get(app: InProcess, path: str, **headers: str) -> httpx.Response:
    return app.client.get(path, headers=headers, timeout=10)


@pytest.mark.parametrize(("lang", "section"), EVERY_PAGE)
def test_every_page_is_a_complete_accessible_document(app: InProcess, lang: str, section: str | None) -> None:
    response = get(app, page_path(lang, section))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-language"] == lang
    page = Page(response.text)
    assert page.one("html").attrs["lang"] == lang
    assert page.one("title").text.strip()
    levels = [level for level, _ in page.headings()]
    assert levels[0] == 1 and levels.count(1) == 1, "exactly one h1, first"
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), f"a heading level is skipped: {levels}"
    for landmark in ("header", "main", "footer"):
        assert len(page.all(landmark)) == 1
    assert len(page.all("nav")) == (0 if section else 1), "the contents list is for the whole page only"
    assert page.one("main").attrs["id"] == "main"
    assert page.all("a")[0].attrs["href"] == "#main", "the first link skips to the content"


def test_the_contents_list_links_to_every_section_heading(app: InProcess) -> None:
    page = Page(get(app, page_path("en")).text)
    links = [a.attrs["href"] for a in page.one("nav").find("a")]
    assert links == [f"#section-{s}" for s in SECTIONS]
    ids = {h.attrs.get("id") for h in page.all("h2")}
    assert all(link[1:] in ids for link in links)


def test_a_section_page_names_the_document_and_links_to_the_full_page(app: InProcess) -> None:
    page = Page(get(app, page_path("es", "surgery")).text)
    assert page.headings()[0] == (1, "Cirugía")
    assert "¿Cómo se tratan las metástasis hepáticas?" in page.one("hgroup").text
    more = page.by_class("more")[0].find("a")
    assert [(a.text, a.attrs["href"]) for a in more] == [("Leer la página completa", page_path("es"))]
    assert page.one("title").text == "Cirugía — ¿Cómo se tratan las metástasis hepáticas?"


@pytest.mark.parametrize(("lang", "date"), [("en", "December 2, 2026"), ("es", "2 de diciembre de 2026")])
def test_the_review_date_is_written_for_the_reader(app: InProcess, lang: str, date: str) -> None:
    page = Page(get(app, page_path(lang, "chemotherapy")).text)
    times = page.all("time")
    assert (times[0].attrs["datetime"], times[0].text) == ("2026-12-02", date)  # the sign-off of every text


@pytest.mark.parametrize("lang", LOCALES)
def test_attribution_reviewer_and_disclaimer_are_on_every_page(app: InProcess, lang: str) -> None:
    text = Page(get(app, page_path(lang, "clinical-trials")).text).one("footer").words
    expected = {
        "en": ["Important note", "This page gives general information. It is not medical advice.",
               "Last reviewed", "Reviewed by", "Clara content team.", "Source", "How is liver metastases treated?",
               "Miami Cancer Institute", "Source read on November 27, 2026", "Powered by Clara"],
        "es": ["Aviso importante", "Esta página da información general. No es un consejo médico.",
               "Última revisión", "Revisado por", "Fuente", "Fuente consultada el 27 de noviembre de 2026",
               "Con la tecnología de Clara"],
    }[lang]
    for phrase in expected:
        assert phrase in text


def test_the_other_language_is_one_link_away_and_keeps_the_section(app: InProcess) -> None:
    page = Page(get(app, page_path("en", "surgery")).text)
    links = [a for a in page.all("a") if a.attrs.get("hreflang") == "es"]
    assert links and all(a.text == "En español" and a.attrs["lang"] == "es" for a in links)
    assert links[0].attrs["href"] == page_path("es", "surgery")


def test_glossary_words_are_native_disclosures_that_carry_their_definition(app: InProcess) -> None:
    page = Page(get(app, page_path("en", "overview")).text)
    first = page.all("details")[0]
    assert "term" in first.attrs["class"]
    summary = first.children[0]
    assert summary.tag == "summary" and summary.text == "Liver metastases"
    definition = page.by_class("definition")[0]
    assert first in definition.ancestors()
    assert definition.words == (
        "What “liver metastases” means: Cancer in the liver that started in another part of the body and then "
        "spread to the liver.")
    assert not [e for e in page.all("details") if e.parent.tag == "p"], "a <p> cannot hold a <details>"


def test_treatments_are_cards_with_how_it_works_and_institution_facts(app: InProcess) -> None:
    page = Page(get(app, page_path("en", "radiation-therapy")).text)
    cards = page.all("article")
    assert [c.find("h2")[0].words for c in cards] == [
        "Proton therapy", "Stereotactic body radiation therapy (SBRT)", "MR-guided radiation therapy",
        "Radioembolization"]
    proton = cards[0].words
    assert "How it works" in proton and "At Miami Cancer Institute" in proton
    assert "pencil beam scanning" in proton


def test_care_team_and_decision_factors_are_lists(app: InProcess) -> None:
    team = Page(get(app, page_path("en", "care-team")).text)
    roles = [e.words for e in team.by_class("entry-name")]
    assert roles[:2] == ["Medical oncologist", "Surgical oncologist"]
    assert all(e.parent.tag == "li" for e in team.by_class("entry-name"))
    factors = Page(get(app, page_path("es", "how-the-team-decides")).text)
    assert len(factors.by_class("entry-name")) == 3


def test_without_lang_the_reader_s_language_is_chosen_and_caches_are_told(app: InProcess) -> None:
    response = get(app, f"/embed/{SLUG}", **{"Accept-Language": "es-US,es;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    assert Page(response.text).one("html").attrs["lang"] == "es"
    assert "Accept-Language" in response.headers["vary"]
    assert "vary" not in get(app, page_path("es")).headers, "an explicit lang does not vary"


def test_the_partner_origin_is_carried_through_every_link_inside(app: InProcess) -> None:
    response = get(app, page_path("en", "surgery") + "&origin=https%3A%2F%2Fpartner.example")
    page = Page(response.text)
    assert page.one("html").attrs["data-parent-origin"] == "https://partner.example"
    internal = [a.attrs["href"] for a in page.all("a") if a.attrs["href"].startswith("/embed/")]
    assert internal and all(parse_qs(urlsplit(h).query)["origin"] == ["https://partner.example"] for h in internal)


def test_the_page_names_its_oembed_endpoint_for_discovery(app: InProcess) -> None:
    page = Page(get(app, page_path("es", "surgery")).text)
    (link,) = [e for e in page.all("link") if e.attrs.get("type") == "application/json+oembed"]
    assert link.attrs["rel"] == "alternate"
    assert link.attrs["title"] == "Cirugía — ¿Cómo se tratan las metástasis hepáticas?"
    answer = app.client.get(link.attrs["href"], timeout=10).json()
    assert answer["title"] == link.attrs["title"]


def test_styles_and_scripts_come_from_this_server_only(app: InProcess) -> None:
    page = Page(get(app, page_path("en")).text)
    urls = [e.attrs["href"] for e in page.all("link") if e.attrs["rel"] in {"stylesheet", "icon"}]
    urls += [e.attrs["src"] for e in page.all("script")]
    assert urls and all(u.startswith("/embed/static/") for u in urls)
    assert not [e for e in page.all("script") if not e.attrs.get("src")], "no inline script"
    assert not [e for e in page.elements if "style" in e.attrs], "no inline styles"
    for url in urls:
        assert get(app, url).status_code == 200
