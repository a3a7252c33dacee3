"""``python -m mobile.build_snapshot [content.json] [out.json]``: record the content the app ships with.

Runs the app's own sync query against the real GraphQL schema, in this process, over the content
file, and writes the reply the server would send to a phone that has nothing yet. This is the only
module of ``mobile`` that imports ``api``, and only here, at build time; the app reads the JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mobile.reply import parse, sync_query

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.json"
SNAPSHOT = Path(__file__).resolve().parent / "data" / "snapshot.json"


def build(content_path: Path = CONTENT) -> str:
    """The snapshot's text: the sync reply for every language, as stable, readable JSON."""
    from api.content.live import LiveContent
    from api.schema import schema
    from api.schema.localize import RequestContext

    live = LiveContent.open(content_path)
    snapshot = live.current
    codes = snapshot.locales
    result = schema.execute(
        sync_query(codes),
        variable_values={"since": None, "locales": codes},
        context_value=RequestContext(live=live, snapshot=snapshot, locale=snapshot.content.default_locale),
    )
    if result.errors:
        raise SystemExit("the sync query failed: " + "; ".join(str(e) for e in result.errors))
    text = json.dumps({"data": result.data}, ensure_ascii=False, indent=1) + "\n"
    parse(text, since=None, locales=codes)  # the app must accept what it ships
    return text


def main(argv: list[str]) -> int:
    content = Path(argv[0]) if argv else CONTENT
    out = Path(argv[1]) if len(argv) > 1 else SNAPSHOT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build(content), encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
