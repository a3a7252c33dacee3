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
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

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
from api.schema.localize import localize, localized_resolver, text

_new = tuple.__new__  # how a NamedTuple (GraphQLResolveInfo) is made from a prepared tuple

# How a field gets its value.
CALL, LOCALIZED, ATTRIBUTE, TYPENAME = range(4)


class _Bail(Exception):
    """The plan would not give graphql-core's answer here; graphql-core gives it."""


class Run:
    """What one request adds to a plan: its variables and context (the tail of every resolve info)."""

    __slots__ = ("tail", "variables")

    def __init__(self, context: ExecutionContext) -> None:
        self.variables = context.variable_values
        self.tail = (context.schema, context.fragments, context.root_value, context.operation,
                     context.variable_values, context.context_value, context.is_awaitable)


Completer = Callable[[Any, Any, Any, Run], Any]


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
            raise _Bail
        self.root = root
        self.steps = self._steps(root, collect_fields(schema, self.fragments, {}, root, operation.selection_set))

    def run(self, context: ExecutionContext) -> dict[str, Any]:
        return _fields(self.steps, self.root.name, context.root_value, None, Run(context))

    # ---- planning ------------------------------------------------------------------------------

    def _steps(self, parent: GraphQLObjectType, fields: dict[str, list[FieldNode]]) -> list[tuple]:
        steps = []
        for name, nodes in fields.items():
            field_name = nodes[0].name.value
            if field_name in {"__schema", "__type"}:
                raise _Bail
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
            head = (field_name, nodes, definition.type, parent)
            steps.append((name, kind, resolve, attname, default, head, definition, nodes,
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
        raise _Bail  # pragma: no cover - every output type is one of the above

    def _object(self, type_: GraphQLObjectType, nodes: list[FieldNode]) -> Completer:
        steps = self._steps(type_, collect_sub_fields(self.schema, self.fragments, {}, type_, nodes))
        name, is_type_of = type_.name, type_.is_type_of

        def complete_object(value: Any, info: Any, path: Any, run: Run) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception) or (is_type_of is not None and not is_type_of(value, info)):
                raise _Bail
            return _fields(steps, name, value, path, run)

        return complete_object

    def _abstract(self, type_: Any, nodes: list[FieldNode]) -> Completer:
        resolve_type = type_.resolve_type or default_type_resolver
        by_name: dict[str, Completer] = {}

        def complete_abstract(value: Any, info: Any, path: Any, run: Run) -> Any:
            if value is None or value is Undefined:
                return None
            if isinstance(value, Exception):
                raise _Bail
            name = resolve_type(value, info, type_)
            if not isinstance(name, str):
                raise _Bail
            completer = by_name.get(name)
            if completer is None:
                runtime = self.schema.get_type(name)
                if runtime is None or not is_object_type(runtime) or not self.schema.is_sub_type(type_, runtime):
                    raise _Bail
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
    def complete_non_null(value: Any, info: Any, path: Any, run: Run) -> Any:
        completed = inner(value, info, path, run)
        if completed is None:
            raise _Bail
        return completed

    return complete_non_null


def _list(inner: Completer, items_need_info: bool) -> Completer:
    def complete_list(value: Any, info: Any, path: Any, run: Run) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception) or (type(value) is not list and not is_iterable(value)):
            raise _Bail
        if not items_need_info:
            return [inner(item, None, None, run) for item in value]
        return [inner(item, info, _new(Path, (path, index, None)), run) for index, item in enumerate(value)]

    return complete_list


def _leaf(type_: Any) -> Completer:
    serialize = type_.serialize
    strings = type_ is GraphQLString or type_ is GraphQLID  # a str serializes to itself

    def complete_leaf(value: Any, info: Any, path: Any, run: Run) -> Any:
        if strings and type(value) is str:
            return value
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise _Bail
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            raise _Bail
        return serialized

    return complete_leaf


def _fields(steps: list[tuple], parent_name: str, source: Any, path: Any, run: Run) -> dict[str, Any]:
    results = {}
    tail = run.tail
    for name, kind, resolve, attname, default, head, definition, nodes, complete, needs_info, is_text in steps:
        info = field_path = None
        if kind == LOCALIZED:
            raw = getattr(source.value, attname, default)
            if isinstance(raw, LocalizedText):
                value = raw.get(source.locale)
                if value is None:  # falls back to another language: recorded with the field's path
                    field_path = _new(Path, (path, name, parent_name))
                    value = text(raw, source.locale, _new(GraphQLResolveInfo, (*head, field_path, *tail)))
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
            continue
        if needs_info and info is None:
            field_path = field_path or _new(Path, (path, name, parent_name))
            info = _new(GraphQLResolveInfo, (*head, field_path, *tail))
        results[name] = complete(value, info, field_path, run)
    return results


class _HasDirectives(Visitor):
    found = False

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.found = True


def plan_for(plans: dict[str | None, Plan | None], schema: GraphQLSchema, document: DocumentNode,
             operation_name: str | None) -> Plan | None:
    """The plan of ``operation_name`` in ``document`` (kept in ``plans``), or None when it has none."""
    if operation_name in plans:
        return plans[operation_name]
    plan = None
    directives = _HasDirectives()
    visit(document, directives)
    if not directives.found:  # @skip/@include depend on variables: those documents are not planned
        try:
            plan = Plan(schema, document, operation_name)
        except _Bail:
            plan = None
    plans[operation_name] = plan
    return plan


def execute_planned(plans: dict[str | None, Plan | None], schema: GraphQLSchema, document: DocumentNode,
                    new_context: Callable[[], Any], variable_values: dict[str, Any] | None,
                    operation_name: str | None) -> tuple[Any, Any]:
    """(the execution result, the context it ran with): the plan's when it gives one, else graphql-core's."""
    plan = plan_for(plans, schema, document, operation_name)
    if plan is not None:
        context_value = new_context()
        context = ExecutionContext.build(schema, document, None, context_value, variable_values, operation_name)
        if not isinstance(context, list):
            try:
                return ExecutionResult(plan.run(context), None), context_value
            except Exception:  # noqa: S110 - any trouble: graphql-core answers, errors and all
                pass
    context_value = new_context()
    return execute(schema, document, context_value=context_value, variable_values=variable_values,
                   operation_name=operation_name), context_value
