"""Starting the real app in a fresh process: a remembered language, and a damaged database recovered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mobile import settings
from tests.server import ROOT

pytestmark = pytest.mark.ui

START = """
import json, sys
from pathlib import Path
from mobile.__main__ import configure_kivy
configure_kivy()
from kivy.base import EventLoop
from mobile.app import ClaraApp, Options
app = ClaraApp(Options(api_url="http://127.0.0.1:9", data_dir=Path(sys.argv[1]), sync=False))
app._run_prepare()
for _ in range(5):
    EventLoop.idle()
print(json.dumps({"screen": app.screens.current, "banner": app.banner, "locale": app.locale,
                  "title": app.screens.current_screen.ids.title.text}))
app.stop()
"""


def start(data: Path, tmp_path: Path) -> dict:
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_CONSOLELOG": "1"}
    if not env.get("DISPLAY"):
        env.setdefault("SDL_VIDEODRIVER", "offscreen")
    result = subprocess.run([sys.executable, "-c", START, str(data)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_damaged_database_is_rebuilt_and_the_reader_is_told_in_their_language(tmp_path: Path) -> None:
    data = tmp_path / "phone"
    data.mkdir()
    settings.save(data / "settings.json", settings.Settings(locale="es", font_scale=1.5))
    (data / "clara.sqlite3").write_bytes(b"\x00garbage\xff" * 1000)
    shown = start(data, tmp_path)
    assert shown["screen"] == "home"  # the language was remembered: no choice screen again
    assert shown["locale"] == "es"
    assert shown["title"] == "¿Cómo se tratan las metástasis hepáticas?"
    assert shown["banner"].startswith("El contenido guardado estaba dañado. Se restauró la copia incluida")
    again = start(data, tmp_path)
    assert "dañado" not in again["banner"]  # told once; the rebuilt file is sound
