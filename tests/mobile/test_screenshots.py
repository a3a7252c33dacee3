"""``python -m mobile --screenshots``: the real app, with no server and no data, shows the bundled content."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server import ROOT

pytestmark = pytest.mark.ui

SCREENS = ["language", "home", "home-end", "section", "section-end", "term", "treatment", "glossary",
           "search", "search-misspelled", "settings", "about"]


def test_screenshots_of_every_screen_with_no_server_and_an_empty_data_dir(tmp_path: Path) -> None:
    out, data = tmp_path / "shots", tmp_path / "empty"
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_CONSOLELOG": "1"}
    if not env.get("DISPLAY"):
        env.setdefault("SDL_VIDEODRIVER", "offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "mobile", "--screenshots", str(out), "--api", "http://127.0.0.1:9",
         "--data-dir", str(data), "--locale", "es", "--font-scale", "2", "--contrast", "high"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    shots = sorted(out.glob("*.png"))
    assert [p.stem.split("-", 1)[1] for p in shots] == SCREENS
    for shot in shots:
        head = shot.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n", shot.name
        assert struct.unpack(">II", head[16:24]) == (400, 800), shot.name  # a phone-sized window
        assert shot.stat().st_size > 8000, f"{shot.name} looks blank"
    assert (data / "clara.sqlite3").exists() and (data / "settings.json").exists()
