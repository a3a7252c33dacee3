"""The Jinja environment for the embeds, and the versions that go into their cache keys.

Autoescaping is on for every template, and templates receive only view objects, so content text
and URL values reach the page escaped whatever they contain. ``TEMPLATE_VERSION`` changes when
any file of this package changes, so a deploy with a new template never serves an old ETag.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

HERE = Path(__file__).parent
STATIC = HERE / "static"

ENV = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(HERE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


ASSET_VERSION = _digest([p for p in STATIC.iterdir() if p.is_file()])
TEMPLATE_VERSION = _digest([p for p in HERE.rglob("*") if p.is_file() and p.suffix in {".py", ".html", ".css", ".js"}])


# The preview server's banner (make preview): the server's own words, not content, so that a draft
# missing a string still says it is a draft. In the page's language first, then the other.
PREVIEW_BANNER = {"en": "Preview — not published. Readers do not see this version yet.",
                  "es": "Vista previa — sin publicar. Los lectores todavía no ven esta versión."}


def preview_banner(locale: str) -> list[tuple[str, str]]:
    """The banner's texts as (language, text), the page's language first."""
    return sorted(PREVIEW_BANNER.items(), key=lambda item: item[0] != locale)


def render(name: str, preview: bool = False, **context: Any) -> str:
    banner = preview_banner(context.get("locale", "en")) if preview else []
    return ENV.get_template(name).render(asset_version=ASSET_VERSION, preview_banner=banner, **context)
