"""A planned execution answers exactly as graphql-core's executor: data, errors and fallbacks.

Every query runs both ways on the same snapshot, with the bundled content and with a draft
Spanish translation (missing texts fall back to English and are reported with their paths).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import queries

from api.content.live import LiveContent
from api.content.model import LocalizedText
from api.content.snapshot import load_bytes
from api.schema import schema
from api.schema.localize import RequestContext
from api.schema.plan import INFO_HEAD, INFO_TAIL, Planner, unsupported
from api.schema.print import sdl
from tests.conftest import BUNDLED

SCHEMA = schema.graphql_schema
PAGE = """query Page($slug: String!, $locale: String) {
  document(slug: $slug, locale: $locale) {
    __typename slug locale version title summary audience disclaimer reviewedBy lastReviewed lastUpdated
    sources { id title publisher url retrieved }
    institution { id name facts { id text } }
    sections { id heading readingLevel { locale scale value words } treatments { id } terms { id }
      blocks { __typename id type terms { id term definition alsoMatches }
        ... on ParagraphBlock { text } ... on ListBlock { items } ... on CalloutBlock { note: text }
        ... on TreatmentsBlock { treatments { ...T } }
        ... on CareTeamBlock { roles { id name description } }
        ... on DecisionFactorsBlock { factors { id name description } } } }
    treatments { ...T }
    careTeam { id name description } decisionFactors { id name description }
    glossary { id term definition alsoMatches }
    readingLevel { locale scale value words } readingLevels { locale scale value words }
    intro: section(id: "overview") { id heading }
    missing: section(id: "nope") { id }
  }
}
fragment T on Treatment { id name summary howItWorks category { id name treatments { id } }
  institutionFacts { id text } terms { id term } }"""
HAPPY = [
    (PAGE, {"slug": "liver-metastases-treatment", "locale": "es"}),
    (PAGE, {"slug": "liver-metastases-treatment", "locale": "en-GB"}),
    (PAGE, {"slug": "liver-metastases-treatment"}),
    (PAGE, {"slug": "no-such-page"}),
    ("{ locales { code nativeName choosePrompt continueLabel fallback isDefault } }", None),
    ('{ treatments(category: "radiation-therapy", locale: "es") { id name category { name } } }', None),
    ("{ treatmentCategories { id name treatments { id name category { id } } } }", None),
    ('{ glossary(locale: "es") { id term alsoMatches } a: glossary { id } }', None),
    ('{ strings(locale: "es", keys: ["nav.back", "nope"]) { key text } all: strings { key } }', None),
    ('{ treatment(id: "sbrt") { name } none: treatment(id: "nope") { name } }', None),
    ("query($q: String!) { search(query: $q, locale: \"es\", first: 5) { __typename kind id documentSlug "
     "sectionId title snippet snippetHtml highlights { start length } score } }", {"q": "quimio hígado"}),
    ('{ search(query: "zzzz") { id } }', None),
    ("query($s: String, $l: [String!]) { sync(since: $s, locales: $l) { version since fullSync locales "
     "removedSlugs documents { slug locale version document { slug title sections { id } } } } }",
     {"s": None, "l": ["es", "en"]}),
    ("query($s: String) { sync(since: $s) { fullSync documents { slug } } }", {"s": "unknown-version"}),
    ("{ documents(locale: \"es\") { slug title } __typename }", None),
]
FAILING = [
    ('{ document(slug: "liver-metastases-treatment", locale: "fr") { title } }', None),
    ('{ search(query: "x", first: 0) { id } }', None),
    ('{ search(query: "%s") { id } }' % ("x" * 201), None),
    ('{ ok: locales { code } bad: treatments(locale: "xx") { id } }', None),
    (PAGE, {"slug": 5}),
    (PAGE, {}),
    ('{ document(slug: "liver-metastases-treatment") { title @skip(if: true) summary } }', None),
    ("{ __schema { queryType { name } } }", None),
    ('{ __type(name: "Document") { name } locales { code } }', None),
]


def _draft() -> LiveContent:
    data = json.loads(BUNDLED.read_text(encoding="utf-8"))
    data["locales"][1]["required"] = False
    doc = data["documents"][0]
    del doc["title"]["es"], doc["sections"][0]["heading"]["es"], data["treatments"][0]["summary"]["es"]
    for block in doc["sections"][0]["blocks"]:
        if block["type"] == "list":
            del block["items"][0]["es"]
    del data["glossary"][0]["definition"]["es"]
    return LiveContent(BUNDLED, load_bytes(json.dumps(data).encode()))


def _broken() -> LiveContent:
    """Content no file could produce (validation refuses it): nulls in non-null fields, a resolver error."""
    live = LiveContent.open(BUNDLED)
    snapshot = live.current
    doc = snapshot.documents["liver-metastases-treatment"]
    object.__setattr__(doc, "title", LocalizedText({}))  # String! with no text in any language
    object.__setattr__(doc.sections[0].blocks[0], "text", LocalizedText({}))
    object.__setattr__(snapshot.content.treatments[0], "category", "no-such-category")  # KeyError
    return live


CONTENTS = {"bundled": LiveContent.open(BUNDLED), "draft": _draft(), "broken": _broken()}


def _both(live: LiveContent, query: str, variables: dict[str, Any] | None,
          planner: Planner | None = None) -> tuple[Any, Any]:
    from graphql import execute, parse

    document = parse(query)

    def new_context() -> RequestContext:
        return RequestContext(live=live, snapshot=live.current, locale="es")

    expected_context = new_context()
    expected = execute(SCHEMA, document, context_value=expected_context, variable_values=variables)
    got, got_context = (planner or Planner(SCHEMA)).execute({}, document, new_context, variables, None)
    return ((expected.data, [e.formatted for e in expected.errors or []], expected_context.fallbacks),
            (got.data, [e.formatted for e in got.errors or []], got_context.fallbacks))


@pytest.mark.parametrize("content", sorted(CONTENTS))
@pytest.mark.parametrize(("query", "variables"), HAPPY + FAILING)
def test_planned_answers_are_graphql_cores(content: str, query: str, variables: dict | None) -> None:
    expected, got = _both(CONTENTS[content], query, variables)
    assert got == expected


@pytest.mark.parametrize(("query", "variables"), HAPPY)
def test_good_queries_run_on_their_plan(query: str, variables: dict | None) -> None:
    planner = Planner(SCHEMA)
    for name in ("bundled", "draft"):
        _both(CONTENTS[name], query, variables, planner)
    assert planner.fallbacks == {}


def test_an_answer_with_errors_is_graphql_core_s_and_counted_quietly(caplog: pytest.LogCaptureFixture) -> None:
    planner = Planner(SCHEMA)
    expected, got = _both(CONTENTS["bundled"], '{ document(slug: "liver-metastases-treatment", locale: "fr") '
                          '{ title } }', None, planner)
    assert got == expected and expected[1]
    assert planner.fallbacks == {"errors": 1}
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_a_broken_resolver_falls_back_counted_and_logged_with_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    planner = Planner(SCHEMA)
    query = "{ treatments { id category { id name } } }"  # the broken content names a category it lacks
    expected, got = _both(CONTENTS["broken"], query, None, planner)
    assert got == expected
    assert planner.fallbacks == {"KeyError": 1}
    [warning] = [r for r in caplog.records if r.name == "clara.plan" and r.levelname == "WARNING"]
    assert "KeyError" in warning.getMessage() and warning.exc_info is not None


def test_the_graphql_core_internals_the_planner_builds_on_are_still_there() -> None:
    # These are graphql-core 3.2's; 3.3 renames collect_sub_fields and may reorder the resolve info.
    # When this fails, plans are off (every query runs on graphql-core, slower): update plan.py.
    import inspect

    from graphql import ExecutionContext, GraphQLResolveInfo
    from graphql.execution import collect_fields, values

    assert unsupported() is None
    assert set(GraphQLResolveInfo._fields) == {*INFO_HEAD, "path", *INFO_TAIL}
    assert list(inspect.signature(collect_fields.collect_fields).parameters)[:5] == [
        "schema", "fragments", "variable_values", "runtime_type", "selection_set"]
    assert list(inspect.signature(collect_fields.collect_sub_fields).parameters) == [
        "schema", "fragments", "variable_values", "return_type", "field_nodes"]
    assert list(inspect.signature(values.get_argument_values).parameters)[:3] == [
        "type_def", "node", "variable_values"]
    assert list(inspect.signature(ExecutionContext.build).parameters)[:6] == [
        "schema", "document", "root_value", "context_value", "raw_variable_values", "operation_name"]


def test_directives_and_introspection_have_no_plan() -> None:
    from graphql import parse

    for query in ("{ locales { code @include(if: false) } }", "{ __schema { types { name } } }"):
        assert Planner(SCHEMA).plan_for({}, parse(query), None) is None
    assert Planner(SCHEMA).plan_for({}, parse("mutation { x }"), None) is None


def test_fallbacks_are_reported_with_their_paths() -> None:
    (_, _, fallbacks), _ = _both(CONTENTS["draft"], PAGE, {"slug": "liver-metastases-treatment", "locale": "es"})
    paths = [f["path"] for f in fallbacks]
    assert ["document", "title"] in paths and ["document", "sections", 0, "heading"] in paths
    assert any(p[-1] == "items" for p in paths) and any(p[-1] == "summary" for p in paths)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(query=queries(sdl(), fields=["documents", "treatments", "treatmentCategories", "glossary", "locales",
                                    "strings", "sync", "search", "document"]))
def test_generated_queries_answer_as_graphql_core(query: str) -> None:
    for live in CONTENTS.values():
        expected, got = _both(live, query, None)
        assert got == expected
