"""Choosing a language: BCP 47 tags mapped to a content locale (headers: :mod:`api.web.negotiation`).

``es``, ``es-US`` and ``es-419`` all mean the Spanish content; ``en-GB`` the English. A tag whose
language we do not have is an error that names what we do have, never a silent switch.
"""

from __future__ import annotations

import re

# language[-script][-region][-variants...]: enough of RFC 5646 to refuse junk, lenient on the rest
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


class UnsupportedLocale(ValueError):
    def __init__(self, tag: str, supported: list[str]) -> None:
        shown = tag if len(tag) <= 35 else tag[:32] + "..."
        super().__init__(
            f"Unsupported locale {shown!r}. Supported locales: {', '.join(supported)}."
        )
        self.tag = shown
        self.supported = supported


def resolve(tag: str, supported: list[str]) -> str:
    """The supported locale code for a BCP 47 ``tag``, or :class:`UnsupportedLocale`."""
    cleaned = tag.strip().replace("_", "-")
    if _TAG.match(cleaned):
        language = cleaned.split("-", 1)[0].lower()
        if language in supported:
            return language
    raise UnsupportedLocale(tag, supported)
