"""The Android bridge with the app's own tree: the Java provider's Robolectric tests (JVM, Android
14's real framework classes) run on the home screen the running app describes, in Spanish; and
the Python half's plain parts (the flattened tree, the requests coming back).

What only a device can show (TalkBack's gestures and voices) is listed in the README.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mobile.a11y.tree import Action, Role, flatten
from tests.mobile.driving import pump
from tests.mobile.test_ui import reset
from tests.server import ROOT

pytestmark = pytest.mark.ui

ANDROID = ROOT / "mobile" / "android"


def test_the_flattened_tree_names_each_node_s_parent_and_keeps_reading_order(app) -> None:
    reset(app, "es")
    app.open("home", start_over=True)
    pump()
    tree = app.a11y.tree()
    flat = flatten(tree)
    ids = [n["id"] for n in flat["nodes"]]
    assert ids == [n.id for n in tree.walk()]
    assert all(0 < i < 2**31 for i in ids)  # Android's virtual view ids are Java ints
    by_id = {n["id"]: n for n in flat["nodes"]}
    for node in flat["nodes"]:
        for child in node["children"]:
            assert by_id[child]["parent"] == node["id"]
    heading = next(n for n in flat["nodes"] if n["role"] == Role.HEADING.value and n.get("level") == 1)
    assert heading["language"] == "es" and heading["name"] == app.document("liver-metastases-treatment")["title"]
    reset(app, "en")


def test_requests_from_the_java_side_become_actions(app) -> None:
    from mobile.a11y.android import parse  # after the app: importing Kivy's widgets opens the window

    assert parse("click 17") == (17, Action.CLICK, "")
    assert parse("set 9 quimio terapia") == (9, Action.SET_VALUE, "quimio terapia")
    assert parse("show 4") == (4, Action.SCROLL_INTO_VIEW, "")
    assert parse("focus 4") == (4, Action.FOCUS, "")
    assert parse("dance 4") is None
    assert parse("click x") is None


def test_the_java_bridge_passes_its_robolectric_tests_on_the_app_s_own_tree(app, tmp_path: Path) -> None:
    assert shutil.which("mvn"), "make test installs Maven (sysdeps) and the bridge's artifacts (android-deps)"
    reset(app, "es")
    app.open("home", start_over=True)
    pump()
    tree_file = tmp_path / "home-es.json"
    tree_file.write_text(json.dumps(flatten(app.a11y.tree()), ensure_ascii=False), encoding="utf-8")
    reset(app, "en")
    done = subprocess.run(["mvn", "-q", "-B", "-o", "-f", str(ANDROID / "pom.xml"), "test",
                           f"-Dclara.tree={tree_file}"], capture_output=True, text=True, timeout=600, check=False)
    reports = ANDROID / "target" / "surefire-reports" / "org.clara.a11y.VirtualTreeTest.txt"
    assert reports.exists(), f"Maven ran no tests (make android-deps fetches what they need): {done.stdout[-2000:]}"
    report = reports.read_text()
    assert done.returncode == 0, done.stdout[-3000:] + report[-3000:]
    run = re.search(r"Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)", report)
    assert run and int(run[1]) >= 7 and run.groups()[1:] == ("0", "0", "0"), report
