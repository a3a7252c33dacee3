"""Validation rules that bound what one query's text may ask: depth, aliases and total fields.

graphql-core caps tokens at parse time; nothing caps breadth. This rule walks each operation
once, expanding fragments, and stops counting as soon as a limit is passed, so a fragment bomb
costs us no more than the limit. What the lists in a query return is the cost's to bound
(:mod:`api.schema.cost`); its walk is bounded by the field count checked here. Introspection
(``__schema``/``__type``) is not counted for depth: GraphiQL's own introspection query is deep by
nature, and its breadth still counts as fields.
"""

from __future__ import annotations

import contextlib
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

from api.settings import Limits


class _TooMuch(Exception):
    pass


def limits_rule(limits: Limits) -> type[ValidationRule]:
    """A validation rule class enforcing ``limits`` (graphql-core takes rule classes)."""

    class QueryLimitsRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.fragments: dict[str, FragmentDefinitionNode] = {}

        def enter_document(self, node: Any, *_: Any) -> None:
            self.fragments = {
                d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)
            }

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> Any:
            counts = {"fields": 0, "aliases": 0, "depth": 0}
            with contextlib.suppress(_TooMuch):  # counting stops at the first limit passed
                self._walk(node.selection_set, 1, counts, frozenset(), introspection=False)
            name = f" {node.name.value!r}" if node.name else ""
            if counts["depth"] > limits.max_depth:
                self.report_error(GraphQLError(
                    f"Operation{name} is nested too deeply: depth {counts['depth']}, the most is "
                    f"{limits.max_depth}.", node,
                    extensions={"code": "QUERY_TOO_DEEP", "depth": counts["depth"], "maxDepth": limits.max_depth},
                ))
            if counts["aliases"] > limits.max_aliases:
                self.report_error(GraphQLError(
                    f"Operation{name} uses too many aliases: {counts['aliases']}, the most is "
                    f"{limits.max_aliases}.", node,
                    extensions={"code": "TOO_MANY_ALIASES", "aliases": counts["aliases"],
                                "maxAliases": limits.max_aliases},
                ))
            if counts["fields"] > limits.max_fields:
                self.report_error(GraphQLError(
                    f"Operation{name} names too many fields: at least {counts['fields']} with its fragments "
                    f"expanded, the most is {limits.max_fields}. Ask for fewer fields or split the query.", node,
                    extensions={"code": "TOO_MANY_FIELDS", "fields": counts["fields"],
                                "maxFields": limits.max_fields},
                ))
            return self.SKIP

        def _walk(self, selection_set: SelectionSetNode | None, depth: int, counts: dict[str, int],
                  seen: frozenset[str], introspection: bool) -> None:
            if selection_set is None:
                return
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    counts["fields"] += 1
                    if selection.alias is not None:
                        counts["aliases"] += 1
                    inside = introspection or selection.name.value.startswith("__")
                    if not inside:
                        counts["depth"] = max(counts["depth"], depth)
                    if (counts["fields"] > limits.max_fields or counts["depth"] > limits.max_depth
                            or counts["aliases"] > limits.max_aliases):
                        raise _TooMuch
                    self._walk(selection.selection_set, depth + (0 if inside else 1), counts, seen, inside)
                elif isinstance(selection, InlineFragmentNode):
                    self._walk(selection.selection_set, depth, counts, seen, introspection)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is not None and name not in seen:  # cycles are reported by another rule
                        self._walk(fragment.selection_set, depth, counts, seen | {name}, introspection)

    return QueryLimitsRule
