"""The rules the server and the phone share: one canonical form, one digest, one fallback chain."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.items import canonical, is_locale_code, item_version, manifest_digest
from rules.locales import fallback_chain

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_the_canonical_form_survives_a_trip_through_any_json_parser(value) -> None:
    assert canonical(json.loads(canonical(value))) == canonical(value)


@given(json_values)
def test_the_server_fast_form_is_the_canonical_form(value) -> None:
    import orjson

    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == canonical(value)


def test_a_version_covers_kind_id_language_and_data() -> None:
    base = item_version("term", "tumor", "es", {"term": "tumor"})
    assert len(base) == 16
    assert base != item_version("term", "tumor", "en", {"term": "tumor"})
    assert base != item_version("fact", "tumor", "es", {"term": "tumor"})
    assert base != item_version("term", "tumors", "es", {"term": "tumor"})
    assert base != item_version("term", "tumor", "es", {"term": "tumór"})


def test_the_manifest_depends_on_every_entry_and_its_order() -> None:
    entries = [("a", "1", "en", "v1"), ("b", "2", "", "v2")]
    assert manifest_digest(entries) != manifest_digest(entries[:1])
    assert manifest_digest(entries) != manifest_digest(list(reversed(entries)))


@pytest.mark.parametrize(("code", "ok"), [("en", True), ("es", True), ("haw", True), ("pt-BR", False),
                                          ("EN", False), ("e", False), ("", False), (None, False), ("ñe", False)])
def test_locale_codes(code, ok) -> None:
    assert is_locale_code(code) is ok


def test_the_fallback_chain_ends_with_the_default_once_and_survives_cycles() -> None:
    assert fallback_chain({"es": None, "en": None}, "en", "es") == ["es", "en"]
    assert fallback_chain({"gl": "es", "es": None}, "en", "gl") == ["gl", "es", "en"]
    assert fallback_chain({"a": "b", "b": "a"}, "en", "a") == ["a", "b", "en"]
    assert fallback_chain({}, "en", "en") == ["en"]
