"""Imports point down: each part of the server stands only on the parts below it.

From the bottom: the shared rules; memory and the bounded cache; the content; search and lists; the GraphQL
schema; the settings read from the environment (they name the content's defaults); the shared
HTTP helpers; the GraphQL endpoint and the embeds (which never import each other); the app that
wires them. A module may import its own package and anything in a lower layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.server import ROOT

LAYERS = [
    {"rules"},
    {"api.memory", "api.lru"},
    {"api.content"},
    {"api.search", "api.listing"},
    {"api.schema"},
    {"api.settings"},
    {"api.web", "api.publishing"},
    {"api.http", "api.embed"},
    {"api.app", "api.__main__", "api.content.__main__"},  # the command lines wire the layers too
]


def _part(module: str) -> str | None:
    """The part of the server a module belongs to: ``api.http.endpoint`` → ``api.http`` (the longest
    part that names it: ``api.content.__main__`` is its own)."""
    found = [part for layer in LAYERS for part in layer if module == part or module.startswith(part + ".")]
    return max(found, key=len) if found else None


def _level(part: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if part in layer)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_every_server_module_imports_only_its_own_part_and_the_parts_below() -> None:
    wrong = []
    for path in [*(ROOT / "api").rglob("*.py"), *(ROOT / "rules").rglob("*.py")]:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if module == "api":
            continue
        mine = _part(module)
        assert mine is not None, f"{module} is in no layer: add it to LAYERS"
        for imported in _imports(path):
            theirs = _part(imported)
            if theirs is not None and theirs != mine and _level(theirs) >= _level(mine):
                wrong.append(f"{module} imports {imported}")
    assert wrong == []
