"""Fixtures for the embed tests: the pages there are, and an app configured like a deployment."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import BUNDLED
from tests.inprocess import InProcess

SLUG = "liver-metastases-treatment"
LOCALES = ("en", "es")
SECTIONS = tuple(s["id"] for s in json.loads(BUNDLED.read_text(encoding="utf-8"))["documents"][0]["sections"])
PUBLIC_URL = "https://clara.example/content"
FRAME_ANCESTORS = "https://partner.example 'self'"


def page_path(lang: str, section: str | None = None, slug: str = SLUG) -> str:
    return f"/embed/{slug}?lang={lang}" + (f"&section={section}" if section else "")


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """The app behind a public URL with a path, framable only by one partner and itself."""
    served = InProcess(BUNDLED, tmp_path_factory.mktemp("deployed"), PUBLIC_URL=PUBLIC_URL,
                       FRAME_ANCESTORS=FRAME_ANCESTORS)
    yield served
    served.close()
