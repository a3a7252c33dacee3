"""BCP 47 tags and Accept-Language headers pick the content's language."""

from __future__ import annotations

import pytest

from api.content.locales import UnsupportedLocale, resolve
from api.web.negotiation import negotiate

SUPPORTED = ["en", "es"]


@pytest.mark.parametrize(("tag", "locale"), [
    ("es", "es"), ("es-US", "es"), ("es-419", "es"), ("ES_mx", "es"), ("en-GB", "en"), ("en", "en"),
])
def test_tags_resolve_to_their_language(tag: str, locale: str) -> None:
    assert resolve(tag, SUPPORTED) == locale


@pytest.mark.parametrize("tag", ["fr", "pt-BR", "", "e", "<script>", "es--US", "../etc"])
def test_unsupported_tags_name_the_supported_ones(tag: str) -> None:
    with pytest.raises(UnsupportedLocale) as caught:
        resolve(tag, SUPPORTED)
    assert "Supported locales: en, es." in str(caught.value)


@pytest.mark.parametrize(("header", "locale"), [
    (None, "en"),
    ("es-MX,es;q=0.9,en;q=0.8", "es"),
    ("fr-FR, fr;q=0.9, es;q=0.5", "es"),
    ("fr", "en"),
    ("en;q=0.2, es;q=0.8", "es"),
    ("es;q=0", "en"),
    ("*", "en"),
    ("garbage;;q=x,,", "en"),
])
def test_accept_language_picks_the_best_supported_locale(header: str | None, locale: str) -> None:
    assert negotiate(header, SUPPORTED, "en") == locale
