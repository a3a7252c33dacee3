"""The embed URL's parameters, checked before anything is looked up or shown.

A partner types these by hand and a crawler replays them mangled, so every value is checked
against what the content really has; anything else is :class:`NotAnEmbed`, which the routes turn
into a calm "page not found" in the reader's language. Values are never echoed back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from api.content.locales import UnsupportedLocale, resolve
from api.content.model import Document, Section
from api.content.snapshot import Snapshot
from api.web.negotiation import negotiate

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# What a browser's location.origin looks like: lowercase scheme and host, optional port, no path.
ORIGIN = re.compile(rf"^https?://(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:.]+\])(?::[0-9]{{1,5}})?$")
MAX_VALUE = 255
KNOWN = ("lang", "section", "origin")


class NotAnEmbed(Exception):
    """The URL names no embed we have; ``locale`` is the language to say so in."""

    def __init__(self, locale: str, slug: str | None = None) -> None:
        super().__init__("no such embed")
        self.locale = locale
        self.slug = slug  # the document, when only the section or origin was wrong


@dataclass(frozen=True)
class EmbedRequest:
    document: Document
    section: Section | None
    locale: str
    origin: str | None  # the partner page's origin, to post the height to
    negotiated: bool  # no lang= was given: the language came from Accept-Language

    @property
    def slug(self) -> str:
        return self.document.slug


def _one(query: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = query.get(name) or []
    if len(values) > 1 or any(len(v) > MAX_VALUE for v in values):
        raise ValueError(name)
    return values[0] if values else None


def parse(snapshot: Snapshot, slug: str, query: Mapping[str, Sequence[str]],
          accept_language: str | None) -> EmbedRequest:
    """Check ``slug`` and the query (name → every value given) against ``snapshot``.

    Other parameters (a partner's tracking tags) are ignored. Raises :class:`NotAnEmbed`.
    """
    default = snapshot.content.default_locale
    try:
        tag = _one(query, "lang")
    except ValueError:
        raise NotAnEmbed(default) from None
    if tag is None:
        locale = negotiate(accept_language, snapshot.locales, default)
    else:
        try:
            locale = resolve(tag, snapshot.locales)
        except UnsupportedLocale:
            raise NotAnEmbed(default) from None
    document = snapshot.documents.get(slug) if len(slug) <= MAX_VALUE and KEBAB.match(slug) else None
    if document is None:
        raise NotAnEmbed(locale)
    try:
        section_id, origin = _one(query, "section"), _one(query, "origin")
    except ValueError:
        raise NotAnEmbed(locale, slug) from None
    section = None
    if section_id is not None:
        section = next((s for s in document.sections if s.id == section_id), None)
        if section is None:
            raise NotAnEmbed(locale, slug)
    if origin is not None and not ORIGIN.match(origin):
        raise NotAnEmbed(locale, slug)
    return EmbedRequest(document, section, locale, origin, negotiated=tag is None)


def query_of(items: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """A query string's pairs grouped by name, as :func:`parse` takes them."""
    grouped: dict[str, list[str]] = {}
    for name, value in items:
        grouped.setdefault(name, []).append(value)
    return grouped
