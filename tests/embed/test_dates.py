"""Dates read the way each language writes them."""

from __future__ import annotations

import datetime as dt

from api.embed.dates import format_date

DAY = dt.date(2026, 11, 27)


def test_english_writes_month_day_year() -> None:
    assert format_date(DAY, "en") == "November 27, 2026"


def test_spanish_writes_day_de_month_de_year_in_lowercase() -> None:
    assert format_date(DAY, "es") == "27 de noviembre de 2026"
    assert format_date(dt.date(2027, 1, 1), "es") == "1 de enero de 2027"


def test_a_language_without_month_names_gets_the_unambiguous_iso_date() -> None:
    assert format_date(DAY, "fr") == "2026-11-27"
