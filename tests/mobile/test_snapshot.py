"""The content built into the app is the real API's answer for the current content.json."""

from __future__ import annotations

import ast
from pathlib import Path

from mobile import build_snapshot
from mobile.snapshot import SNAPSHOT

MOBILE = Path(build_snapshot.__file__).resolve().parent
CORE = ["store", "sync", "reply", "library", "markup", "views", "i18n", "settings", "theme", "speech", "snapshot",
        "a11y/tree", "a11y/keyboard"]
RULES = MOBILE.parent / "rules"


def test_the_committed_snapshot_is_what_the_schema_answers_today() -> None:
    fresh = build_snapshot.build()
    assert SNAPSHOT.read_text(encoding="utf-8") == fresh, (
        "mobile/data/snapshot.json is stale: run `python -m mobile.build_snapshot` and commit it")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_app_never_imports_the_server() -> None:
    for path in MOBILE.rglob("*.py"):
        if path.name != "build_snapshot.py":
            assert "api" not in _imports(path), path


def test_the_core_imports_no_kivy() -> None:
    for name in CORE:
        imports = _imports(MOBILE / f"{name}.py")
        assert "kivy" not in imports, name
        assert "jnius" not in imports or name == "speech", name


def test_the_shared_rules_need_only_the_standard_library() -> None:
    import sys

    for path in RULES.glob("*.py"):
        imports = _imports(path) - {"__future__", "rules"}
        assert imports <= set(sys.stdlib_module_names), (path, imports - set(sys.stdlib_module_names))
