"""The content shipped inside the app (``data/snapshot.json``), read with the same checks as a sync."""

from __future__ import annotations

from pathlib import Path

from mobile.reply import Reply, parse

SNAPSHOT = Path(__file__).resolve().parent / "data" / "snapshot.json"


def load(path: Path = SNAPSHOT) -> Reply:
    return parse(path.read_bytes(), since=None, locales=None)
