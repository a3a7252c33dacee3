"""How schema objects carry their language, and how a text is picked with an honest fallback.

A translation whose English changed since it was made is served (it is still the reader's
language) and listed in ``extensions.outdatedTranslations``, as a fallback is.

Every object the schema returns is a :class:`RecordInLocale`: a content record plus the locale it is being
read in. Fields resolve by name from the record; a :class:`LocalizedText` becomes the string in
that locale, or, when that language has no text, the fallback locale's string, with the path of
the field recorded in the response's ``extensions.localeFallbacks`` so a client is never silently
shown another language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo
from pydantic import BaseModel

from api.content.live import LiveContent
from api.content.locales import UnsupportedLocale, resolve
from api.content.model import LocalizedList, LocalizedText
from api.content.snapshot import Snapshot
from api.content.sync_pages import SyncPager

DEFAULT_PAGER = SyncPager()


@dataclass
class RequestContext:
    """What the resolvers of one request share: one snapshot, the negotiated locale, fallbacks."""

    live: LiveContent
    snapshot: Snapshot
    locale: str
    fallbacks: list[dict[str, Any]] = field(default_factory=list)
    outdated: list[dict[str, Any]] = field(default_factory=list)  # translations served whose English changed
    pager: SyncPager = DEFAULT_PAGER
    budget: Any = None  # the execution's Budget (api.schema.budget), when it has one


@dataclass(frozen=True, slots=True)
class RecordInLocale:
    """A content record read in one locale."""

    value: Any
    locale: str


def context_of(info: GraphQLResolveInfo) -> RequestContext:
    return info.context


def pick_locale(info: GraphQLResolveInfo, tag: str | None) -> str:
    """The locale a root field is read in: its ``locale`` argument, else the negotiated one."""
    ctx = context_of(info)
    if tag is None:
        return ctx.locale
    try:
        return resolve(tag, ctx.snapshot.locales)
    except UnsupportedLocale as exc:
        raise GraphQLError(
            str(exc), extensions={"code": "UNSUPPORTED_LOCALE", "supportedLocales": exc.supported}
        ) from None


def text(value: LocalizedText | None, locale: str, info: GraphQLResolveInfo) -> str | None:
    """``value`` in ``locale``; else its fallback's text, recorded as a fallback."""
    if value is None:
        return None
    found = value.get(locale)
    if found is not None:
        if info.context.snapshot.translations.by_text:
            note_if_outdated(value, locale, info)
        return found
    ctx = context_of(info)
    fallback = value.first(ctx.snapshot.fallback_chain(locale)[1:])  # the locale itself was tried first
    if fallback is None:
        return None
    served, found = fallback
    ctx.fallbacks.append({"path": info.path.as_list(), "requestedLocale": locale, "servedLocale": served})
    return found


def note_if_outdated(value: LocalizedText, locale: str, info: GraphQLResolveInfo) -> None:
    """Record ``value`` in ``extensions.outdatedTranslations`` when its ``locale`` text translates
    an English that has changed since (see :mod:`api.content.translations`)."""
    ctx = context_of(info)
    path = ctx.snapshot.translations.outdated_in(value, locale)
    if path is not None:
        ctx.outdated.append({"path": info.path.as_list(), "locale": locale, "contentPath": path})


def localize(value: Any, locale: str, info: GraphQLResolveInfo) -> Any:
    """Turn a record, list or text into what the schema returns for ``locale``."""
    if isinstance(value, LocalizedText):
        return text(value, locale, info)
    if isinstance(value, LocalizedList):
        return value.root.get(locale) or []
    if isinstance(value, BaseModel):
        return RecordInLocale(value, locale)
    if isinstance(value, list):
        return [localize(item, locale, info) for item in value]
    return value


def localized_resolver(attname: str, default: Any, root: RecordInLocale, info: GraphQLResolveInfo, **_: Any) -> Any:
    """Default resolver of every content type: the record's attribute, read in the root's locale."""
    return localize(getattr(root.value, attname, default), root.locale, info)
