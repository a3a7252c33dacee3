"""Dates in words, the way a reader of each language writes them, from the content's own strings.

The content carries, per language, ``date.months`` (twelve month names, comma-separated) and
``date.format`` (``{month} {day}, {year}``; ``{day} de {month} de {year}``). A language added to
the content brings its dates with it, with no code to change. Where either string is missing or
malformed the ISO date is shown, which every reader can read unambiguously.
"""

from __future__ import annotations

import datetime as dt

MONTHS_KEY, FORMAT_KEY = "date.months", "date.format"
PLACES = ("{day}", "{month}", "{year}")


def format_date(day: dt.date, months: str | None, pattern: str | None) -> str:
    """``day`` in words with ``months`` (the ``date.months`` string) and ``pattern``
    (the ``date.format`` string); the ISO date when they cannot say it."""
    names = [m.strip() for m in (months or "").split(",")]
    if len(names) != 12 or not all(names) or not pattern or not all(p in pattern for p in PLACES):
        return day.isoformat()
    return (pattern.replace("{day}", str(day.day)).replace("{month}", names[day.month - 1])
            .replace("{year}", str(day.year)))
