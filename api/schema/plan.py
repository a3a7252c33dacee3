"""Running a validated query with a plan made once per document, giving graphql-core's answer.

graphql-core's executor works out again, for every field of every object of every request,
what the query text already fixes: the field's definition, its resolver, its return type and
how to complete the value. It also builds a resolve info and a path for every field, checks
every value for awaitables and guards every level against errors. For a full page (about a
hundred selections, over a thousand resolved fields) that is most of a request's time.

A plan walks the selections once per document and operation and keeps, per field, what to call
and how to complete the value; a request then only makes the calls. Two resolvers are done
inline because that is the same thing: reading a localized text in its locale (the resolve info
and its path are only built when the text falls back to another language, the one case that
reads them) and graphene's default attribute-or-key resolver.

Plans cover what clients send: query operations without directives or introspection fields
(``__typename`` is fine). Other documents get no plan. Any exception while running a plan (a
resolver error, a null in a non-null field, a value that does not serialize) drops its work
and runs graphql-core's ``execute`` from the start with a fresh context, so every error answer,
and every answer outside the covered case, is graphql-core's own. Our resolvers have no side
effects beyond their request's context and memoized caches, so running one twice is safe.

A fallback is never silent: :class:`Planner` counts each one by its cause and logs it (an answer
with errors at debug level; any other exception, which means a broken plan or resolver, as a
warning with its traceback), so a broken plan shows as a count and a log line, not as slowness.

The plan leans on three things of graphql-core 3.2 that are not its documented API:
``collect_fields``/``collect_sub_fields``, ``get_argument_values``, and the fields of
``GraphQLResolveInfo``, which it builds by name (see :data:`INFO_HEAD`). Should they change,
:func:`unsupported` says why and every document runs on graphql-core; a test fails loudly.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

from graphene.types.resolver import dict_or_attr_resolver
from graphql import (
    DirectiveNode,
    DocumentNode,
    ExecutionContext,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLID,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    OperationType,
    TypeNameMetaFieldDef,
    default_field_resolver,
    default_type_resolver,
    execute,
    get_operation_ast,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import collect_fields, collect_sub_fields
from graphql.execution.values import get_argument_values
from graphql.language import Visitor, visit
from graphql.pyutils import Path, Undefined, is_iterable

from api.content.model import LocalizedText
from api.schema.budget import BudgetedExecutionContext
from api.schema.localize import localize, localized_resolver, note_if_outdated, text

log = logging.getLogger("clara.plan")

_new = tuple.__new__  # how a NamedTuple (GraphQLResolveInfo) is made from a prepared tuple

# A resolve info is made of what the plan fixes per field (its head), the field's path, and what
# the request fixes (its tail, with the ExecutionContext attribute each is read from). It is made
# as one tuple, ``(*head, path, *tail)``, in the order GraphQLResolveInfo declares its fields:
# that order is read from graphql-core, never assumed.
INFO_HEAD = ("field_name", "field_nodes", "return_type", "parent_type")
INFO_TAIL = {"schema": "schema", "fragments": "fragments", "root_value": "root_value",
             "operation": "operation", "variable_values": "variable_values", "context": "context_value",
             "is_awaitable": "is_awaitable"}


def unsupported() -> str | None:
    """Why plans cannot run on the installed graphql-core, or None when they can."""
    fields = GraphQLResolveInfo._fields
    if "path" not in fields:
        return "GraphQLResolveInfo has no path field"
    at = fields.index("path")
    if set(fields[:at]) != set(INFO_HEAD) or set(fields[at + 1:]) != set(INFO_TAIL):
        return f"GraphQLResolveInfo's fields changed: {fields}"
    missing = [name for name in INFO_TAIL.values() if not hasattr(ExecutionContext, name)
               and name not in getattr(ExecutionContext, "__annotations__", {})]
    return f"ExecutionContext lacks {missing}" if missing else None


_PATH_AT = GraphQLResolveInfo._fields.index("path") if "path" in GraphQLResolveInfo._fields else 0
_HEAD_ORDER = GraphQLResolveInfo._fields[:_PATH_AT]
_TAIL_ORDER = tuple(INFO_TAIL.get(name, "") for name in GraphQLResolveInfo._fields[_PATH_AT + 1:])
UNSUPPORTED = unsupported()
if UNSUPPORTED:  # pragma: no cover - only on a graphql-core this planner was not written for
    log.warning("query plans are off, every query runs on graphql-core: %s", UNSUPPORTED)

# How a field gets its value.
CALL, LOCALIZED, ATTRIBUTE, TYPENAME = range(4)


class _GraphQLCoreAnswers(Exception):
    """The plan would not give graphql-core's answer here; graphql-core gives it."""


class RequestPart:
    """What one request adds to a plan: its variables and context (the tail of every resolve info)."""

    __slots__ = ("budget", "outdated", "tail", "variables")

    def __init__(self, context: ExecutionContext) -> None:
        self.variables = context.variable_values
        self.tail = tuple(getattr(context, name) for name in _TAIL_ORDER)
        self.budget = getattr(context.context_value, "budget", None)  # spent once per object completed
        snapshot = getattr(context.context_value, "snapshot", None)
        self.outdated = snapshot.translations.by_text if snapshot is not None else {}  # usually empty


Completer = Callable[[Any, Any, Any, RequestPart], Any]


class Step(NamedTuple):
    """How one selected field of one object type is answered."""

    response_name: str  # the key in the answer (the alias, or the field's name)
    kind: int  # CALL, LOCALIZED, ATTRIBUTE or TYPENAME
    resolve: Callable[..., Any]
    attname: str | None  # LOCALIZED and ATTRIBUTE: the attribute read
    default: Any  # … and its default
    head: tuple[Any, ...]  # the field's part of a resolve info (see INFO_HEAD)
    definition: Any  # the GraphQLField
    nodes: list[FieldNode]
    complete: Completer
    needs_info: bool  # whether completing the value reads the resolve info
    is_text: bool  # String or ID: a str value is its own answer


class Plan:
    """The fields of one query operation, ready to run."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> None:
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        try:
            operation = get_operation_ast(document, operation_name)
        except GraphQLError:
            operation = None
        root = schema.query_type
        if operation is None or operation.operation is not OperationType.QUERY or root is None:
            raise _GraphQLCoreAnswers
        self.root = root
        self.steps = self._steps(root, collect_fields(schema, self.fragments, {}, root, operation.selection_set))

    def run(self, context: ExecutionContext) -> dict[str, Any]:
        return _fields(self.steps, self.root.name, context.root_value, None, RequestPart(context))

    # ---- planning ------------------------------------------------------------------------------

    def _steps(self, parent: GraphQLObjectType, fields: dict[str, list[FieldNode]]) -> list[Step]:
        steps = []
        for name, nodes in fields.items():
            field_name = nodes[0].name.value
            if field_name in {"__schema", "__type"}:
                raise _GraphQLCoreAnswers
            definition = TypeNameMetaFieldDef if field_name == "__typename" else parent.fields.get(field_name)
            if definition is None:
                continue  # as graphql-core: a field the type does not have is left out
            resolve = definition.resolve or default_field_resolver
            kind, attname, default = CALL, None, None
            if field_name == "__typename":
                kind = TYPENAME
            elif isinstance(resolve, partial) and not resolve.keywords and not definition.args:
                if resolve.func is localized_resolver:
                    kind, (attname, default) = LOCALIZED, resolve.args
                elif resolve.func is dict_or_attr_resolver:
                    kind, (attname, default) = ATTRIBUTE, resolve.args
            by_name = {"field_name": field_name, "field_nodes": nodes, "return_type": definition.type,
                       "parent_type": parent}
            head = tuple(by_name[n] for n in _HEAD_ORDER)
            steps.append(Step(name, kind, resolve, attname, default, head, definition, nodes,
                              self._completer(definition.type, nodes), _needs_info(definition.type),
                              _is_text(definition.type)))
        return steps

    def _completer(self, type_: GraphQLOutputType, nodes: list[FieldNode]) -> Completer:
        if is_non_null_type(type_):
            return _non_null(self._completer(type_.of_type, nodes))  # type: ignore[attr-defined]
        if is_list_type(type_):
            item = type_.of_type  # type: ignore[attr-defined]
            return _list(self._completer(item, nodes), _needs_info(item))
        if is_leaf_type(type_):
            return _leaf(type_)
        if is_abstract_type(type_):
            return self._abstract(type_, nodes)
        if is_object_type(type_):
            return self._object(type_, nodes)  # type: ignore[arg-type]
        raise _GraphQLCoreAnswers  # pragma: no cover - every output type is one of the above

    def _object(self, type_: GraphQLObjectType, nodes: list[FieldNode]) -> Completer:
        steps = self._steps(type_, collect_sub_fields(self.schema, self.fragments, {}, type_, nodes))
        name, is_type_of = type_.name, type_.is_type_of

        def complete_object(value: Any, info: Any, path: Any, run: RequestPart) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception) or (is_type_of is not None and not is_type_of(value, info)):
                raise _GraphQLCoreAnswers
            return _fields(steps, name, value, path, run)

        return complete_object

    def _abstract(self, type_: Any, nodes: list[FieldNode]) -> Completer:
        resolve_type = type_.resolve_type or default_type_resolver
        by_name: dict[str, Completer] = {}

        def complete_abstract(value: Any, info: Any, path: Any, run: RequestPart) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception):
                raise _GraphQLCoreAnswers
            name = resolve_type(value, info, type_)
            if not isinstance(name, str):
                raise _GraphQLCoreAnswers
            completer = by_name.get(name)
            if completer is None:
                runtime = self.schema.get_type(name)
                if runtime is None or not is_object_type(runtime) or not self.schema.is_sub_type(type_, runtime):
                    raise _GraphQLCoreAnswers
                completer = by_name[name] = self._object(runtime, nodes)  # type: ignore[arg-type]
            return completer(value, info, path, run)

        return complete_abstract


def _needs_info(type_: Any) -> bool:
    """Whether completing a value of this type reads the resolve info and path (objects do; leaves do not)."""
    while is_non_null_type(type_) or is_list_type(type_):
        type_ = type_.of_type
    return not is_leaf_type(type_)


def _is_text(type_: Any) -> bool:
    """Whether the type is String or ID (nullable or not): a str value completes to itself."""
    if is_non_null_type(type_):
        type_ = type_.of_type
    return type_ is GraphQLString or type_ is GraphQLID


def _non_null(inner: Completer) -> Completer:
    def complete_non_null(value: Any, info: Any, path: Any, run: RequestPart) -> Any:
        completed = inner(value, info, path, run)
        if completed is None:
            raise _GraphQLCoreAnswers
        return completed

    return complete_non_null


def _list(inner: Completer, items_need_info: bool) -> Completer:
    def complete_list(value: Any, info: Any, path: Any, run: RequestPart) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception) or (type(value) is not list and not is_iterable(value)):
            raise _GraphQLCoreAnswers
        if not items_need_info:
            return [inner(item, None, None, run) for item in value]
        return [inner(item, info, _new(Path, (path, index, None)), run) for index, item in enumerate(value)]

    return complete_list


def _leaf(type_: Any) -> Completer:
    serialize = type_.serialize
    strings = type_ is GraphQLString or type_ is GraphQLID  # a str serializes to itself

    def complete_leaf(value: Any, info: Any, path: Any, run: RequestPart) -> Any:
        if strings and type(value) is str:
            return value
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise _GraphQLCoreAnswers
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            raise _GraphQLCoreAnswers
        return serialized

    return complete_leaf


def _fields(steps: list[Step], parent_name: str, source: Any, path: Any, run: RequestPart) -> dict[str, Any]:
    results = {}
    tail = run.tail
    produced = 0  # characters of text this object holds itself
    for name, kind, resolve, attname, default, head, definition, nodes, complete, needs_info, is_text in steps:
        info = field_path = None
        if kind == LOCALIZED:
            raw = getattr(source.value, attname, default)
            if isinstance(raw, LocalizedText):
                value = raw.get(source.locale)
                if value is None:  # falls back to another language: recorded with the field's path
                    field_path = _new(Path, (path, name, parent_name))
                    value = text(raw, source.locale, _new(GraphQLResolveInfo, (*head, field_path, *tail)))
                elif run.outdated and id(raw) in run.outdated:  # an outdated translation: recorded too
                    field_path = _new(Path, (path, name, parent_name))
                    note_if_outdated(raw, source.locale, _new(GraphQLResolveInfo, (*head, field_path, *tail)))
            else:
                field_path = _new(Path, (path, name, parent_name))
                info = _new(GraphQLResolveInfo, (*head, field_path, *tail))
                value = localize(raw, source.locale, info)
        elif kind == ATTRIBUTE:
            value = source.get(attname, default) if isinstance(source, dict) else getattr(source, attname, default)
        elif kind == TYPENAME:
            value = parent_name
        else:
            field_path = _new(Path, (path, name, parent_name))
            info = _new(GraphQLResolveInfo, (*head, field_path, *tail))
            args = get_argument_values(definition, nodes[0], run.variables) if definition.args else {}
            value = resolve(source, info, **args)
        if is_text and type(value) is str:
            results[name] = value
            produced += len(value)
            continue
        if needs_info and info is None:
            field_path = field_path or _new(Path, (path, name, parent_name))
            info = _new(GraphQLResolveInfo, (*head, field_path, *tail))
        results[name] = complete(value, info, field_path, run)
    if run.budget is not None:
        run.budget.spend(len(steps), produced)
    return results


class _HasDirectives(Visitor):
    found = False

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.found = True


class Planner:
    """Plans run for one schema, and a count of the answers graphql-core gave instead, by cause.

    ``fallbacks["errors"]``: the answer has errors, which graphql-core writes (expected, debug log);
    ``fallbacks[<exception name>]``: a plan or resolver broke (a warning with its traceback).
    """

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.fallbacks: Counter[str] = Counter()

    def plan_for(self, plans: dict[str | None, Plan | None], document: DocumentNode,
                 operation_name: str | None) -> Plan | None:
        """The plan of ``operation_name`` in ``document`` (kept in ``plans``), or None when it has none."""
        if operation_name in plans:
            return plans[operation_name]
        plan = None
        directives = _HasDirectives()
        visit(document, directives)
        if not directives.found and UNSUPPORTED is None:  # @skip/@include depend on variables: not planned
            try:
                plan = Plan(self.schema, document, operation_name)
            except _GraphQLCoreAnswers:
                plan = None
        plans[operation_name] = plan
        return plan

    def execute(self, plans: dict[str | None, Plan | None], document: DocumentNode, new_context: Callable[[], Any],
                variable_values: dict[str, Any] | None, operation_name: str | None) -> tuple[Any, Any]:
        """(the execution result, the context it ran with): the plan's when it gives one, else graphql-core's."""
        plan = self.plan_for(plans, document, operation_name)
        if plan is not None:
            context_value = new_context()
            context = ExecutionContext.build(self.schema, document, None, context_value, variable_values,
                                             operation_name)
            if not isinstance(context, list):
                try:
                    return ExecutionResult(plan.run(context), None), context_value
                except (_GraphQLCoreAnswers, GraphQLError):
                    self.fallbacks["errors"] += 1
                    log.debug("an answer with errors: graphql-core writes it")
                except Exception as exc:  # a broken plan or resolver: graphql-core answers, and we say so
                    self.fallbacks[type(exc).__name__] += 1
                    log.warning("a query plan failed (%s); graphql-core answered instead", type(exc).__name__,
                                exc_info=True)
        context_value = new_context()
        return execute(self.schema, document, context_value=context_value, variable_values=variable_values,
                       operation_name=operation_name, execution_context_class=BudgetedExecutionContext), context_value
