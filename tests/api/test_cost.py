"""A query's cost counts every field once per item of the lists it sits in.

Pages count as their size (``first``/``last``, a variable's value, or the default); every other
list as the longest the served content has. The cost is an upper bound of what the answer holds.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import get_named_type, get_operation_ast, is_list_type, is_non_null_type, is_object_type, parse

from api.schema import schema
from api.schema.cost import PAGE_LISTS, cost_of, lengths_of
from api.settings import Limits
from tests.inprocess import InProcess

SCHEMA = schema.graphql_schema


def cost(app: InProcess, query: str, **variables: Any) -> int:
    document = parse(query)
    return cost_of(SCHEMA, document, get_operation_ast(document), variables, lengths_of(app.live.current))


def test_nested_lists_multiply(app) -> None:
    lengths = lengths_of(app.live.current)
    assert lengths["Query.documents"] == 1 and lengths["Document.sections"] == 12
    # documents (1) + sections (1 per document) + heading (once per section)
    assert cost(app, "{ documents { sections { heading } } }") == 1 + 1 + 12
    blocks = lengths["Section.blocks"]
    assert cost(app, "{ documents { sections { blocks { id } } } }") == 1 + 1 + 12 + 12 * blocks


def test_a_page_counts_as_its_size(app) -> None:
    assert cost(app, "{ documentsConnection(first: 5) { nodes { title } } }") == 1 + 1 + 5
    # the connection, edges, then cursor, node and title once per edge
    assert cost(app, "{ documentsConnection(last: 3) { edges { cursor node { title } } } }") == 1 + 1 + 3 * 3
    assert cost(app, "{ documentsConnection { nodes { title } } }") == 1 + 1 + 20  # the default page


def test_a_page_size_in_a_variable_counts_as_its_value(app) -> None:
    query = "query($n: Int) { documentsConnection(first: $n) { nodes { title summary } } }"
    assert cost(app, query, n=4) == 1 + 1 + 4 * 2
    assert cost(app, query) == 1 + 1 + 100 * 2  # not given: the most a page holds


def test_pages_inside_pages_multiply(app) -> None:
    query = "{ treatmentsConnection(first: 10) { nodes { documents(first: 5) { nodes { slug } } } } }"
    # treatments' connection and nodes, then per treatment: documents, its nodes, and 5 slugs
    assert cost(app, query) == 1 + 1 + 10 * (1 + 1 + 5)


def test_a_sync_page_counts_its_items_by_its_size(app) -> None:
    assert cost(app, "{ syncPage(pageSize: 50) { items { id } } }") == 1 + 1 + 50
    assert cost(app, '{ syncPage(token: "t") { items { id } } }') == 1 + 1 + 500  # a chain keeps its size
    assert cost(app, "{ syncPage { items { id } } }") == 1 + 1 + 200


def test_every_list_of_objects_in_the_schema_has_a_known_length(app) -> None:
    lengths = lengths_of(app.live.current)
    unknown = []
    for type_ in SCHEMA.type_map.values():
        if type_.name.startswith("__") or not is_object_type(type_):
            continue
        for name, field in type_.fields.items():
            inner = field.type.of_type if is_non_null_type(field.type) else field.type
            if not is_list_type(inner) or not hasattr(get_named_type(inner), "fields"):
                continue
            interfaces = [i.name for i in type_.interfaces]
            known = f"{type_.name}.{name}" in lengths or any(f"{i}.{name}" in lengths for i in interfaces)
            if not known and name not in PAGE_LISTS and (type_.name, name) != ("Query", "search"):
                unknown.append(f"{type_.name}.{name}")
    assert unknown == []


def _objects(value: Any) -> int:
    """Every field of the answer (a leaf is one, an object one plus its fields, a list its items)."""
    if isinstance(value, dict):
        return sum(1 + _objects(v) if not isinstance(v, list) else 1 + sum(_objects(i) for i in v)
                   for v in value.values())
    return 0


FULL_PAGE = """{ document(slug: "liver-metastases-treatment") { title sections { heading blocks { id type
  terms { term definition } ... on ParagraphBlock { text } ... on ListBlock { items }
  ... on TreatmentsBlock { treatments { name summary category { name } terms { term } } }
  ... on CareTeamBlock { roles { name description } } } } glossary { term definition } treatments { name } } }"""


@pytest.mark.parametrize("query", [FULL_PAGE, "{ documents { sections { blocks { id terms { id } } } } }",
                                   "{ treatments { category { treatments { id name } } } }"])
def test_the_cost_is_at_least_what_the_answer_holds(app, query: str) -> None:
    answer = app.client.post("/graphql", json={"query": query}).json()
    assert "errors" not in answer
    assert _objects(answer["data"]) <= cost(app, query)


def test_a_query_over_the_cost_is_refused_with_the_cost_and_the_limit(own_app) -> None:
    app = own_app(MAX_COST="50", EXECUTION_RATE="0")
    query = "{ documents { sections { blocks { id } } } }"
    expected = cost(app, query)
    answer = app.client.post("/graphql", json={"query": query}, headers={"Accept": "application/graphql-response+json"})
    assert answer.status_code == 400
    error = answer.json()["errors"][0]
    assert expected > 50
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": expected, "maxCost": 50}
    assert f"cost {expected:,}, the most is 50" in error["message"]


def test_the_default_cost_limit_lets_a_whole_page_through(app) -> None:
    assert cost(app, FULL_PAGE) <= Limits().max_cost
    answer = app.client.post("/graphql", json={"query": FULL_PAGE}).json()
    assert answer["data"]["document"]["title"]


def test_the_whole_library_in_one_query_is_refused_at_library_scale(own_app, tmp_path) -> None:
    from bench import corpus

    library = tmp_path / "library.json"
    corpus.main(["200", "-o", str(library)])
    app = own_app(library, EXECUTION_RATE="0")
    query = ("{ documents { title sections { heading blocks { id ... on ParagraphBlock { text } } } "
             "treatments { name summary howItWorks } glossary { term definition } } }")
    error = app.client.post("/graphql", json={"query": query}).json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > Limits().max_cost
    page = "{ documentsConnection(first: 20) { totalCount nodes { title summary } } }"
    found = app.client.post("/graphql", json={"query": page}).json()["data"]["documentsConnection"]
    assert found["totalCount"] == 200 and len(found["nodes"]) == 20


def test_a_query_without_variables_keeps_its_cost_per_version_and_it_is_the_walks(tmp_path) -> None:
    import json

    from api.content.snapshot import load_bytes
    from api.http.endpoint import CheckedQuery
    from tests.server import ROOT

    query = "{ documents { sections { blocks { id } } } treatments { terms { id } } }"
    document = parse(query)
    operation = get_operation_ast(document, None)
    checked = CheckedQuery(document, [])
    one = load_bytes((ROOT / "content.json").read_bytes())
    data = json.loads((ROOT / "content.json").read_bytes())
    data["documents"].append({**data["documents"][0], "slug": "a-second-page"})  # longer lists: a higher cost
    two = load_bytes(json.dumps(data).encode())
    for snapshot in (one, two, one):
        plain = cost_of(schema.graphql_schema, document, operation, None, lengths_of(snapshot))
        assert checked.cost(operation, None, snapshot, lengths_of(snapshot)) == plain
    assert cost_of(schema.graphql_schema, document, operation, None, lengths_of(two)) > \
        cost_of(schema.graphql_schema, document, operation, None, lengths_of(one))
    assert len(checked.costs) == 2  # one per version
