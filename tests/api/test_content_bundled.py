"""The bundled content is valid, plain, ours, and matches its published JSON Schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from api.content.__main__ import MAX_ENGLISH_GRADE, MIN_SPANISH_EASE
from api.content.model import Content
from api.content.readability import document_level
from api.content.snapshot import load_file
from tests.server import ROOT

SOURCE = ROOT.parent / "shared" / "source" / "liver-metastases-treatment.txt"
SHINGLE = 8  # words in a row that would count as a copied sentence


@pytest.fixture(scope="module")
def snapshot():
    return load_file(ROOT / "content.json")


def test_bundled_content_is_valid(snapshot) -> None:
    assert "liver-metastases-treatment" in snapshot.documents
    assert snapshot.locales == ["en", "es"]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_reading_level_is_within_the_bar(snapshot, locale: str) -> None:
    level = document_level(snapshot, snapshot.documents["liver-metastases-treatment"], locale)
    if locale == "en":
        assert level.value <= MAX_ENGLISH_GRADE, level.label
    else:
        assert level.value >= MIN_SPANISH_EASE, level.label


@pytest.mark.skipif(not SOURCE.exists(), reason="shared/source is not beside the checkout")
def test_the_source_page_reads_harder_than_ours() -> None:
    """The measure is meaningful: the source itself is far above our bar."""
    from api.content.readability import measure

    text = SOURCE.read_text(encoding="utf-8")
    assert measure(text, "en").value > MAX_ENGLISH_GRADE + 2


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _all_english(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["en"]] if isinstance(value.get("en"), str) else []
        return found + [t for k, v in value.items() if k != "en" for t in _all_english(v)]
    if isinstance(value, list):
        return [t for v in value for t in _all_english(v)]
    return []


@pytest.mark.skipif(not SOURCE.exists(), reason="shared/source is not beside the checkout")
def test_no_sentence_of_the_source_is_copied() -> None:
    source = _words(SOURCE.read_text(encoding="utf-8"))
    shingles = {tuple(source[i:i + SHINGLE]) for i in range(len(source) - SHINGLE + 1)}
    data = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    # the language-choice labels are the page's own UI strings and are meant to be exact
    data.pop("locales")
    copied = []
    for text in _all_english(data):
        words = _words(text)
        for i in range(len(words) - SHINGLE + 1):
            if tuple(words[i:i + SHINGLE]) in shingles:
                copied.append(" ".join(words[i:i + SHINGLE]))
    assert copied == []


def test_language_choice_strings_are_the_sites_own(snapshot) -> None:
    by_code = {loc.code: loc for loc in snapshot.content.locales}
    assert by_code["en"].choose_prompt == "I want to see the site in English"
    assert by_code["es"].choose_prompt == "Quiero ver el sitio en Español"
    assert by_code["en"].continue_label == "Continue in English"
    assert by_code["es"].continue_label == "Continuar en español"


def test_spanish_uses_the_nci_and_us_clinical_terms(snapshot) -> None:
    text = json.dumps(json.loads((ROOT / "content.json").read_text(encoding="utf-8")), ensure_ascii=False)
    for term in ["terapia dirigida", "radioterapia de protones", "radioembolización", "ensayo clínico",
                 "metástasis hepáticas", "radioterapia estereotáctica corporal", "crioablación",
                 "ablación por radiofrecuencia", "comité de tumores"]:
        assert term in text.lower(), term


def test_content_schema_json_is_generated_from_the_model() -> None:
    published = json.loads((ROOT / "content.schema.json").read_text(encoding="utf-8"))
    fresh = Content.model_json_schema(by_alias=True)
    fresh["$schema"] = published["$schema"]
    assert published == fresh, "content.schema.json is stale: run `make schema`"


def test_check_content_command_prints_levels_and_passes() -> None:
    result = subprocess.run([sys.executable, "-m", "api.content", "check", "content.json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "WHOLE PAGE" in result.stdout
    assert "Fernández-Huerta" in result.stdout


def test_check_content_command_lists_every_problem(tmp_path: Path) -> None:
    data = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    del data["documents"][0]["sections"][3]["heading"]["es"]
    data["treatments"][0]["category"] = "magic"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "api.content", "check", str(broken)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "documents[0].sections[3].heading.es: missing Spanish text" in result.stderr
    assert "treatments[0].category: unknown treatment category 'magic'" in result.stderr
