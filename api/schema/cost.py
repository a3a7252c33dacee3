"""What a query costs: every field it selects, times the length of every list it sits in.

The depth, alias and field limits (``api.http.limits``) read the query's text; they cannot see
that ``{ documents { sections { blocks { id } } } }`` names four fields and returns half a
million objects from a library of 10,000 documents. This cost can: as GitHub's and Shopify's
GraphQL APIs count it, a field inside a list costs once per item the list can hold, so nested
lists multiply.

How long a list can be is known, not guessed:

- a connection's ``edges`` and ``nodes`` (and a sync page's ``items``) hold at most the page size
  the query asks for (its ``first``/``last``, or ``pageSize``), else the default, and a variable
  counts as the value the request gives it;
- every other list holds at most what the content being served has: the number of documents,
  the most sections any document has, the most blocks any section has… (:func:`list_lengths`,
  worked out once per content version).

So the cost is an upper bound of the objects the answer can hold, for this content. It is
worked out before execution, per request (variables change it). The walk visits each field of
the query once per place it is spread, which the text limits already bound (they count fields
with fragments expanded and refuse a fragment bomb), so the exact cost is always worked out.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_list_type,
    is_non_null_type,
)

from api.content.snapshot import Snapshot
from api.content.sync_pages import DEFAULT_PAGE_ITEMS, MAX_PAGE_ITEMS
from api.listing import filters
from api.listing.collation import alphabet
from api.listing.pages import DEFAULT_PAGE, MAX_PAGE
from api.schema.publishing import DEFAULT_PUBLICATIONS, MAX_LISTED, MAX_PUBLICATIONS
from api.schema.query import MAX_FIRST, SEARCH_FIRST
from api.search.text import SNIPPET_CHARS


def list_lengths(snapshot: Snapshot) -> dict[str, int]:
    """The longest each list field can be in ``snapshot``, by ``"Type.field"`` (one walk of the library).

    Lists inside a page (edges, nodes, items) and ``search`` are sized by their arguments instead.
    """
    content = snapshot.content
    links = filters.links(snapshot)
    longest: dict[str, int] = dict.fromkeys(
        ("sources", "sections", "roles", "factors", "blocks", "section_treatments", "section_terms", "block_terms",
         "treatment", "role", "factor"), 0)

    def keep(name: str, length: int) -> None:
        if length > longest[name]:
            longest[name] = length

    for document in content.documents:
        keep("sources", len(document.source_ids))
        keep("sections", len(document.sections))
        shown: dict[str, set[str]] = {"role": set(), "factor": set()}
        for section in document.sections:
            keep("blocks", len(section.blocks))
            treatments: set[str] = set()
            terms: set[str] = set()
            for block in section.blocks:
                keep("block_terms", len(block.term_ids))
                terms.update(block.term_ids)
                refers = block.referenced()
                if refers is not None:
                    kind, ids = refers
                    keep(kind, len(ids))
                    if kind == "treatment":
                        treatments.update(ids)
                    else:
                        shown[kind].update(ids)
            keep("section_treatments", len(treatments))
            keep("section_terms", len(terms))
        keep("roles", len(shown["role"]))
        keep("factors", len(shown["factor"]))

    def most(values: Any) -> int:
        return max(values, default=0)

    locales = len(content.locales)
    by_category: dict[str, int] = {}
    for treatment in content.treatments:
        by_category[treatment.category] = by_category.get(treatment.category, 0) + 1
    return {
        "Query.documents": len(content.documents), "Query.treatments": len(content.treatments),
        "Query.glossary": len(content.glossary), "Query.treatmentCategories": len(content.treatment_categories),
        "Query.strings": len(content.strings), "Query.locales": locales,
        "Query.glossaryLetters": most(len(alphabet(code)) for code in snapshot.locales) + 1,
        "SyncPayload.documents": len(content.documents) * locales,
        "Document.sources": longest["sources"], "Document.sections": longest["sections"],
        "Document.treatments": most(len(v) for v in links.treatments_by_document.values()),
        "Document.careTeam": longest["roles"], "Document.decisionFactors": longest["factors"],
        "Document.glossary": most(len(v) for v in links.terms_by_document.values()),
        "Document.readingLevels": locales,
        "Institution.facts": len(content.institution.facts),
        "Section.blocks": longest["blocks"],
        "Section.treatments": longest["section_treatments"], "Section.terms": longest["section_terms"],
        "Block.terms": longest["block_terms"],
        "TreatmentsBlock.treatments": longest["treatment"], "CareTeamBlock.roles": longest["role"],
        "DecisionFactorsBlock.factors": longest["factor"],
        "Treatment.institutionFacts": most(len(t.institution_facts) for t in content.treatments),
        "Treatment.terms": most(len(t.term_ids) for t in content.treatments),
        "TreatmentCategory.treatments": most(by_category.values()),
        "SearchHit.highlights": SNIPPET_CHARS // 2,  # a match is a word: at least a letter and a space
        "Query.publications": MAX_PUBLICATIONS, "Publication.documents": MAX_LISTED,
        "Publication.records": MAX_LISTED, "Publication.outdatedTranslations": MAX_LISTED,
        "ChangedRecord.locales": locales,
    }


_lengths: weakref.WeakKeyDictionary[Snapshot, dict[str, int]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def lengths_of(snapshot: Snapshot) -> dict[str, int]:
    """:func:`list_lengths` of ``snapshot``, worked out once (kept with the snapshot)."""
    with _lock:
        found = _lengths.get(snapshot)
        if found is None:
            found = _lengths[snapshot] = list_lengths(snapshot)
        return found


def _int_argument(node: FieldNode, name: str, variables: Mapping[str, Any]) -> int | None:
    for argument in node.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            return given if isinstance(given, int) and not isinstance(given, bool) else None
    return None


def _has_argument(node: FieldNode, name: str) -> bool:
    return any(a.name.value == name for a in node.arguments or ())


def page_size(parent: str, returns: str, node: FieldNode, variables: Mapping[str, Any]) -> int | None:
    """How many items the page a field returns can hold; None when the field returns no page."""
    if node.name.value == "syncPage" and parent == "Query":
        asked = _int_argument(node, "pageSize", variables)
        if asked is not None:
            return max(0, min(asked, MAX_PAGE_ITEMS))
        return MAX_PAGE_ITEMS if _has_argument(node, "token") else DEFAULT_PAGE_ITEMS  # a chain keeps its size
    if not returns.endswith("Connection"):
        return None
    sizes = [s for s in (_int_argument(node, "first", variables), _int_argument(node, "last", variables))
             if s is not None]
    unknown = [n for n in ("first", "last") if _has_argument(node, n) and _int_argument(node, n, variables) is None]
    if unknown and not sizes:
        return MAX_PAGE
    return max(0, min(min(sizes) if sizes else DEFAULT_PAGE, MAX_PAGE))


PAGE_LISTS = {"edges", "nodes", "items"}  # the lists a page holds: as long as the page


def cost_of(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
            variables: Mapping[str, Any] | None, lengths: Mapping[str, int]) -> int:
    """The cost of ``operation`` with these variables, for content of these list lengths."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    variables = variables or {}
    fallback = max(lengths.values(), default=1)  # a list this table does not know: the longest list
    total = 0

    def length(parent: GraphQLNamedType, name: str, node: FieldNode, page: int | None) -> int:
        if parent.name == "Query" and name == "search":
            asked = _int_argument(node, "first", variables)
            return SEARCH_FIRST if asked is None and not _has_argument(node, "first") else \
                max(0, min(asked if asked is not None else MAX_FIRST, MAX_FIRST))
        if parent.name == "Query" and name == "publications":
            asked = _int_argument(node, "first", variables)
            return DEFAULT_PUBLICATIONS if asked is None and not _has_argument(node, "first") else \
                max(0, min(asked if asked is not None else MAX_PUBLICATIONS, MAX_PUBLICATIONS))
        if name in PAGE_LISTS and page is not None:
            return page
        found = lengths.get(f"{parent.name}.{name}")
        if found is None:
            for interface in getattr(parent, "interfaces", ()):
                found = lengths.get(f"{interface.name}.{name}")
                if found is not None:
                    break
        return fallback if found is None else found

    def walk(selections: SelectionSetNode | None, parent: Any, times: int, page: int | None,
             seen: frozenset[str]) -> None:
        nonlocal total
        if selections is None:
            return
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                total += times
                if name.startswith("__"):  # introspection: its lists are the schema's, counted as text
                    _count_text(selection.selection_set)
                    continue
                field = getattr(parent, "fields", {}).get(name)
                if field is None:
                    continue
                inner = field.type.of_type if is_non_null_type(field.type) else field.type
                child_times = times * length(parent, name, selection, page) if is_list_type(inner) else times
                returns = get_named_type(field.type)
                child_page = page_size(parent.name, returns.name, selection, variables)
                walk(selection.selection_set, returns, child_times,
                     child_page if child_page is not None else page, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                walk(selection.selection_set, schema.get_type(condition.name.value) if condition else parent,
                     times, page, seen)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None and fragment.name.value not in seen:
                    walk(fragment.selection_set, schema.get_type(fragment.type_condition.name.value), times, page,
                         seen | {fragment.name.value})

    def _count_text(selections: SelectionSetNode | None, seen: frozenset[str] = frozenset()) -> None:
        nonlocal total
        if selections is None:
            return
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += 1
                _count_text(selection.selection_set, seen)
            elif isinstance(selection, InlineFragmentNode):
                _count_text(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None and fragment.name.value not in seen:
                    _count_text(fragment.selection_set, seen | {fragment.name.value})

    root = schema.query_type if operation.operation.value == "query" else None
    if root is None:
        return 0
    walk(operation.selection_set, root, 1, None, frozenset())
    return total
