"""The content shipped inside the app (``data/snapshot.json``): one complete sync page, read with the
same checks as every page a sync brings."""

from __future__ import annotations

from pathlib import Path

from mobile.reply import Page, parse_page

SNAPSHOT = Path(__file__).resolve().parent / "data" / "snapshot.json"


def load(path: Path = SNAPSHOT) -> Page:
    return parse_page(path.read_bytes(), locales=None)
