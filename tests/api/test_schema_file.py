"""``schema.graphql`` is exactly the schema the server serves."""

from __future__ import annotations

from api.schema.print import sdl
from tests.server import ROOT


def test_schema_graphql_matches_the_served_schema() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == sdl(), "schema.graphql is stale: run `make schema`"


def test_every_type_and_field_is_described() -> None:
    from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

    from api.schema import schema

    missing = []
    for name, gtype in schema.graphql_schema.type_map.items():
        if name.startswith("__") or not isinstance(
                gtype, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            continue
        if not gtype.description:
            missing.append(name)
        missing += [f"{name}.{field}" for field, f in gtype.fields.items() if not f.description]
    assert missing == []
