"""``python -m tests.embed.screenshots OUTDIR``: start a server with the bundled content and save
screenshots of the embed pages (see screenshots.mjs for the list) to look at as a patient would."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.conftest import BUNDLED
from tests.server import ROOT, LiveServer


def main(outdir: str) -> int:
    out = Path(outdir).resolve()
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content.json"
        shutil.copy(BUNDLED, content)
        live = LiveServer(content, Path(folder) / "server.log").start()
        try:
            result = subprocess.run(["node", str(ROOT / "tests" / "embed" / "screenshots.mjs"), live.url, str(out)],
                                    cwd=ROOT, check=False)
        finally:
            live.stop()
    return result.returncode


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.embed.screenshots OUTDIR")
    sys.exit(main(sys.argv[1]))
