"""UI strings in the reader's language, relative ages ("3 days ago") and dates, from content strings."""

from __future__ import annotations

import datetime as dt
import re

from rules.dates import FORMAT_KEY, MONTHS_KEY, format_date


class Texts(dict[str, str]):
    """Strings by key. A missing key shows the key itself rather than breaking the screen."""

    def __missing__(self, key: str) -> str:
        return key

    def format(self, key: str, **values: object) -> str:
        text = self[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text


def texts(chosen: dict[str, str], fallback: dict[str, str] | None = None) -> Texts:
    """The chosen language's strings over the fallback language's (as the API falls back)."""
    merged = Texts(fallback or {})
    merged.update({k: v for k, v in chosen.items() if v.strip()})
    return merged


def age(t: Texts, then: dt.datetime, now: dt.datetime) -> str:
    """How long ago ``then`` was, in words: 'just now', '5 minutes ago', 'hace 2 días'."""
    seconds = max(0, int((now - then).total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if minutes < 1:
        return t["sync.age.justNow"]
    if hours < 1:
        return t["sync.age.minute"] if minutes == 1 else t.format("sync.age.minutes", count=minutes)
    if days < 1:
        return t["sync.age.hour"] if hours == 1 else t.format("sync.age.hours", count=hours)
    return t["sync.age.day"] if days == 1 else t.format("sync.age.days", count=days)


def date(t: Texts, value: str | dt.date) -> str:
    """A date the way people write it: 'November 27, 2026', '27 de noviembre de 2026'."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return format_date(day, t.get(MONTHS_KEY), t.get(FORMAT_KEY))


_TAG = re.compile(r"\[/?[a-z]+(=[^\]]*)?\]")


def plain(markup: str) -> str:
    """Kivy markup back to the words a person reads (for read-aloud)."""
    return _TAG.sub("", markup).replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&")
