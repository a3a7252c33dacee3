"""``python -m api.schema.print [OUT]``: write the served schema as SDL (``schema.graphql``)."""

from __future__ import annotations

import sys
from pathlib import Path

from graphql import print_schema

from api.schema import schema


def sdl() -> str:
    return print_schema(schema.graphql_schema) + "\n"


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "schema.graphql")
    out.write_text(sdl(), encoding="utf-8")
    print(f"wrote {out}")
