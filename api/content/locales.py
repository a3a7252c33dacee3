"""Choosing a language: BCP 47 tags and Accept-Language headers mapped to a content locale.

``es``, ``es-US`` and ``es-419`` all mean the Spanish content; ``en-GB`` the English. A tag whose
language we do not have is an error that names what we do have, never a silent switch.
"""

from __future__ import annotations

import re

# language[-script][-region][-variants...]: enough of RFC 5646 to refuse junk, lenient on the rest
_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_MAX_HEADER = 512


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


def weighted(header: str) -> list[tuple[str, float]]:
    """The values of a header such as Accept or Accept-Language with their ``q`` weights, in order.

    A malformed weight counts as 0 (not acceptable), so junk never outranks a real choice.
    """
    values = []
    for part in header[:_MAX_HEADER].split(","):
        pieces = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        values.append((pieces[0], quality))
    return values


def negotiate(header: str | None, supported: list[str], default: str) -> str:
    """Pick the best supported locale from an ``Accept-Language`` header (RFC 9110 §12.5.4)."""
    if not header:
        return default
    choices: list[tuple[float, int, str]] = []
    for position, (tag, quality) in enumerate(weighted(header)):
        if tag == "*":
            choices.append((quality, position, default))
            continue
        try:
            choices.append((quality, position, resolve(tag, supported)))
        except UnsupportedLocale:
            continue
    choices = [c for c in choices if c[0] > 0]
    if not choices:
        return default
    choices.sort(key=lambda c: (-c[0], c[1]))
    return choices[0][2]
