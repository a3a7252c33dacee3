"""``python -m mobile.build_snapshot [content.json] [out.json]``: record the content the app ships with.

Runs the app's own sync query against the real GraphQL schema, in this process, over the content
file, follows the pages to the end, and writes them as the one complete page a phone that has
nothing would gather (with the manifest and the next-sync token of the last). This is the only
module of ``mobile`` that imports ``api``, and only here, at build time; the app reads the JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import orjson

from mobile.reply import SYNC_QUERY, parse_page

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content.json"
SNAPSHOT = Path(__file__).resolve().parent / "data" / "snapshot.json"


def build(content_path: Path = CONTENT) -> str:
    """The snapshot's text: every item in every language, as stable, readable JSON."""
    from api.content.live import LiveContent
    from api.schema import schema
    from api.schema.localize import RequestContext

    live = LiveContent.open(content_path)
    snapshot = live.current
    if live.wait_for_table(snapshot.version, timeout=600) is None:
        raise SystemExit("the item table was not built")
    context = RequestContext(live=live, snapshot=snapshot, locale=snapshot.content.default_locale)
    variables: dict[str, Any] = {"locales": snapshot.locales}
    items: list[dict[str, Any]] = []
    while True:
        result = schema.execute(SYNC_QUERY, variable_values=variables, context_value=context)
        if result.errors:
            raise SystemExit("the sync query failed: " + "; ".join(str(e) for e in result.errors))
        page = json.loads(orjson.dumps(result.data))["syncPage"]  # item data comes pre-serialized
        items += page["items"]
        if page["nextPageToken"] is None:
            break
        variables = {"token": page["nextPageToken"]}
    whole = {**page, "items": items}
    text = json.dumps({"data": {"syncPage": whole}}, ensure_ascii=False, indent=1) + "\n"
    parse_page(text, locales=snapshot.locales)  # the app must accept what it ships
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
