"""``python -m mobile.screenshots_all DIR``: the review set, each from a fresh app in its own process.

English and Spanish at 100% and 200% text, and both languages in high contrast, each in
``DIR/<locale>-<percent>[-high]/``. The API is ``$API_URL`` when set; with no server the app shows
the content built into it, as a phone with no signal would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

SETS = [
    ("en", 1.0, "normal"),
    ("es", 1.0, "normal"),
    ("en", 2.0, "normal"),
    ("es", 2.0, "normal"),
    ("en", 1.0, "high"),
    ("es", 2.0, "high"),
]


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path("build/screenshots")
    api = os.environ.get("API_URL") or "http://127.0.0.1:9"  # nothing listens: the built-in content
    failures = 0
    for locale, scale, contrast in SETS:
        name = f"{locale}-{round(scale * 100)}" + ("-high" if contrast == "high" else "")
        with tempfile.TemporaryDirectory(prefix="clara-shots-") as data:
            command = [sys.executable, "-m", "mobile", "--screenshots", str(out / name), "--api", api,
                       "--data-dir", data, "--locale", locale, "--font-scale", str(scale), "--contrast", contrast]
            result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
        if result.returncode != 0:
            failures += 1
            print(f"{name}: failed\n{result.stderr[-3000:]}", file=sys.stderr)
        else:
            print(f"{name}: {len(list((out / name).glob('*.png')))} screenshots in {out / name}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
