"""The benchmark harness works end to end. A benchmark is not a timed test: nothing here checks speed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from api.content.snapshot import load_bytes
from bench import corpus, page
from bench.load import Req, lua_script
from bench.scenarios.scale import deploy_config, mix
from tests.server import ROOT


def test_the_corpus_validates_with_the_real_loader() -> None:
    snapshot = load_bytes(corpus.dumps(3))
    assert len(snapshot.documents) == 3
    assert "liver-metastases-treatment" in snapshot.documents  # document 0 is the bundled page
    assert len(snapshot.treatments) == 3 * 12  # every document has its own treatments
    assert len({d.title.get("es") for d in snapshot.documents.values()}) == 3


def test_the_next_version_changes_exactly_one_document() -> None:
    before, after = load_bytes(corpus.dumps(5)), load_bytes(corpus.dumps(5, change=2))
    changed = [slug for slug, version in after.document_versions.items() if before.document_versions[slug] != version]
    assert changed == [list(after.documents)[2]]


def test_the_page_query_is_about_a_hundred_fields() -> None:
    assert 80 <= page.field_selections() <= 120
    assert page.SHA256 in page.PERSISTED_PATH and "query=" not in page.PERSISTED_PATH


def test_the_wrk_script_sends_the_request_and_reports_json() -> None:
    script = lua_script([Req("POST", "/graphql", {"Content-Type": "application/json"}, page.POST_BODY)])
    assert 'wrk.method = [==[POST]==]' in script and "wrk.body = [==[" in script
    assert "done = function(summary, latency, requests)" in script and "latency:percentile(99)" in script
    several = lua_script(mix())
    assert "request = function()" in several and several.count("wrk.format(") == len(mix())


def test_the_deploy_config_runs_with_the_bench_ports(tmp_path: Path) -> None:
    text = deploy_config(tmp_path, 18080, 18000)
    assert "listen 127.0.0.1:18080;" in text and "server 127.0.0.1:18000;" in text
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (make bench installs it)")
    (tmp_path / "nginx.conf").write_text(text)
    checked = subprocess.run([nginx, "-t", "-p", f"{tmp_path}/", "-c", str(tmp_path / "nginx.conf"),
                              "-e", str(tmp_path / "error.log"), "-g", f"pid {tmp_path / 'nginx.pid'};"],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


def test_a_smoke_run_writes_well_formed_results(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    run = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--out", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads(out.read_text())
    assert results["machine"]["cores"] >= 1 and results["date"] and results["mode"] == "smoke"
    row = results["scenarios"]["persisted_get"]
    assert row["requests"] > 0 and row["errors"] == 0
    assert row["rps"] > 0 and 0 < row["p50_ms"] <= row["p99_ms"]
    assert set(results["ratios"]) >= {"persisted_get_vs_raw", "executed_vs_adapter"}
    assert [r["documents"] for r in results["growth"]["rows"]] == [1, 3]
    for r in results["growth"]["rows"]:
        assert r["load_s"] >= 0 and r["rss_mb"] > 0 and r["document_p95_ms"] > 0 and r["search_p95_ms"] > 0
        assert r["full_sync_documents"] == r["documents"] and r["delta_sync_documents"] == 1
        assert r["full_sync_bytes"] > 0 and r["delta_sync_bytes"] > 0
    sync = results["sync"]
    assert sync["documents"] == 3 and sync["first_sync"]["status"] == "updated" and sync["first_sync"]["pages"] >= 1
    assert sync["glossary_edit_sync"]["items"] == 1 and sync["document_edit_sync"]["items"] == 1
    assert sync["interrupted"]["same_items_as_uninterrupted"] is True
    assert all({"goal", "target", "measured", "met"} <= set(goal) for goal in results["goals"])
    assert any(goal["from"] == "sync" for goal in results["goals"])
    assert "persisted_get" in run.stdout


def test_the_screen_reader_cost_walk_builds_trees_only_when_accessibility_is_on() -> None:
    """The three ways the bench runs the reader, shortened: on a real session bus, the adapter
    builds nothing while accessibility is off, and a tree for every change once it is on."""
    from bench.scenarios import phone_a11y

    found = phone_a11y.run(rounds=1, step=0.1, locales=("es",), log=lambda _line: None)
    if not found["measured"]:
        pytest.skip(found["why"])
    assert found["steps"] > 10
    assert found["builds"]["without"] == found["builds"]["idle"] == 0
    assert found["builds"]["listening"] >= found["steps"]
    assert all(found["cpu_s"][mode] > 0 for mode in phone_a11y.MODES)
