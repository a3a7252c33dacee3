"""Publishing: a draft checked completely, the live file replaced atomically, kept, rolled back,
recorded; and what the editor is told changes.

These run in-process on real files in a temporary folder (the same calls ``python -m api.content
publish`` makes); the command line itself is run once for its exit status and its lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from api.content import releases as releases_module
from api.content.changes import compare
from api.content.publications import MAX_LISTED, PUBLISHED, ROLLED_BACK, webhook_body
from api.content.releases import PublishError, Releases, releases_folder
from api.content.snapshot import load_bytes
from tests.server import ROOT

BUNDLED = (ROOT / "content.json").read_bytes()


def edited(change, base: bytes = BUNDLED) -> bytes:
    data = json.loads(base)
    change(data)
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def treatment(data: dict, tid: str) -> dict:
    return next(t for t in data["treatments"] if t["id"] == tid)


def english_only(data: dict) -> None:
    treatment(data, "chemotherapy")["summary"]["en"] += " Your care team explains each step."


def both_languages(data: dict) -> None:
    treatment(data, "chemotherapy")["summary"]["en"] += " Your care team explains each step."
    treatment(data, "chemotherapy")["summary"]["es"] += " Su equipo de atención le explica cada paso."


def broken(data: dict) -> None:
    del data["documents"][0]["sections"][0]["heading"]["es"]


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "content.json"
    path.write_bytes(BUNDLED)
    return path


def test_a_valid_draft_becomes_the_live_file_and_is_recorded(live: Path) -> None:
    draft = edited(both_languages)
    outcome = Releases(live).publish(draft, by="ana")
    assert live.read_bytes() == draft
    publication = outcome.publication
    assert publication is not None and publication.event == PUBLISHED and publication.by == "ana"
    assert publication.version == load_bytes(draft).version
    assert publication.previous == load_bytes(BUNDLED).version
    assert publication.webhook_id.startswith("msg_")
    assert [p.seq for p in Releases(live).log.publications()] == [publication.seq]
    # the replaced file and the new one are both kept, and nothing half-written is left behind
    kept = sorted(p.name for p in releases_folder(live).glob("*.json"))
    assert kept == [f"000000-{publication.previous}.json", f"000001-{publication.version}.json"]
    assert [p.name for p in live.parent.glob(".*.tmp")] == []
    assert live.stat().st_mode & 0o777 == 0o644


def test_a_bad_draft_is_refused_with_every_problem_and_the_live_file_untouched(live: Path) -> None:
    with pytest.raises(PublishError) as refused:
        Releases(live).publish(edited(broken), by="ana")
    assert refused.value.problems == ["documents[0].sections[0].heading.es: missing Spanish text"]
    assert live.read_bytes() == BUNDLED
    assert Releases(live).log.publications() == []
    with pytest.raises(PublishError):
        Releases(live).publish(b'{"defaultLocale": ', by="ana")  # not even JSON
    assert live.read_bytes() == BUNDLED


def test_publishing_the_live_version_again_publishes_nothing(live: Path) -> None:
    outcome = Releases(live).publish(BUNDLED, by="ana")
    assert outcome.publication is None and outcome.changes.lines() == ["no changes"]
    assert Releases(live).log.publications() == []


def test_the_editor_is_told_what_changes_per_record_and_language(live: Path) -> None:
    changes = Releases(live).preview(edited(both_languages))
    assert changes.lines()[0] == "changed  treatments chemotherapy: en, es at summary"
    assert changes.outdated == []
    # the page that shows the treatment changed for its readers, though its own text did not
    assert changes.affected == ["liver-metastases-treatment"]
    assert changes.by_locale() == {"en": [{"kind": "treatments", "id": "chemotherapy", "change": "changed"}],
                                   "es": [{"kind": "treatments", "id": "chemotherapy", "change": "changed"}]}


def test_an_english_edit_leaves_its_spanish_listed_as_outdated(live: Path) -> None:
    changes = Releases(live).preview(edited(english_only))
    assert [o.line() for o in changes.outdated] == [
        "outdated treatments chemotherapy summary [es]: its English changed, it did not"]


def test_a_changed_text_is_named_by_the_ids_of_the_records_it_is_in(live: Path) -> None:
    def tumor_board(data: dict) -> None:
        section = next(s for s in data["documents"][0]["sections"] if s["id"] == "care-team")
        next(b for b in section["blocks"] if b["id"] == "care-team-tumor-board")["text"]["en"] += " Ask about it."
    changes = Releases(live).preview(edited(tumor_board))
    assert changes.lines()[0] == ("changed  documents liver-metastases-treatment: en "
                                  "at sections[care-team].blocks[care-team-tumor-board].text")
    assert [o.path for o in changes.outdated] == ["sections[care-team].blocks[care-team-tumor-board].text"]


def test_a_dry_run_writes_nothing(live: Path) -> None:
    Releases(live).preview(edited(both_languages))
    assert sorted(p.name for p in live.parent.iterdir()) == ["content.json"]


def test_a_changed_page_reports_its_reading_level_where_it_moved(live: Path) -> None:
    def longer_words(data: dict) -> None:
        block = data["documents"][0]["sections"][0]["blocks"][0]
        block["text"]["en"] = " ".join(["Metastatic hepatic malignancies necessitate comprehensive multidisciplinary "
                                        "evaluation, individualized therapeutic consideration and continuous "
                                        "surveillance."] * 4)  # enough to move a whole page's grade
    changes = Releases(live).preview(edited(longer_words))
    moved = {(lv.document, lv.locale) for lv in changes.levels}
    assert moved == {("liver-metastases-treatment", "en")}
    assert "reading level of liver-metastases-treatment [en]" in changes.lines()[-1]


def test_records_added_and_removed_are_named_with_their_languages() -> None:
    old = json.loads(BUNDLED)
    new = json.loads(BUNDLED)
    gone = new["glossary"].pop()
    new["careTeamRoles"].append({"id": "new-role", "name": {"en": "Nurse", "es": "Enfermera"},
                                 "description": {"en": "Helps you.", "es": "Le ayuda."}})
    lines = compare(old, new).lines()
    assert "added    careTeamRoles new-role: en, es" in lines
    assert f"removed  glossary {gone['id']}: en, es" in lines


def test_a_change_to_fields_only_says_so() -> None:
    old = json.loads(BUNDLED)
    new = json.loads(BUNDLED)
    new["treatments"][0]["termIds"] = []
    assert compare(old, new).records[0].line().endswith(": no text (fields only)")


def test_rollback_restores_the_version_before_and_walks_further_back(live: Path) -> None:
    releases = Releases(live)
    first = edited(both_languages)
    second = edited(english_only, first)
    releases.publish(first, by="ana")
    releases.publish(second, by="ana")
    back = releases.rollback(by="luis").publication
    assert live.read_bytes() == first
    assert back is not None and back.event == ROLLED_BACK and back.by == "luis"
    assert back.previous == load_bytes(second).version and back.version == load_bytes(first).version
    releases.rollback(by="luis")
    assert live.read_bytes() == BUNDLED
    with pytest.raises(PublishError, match="nothing to roll back to"):
        releases.rollback(by="luis")
    assert live.read_bytes() == BUNDLED
    assert [p.event for p in releases.log.publications()] == [ROLLED_BACK, ROLLED_BACK, PUBLISHED, PUBLISHED]


def test_only_the_last_published_files_are_kept(live: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(releases_module, "KEEP_FILES", 3)
    releases = Releases(live)
    for n in range(5):
        releases.publish(edited(lambda d, n=n: treatment(d, "chemotherapy")["name"].update(en=f"Chemo {n}")),
                         by="ana")
    assert len(list(releases_folder(live).glob("*.json"))) == 3
    assert len(releases.log.publications(50)) == 5  # the changelog keeps more than the files


def test_a_webhook_body_names_at_most_a_bounded_number_of_records() -> None:
    summary = {"documents": [f"d{i}" for i in range(MAX_LISTED + 10)],
               "records": [{"kind": "documents", "id": f"d{i}", "change": "changed", "locales": ["en"]}
                           for i in range(MAX_LISTED + 10)],
               "byLocale": {}, "counts": {"documents": MAX_LISTED + 10, "records": MAX_LISTED + 10}}
    data = orjson.loads(webhook_body(PUBLISHED, "v2", "v1", "2026-12-02T00:00:00Z", summary))["data"]
    assert len(data["documents"]) == MAX_LISTED and data["documentCount"] == MAX_LISTED + 10
    assert data["truncated"] is True


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.content", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_the_command_refuses_a_bad_draft_with_status_1_and_one_line_per_problem(live: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.json"
    draft.write_bytes(edited(broken))
    done = _cli("publish", str(draft), "--to", str(live))
    assert done.returncode == 1
    assert f"{draft}: refused, {live} is unchanged: the draft is not valid content: 1 problem(s)" in done.stderr
    assert "  documents[0].sections[0].heading.es: missing Spanish text" in done.stderr
    assert live.read_bytes() == BUNDLED


def test_the_command_publishes_and_the_changelog_reads_as_json(live: Path, tmp_path: Path) -> None:
    draft = tmp_path / "draft.json"
    draft.write_bytes(edited(english_only))
    dry = _cli("publish", str(draft), "--to", str(live), "--dry-run")
    assert dry.returncode == 0 and "not published (--dry-run)" in dry.stdout and live.read_bytes() == BUNDLED
    done = _cli("publish", str(draft), "--to", str(live), "--by", "ana")
    assert done.returncode == 0, done.stderr
    assert "outdated treatments chemotherapy summary [es]" in done.stdout
    changelog = json.loads(_cli("publications", "--to", str(live)).stdout)
    assert [(p["event"], p["by"]) for p in changelog] == [(PUBLISHED, "ana")]
    assert changelog[0]["changes"]["outdatedTranslations"] == [
        {"kind": "treatments", "id": "chemotherapy", "path": "summary", "locale": "es"}]


def test_the_api_reads_the_changelog_newest_first_without_who(tmp_path: Path) -> None:
    from tests.inprocess import InProcess

    served = InProcess(ROOT / "content.json", tmp_path)
    try:
        query = {"query": "{ publications(first: 5) { seq event version previousVersion publishedAt documents "
                          "documentCount records { kind id change locales } recordCount "
                          "outdatedTranslations { kind id path locale } } }"}
        assert served.client.post("/graphql", json=query).json()["data"] == {"publications": []}
        Releases(served.content_path).publish(edited(english_only), by="ana")
        version = served.reload()
        [shown] = served.client.post("/graphql", json=query).json()["data"]["publications"]
        assert shown["seq"] == 1 and shown["event"] == "PUBLISHED" and shown["version"] == version
        assert shown["documents"] == ["liver-metastases-treatment"] and shown["documentCount"] == 1
        assert shown["records"] == [{"kind": "treatments", "id": "chemotherapy", "change": "changed",
                                     "locales": ["en"]}]
        assert shown["outdatedTranslations"] == [{"kind": "treatments", "id": "chemotherapy", "path": "summary",
                                                  "locale": "es"}]
        assert "ana" not in json.dumps(shown)
        too_many = served.client.post("/graphql", json={"query": "{ publications(first: 1000) { seq } }"}).json()
        assert len(too_many["data"]["publications"]) == 1  # at most 50 asked; one there
    finally:
        served.close()


def test_two_editors_publishing_at_once_take_turns(live: Path) -> None:
    import threading

    drafts = [edited(lambda d, n=n: treatment(d, "chemotherapy")["name"].update(en=f"Chemo {n}")) for n in range(4)]
    threads = [threading.Thread(target=Releases(live).publish, args=(draft, f"editor-{n}"))
               for n, draft in enumerate(drafts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log = list(reversed(Releases(live).log.publications()))
    assert len(log) == 4
    # each publication replaced the one before it: a chain, none compared against a stale file
    assert [p.previous for p in log[1:]] == [p.version for p in log[:-1]]
    assert live.read_bytes() in drafts and load_bytes(live.read_bytes()).version == log[-1].version


def test_deliveries_to_a_receiver_no_longer_configured_do_not_hold_up_the_others(live: Path) -> None:
    releases = Releases(live)
    for n in range(20):  # 20 events served while the old receiver was configured: 20 pending, never sent
        seq = releases.publish(edited(lambda d, n=n: treatment(d, "chemotherapy")["name"].update(en=f"Chemo {n}")),
                               by="ana").publication.seq
        releases.log.open_deliveries(seq, ["http://old.example/hook"], now=0.0)
    releases.publish(edited(lambda d: treatment(d, "chemotherapy")["name"].update(en="Chemo 20")), by="ana")
    releases.log.open_deliveries(21, ["http://new.example/hook"], now=0.0)  # the receiver was replaced
    due = releases.log.due(1.0, ["http://new.example/hook"])
    assert [(d.url, p.seq) for d, p in due] == [("http://new.example/hook", 21)]


def test_a_negative_or_huge_length_is_bounded(live: Path) -> None:
    releases = Releases(live)
    releases.publish(edited(both_languages), by="ana")
    assert len(releases.log.publications(-1)) == 0  # SQLite would read LIMIT -1 as no limit
    assert len(releases.log.publications(10**9)) == 1
    assert releases.log.deliveries(-1) == []
