"""The resolvers of connections: a page of a collection as the connection types read it.

They turn GraphQL arguments into a :class:`api.listing.pages.PageRequest`, an ordering and the
filters' sets, cut the page, and hand back a :class:`Connection` whose fields are attributes
(edges, nodes, pageInfo, totalCount); counts are only worked out when a query asks for them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import graphene
from graphql import GraphQLError, GraphQLResolveInfo

from api import search as search_index
from api.content.snapshot import Snapshot
from api.listing import filters, orderings
from api.listing.collation import OTHER, alphabet, letter
from api.listing.orderings import CONTENT, TEXT, UPDATED, Collection, Order
from api.listing.pages import DEFAULT_PAGE, MAX_PAGE, Page, PageError, PageRequest, cut, key_of, scope_of
from api.schema.budget import aside
from api.schema.localize import RecordInLocale, context_of, pick_locale

LOCALE_ARG = "BCP 47 language tag ('es', 'es-US', 'en-GB'). Default: the request's Accept-Language."
SEARCH_DEPTH = 500  # how far into a search's ranking pages may go

# The orders of each collection, by the GraphQL enum value's name.
ORDERS = {
    "CONTENT": Order(CONTENT), "CONTENT_REVERSED": Order(CONTENT, descending=True),
    "TITLE_ASC": Order(TEXT), "TITLE_DESC": Order(TEXT, descending=True),
    "NAME_ASC": Order(TEXT), "NAME_DESC": Order(TEXT, descending=True),
    "TERM_ASC": Order(TEXT), "TERM_DESC": Order(TEXT, descending=True),
    "UPDATED_ASC": Order(UPDATED), "UPDATED_DESC": Order(UPDATED, descending=True),
}


def page_args() -> dict[str, Any]:
    """``first``/``after``/``last``/``before``, described once for every connection."""
    return {
        "first": graphene.Int(description=f"The first n records after `after` (0-{MAX_PAGE}; default {DEFAULT_PAGE})."),
        "after": graphene.String(description="A cursor: the page starts after its record."),
        "last": graphene.Int(description=f"The last n records before `before` (0-{MAX_PAGE})."),
        "before": graphene.String(description="A cursor: the page ends before its record."),
    }


def resolve_documents_of(by: str) -> Any:
    """The resolver of a back-link: the documents that show this record (``by``: treatment or term),
    in the record's language unless asked."""

    def resolve(root: RecordInLocale, info: GraphQLResolveInfo, first: int | None = None,
                after: str | None = None, last: int | None = None, before: str | None = None,
                filter: Any = None, order_by: Any = "CONTENT", locale: str | None = None) -> Connection:
        request = page_request(first, after, last, before)
        return documents(info, locale or root.locale, filter, order_by, request, **{by: root.value.id})

    return resolve


def back_link(by: str, what: str) -> Any:
    """The field of a back-link to documents (its types named by import path: they are defined
    with the connections, which stand on the content types)."""
    return graphene.Field(
        "api.schema.connections.DocumentConnection", required=True, **page_args(),
        filter=graphene.Argument("api.schema.connections.DocumentFilter", description="Which of them."),
        order_by=graphene.Argument("api.schema.connections.DocumentOrder", default_value="CONTENT",
                                   description="Their order."),
        locale=graphene.String(description="Their language; default: this record's."),
        description=f"The documents that show {what}, a page at a time.", resolver=resolve_documents_of(by),
    )


def prepare(snapshot: Snapshot) -> None:
    """Make what the first pages of a version would otherwise make: every collection's orders in
    every language, and the places of the filters that keep many records (treatment categories,
    audiences) in each order, whose sorting is the slow part of a cold page (50 ms for a category
    of 40,000 treatments)."""
    links = filters.links(snapshot)
    wide = {orderings.DOCUMENTS: {**{("treatment_category", k): v for k, v in links.documents_by_category.items()},
                                  **{("audience", k): v for k, v in links.documents_by_audience.items()}},
            orderings.TREATMENTS: {("category", k): v for k, v in links.treatments_by_category.items()},
            orderings.GLOSSARY: {}}
    names = {orderings.DOCUMENTS: "TITLE", orderings.TREATMENTS: "NAME", orderings.GLOSSARY: "TERM"}
    for collection, sets in wide.items():
        orders = ["CONTENT", f"{names[collection]}_ASC", f"{names[collection]}_DESC"]
        if collection.updated is not None:
            orders += ["UPDATED_ASC", "UPDATED_DESC"]
        for code in snapshot.locales:
            for name in orders:
                order = ORDERS[name]
                if order.by != TEXT and code != snapshot.locales[0]:
                    continue  # orders that do not read text are the same in every language
                found = orderings.ordering(snapshot, collection, order, code)
                language = code if order.by == TEXT else ""
                for key, ids in sets.items():
                    orderings.places(snapshot, found, (collection.name, order, language, key), ids)


class Edge(NamedTuple):
    cursor: str
    node: Any


class Connection:
    """A page as the connection types read it (``pageInfo`` is the connection itself)."""

    __slots__ = ("_page", "nodes")

    def __init__(self, page: Page, nodes: list[Any]) -> None:
        self._page = page
        self.nodes = nodes

    @property
    def edges(self) -> list[Edge]:
        return [Edge(c, n) for c, n in zip(self._page.cursors, self.nodes, strict=True)]

    @property
    def page_info(self) -> Connection:
        return self

    @property
    def total_count(self) -> int:
        return self._page.total

    @property
    def has_next_page(self) -> bool:
        return self._page.has_next

    @property
    def has_previous_page(self) -> bool:
        return self._page.has_previous

    @property
    def start_cursor(self) -> str | None:
        return self._page.cursors[0] if self._page.cursors else None

    @property
    def end_cursor(self) -> str | None:
        return self._page.cursors[-1] if self._page.cursors else None


def page_request(first: int | None, after: str | None, last: int | None, before: str | None) -> PageRequest:
    try:
        return PageRequest(first, after, last, before)
    except PageError as exc:
        raise _error(exc) from None


def _error(exc: PageError) -> GraphQLError:
    extensions: dict[str, Any] = {"code": exc.code}
    if exc.code == "BAD_USER_INPUT":
        extensions["maxPageSize"] = MAX_PAGE
    return GraphQLError(str(exc), extensions=extensions)


def _order(collection: Collection, name: Any) -> Order:
    name = getattr(name, "name", name) or "CONTENT"  # graphene hands the enum member or its name
    return ORDERS[str(name)]


def _page(info: GraphQLResolveInfo, collection: Collection, code: str, order_name: Any,
          sets: dict[tuple[str, str], frozenset[str]], request: PageRequest) -> Connection:
    """A page of ``collection`` in the asked order, keeping what every filter in ``sets`` (by
    (filter, value)) keeps; the walk goes along the smallest filter's places in the order."""
    snapshot = context_of(info).snapshot
    order = _order(collection, order_name)
    language = code if order.by == TEXT else ""
    scope = scope_of(collection.name, order.name, language, *sorted(sets))
    walked = None
    with aside(context_of(info).budget):  # made once per version and kept: not this query's time
        ordering = orderings.ordering(snapshot, collection, order, code)
        if sets:
            smallest = min(sets, key=lambda k: len(sets[k]))
            walked = orderings.places(snapshot, ordering, (collection.name, order, language, smallest),
                                      sets[smallest])
    try:
        page = cut(ordering.ids, ordering.place, filters.matching(list(sets.values())), request, scope,
                   collection.name[:-1], walked)
    except PageError as exc:
        raise _error(exc) from None
    records = collection.records(snapshot)
    return Connection(page, [RecordInLocale(records[i], code) for i in page.ids])


def _filter(value: Any, name: str) -> Any:
    if value is None:
        return None
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


def documents(info: GraphQLResolveInfo, locale: str | None, filter: Any, order_by: Any,
              request: PageRequest, **fixed: str) -> Connection:
    """A page of documents; ``fixed`` filters a back-link adds (``treatment=…``, ``term=…``)."""
    snapshot = context_of(info).snapshot
    code = pick_locale(info, locale)
    with aside(context_of(info).budget):
        links = filters.links(snapshot)
    wanted = {name: _filter(filter, name) for name in ("treatment", "treatment_category", "term", "audience",
                                                        "updated_since")}
    wanted.update(fixed)
    tables: dict[str, Callable[[Any], frozenset[str]]] = {
        "treatment": lambda v: links.documents_by_treatment.get(v, frozenset()),
        "treatment_category": lambda v: links.documents_by_category.get(v, frozenset()),
        "term": lambda v: links.documents_by_term.get(v, frozenset()),
        "audience": lambda v: links.documents_by_audience.get(getattr(v, "value", v), frozenset()),
        "updated_since": lambda v: orderings.updated_since(snapshot, orderings.DOCUMENTS, v),
    }
    sets = {(name, str(getattr(value, "value", value))): tables[name](value)
            for name, value in wanted.items() if value is not None}
    return _page(info, orderings.DOCUMENTS, code, order_by, sets, request)


def treatments(info: GraphQLResolveInfo, locale: str | None, filter: Any, order_by: Any,
               request: PageRequest) -> Connection:
    snapshot = context_of(info).snapshot
    code = pick_locale(info, locale)
    category, document = _filter(filter, "category"), _filter(filter, "document")
    with aside(context_of(info).budget):
        links = filters.links(snapshot)
    sets = {}
    if category is not None:
        sets["category", category] = links.treatments_by_category.get(category, frozenset())
    if document is not None:
        sets["document", document] = links.treatments_by_document.get(document, frozenset())
    return _page(info, orderings.TREATMENTS, code, order_by, sets, request)


def glossary(info: GraphQLResolveInfo, locale: str | None, filter: Any, order_by: Any,
             request: PageRequest) -> Connection:
    snapshot = context_of(info).snapshot
    code = pick_locale(info, locale)
    wanted_letter, document = _filter(filter, "letter"), _filter(filter, "document")
    with aside(context_of(info).budget):
        links, by_letter = filters.links(snapshot), letters(snapshot, code)
    sets = {}
    if wanted_letter is not None:
        shown = wanted_letter.strip().upper()
        sets["letter", shown] = by_letter.get(shown, frozenset())
    if document is not None:
        sets["document", document] = links.terms_by_document.get(document, frozenset())
    return _page(info, orderings.GLOSSARY, code, order_by, sets, request)


_letters: dict[tuple[int, str], tuple[Snapshot, dict[str, frozenset[str]]]] = {}


def letters(snapshot: Snapshot, code: str) -> dict[str, frozenset[str]]:
    """The glossary's terms by the letter they are filed under in ``code`` (kept for the last versions)."""
    key = (id(snapshot), code)
    found = _letters.get(key)
    if found is not None and found[0] is snapshot:
        return found[1]
    read = orderings.text_in(snapshot, code)
    by_letter: dict[str, set[str]] = {}
    for term_id, term in snapshot.glossary.items():
        by_letter.setdefault(letter(code, read(term.term)), set()).add(term_id)
    made = {k: frozenset(v) for k, v in by_letter.items()}
    if len(_letters) >= 8:  # a few versions × languages
        _letters.clear()
    _letters[key] = (snapshot, made)
    return made


def glossary_letters(info: GraphQLResolveInfo, locale: str | None) -> list[dict[str, Any]]:
    """Every letter of the reader's alphabet with how many terms it has (an A–Z index shows the
    empty ones too), then :data:`OTHER` when some terms start with no letter."""
    snapshot = context_of(info).snapshot
    code = pick_locale(info, locale)
    found = letters(snapshot, code)
    shown = [{"letter": x, "count": len(found.get(x, ()))} for x in alphabet(code)]
    if found.get(OTHER):
        shown.append({"letter": OTHER, "count": len(found[OTHER])})
    return shown


def search(info: GraphQLResolveInfo, query: str, locale: str | None, request: PageRequest) -> Connection:
    """A page of search hits. A hit's cursor names its place in the ranking and the hit there, so a
    page ranks only as deep as it reaches (a deep ranking costs its snippets and its depth, not
    :data:`SEARCH_DEPTH`); after a content change that moved the hit, the cursor asks to start again."""
    snapshot = context_of(info).snapshot
    code = pick_locale(info, locale)
    if request.last is not None and request.before is None:
        raise GraphQLError("Search pages go forwards: use `first` and `after` (or `last` with `before`).",
                           extensions={"code": "BAD_USER_INPUT"})
    scope = scope_of("search", code, query)
    with aside(context_of(info).budget):  # the first search of a version builds its index
        search_index.index_for(snapshot, code)
    try:
        reach = _place(request.before, scope, "before") if request.before is not None else \
            (_place(request.after, scope, "after") + 1 if request.after is not None else 0) + request.size + 1
        found = search_index.ranked(snapshot, query, code, min(SEARCH_DEPTH, reach + 1))
        keys = [f"{n}/{found.key(n)}" for n in range(len(found))]
        page = cut(keys, {k: n for n, k in enumerate(keys)}, None, request, scope, "hit",
                   total=lambda: search_index.count(snapshot, query, code))
    except PageError as exc:
        raise _error(exc) from None
    return Connection(page, [found.hit(int(k.split("/", 1)[0])) for k in page.ids])


def _place(cursor: str, scope: str, argument: str) -> int:
    """The place in the ranking a search cursor names (checked against the hit there by :func:`cut`)."""
    head = key_of(cursor, scope, argument).split("/", 1)[0]
    if not head.isdigit():
        raise PageError(f"`{argument}` is not a cursor this server gave: use a `cursor` or `endCursor` from an "
                        "earlier page.", "BAD_CURSOR")
    return int(head)
