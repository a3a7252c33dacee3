"""/embed.js and the pages' own files: served with the right types, cached, and careful with messages."""

from __future__ import annotations

import pytest

from api.embed.templates import ASSET_VERSION
from tests.inprocess import InProcess


@pytest.mark.parametrize(("path", "media_type"), [
    ("/embed.js", "text/javascript; charset=utf-8"),
    ("/embed/static/resize.js", "text/javascript; charset=utf-8"),
    ("/embed/static/embed.css", "text/css; charset=utf-8"),
    ("/embed/static/favicon.svg", "image/svg+xml"),
])
def test_files_are_served_with_their_type_and_an_etag(app: InProcess, path: str, media_type: str) -> None:
    response = app.client.get(path, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    again = app.client.get(path, headers={"If-None-Match": response.headers["etag"]}, timeout=10)
    assert again.status_code == 304


def test_versioned_page_files_are_cached_for_good_and_embed_js_is_revalidated(app: InProcess) -> None:
    versioned = app.client.get(f"/embed/static/embed.css?v={ASSET_VERSION}", timeout=10)
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    script = app.client.get("/embed.js", timeout=10)
    assert script.headers["cache-control"].startswith("public, max-age=300")


def test_only_the_page_files_are_served_from_static(app: InProcess) -> None:
    for name in ("embed.js", "../routes.py", "%2e%2e%2fpages.py", "nope.css"):
        assert app.client.get(f"/embed/static/{name}", timeout=10).status_code == 404


def test_embed_js_believes_only_its_own_server_and_its_own_frames(app: InProcess) -> None:
    source = app.client.get("/embed.js", timeout=10).text
    assert "event.origin !== server" in source
    assert "contentWindow === event.source" in source
    assert "innerHTML" not in source and "eval(" not in source


def test_the_page_script_posts_only_to_the_partner_origin_it_was_given(app: InProcess) -> None:
    source = app.client.get("/embed/static/resize.js", timeout=10).text
    assert "postMessage(message, origin)" in source
    assert '"*"' not in source


def test_the_stylesheet_is_self_contained_and_honours_reader_preferences(app: InProcess) -> None:
    css = app.client.get("/embed/static/embed.css", timeout=10).text
    for feature in ("prefers-color-scheme: dark", "prefers-reduced-motion", "@media print"):
        assert feature in css
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
