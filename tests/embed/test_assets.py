"""/embed.js and the pages' own files: served with the right types, cached, and careful with messages."""

from __future__ import annotations

import httpx
import pytest

from api.embed.templates import ASSET_VERSION
from tests.server import LiveServer


@pytest.mark.parametrize(("path", "media_type"), [
    ("/embed.js", "text/javascript; charset=utf-8"),
    ("/embed/static/resize.js", "text/javascript; charset=utf-8"),
    ("/embed/static/embed.css", "text/css; charset=utf-8"),
    ("/embed/static/favicon.svg", "image/svg+xml"),
])
def test_files_are_served_with_their_type_and_an_etag(server: LiveServer, path: str, media_type: str) -> None:
    response = httpx.get(server.url + path, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    again = httpx.get(server.url + path, headers={"If-None-Match": response.headers["etag"]}, timeout=10)
    assert again.status_code == 304


def test_versioned_page_files_are_cached_for_good_and_embed_js_is_revalidated(server: LiveServer) -> None:
    versioned = httpx.get(f"{server.url}/embed/static/embed.css?v={ASSET_VERSION}", timeout=10)
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    script = httpx.get(server.url + "/embed.js", timeout=10)
    assert script.headers["cache-control"].startswith("public, max-age=300")


def test_only_the_page_files_are_served_from_static(server: LiveServer) -> None:
    for name in ("embed.js", "../routes.py", "%2e%2e%2fpages.py", "nope.css"):
        assert httpx.get(f"{server.url}/embed/static/{name}", timeout=10).status_code == 404


def test_embed_js_believes_only_its_own_server_and_its_own_frames(server: LiveServer) -> None:
    source = httpx.get(server.url + "/embed.js", timeout=10).text
    assert "event.origin !== server" in source
    assert "contentWindow === event.source" in source
    assert "innerHTML" not in source and "eval(" not in source


def test_the_page_script_posts_only_to_the_partner_origin_it_was_given(server: LiveServer) -> None:
    source = httpx.get(server.url + "/embed/static/resize.js", timeout=10).text
    assert "postMessage(message, origin)" in source
    assert '"*"' not in source


def test_the_stylesheet_is_self_contained_and_honours_reader_preferences(server: LiveServer) -> None:
    css = httpx.get(server.url + "/embed/static/embed.css", timeout=10).text
    for feature in ("prefers-color-scheme: dark", "prefers-reduced-motion", "@media print"):
        assert feature in css
    assert "@import" not in css and "url(" not in css and "@font-face" not in css
