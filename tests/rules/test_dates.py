"""Dates read the way each language writes them, from the content's own ``date.months`` and
``date.format`` strings: one rule (:mod:`rules.dates`) for the embeds and the phone."""

from __future__ import annotations

import datetime as dt

import pytest

from api.content.snapshot import load_file
from api.embed.view import Reader
from mobile import i18n
from rules.dates import format_date
from tests.server import ROOT

DAY = dt.date(2026, 11, 27)
EN_MONTHS = "January, February, March, April, May, June, July, August, September, October, November, December"
ES_MONTHS = "enero, febrero, marzo, abril, mayo, junio, julio, agosto, septiembre, octubre, noviembre, diciembre"


def test_english_writes_month_day_year() -> None:
    assert format_date(DAY, EN_MONTHS, "{month} {day}, {year}") == "November 27, 2026"


def test_spanish_writes_day_de_month_de_year_in_lowercase() -> None:
    assert format_date(DAY, ES_MONTHS, "{day} de {month} de {year}") == "27 de noviembre de 2026"
    assert format_date(dt.date(2027, 1, 1), ES_MONTHS, "{day} de {month} de {year}") == "1 de enero de 2027"


@pytest.mark.parametrize(("months", "pattern"), [
    (None, "{month} {day}, {year}"),
    (EN_MONTHS, None),
    ("January, February", "{month} {day}, {year}"),  # not twelve names
    (EN_MONTHS, "{month} {year}"),  # a pattern without the day would hide it
])
def test_missing_or_malformed_strings_give_the_unambiguous_iso_date(months: str | None, pattern: str | None) -> None:
    # The phone once showed "date.format" itself, or the month as "11" in a written-out date.
    assert format_date(DAY, months, pattern) == "2026-11-27"


@pytest.mark.parametrize(("locale", "written"), [("en", "November 27, 2026"), ("es", "27 de noviembre de 2026")])
def test_the_embeds_and_the_phone_write_the_bundled_content_s_dates_alike(locale: str, written: str) -> None:
    # The embeds kept their own month table; now both read the content's strings.
    snapshot = load_file(ROOT / "content.json")
    strings = {key: text.get(locale) for key, text in snapshot.strings.items() if text.get(locale)}
    assert Reader(snapshot, locale).date(DAY) == written
    assert i18n.date(i18n.texts(strings), DAY) == written
