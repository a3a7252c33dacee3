"""The reader's own choices (language, text size, contrast, read-aloud), kept in a small JSON file.

They live apart from the content database on purpose: if the database is damaged and rebuilt, the
person's language and text size survive. A damaged or missing file gives the defaults.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from mobile.theme import SCALE_MAX, SCALE_MIN, clamp_scale


@dataclass(frozen=True)
class Settings:
    locale: str | None = None  # None until the person has chosen: the app opens on the language choice
    font_scale: float = 1.0
    high_contrast: bool = False
    read_aloud: bool = True

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)


def load(path: Path) -> Settings:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    locale = raw.get("locale")
    scale = raw.get("font_scale")
    return Settings(
        locale=locale if isinstance(locale, str) and locale else None,
        font_scale=clamp_scale(scale) if isinstance(scale, int | float) else 1.0,
        high_contrast=raw.get("high_contrast") is True,
        read_aloud=raw.get("read_aloud") is not False,
    )


def save(path: Path, settings: Settings) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=1), encoding="utf-8")
    os.replace(tmp, path)


__all__ = ["SCALE_MAX", "SCALE_MIN", "Settings", "load", "save"]
