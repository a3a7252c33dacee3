"""Trustworthy content: every text traced to its source, translations that know their English,
sign-offs a page's review line is made from, and the clinician review page.

The command line is run as an editor runs it (``python -m api.content …`` in a subprocess); the
API in-process; the review page and the embed's note in a real Chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.content.digests import digest
from api.content.paths import texts
from api.content.provenance import passages
from api.content.snapshot import ContentError, build_snapshot, load_file
from tests.conftest import BUNDLED, ROOT
from tests.inprocess import InProcess

SOURCES = ROOT.parent / "shared" / "source"
CRYO = "treatments[cryoablation].howItWorks"
SLUG = "liver-metastases-treatment"
needs_source = pytest.mark.skipif(not SOURCES.exists(), reason="shared/source is not beside the checkout")


def bundled() -> dict[str, Any]:
    return json.loads(BUNDLED.read_text(encoding="utf-8"))


def write(folder: Path, data: dict[str, Any], name: str = "draft.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def content_tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.content", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def english_edited(data: dict[str, Any]) -> dict[str, Any]:
    """The cryoablation card's English changed, its Spanish not."""
    treatment = next(t for t in data["treatments"] if t["id"] == "cryoablation")
    treatment["howItWorks"]["en"] += " The doctor may use a scan to guide the probe."
    return data


# --- the bundled file -------------------------------------------------------------------------------

@needs_source
def test_the_bundled_file_is_traced_translated_and_checked_by_the_content_team() -> None:
    done = content_tool("check", "content.json", "--source", SOURCES, "--strict")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    provenance = next(line for line in lines if line.startswith("provenance:"))
    assert f"checked against {SOURCES}" in provenance and "records are ours (" in provenance
    assert "explanation" in provenance and "navigation" in provenance and "guidance" in provenance
    assert next(line for line in lines if line.startswith("translations:")).endswith(" 0 outdated, 0 not recorded")
    assert " 0 needs-review" in next(line for line in lines if line.startswith("review:"))
    assert done.stderr == ""


def test_every_record_that_holds_text_says_where_it_comes_from_or_why_it_needs_nothing() -> None:
    content = load_file(BUNDLED).content
    owners = {id(at.owner): at.owner for at in texts(content) if at.owner is not None}
    assert len(owners) > 100
    for owner in owners.values():
        assert owner.source_refs is not None
        assert bool(owner.source_refs) != bool(owner.basis)


def test_no_clinician_has_signed_off_and_the_page_says_so() -> None:
    snapshot = load_file(BUNDLED)
    review = snapshot.review(SLUG)
    assert review.reviewed_by.get("en").startswith("Clara content team. A doctor has not yet reviewed")
    assert "Un médico aún no ha revisado" in review.reviewed_by.get("es")
    assert {s.role for s in snapshot.content.sign_offs} == {"editor"}
    assert review.last_reviewed.isoformat() == "2026-12-02"


def test_review_fields_typed_by_hand_are_refused() -> None:
    data = bundled()
    data["documents"][0]["review"]["reviewedBy"] = {"en": "Dr. Nobody", "es": "Dr. Nadie"}
    with pytest.raises(ContentError) as refused:
        build_snapshot(data)
    assert "documents[0].review.reviewedBy: made from the sign-offs (signOffs), not typed: remove it" in \
        refused.value.problems


# --- provenance problems, one clear line each ----------------------------------------------------------

def _first_traced_block(data: dict[str, Any]) -> dict[str, Any]:
    return data["documents"][0]["sections"][0]["blocks"][0]  # overview-intro: restates one passage


@needs_source
@pytest.mark.parametrize(("change", "expected"), [
    (lambda ref: ref.update(passage=999),
     "documents[liver-metastases-treatment].sections[overview].blocks[overview-intro].sourceRefs[0]: passage 999 "
     "does not exist: source 'mci-liver-metastases-treatment' has 35 passages"),
    (lambda ref: ref.update(source="another-page"),
     "documents[liver-metastases-treatment].sections[overview].blocks[overview-intro].sourceRefs[0]: unknown "
     "source 'another-page' (sources are: mci-liver-metastases-treatment)"),
    (lambda ref: ref.pop("digest"),
     "documents[0].sections[0].blocks[0].sourceRefs[0].digest: required field is missing"),
], ids=["bad-locator", "unknown-source", "missing-digest"])
def test_a_bad_reference_is_one_clear_line(tmp_path: Path, change, expected: str) -> None:
    data = bundled()
    change(_first_traced_block(data)["sourceRefs"][0])
    done = content_tool("check", write(tmp_path, data), "--source", SOURCES)
    assert done.returncode == 1
    problems = [line.strip() for line in done.stderr.splitlines()]
    assert expected in problems, done.stderr
    assert len([p for p in problems if "sourceRefs" in p]) == 1


def test_a_record_without_sources_must_say_why(tmp_path: Path) -> None:
    data = bundled()
    block = _first_traced_block(data)
    block["sourceRefs"] = []
    untraced = next(t for t in data["glossary"] if t["id"] == "tumor")
    del untraced["sourceRefs"], untraced["basis"]
    done = content_tool("check", write(tmp_path, data))
    assert done.returncode == 1
    assert ("documents[liver-metastases-treatment].sections[overview].blocks[overview-intro]: has no source and no "
            "basis: say why it needs none (explanation, navigation, guidance)") in done.stderr
    assert "glossary[tumor]: names no source: add sourceRefs" in done.stderr


@needs_source
def test_a_changed_source_passage_flags_every_text_that_restates_it(tmp_path: Path) -> None:
    source = tmp_path / "sources"
    source.mkdir()
    original = (SOURCES / "liver-metastases-treatment.txt").read_text(encoding="utf-8")
    changed = passages(original)[20]  # passage 21: cryoablation
    (source / "liver-metastases-treatment.txt").write_text(original.replace(changed, changed + " (updated)"),
                                                           encoding="utf-8")
    done = content_tool("check", "content.json", "--source", source)
    assert done.returncode == 1
    flagged = sorted(line.strip().split(".sourceRefs")[0] for line in done.stderr.splitlines()
                     if "passage 21 changed since it was referenced" in line)
    assert flagged == ["glossary[ablation]", "glossary[cryoablation]", "treatments[cryoablation]"]
    assert f"now {digest(changed + ' (updated)')}" in done.stderr


# --- outdated translations ----------------------------------------------------------------------------

def test_an_english_edit_makes_exactly_that_spanish_text_outdated_until_confirmed(tmp_path: Path) -> None:
    draft = write(tmp_path, english_edited(bundled()))
    done = content_tool("check", draft)
    assert done.returncode == 0  # a slightly old translation is still served…
    outdated = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("outdated ")]
    assert len(outdated) == 1 and outdated[0].startswith(f"outdated {CRYO} [es]: translated from an earlier English")
    strict = content_tool("check", draft, "--strict")
    assert strict.returncode == 1 and f"outdated {CRYO} [es]" in strict.stderr  # …but fails the strict check

    confirmed = content_tool("confirm", CRYO, "--locale", "es", "--in", draft)
    assert confirmed.returncode == 0 and f"confirmed {CRYO} [es]" in confirmed.stdout
    assert content_tool("check", draft, "--strict").returncode == 0
    english = next(t for t in english_edited(bundled())["treatments"] if t["id"] == "cryoablation")["howItWorks"]["en"]
    assert json.loads(draft.read_text(encoding="utf-8"))["translations"]["es"][CRYO] == digest(english)


def test_confirm_changes_nothing_when_a_path_is_wrong(tmp_path: Path) -> None:
    draft = write(tmp_path, english_edited(bundled()))
    before = draft.read_bytes()
    done = content_tool("confirm", CRYO, "treatments[cryoablation].howItWorked", "--locale", "es", "--in", draft)
    assert done.returncode == 1
    assert "treatments[cryoablation].howItWorked: no text at" in done.stderr and "not changed" in done.stderr
    assert draft.read_bytes() == before
    english = content_tool("confirm", CRYO, "--locale", "en", "--in", draft)
    assert english.returncode == 1 and "is the default language" in english.stderr


def test_the_api_lists_the_outdated_translation_it_serves(tmp_path: Path) -> None:
    served = InProcess(write(tmp_path, english_edited(bundled())), tmp_path)
    try:
        query = '{ treatment(id: "cryoablation", locale: "%s") { name howItWorks } }'
        es = served.client.post("/graphql", json={"query": query % "es"}).json()
        assert es["extensions"]["outdatedTranslations"] == [
            {"path": ["treatment", "howItWorks"], "locale": "es", "contentPath": CRYO}]
        assert es["data"]["treatment"]["howItWorks"].startswith("El médico coloca una sonda")  # still served
        en = served.client.post("/graphql", json={"query": query % "en"}).json()
        assert "extensions" not in en
        # the same through a whole page, on the plan's fast path
        page = served.client.post("/graphql", json={"query": '{ document(slug: "%s", locale: "es") '
                                                            '{ treatments { id howItWorks summary } } }' % SLUG}).json()
        assert [o["contentPath"] for o in page["extensions"]["outdatedTranslations"]] == [CRYO]
    finally:
        served.close()


def test_a_sync_item_marks_the_outdated_treatment_for_the_phone(tmp_path: Path) -> None:
    from api.content.items import Localizer, item_data

    snapshot = build_snapshot(english_edited(bundled()))
    assert item_data(snapshot, "treatment", "cryoablation", "es")["outdated"] is True
    assert "outdated" not in item_data(snapshot, "treatment", "cryoablation", "en")
    assert "outdated" not in item_data(snapshot, "treatment", "embolization", "es")
    assert Localizer(snapshot, "es").outdated([snapshot.treatments["cryoablation"].how_it_works])


# --- sign-offs and the page's review line ----------------------------------------------------------------

def test_an_edit_after_sign_off_needs_review_again_and_the_page_stops_claiming_its_review(tmp_path: Path) -> None:
    snapshot = build_snapshot(english_edited(bundled()))
    text = snapshot.treatments["cryoablation"].how_it_works
    assert snapshot.sign_offs.of(CRYO, text).state == "edited"
    assert snapshot.review(SLUG).last_reviewed is None  # the page shows the edited text


def test_a_clinician_signing_off_the_whole_page_is_named_on_it(tmp_path: Path) -> None:
    draft = write(tmp_path, bundled())
    done = content_tool("sign-off", "--by", "Dr. Ana Pérez, MD", "--role", "clinician", "--document", SLUG,
                        "--on", "2026-12-03", "--in", draft)
    assert done.returncode == 0, done.stderr
    review = load_file(draft).review(SLUG)
    assert review.reviewed_by.get("en") == review.reviewed_by.get("es") == "Dr. Ana Pérez, MD"
    assert review.last_reviewed.isoformat() == "2026-12-03"  # the clinician's review, not the content team's
    check = content_tool("check", draft)
    assert "approved" in check.stdout and "0 edited" in check.stdout


# --- the review page, in a real browser -----------------------------------------------------------------

@pytest.mark.browser
@needs_source
def test_the_review_page_opens_from_disk_passes_axe_and_filters_to_what_needs_review(own_server,
                                                                                    tmp_path: Path) -> None:
    if not Path("/usr/bin/chromium").exists() or shutil.which("node") is None:
        pytest.fail("Chromium and node are needed: run `make test` (it installs them)")
    draft = write(tmp_path, english_edited(bundled()))
    pages = {}
    for lang in ("en", "es"):
        pages[lang] = tmp_path / f"review-{lang}.html"
        done = content_tool("review", "--in", draft, "--source", SOURCES, "--out", pages[lang], "--lang", lang)
        assert done.returncode == 0, done.stderr
    html = pages["en"].read_text(encoding="utf-8")
    assert "Changed after sign-off: review again" in html and "Outdated: its English changed" in html
    live = own_server(draft)
    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    config = {"reviewPages": {k: str(v) for k, v in pages.items()}, "server": live.url, "slug": SLUG,
              "section": "interventional-oncology", "embedLangs": ["es", "en"], "shots": str(shots),
              "axe": str(ROOT / "node_modules" / "axe-core" / "axe.min.js")}
    done = subprocess.run(["node", str(ROOT / "tests" / "api" / "editorial_browser.mjs"), json.dumps(config)],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    for lang in ("en", "es"):
        page = found["review"][lang]
        assert page["lang"] == lang and page["violations"] == [] and page["violationsFiltered"] == []
        assert page["shown"]["texts"] > 200
        # nothing is approved by a clinician yet: the filter keeps every text, and only unapproved states
        assert page["filtered"]["texts"] == page["shown"]["texts"]
        assert set(page["filtered"]["states"]) <= {"checked", "edited", "needs-review"}
        assert page["scrollWidth"] <= 390  # 200% text on a phone's width: no sideways scrolling
    es_notes = found["embed"]["es"]["notes"]
    assert len(es_notes) == 1 and es_notes[0]["visible"]
    assert es_notes[0]["text"].startswith("Puede que esta traducción todavía no coincida")
    assert found["embed"]["en"]["notes"] == []  # the English is the original
    assert found["embed"]["es"]["violations"] == [] and found["embed"]["en"]["violations"] == []


@needs_source
def test_the_review_page_shows_approved_texts_only_until_filtered(tmp_path: Path) -> None:
    """With one clinician sign-off of a treatment's texts, the filter hides exactly those."""
    from api.content.review_page import rows

    draft = write(tmp_path, bundled())
    done = content_tool("sign-off", "--by", "Dr. Ana Pérez, MD", "--role", "clinician", "--in", draft,
                        "treatments[embolization].summary", "treatments[embolization].howItWorks",
                        "treatments[embolization].name")
    assert done.returncode == 0, done.stderr
    records = {r.path: r for r in rows(load_file(draft), SOURCES, "en")}
    assert not records["treatments[embolization]"].needs_review
    assert records["treatments[cryoablation]"].needs_review
    passage = records["treatments[embolization]"].passages[0]
    assert passage.label.endswith("passage 20") and passage.text and not passage.changed
