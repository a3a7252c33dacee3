"""The embeds in a real headless Chromium: axe finds nothing, nothing overflows at 320 px, nothing is
fetched from another host, and on a partner's page (another origin) the iframe is exactly as tall as
its content, in both languages, with a plain link when scripts are off.

One browser run (tests/embed/browser.mjs) measures everything; the tests below assert on its report.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.embed.conftest import LOCALES, SECTIONS, SLUG, page_path
from tests.server import ROOT, LiveServer, free_port

pytestmark = pytest.mark.browser

SCRIPT = ROOT / "tests" / "embed" / "browser.mjs"
CHROMIUM = Path("/usr/bin/chromium")
WIDTHS = (320, 1280)
PAGES = [
    *[{"id": f"{lang}/{section or 'all'}", "path": page_path(lang, section), "dark": section is None}
      for lang in LOCALES for section in (None, *SECTIONS)],
    *[{"id": f"{lang}/not-found", "path": f"/embed/no-such-page?lang={lang}", "dark": True} for lang in LOCALES],
]
RUNS = [f"{p['id']}@{width}/{scheme}" for width in WIDTHS for p in PAGES
        for scheme in (("light", "dark") if p["dark"] else ("light",))]
PARTNER_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>A partner's page</title><link rel="icon" href="data:,"></head>
<body>
<h1>A partner's page</h1>
<div data-clara-embed="{slug}" data-lang="en"><a href="{server}/embed/{slug}?lang=en">How are liver metastases
treated?</a></div>
<div data-clara-embed="{slug}" data-lang="es"><a href="{server}/embed/{slug}?lang=es">¿Cómo se tratan las
metástasis hepáticas?</a></div>
<div data-clara-embed="{slug}" data-lang="es" data-section="surgery"><a
 href="{server}/embed/{slug}?lang=es&amp;section=surgery">Cirugía</a></div>
<p>The partner's own text goes on here.</p>
<script src="{server}/embed.js" async></script>
</body>
</html>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def partner_site(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A partner's page on another origin: served from 127.0.0.1, opened as http://localhost:PORT."""
    folder = tmp_path_factory.mktemp("partner")
    (folder / "partner.html").write_text(PARTNER_PAGE.format(server=server.url, slug=SLUG), encoding="utf-8")
    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                            functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{port}/partner.html"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def report(server: LiveServer, partner_site: str) -> dict[str, Any]:
    if not CHROMIUM.exists() or shutil.which("node") is None or not (ROOT / "node_modules" / "axe-core").exists():
        pytest.fail("Chromium, node and the npm modules are needed: run `make test` (it installs them)")
    config = {
        "axe": str(ROOT / "node_modules" / "axe-core" / "axe.min.js"),
        "widths": list(WIDTHS),
        "pages": [{"id": p["id"], "url": server.url + p["path"], "dark": p["dark"]} for p in PAGES],
        "partner": partner_site,
        "keyboard": server.url + page_path("en", "overview"),
    }
    result = subprocess.run(["node", str(SCRIPT), json.dumps(config)], cwd=ROOT, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("run", RUNS)
def test_the_page_passes_axe_fits_320px_and_stays_on_its_origin(report: dict[str, Any], server: LiveServer,
                                                                  run: str) -> None:
    measured = report["pages"][run]
    assert "error" not in measured, measured.get("error")
    width = int(run.split("@")[1].split("/")[0])
    assert measured["violations"] == [], "axe (WCAG 2.2 AA tags), definitions closed"
    assert measured["violationsOpen"] == [], "axe (WCAG 2.2 AA tags), every definition open (whole pages)"
    assert measured["scrollWidth"] <= width and measured["scrollWidthOpen"] <= width, "no horizontal scrolling"
    assert measured["h1"] == 1
    assert [u for u in measured["requests"] if not u.startswith(server.url + "/")] == []
    expected = ["Failed to load resource: the server responded with a status of 404 (Not Found)"] \
        if "not-found" in run else []
    assert measured["problems"] == expected, "no CSP violation, script error or failed request"


def test_every_full_page_explains_its_words(report: dict[str, Any]) -> None:
    for lang in LOCALES:
        assert report["pages"][f"{lang}/all@320/light"]["terms"] > 50


@pytest.mark.parametrize("width", ["320", "1024"])
def test_on_a_partner_page_each_iframe_is_as_tall_as_its_content(report: dict[str, Any], width: str) -> None:
    partner = report["partner"][width]
    assert partner["problems"] == []
    for state in ("before", "afterToggle"):
        measured = partner[state]
        assert measured["settled"], measured["frames"]
        assert [f["lang"] for f in measured["frames"]] == ["en", "es", "es"]
        for frame in measured["frames"]:
            assert abs(frame["clientHeight"] - frame["inner"]["scrollHeight"]) <= 2
            assert frame["inner"]["scrollHeight"] > 1000
    before, after = partner["before"]["frames"][0], partner["afterToggle"]["frames"][0]
    assert after["clientHeight"] > before["clientHeight"], "opening a definition made the frame taller"


def test_the_iframes_are_titled_with_what_they_show(report: dict[str, Any]) -> None:
    titles = [f["title"] for f in report["partner"]["1024"]["before"]["frames"]]
    assert titles == ["How are liver metastases treated?", "¿Cómo se tratan las metástasis hepáticas?",
                      "Cirugía — ¿Cómo se tratan las metástasis hepáticas?"]


def test_a_contents_link_inside_the_frame_scrolls_the_partner_page(report: dict[str, Any]) -> None:
    for width in ("320", "1024"):
        scroll = report["partner"][width]["scroll"]
        assert abs(scroll["actual"] - scroll["expected"]) <= 2, scroll


def test_with_scripts_off_the_partner_page_shows_plain_links(report: dict[str, Any], server: LiveServer) -> None:
    fallback = report["noScript"]
    assert fallback["iframes"] == 0
    assert [link["visible"] for link in fallback["links"]] == [True, True, True]
    assert all(link["href"].startswith(server.url + f"/embed/{SLUG}?lang=") for link in fallback["links"])


def test_a_glossary_word_opens_and_closes_from_the_keyboard_without_scripts(report: dict[str, Any]) -> None:
    keyboard = report["noScript"]["keyboard"]
    assert keyboard["focused"] == {"focused": "SUMMARY", "open": False, "definitionVisible": False}
    assert keyboard["opened"] == {"focused": "SUMMARY", "open": True, "definitionVisible": True}
    assert keyboard["closed"] == {"focused": "SUMMARY", "open": False, "definitionVisible": False}
    assert keyboard["tabs"] <= 4, "skip link, language link, then the first word"
