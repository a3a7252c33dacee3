"""Reading weighted request headers: which of what we have the client prefers.

``Accept-Language`` picks a content locale (RFC 9110 §12.5.4) and ``Accept-Encoding`` whether gzip
may be sent (§12.5.3). Both parse ``q`` weights with :func:`weighted`, which reads at most
:data:`MAX_HEADER` characters: a megabyte of commas costs no more than a normal header.
"""

from __future__ import annotations

from api.content.locales import UnsupportedLocale, resolve

MAX_HEADER = 512


def weighted(header: str) -> list[tuple[str, float]]:
    """The values of a header such as Accept or Accept-Language with their ``q`` weights, in order.

    A malformed weight counts as 0 (not acceptable), so junk never outranks a real choice.
    """
    values = []
    for part in header[:MAX_HEADER].split(","):
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


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether ``Accept-Encoding`` allows gzip: named with a weight above 0, or ``*`` when gzip is
    not named (RFC 9110 §12.5.3)."""
    if not accept_encoding:
        return False
    named = star = None
    for coding, quality in weighted(accept_encoding):
        coding = coding.lower()
        if coding in {"gzip", "x-gzip"} and named is None:
            named = quality > 0
        elif coding == "*" and star is None:
            star = quality > 0
    return named if named is not None else bool(star)
