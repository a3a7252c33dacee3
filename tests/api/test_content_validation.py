"""A content file with mistakes gets one exact line per mistake, all in one run."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from api.content.snapshot import ContentError, load_bytes, load_file

FIXTURE = Path(__file__).parent.parent / "fixtures" / "minimal.json"


@pytest.fixture
def good() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def problems_of(data: Any) -> list[str]:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with pytest.raises(ContentError) as caught:
        load_bytes(raw)
    return caught.value.problems


def test_the_fixture_is_valid() -> None:
    snapshot = load_file(FIXTURE)
    assert snapshot.locales == ["en", "es"]
    assert set(snapshot.documents) == {"test-page"}


def test_missing_spanish_text_names_its_path(good: dict[str, Any]) -> None:
    del good["documents"][0]["sections"][1]["heading"]["es"]
    assert problems_of(good) == ["documents[0].sections[1].heading.es: missing Spanish text"]


def test_blank_text_counts_as_missing(good: dict[str, Any]) -> None:
    good["treatments"][0]["summary"]["en"] = "   "
    assert problems_of(good) == ["treatments[0].summary.en: empty English text"]


def test_duplicate_id(good: dict[str, Any]) -> None:
    good["glossary"].append(copy.deepcopy(good["glossary"][0]))
    assert problems_of(good) == ["glossary[1].id: duplicate id 'tumor' (already used by glossary[0])"]


def test_dangling_reference(good: dict[str, Any]) -> None:
    good["documents"][0]["sections"][1]["blocks"][0]["treatmentIds"].append("surgery")
    assert problems_of(good) == [
        "documents[0].sections[1].blocks[0].treatmentIds[1]: unknown treatment 'surgery'"
    ]


def test_bad_date(good: dict[str, Any]) -> None:
    good["documents"][0]["review"]["lastUpdated"] = "2026-02-30"
    assert problems_of(good) == [
        "documents[0].review.lastUpdated: not a real date: '2026-02-30' (write dates as YYYY-MM-DD)"
    ]


def test_wrong_type(good: dict[str, Any]) -> None:
    good["documents"][0]["sections"] = {"overview": "x"}
    assert problems_of(good) == ["documents[0].sections: should be a list, not an object"]


def test_unknown_block_type(good: dict[str, Any]) -> None:
    good["documents"][0]["sections"][0]["blocks"][0]["type"] = "video"
    assert problems_of(good) == [
        "documents[0].sections[0].blocks[0]: unknown block type 'video' "
        "(one of: callout, careTeam, decisionFactors, list, paragraph, treatments)"
    ]


def test_invalid_json() -> None:
    assert problems_of(b'{"defaultLocale": "en",\n  "locales": [}') == [
        "(file): not valid JSON at line 2, column 15: unexpected character, expected a JSON value"
    ]


def test_empty_file() -> None:
    assert problems_of(b"  \n") == ["(file): the file is empty"]


def test_top_level_must_be_an_object() -> None:
    assert problems_of(b"[]") == ["(top level): should be an object, not a list"]


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_file(tmp_path / "nope.json")
    assert caught.value.problems == ["(file): cannot read nope.json: No such file or directory"]


def test_every_problem_is_reported_in_one_run(good: dict[str, Any]) -> None:
    doc = good["documents"][0]
    del doc["title"]["es"]
    good["treatments"][0]["category"] = "surgery"
    good["careTeamRoles"].append(copy.deepcopy(good["careTeamRoles"][0]))
    doc["review"]["lastUpdated"] = "yesterday"
    doc["sections"][0]["blocks"][0]["text"] = 42
    assert sorted(problems_of(good)) == sorted([
        "documents[0].title.es: missing Spanish text",
        "treatments[0].category: unknown treatment category 'surgery'",
        "careTeamRoles[1].id: duplicate id 'nurse' (already used by careTeamRoles[0])",
        "documents[0].review.lastUpdated: not a real date: 'yesterday' (write dates as YYYY-MM-DD)",
        "documents[0].sections[0].blocks[0].text: should be an object, not a number",
    ])


def test_a_text_in_an_undeclared_locale_is_named(good: dict[str, Any]) -> None:
    good["documents"][0]["title"]["fr"] = "Une page"
    assert problems_of(good) == [
        "documents[0].title.fr: 'fr' is not one of the declared locales (en, es)"
    ]


def test_ids_must_be_kebab_case(good: dict[str, Any]) -> None:
    good["treatments"][0]["id"] = "Proton Therapy"
    problems = problems_of(good)
    assert "treatments[0].id: not a valid id: 'Proton Therapy' (use lowercase kebab-case, like " \
           "'proton-therapy')" in problems


def test_unknown_field_is_refused(good: dict[str, Any]) -> None:
    good["documents"][0]["autor"] = "x"
    assert problems_of(good) == [
        "documents[0].autor: unknown field (check the spelling; keys are camelCase)"
    ]


def test_a_draft_locale_may_be_partial(good: dict[str, Any]) -> None:
    good["locales"][1]["required"] = False
    del good["documents"][0]["title"]["es"]
    snapshot = load_bytes(json.dumps(good).encode())
    assert snapshot.documents["test-page"].title.get("es") is None


def test_version_changes_with_the_content_and_only_then(good: dict[str, Any]) -> None:
    first = load_bytes(json.dumps(good).encode())
    again = load_bytes(json.dumps(good, indent=4).encode())
    good["treatments"][0]["summary"]["en"] = "Protons go to the tumor."
    changed = load_bytes(json.dumps(good).encode())
    assert first.version == again.version
    assert changed.version != first.version
    # the treatment is shown by the document, so the document's version moves too
    assert changed.document_versions["test-page"] != first.document_versions["test-page"]
