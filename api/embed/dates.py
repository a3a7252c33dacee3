"""Dates written the way a reader of each language expects: "November 27, 2026", "27 de noviembre de 2026".

Twelve month names per language are all the embeds need, so this is a table rather than a
dependency on Babel and its locale data. A language without a table gets the ISO date, which is
unambiguous everywhere.
"""

from __future__ import annotations

import datetime as dt

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
}


def format_date(day: dt.date, locale: str) -> str:
    """``day`` in words for ``locale``; the ISO form when we have no month names for it."""
    months = MONTHS.get(locale)
    if months is None:
        return day.isoformat()
    month = months[day.month - 1]
    if locale == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{month} {day.day}, {day.year}"
