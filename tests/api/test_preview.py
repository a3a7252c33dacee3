"""``make preview``: a draft served exactly as it would be published, that no cache keeps, no
search engine lists, and nobody can take for the live content.

In-process for what the answers say; a real server, a real Chromium for the banner, and
``deploy/nginx.conf`` in front for "never cached by a cache in front".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from bench import page
from tests.inprocess import InProcess
from tests.server import ROOT

BUNDLED = ROOT / "content.json"
SLUG = "liver-metastases-treatment"
HEADERS = {"Accept": "application/graphql-response+json", "Accept-Language": "es"}


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory):
    served = InProcess(BUNDLED, tmp_path_factory.mktemp("preview"), PREVIEW="true")
    yield served
    served.close()


def assert_never_kept(answer: httpx.Response) -> None:
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-robots-tag"] == "noindex, nofollow"
    assert "etag" not in answer.headers and "last-modified" not in answer.headers


def test_every_graphql_answer_says_preview_and_is_never_kept(preview) -> None:
    client = preview.client
    for answer in [
        client.get("/graphql", params={"query": "{ locales { code } }"}, headers=HEADERS),
        client.post("/graphql", json={"query": "{ document(slug: \"%s\") { title } }" % SLUG}, headers=HEADERS),
        client.get("/graphql", params={"query": "{ nope }"}, headers=HEADERS),  # an error answer too
        client.get(page.REGISTER_PATH, headers=HEADERS),  # a persisted query, registered
        client.get(page.PERSISTED_PATH, headers=HEADERS),  # and asked for by its hash
    ]:
        assert_never_kept(answer)
        assert answer.json()["extensions"]["preview"] is True, answer.text


def test_a_conditional_or_compressed_request_still_gets_the_whole_marked_answer(preview) -> None:
    answer = preview.client.get("/graphql", params={"query": "{ locales { code } }"},
                                headers={**HEADERS, "If-None-Match": "*", "Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and "content-encoding" not in answer.headers
    assert answer.json()["extensions"] == {"preview": True}


@pytest.mark.parametrize(("lang", "first"),
                         [("en", "Preview — not published."), ("es", "Vista previa — sin publicar.")])
def test_every_embed_page_carries_the_banner_in_both_languages(preview, lang: str, first: str) -> None:
    for path in [f"/embed/{SLUG}?lang={lang}", f"/embed/no-such-page?lang={lang}"]:
        answer = preview.client.get(path)
        assert_never_kept(answer)
        banner = answer.text.split('<p class="preview-banner" role="note">', 1)[1].split("</p>", 1)[0]
        spans = banner.split("</span>")[:2]
        assert spans[0] == f'<span lang="{lang}">{first} ' + spans[0].split(f"{first} ", 1)[1]
        assert {s.split('lang="', 1)[1][:2] for s in spans} == {"en", "es"}


def test_the_live_server_has_no_banner_and_stays_cacheable(tmp_path: Path) -> None:
    served = InProcess(BUNDLED, tmp_path)
    try:
        answer = served.client.get(f"/embed/{SLUG}?lang=en")
        assert "preview-banner" not in answer.text and "etag" in answer.headers
        assert "x-robots-tag" not in answer.headers
        assert "preview" not in json.dumps(served.client.get("/graphql", params={"query": "{ locales { code } }"},
                                                           headers=HEADERS).json())
    finally:
        served.close()


@pytest.mark.browser
def test_the_banner_is_on_screen_in_chromium_and_the_page_passes_axe(own_server, tmp_path: Path) -> None:
    if not Path("/usr/bin/chromium").exists() or shutil.which("node") is None:
        pytest.fail("Chromium and node are needed: run `make test` (it installs them)")
    live = own_server(PREVIEW="true")
    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    config = {"server": live.url, "slug": SLUG, "langs": ["en", "es"], "shots": str(shots),
              "axe": str(ROOT / "node_modules" / "axe-core" / "axe.min.js")}
    done = subprocess.run(["node", str(ROOT / "tests" / "api" / "preview_browser.mjs"), json.dumps(config)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    for lang, other in (("en", "es"), ("es", "en")):
        seen = found[lang]
        assert seen["status"] == 200 and seen["violations"] == []
        assert seen["headers"]["cache-control"] == "no-store" and seen["headers"]["x-robots-tag"].startswith("noindex")
        assert seen["banner"]["visible"] and seen["banner"]["top"] == 0
        assert seen["banner"]["langs"] == [lang, other]


def _cache_statuses_through_nginx(live, folder: Path) -> list[str | None]:
    from bench.scenarios.scale import deploy_config
    from bench.servers import free_port, nginx

    port = free_port()
    proxy = nginx(folder, "nginx", deploy_config(folder / "nginx", port, live.port), port, cpus=None).start()
    try:
        statuses = []
        for _ in range(3):
            for path in (page.REGISTER_PATH, f"/embed/{SLUG}?lang=es"):
                answer = httpx.get(f"http://127.0.0.1:{port}{path}", headers=HEADERS, timeout=10)
                assert answer.status_code == 200
                statuses.append(answer.headers.get("x-cache-status"))
        return statuses
    finally:
        proxy.stop()


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "live (the control)"])
def test_a_cache_in_front_never_keeps_a_preview(own_server, preview: bool) -> None:
    from bench.servers import have

    if not have("nginx"):
        pytest.skip("nginx is not installed (make test installs it)")
    live = own_server(PREVIEW=str(preview).lower())
    folder = Path(tempfile.mkdtemp(prefix="clara-preview-nginx-"))  # nginx's workers (not root) must reach it
    folder.chmod(0o755)
    try:
        statuses = _cache_statuses_through_nginx(live, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if preview:
        assert "HIT" not in statuses and "STALE" not in statuses, statuses
    else:
        assert statuses.count("HIT") >= 4, statuses  # the same answers from a live server are kept
