"""The root Query: thin resolvers that pick a locale and hand off to the content and search layers."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError, GraphQLResolveInfo

from api import search as search_index
from api.schema import connections
from api.schema.budget import aside
from api.schema.hits import SearchHit
from api.schema.localize import RecordInLocale, context_of, pick_locale
from api.schema.paging import LOCALE_ARG, page_args
from api.schema.publishing import publications_field
from api.schema.sync import SYNC_PAGE_ARGS, SyncPage, resolve_sync_page
from api.schema.types import (
    Document,
    GlossaryTerm,
    Locale,
    Treatment,
    TreatmentCategory,
    UiString,
)
from rules.search.suggestions import MAX_SUGGESTIONS

MAX_SEARCH_CHARS = 200
SEARCH_FIRST = 10  # search(first:)'s default; MAX_FIRST its most (the cost model reads both)
MAX_FIRST = 50
LIST_GONE = "Answers the whole library at once; will be removed in the next release."


class SyncedDocument(graphene.ObjectType):
    class Meta:
        description = "A document in one locale, as an offline client stores it."

    slug = graphene.ID(required=True, description="The document's slug.")
    locale = graphene.String(required=True, description="The locale of this copy.")
    version = graphene.String(required=True, description="The document's version.")
    document = graphene.Field(Document, required=True, description="The complete document in that locale.")


class SyncPayload(graphene.ObjectType):
    class Meta:
        description = (
            "What an offline client needs to bring its copy up to date. When `fullSync` is true, "
            "`documents` is everything and the client drops what is not in it."
        )

    version = graphene.String(required=True, description="The current content version: send it as `since` next time.")
    since = graphene.String(description="The version the client said it has.")
    full_sync = graphene.Boolean(
        required=True, description="True when `since` was missing, unknown or expired: a complete copy."
    )
    locales = graphene.List(graphene.NonNull(graphene.String), required=True, description="The locales sent.")
    documents = graphene.List(
        graphene.NonNull(SyncedDocument), required=True, description="Documents new or changed since `since`."
    )
    removed_slugs = graphene.List(
        graphene.NonNull(graphene.ID), required=True, description="Documents removed since `since`."
    )


def _locales_arg(info: GraphQLResolveInfo, tags: list[str] | None) -> list[str]:
    snapshot = context_of(info).snapshot
    if not tags:
        return snapshot.locales
    return list(dict.fromkeys(pick_locale(info, tag) for tag in tags[:10]))


def _changed_since(info: GraphQLResolveInfo, since: str | None) -> tuple[bool, list[str], list[str]]:
    """(full sync?, slugs to send, slugs removed) for a client that has ``since``."""
    ctx = context_of(info)
    current = ctx.snapshot.document_versions
    if since == ctx.snapshot.version:
        return False, [], []
    before = ctx.live.document_versions_at(since) if since else None
    if before is None:
        return True, list(current), []
    changed = [slug for slug, version in current.items() if before.get(slug) != version]
    removed = [slug for slug in before if slug not in current]
    return False, changed, removed


def _check_search_text(query: str) -> None:
    if len(query) > MAX_SEARCH_CHARS:
        raise GraphQLError(
            f"The search text is too long ({len(query)} characters; the most is {MAX_SEARCH_CHARS}).",
            extensions={"code": "SEARCH_TOO_LONG", "max": MAX_SEARCH_CHARS},
        )


class Query(graphene.ObjectType):
    class Meta:
        description = "Patient-education content in English and Spanish."

    locales = graphene.List(
        graphene.NonNull(Locale), required=True,
        description="The supported locales, with their native names and language-choice strings.",
    )
    documents = graphene.List(
        graphene.NonNull(Document), required=True, locale=graphene.String(description=LOCALE_ARG),
        description="Every document, in one answer.",
        deprecation_reason=f"{LIST_GONE} Use `documentsConnection`: pages, filters and orders.",
    )
    documents_connection = connections.connection_field(
        connections.DocumentConnection, connections.DocumentFilter, connections.DocumentOrder, "documents",
        "The library's documents, a page at a time, filtered and ordered.", connections.resolve_documents)
    document = graphene.Field(
        Document, slug=graphene.String(required=True, description="The document's slug."),
        locale=graphene.String(description=LOCALE_ARG), description="One document by slug, or null.",
    )
    treatments = graphene.List(
        graphene.NonNull(Treatment), required=True,
        category=graphene.String(description="Only this category (id), e.g. 'radiation-therapy'."),
        locale=graphene.String(description=LOCALE_ARG),
        description="Every treatment, or those of a category, in one answer.",
        deprecation_reason=f"{LIST_GONE} Use `treatmentsConnection`: pages, filters and orders.",
    )
    treatments_connection = connections.connection_field(
        connections.TreatmentConnection, connections.TreatmentFilter, connections.TreatmentOrder, "treatments",
        "The library's treatments, a page at a time, filtered and ordered.", connections.resolve_treatments)
    treatment = graphene.Field(
        Treatment, id=graphene.ID(required=True, description="Treatment id."),
        locale=graphene.String(description=LOCALE_ARG), description="One treatment by id, or null.",
    )
    treatment_categories = graphene.List(
        graphene.NonNull(TreatmentCategory), required=True, locale=graphene.String(description=LOCALE_ARG),
        description="The treatment categories.",
    )
    glossary = graphene.List(
        graphene.NonNull(GlossaryTerm), required=True, locale=graphene.String(description=LOCALE_ARG),
        description="Every glossary term, in the content's order, in one answer.",
        deprecation_reason=f"{LIST_GONE} Use `glossaryConnection`: pages, letters and orders.",
    )
    glossary_connection = connections.connection_field(
        connections.GlossaryTermConnection, connections.GlossaryFilter, connections.GlossaryOrder, "terms",
        "The glossary, a page at a time: for an A–Z index, filter by `letter`.", connections.resolve_glossary)
    glossary_letters = graphene.List(
        graphene.NonNull(connections.GlossaryLetter), required=True, locale=graphene.String(description=LOCALE_ARG),
        description="The letters of an A–Z index of the glossary in the reader's alphabet, with their counts.",
        resolver=connections.resolve_glossary_letters,
    )
    strings = graphene.List(
        graphene.NonNull(UiString), required=True, locale=graphene.String(description=LOCALE_ARG),
        keys=graphene.List(graphene.NonNull(graphene.String), description="Only these keys."),
        description="UI strings for the app and the embeds.",
    )
    search = graphene.List(
        graphene.NonNull(SearchHit), required=True,
        query=graphene.String(required=True, description="Words to find; accents and case do not matter."),
        locale=graphene.String(description=LOCALE_ARG),
        first=graphene.Int(default_value=SEARCH_FIRST, description=f"How many hits (1-{MAX_FIRST})."),
        description="Ranked hits in one language: documents, sections, treatments and glossary terms.",
    )
    search_suggestions = graphene.List(
        graphene.NonNull(graphene.String), required=True,
        query=graphene.String(required=True, description="The words that were searched for."),
        locale=graphene.String(description=LOCALE_ARG),
        description="Did you mean: when `query` finds nothing in the locale, the glossary terms and "
        f"treatment names it is closest to, closest first (at most {MAX_SUGGESTIONS}); empty when it finds something. "
        "Ask for it with `search` in the same request.",
    )
    search_connection = graphene.Field(
        connections.SearchHitConnection, required=True, **page_args(),
        query=graphene.String(required=True, description="Words to find; accents and case do not matter."),
        locale=graphene.String(description=LOCALE_ARG),
        description="The hits of `search`, a page at a time (for a results page with 'more').",
        resolver=connections.resolve_search,
    )
    sync = graphene.Field(
        SyncPayload, required=True,
        since=graphene.String(description="The content version the client has; omit on first sync."),
        locales=graphene.List(graphene.NonNull(graphene.String), description="Locales to send; default all."),
        description="For offline clients: what changed since a version, as whole documents in one answer.",
        deprecation_reason="Use `syncPage`: items with their own versions, in bounded pages. `sync` answers in one "
        "reply however large the library is and will be removed in the next release.",
    )
    publications = publications_field
    sync_page = graphene.Field(
        SyncPage, required=True, **SYNC_PAGE_ARGS,
        description="For offline clients: one page of a sync of records (items), each with its own version.",
        resolver=resolve_sync_page,
    )

    @staticmethod
    def resolve_locales(root: Any, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
        content = context_of(info).snapshot.content
        return [
            {"code": loc.code, "native_name": loc.native_name, "choose_prompt": loc.choose_prompt,
             "continue_label": loc.continue_label, "fallback": loc.fallback,
             "is_default": loc.code == content.default_locale}
            for loc in content.locales
        ]

    @staticmethod
    def resolve_documents(root: Any, info: GraphQLResolveInfo, locale: str | None = None) -> list[RecordInLocale]:
        code = pick_locale(info, locale)
        return [RecordInLocale(d, code) for d in context_of(info).snapshot.content.documents]

    @staticmethod
    def resolve_document(root: Any, info: GraphQLResolveInfo, slug: str,
                         locale: str | None = None) -> RecordInLocale | None:
        code = pick_locale(info, locale)
        found = context_of(info).snapshot.documents.get(slug)
        return RecordInLocale(found, code) if found else None

    @staticmethod
    def resolve_treatments(
        root: Any, info: GraphQLResolveInfo, category: str | None = None, locale: str | None = None
    ) -> list[RecordInLocale]:
        code = pick_locale(info, locale)
        treatments = context_of(info).snapshot.content.treatments
        return [RecordInLocale(t, code) for t in treatments if category is None or t.category == category]

    @staticmethod
    def resolve_treatment(root: Any, info: GraphQLResolveInfo, id: str,
                         locale: str | None = None) -> RecordInLocale | None:
        code = pick_locale(info, locale)
        found = context_of(info).snapshot.treatments.get(id)
        return RecordInLocale(found, code) if found else None

    @staticmethod
    def resolve_treatment_categories(root: Any, info: GraphQLResolveInfo,
                         locale: str | None = None) -> list[RecordInLocale]:
        code = pick_locale(info, locale)
        return [RecordInLocale(c, code) for c in context_of(info).snapshot.content.treatment_categories]

    @staticmethod
    def resolve_glossary(root: Any, info: GraphQLResolveInfo, locale: str | None = None) -> list[RecordInLocale]:
        code = pick_locale(info, locale)
        return [RecordInLocale(g, code) for g in context_of(info).snapshot.content.glossary]

    @staticmethod
    def resolve_strings(
        root: Any, info: GraphQLResolveInfo, locale: str | None = None, keys: list[str] | None = None
    ) -> list[RecordInLocale]:
        code = pick_locale(info, locale)
        strings = context_of(info).snapshot.content.strings
        wanted = set(keys) if keys is not None else None
        return [RecordInLocale(s, code) for s in strings if wanted is None or s.key in wanted]

    @staticmethod
    def resolve_search(
        root: Any, info: GraphQLResolveInfo, query: str, locale: str | None = None, first: int = SEARCH_FIRST
    ) -> list[search_index.Hit]:
        code = pick_locale(info, locale)
        _check_search_text(query)
        if not 1 <= first <= MAX_FIRST:
            raise GraphQLError(
                f"`first` must be between 1 and {MAX_FIRST}.", extensions={"code": "BAD_USER_INPUT"}
            )
        ctx = context_of(info)
        with aside(ctx.budget):  # the first search of a version builds its index: not this query's time
            search_index.index_for(ctx.snapshot, code)
        return search_index.search(ctx.snapshot, query, code, first)

    @staticmethod
    def resolve_search_suggestions(root: Any, info: GraphQLResolveInfo, query: str,
                                   locale: str | None = None) -> list[str]:
        code = pick_locale(info, locale)
        _check_search_text(query)
        ctx = context_of(info)
        with aside(ctx.budget):  # the first search of a version builds its index: not this query's time
            search_index.index_for(ctx.snapshot, code)
        return search_index.suggestions(ctx.snapshot, query, code)

    @staticmethod
    def resolve_sync(
        root: Any, info: GraphQLResolveInfo, since: str | None = None, locales: list[str] | None = None
    ) -> dict[str, Any]:
        ctx = context_of(info)
        codes = _locales_arg(info, locales)
        full, slugs, removed = _changed_since(info, since)
        docs = [
            {"slug": slug, "locale": code, "version": ctx.snapshot.document_versions[slug],
             "document": RecordInLocale(ctx.snapshot.documents[slug], code)}
            for slug in slugs for code in codes
        ]
        return {"version": ctx.snapshot.version, "since": since, "full_sync": full, "locales": codes,
                "documents": docs, "removed_slugs": removed}
