"""Texts are small immutable objects, not pydantic models, yet read and validate as before."""

from __future__ import annotations

import json
import weakref

import pytest

from api.content.model import Content, GlossaryTerm, LocalizedList, LocalizedText
from api.content.snapshot import load_bytes
from bench import corpus


def test_a_text_gives_its_language_or_none_when_missing_or_blank() -> None:
    text = LocalizedText({"en": "Liver", "es": "  "})
    assert text.get("en") == "Liver"
    assert text.get("es") is None
    assert text.get("fr") is None
    assert LocalizedText({}).get("en") is None


def test_root_is_the_dict_and_changing_it_changes_nothing() -> None:
    text = LocalizedText({"en": "Liver", "es": "Hígado"})
    root = text.root
    assert root == {"en": "Liver", "es": "Hígado"}
    root["en"] = "Changed"
    assert text.get("en") == "Liver"
    with pytest.raises(AttributeError):
        text.root = {}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        text.other = 1  # type: ignore[attr-defined]


def test_equal_by_type_and_content_never_hashable() -> None:
    assert LocalizedText({"en": "a", "es": "b"}) == LocalizedText({"es": "b", "en": "a"})
    assert LocalizedText({"en": "a"}) != LocalizedText({"en": "b"})
    assert LocalizedText({"en": "a"}) != {"en": "a"}
    with pytest.raises(TypeError):
        hash(LocalizedText({"en": "a"}))
    assert repr(LocalizedText({"en": "a"})) == "LocalizedText(root={'en': 'a'})"


def test_validation_makes_texts_and_lists_and_dumps_them_back_as_objects() -> None:
    term = GlossaryTerm.model_validate({"id": "tumor", "term": {"en": "tumor", "es": "tumor"},
                                        "definition": {"en": "A lump.", "es": "Un bulto."},
                                        "alsoMatches": {"en": ["tumors"], "es": ["tumores"]}})
    assert isinstance(term.term, LocalizedText)
    assert isinstance(term.also_matches, LocalizedList)
    assert term.also_matches.root.get("es", []) == ["tumores"]
    assert term.model_dump(by_alias=True, exclude_none=True)["alsoMatches"] == {"en": ["tumors"], "es": ["tumores"]}
    assert json.loads(term.model_dump_json(by_alias=True))["definition"] == {"en": "A lump.", "es": "Un bulto."}
    weakref.ref(term.term)  # a dropped snapshot's texts are checked freed through weak references


def test_records_given_the_same_fields_share_one_fields_set() -> None:
    content = load_bytes(corpus.dumps(2)).content
    treatments = [t for t in content.treatments if t.model_fields_set == content.treatments[0].model_fields_set]
    assert len(treatments) > 1
    assert all(t.model_fields_set is treatments[0].model_fields_set for t in treatments)
    given = set(treatments[0].model_fields_set)
    copied = treatments[0].model_copy(update={"term_ids": ["tumor"]})
    assert "term_ids" in copied.model_fields_set
    assert treatments[0].model_fields_set == given  # the shared set is never changed


def test_the_json_schema_still_names_texts_once() -> None:
    schema = Content.model_json_schema(by_alias=True)
    assert schema["$defs"]["LocalizedText"]["title"] == "LocalizedText"
    assert schema["$defs"]["Document"]["properties"]["title"] == {"$ref": "#/$defs/LocalizedText"}
