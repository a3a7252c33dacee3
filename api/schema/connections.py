"""Connections: paginated, filtered, ordered lists, in the Relay convention.

``edges { cursor node }``, ``nodes``, ``pageInfo { hasNextPage hasPreviousPage startCursor
endCursor }`` and ``totalCount``, with ``first``/``after`` and ``last``/``before``: what Relay
and Apollo Client's ``relayStylePagination`` read without configuration. Pages hold
:data:`DEFAULT_PAGE` records unless asked, at most :data:`MAX_PAGE`; the cost of what a page
selects is multiplied by its size (see :mod:`api.schema.cost`).
"""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from api.content.model import AUDIENCES
from api.listing.collation import OTHER
from api.schema import paging
from api.schema.hits import SearchHit
from api.schema.paging import LOCALE_ARG, page_args
from api.schema.types import Document, GlossaryTerm, Treatment


class PageInfo(graphene.ObjectType):
    class Meta:
        description = "Where a page sits in its list (the Relay connection convention)."

    has_next_page = graphene.Boolean(required=True, description="True when records follow this page.")
    has_previous_page = graphene.Boolean(required=True, description="True when records come before this page.")
    start_cursor = graphene.String(description="The cursor of the page's first record; null when it is empty.")
    end_cursor = graphene.String(description="The cursor of the page's last record: send it as `after`.")


def _connection(name: str, node: Any, what: str, counted: str) -> type[graphene.ObjectType]:
    edge = type(f"{name}Edge", (graphene.ObjectType,), {
        "Meta": type("Meta", (), {"description": f"One {what} in a page, with its cursor."}),
        "cursor": graphene.String(required=True, description="Opaque: send it as `after` or `before`."),
        "node": graphene.Field(node, required=True, description=f"The {what}."),
    })
    return type(f"{name}Connection", (graphene.ObjectType,), {
        "Meta": type("Meta", (), {"description": f"A page of {what}s."}),
        "edges": graphene.List(graphene.NonNull(edge), required=True, description="The page, with cursors."),
        "nodes": graphene.List(graphene.NonNull(node), required=True, description="The page, without cursors."),
        "page_info": graphene.Field(PageInfo, required=True, description="Where the page sits in the list."),
        "total_count": graphene.Int(required=True, description=counted),
    })


ALL_MATCHING = "How many records the whole list has with these filters (all pages)."
DocumentConnection = _connection("Document", Document, "document", ALL_MATCHING)
TreatmentConnection = _connection("Treatment", Treatment, "treatment", ALL_MATCHING)
GlossaryTermConnection = _connection("GlossaryTerm", GlossaryTerm, "glossary term", ALL_MATCHING)
SearchHitConnection = _connection(
    "SearchHit", SearchHit, "search hit", f"How many hits the query has in all (pages reach the best "
    f"{paging.SEARCH_DEPTH}).")


Audience = graphene.Enum("Audience", [(a.upper().replace("-", "_"), a) for a in AUDIENCES],
                         description="Who a page is written for.")


class DocumentOrder(graphene.Enum):
    class Meta:
        description = "How documents are ordered."

    CONTENT = "CONTENT"
    TITLE_ASC = "TITLE_ASC"
    TITLE_DESC = "TITLE_DESC"
    UPDATED_ASC = "UPDATED_ASC"
    UPDATED_DESC = "UPDATED_DESC"

    @property
    def description(self) -> str:
        return {
            "CONTENT": "As the library's editors arranged them.",
            "TITLE_ASC": "By title, A to Z in the reader's language (Spanish: ñ after n).",
            "TITLE_DESC": "By title, Z to A in the reader's language.",
            "UPDATED_ASC": "Least recently updated first (equal dates: content order).",
            "UPDATED_DESC": "Most recently updated first (equal dates: content order).",
        }[self.name]


class TreatmentOrder(graphene.Enum):
    class Meta:
        description = "How treatments are ordered."

    CONTENT = "CONTENT"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"

    @property
    def description(self) -> str:
        return {"CONTENT": "As the library's editors arranged them.",
                "NAME_ASC": "By name, A to Z in the reader's language.",
                "NAME_DESC": "By name, Z to A in the reader's language."}[self.name]


class GlossaryOrder(graphene.Enum):
    class Meta:
        description = "How glossary terms are ordered."

    CONTENT = "CONTENT"
    TERM_ASC = "TERM_ASC"
    TERM_DESC = "TERM_DESC"

    @property
    def description(self) -> str:
        return {"CONTENT": "As the library's editors arranged them.",
                "TERM_ASC": "By term, A to Z in the reader's language (Spanish: ñ after n).",
                "TERM_DESC": "By term, Z to A in the reader's language."}[self.name]


class DocumentFilter(graphene.InputObjectType):
    class Meta:
        description = "Which documents to list; given together, filters must all hold."

    treatment = graphene.ID(description="Only documents that show this treatment (id).")
    treatment_category = graphene.ID(description="Only documents that show a treatment of this category (id).")
    term = graphene.ID(description="Only documents that use this glossary term (id).")
    audience = graphene.Field(Audience, description="Only documents written for this audience.")
    updated_since = graphene.Date(description="Only documents updated on or after this day.")


class TreatmentFilter(graphene.InputObjectType):
    class Meta:
        description = "Which treatments to list; given together, filters must all hold."

    category = graphene.ID(description="Only treatments of this category (id).")
    document = graphene.ID(description="Only treatments this document shows (slug).")


class GlossaryFilter(graphene.InputObjectType):
    class Meta:
        description = "Which glossary terms to list; given together, filters must all hold."

    letter = graphene.String(
        description=f"Only terms filed under this letter in the reader's language (see `glossaryLetters`; "
        f"'{OTHER}' for terms that start with no letter).")
    document = graphene.ID(description="Only terms this document uses (slug).")


class GlossaryLetter(graphene.ObjectType):
    class Meta:
        description = "A letter of an A–Z index of the glossary, in the reader's alphabet."

    letter = graphene.String(required=True, description="The letter, as the alphabet writes it: 'A', 'Ñ'.")
    count = graphene.Int(required=True, description="How many terms are filed under it (0: show it disabled).")


def resolve_documents(root: Any, info: GraphQLResolveInfo, first: int | None = None, after: str | None = None,
                      last: int | None = None, before: str | None = None, filter: Any = None,
                      order_by: Any = "CONTENT", locale: str | None = None) -> paging.Connection:
    return paging.documents(info, locale, filter, order_by, paging.page_request(first, after, last, before))


def resolve_treatments(root: Any, info: GraphQLResolveInfo, first: int | None = None, after: str | None = None,
                       last: int | None = None, before: str | None = None, filter: Any = None,
                       order_by: Any = "CONTENT", locale: str | None = None) -> paging.Connection:
    return paging.treatments(info, locale, filter, order_by, paging.page_request(first, after, last, before))


def resolve_glossary(root: Any, info: GraphQLResolveInfo, first: int | None = None, after: str | None = None,
                     last: int | None = None, before: str | None = None, filter: Any = None,
                     order_by: Any = "CONTENT", locale: str | None = None) -> paging.Connection:
    return paging.glossary(info, locale, filter, order_by, paging.page_request(first, after, last, before))


def resolve_search(root: Any, info: GraphQLResolveInfo, query: str, first: int | None = None,
                   after: str | None = None, last: int | None = None, before: str | None = None,
                   locale: str | None = None) -> paging.Connection:
    return paging.search(info, query, locale, paging.page_request(first, after, last, before))


def resolve_glossary_letters(root: Any, info: GraphQLResolveInfo, locale: str | None = None) -> list[dict[str, Any]]:
    return paging.glossary_letters(info, locale)


def connection_field(connection: Any, filter_type: Any, order_type: Any, what: str, description: str,
                     resolver: Any) -> graphene.Field:
    """A root connection field: page arguments, ``filter``, ``orderBy`` (default CONTENT) and ``locale``."""
    return graphene.Field(
        connection, required=True, **page_args(),
        filter=graphene.Argument(filter_type, description=f"Which {what}."),
        order_by=graphene.Argument(order_type, default_value="CONTENT", description="Their order."),
        locale=graphene.String(description=LOCALE_ARG), description=description, resolver=resolver,
    )
