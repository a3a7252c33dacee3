"""Collections: Relay connections over documents, treatments, glossary terms and search hits.

Paging forwards and back, cursors across reloads, every filter and every order in both
languages (Spanish collation: ñ after n, accents after everything else), and the back-links.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.library import DOCUMENTS, write_library
from tests.inprocess import InProcess

SLUGS = list(DOCUMENTS)  # content order


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    folder = tmp_path_factory.mktemp("library")
    served = InProcess(write_library(folder), folder, EXECUTION_RATE="0")
    yield served
    served.close()


def ask(app: InProcess, query: str, **variables: Any) -> dict[str, Any]:
    answer = app.client.post("/graphql", json={"query": query, "variables": variables})
    return answer.json()


def data(app: InProcess, query: str, **variables: Any) -> dict[str, Any]:
    body = ask(app, query, **variables)
    assert "errors" not in body, body
    return body["data"]


def error(app: InProcess, query: str, **variables: Any) -> dict[str, Any]:
    body = ask(app, query, **variables)
    assert body.get("errors"), body
    return body["errors"][0]


DOCS = """query($first: Int, $after: String, $last: Int, $before: String, $order: DocumentOrder,
                 $filter: DocumentFilter, $locale: String) {
  documentsConnection(first: $first, after: $after, last: $last, before: $before, orderBy: $order,
                      filter: $filter, locale: $locale) {
    totalCount
    edges { cursor node { slug title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


def docs(app: InProcess, **variables: Any) -> dict[str, Any]:
    return data(app, DOCS, **variables)["documentsConnection"]


def slugs(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


def every_page_forwards(app: InProcess, size: int, **variables: Any) -> list[dict[str, Any]]:
    pages, after = [], None
    while True:
        page = docs(app, first=size, after=after, **variables)
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]
        assert len(pages) < 20


# ---- paging ------------------------------------------------------------------------------------

def test_pages_forwards_reach_the_end_with_every_document_once(library) -> None:
    pages = every_page_forwards(library, 2)
    assert [slugs(p) for p in pages] == [SLUGS[0:2], SLUGS[2:4], SLUGS[4:5]]
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False, True, True]
    assert all(p["totalCount"] == 5 for p in pages)


def test_pages_backwards_from_the_end_reach_the_start(library) -> None:
    seen, before = [], None
    while True:
        page = docs(library, last=2, before=before)
        seen = slugs(page) + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert seen == SLUGS


def test_a_page_between_two_cursors_holds_what_lies_between(library) -> None:
    edges = docs(library, first=5)["edges"]
    page = docs(library, after=edges[0]["cursor"], before=edges[4]["cursor"])
    assert slugs(page) == SLUGS[1:4]


def test_without_first_or_last_a_page_holds_the_default_size(library) -> None:
    assert slugs(docs(library)) == SLUGS  # 5 < the default of 20


def test_an_empty_page_still_says_what_follows(library) -> None:
    page = docs(library, first=0)
    assert page["edges"] == []
    assert page["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": False, "startCursor": None,
                                "endCursor": None}


def test_a_page_size_above_the_maximum_is_refused_with_the_maximum(library) -> None:
    found = error(library, DOCS, first=101)
    assert found["extensions"] == {"code": "BAD_USER_INPUT", "maxPageSize": 100}
    assert "between 0 and 100" in found["message"]
    assert error(library, DOCS, last=-1)["extensions"]["code"] == "BAD_USER_INPUT"


def test_nodes_are_the_edges_without_cursors(library) -> None:
    found = data(library, "{ documentsConnection(first: 3) { nodes { slug } edges { node { slug } } } }")
    connection = found["documentsConnection"]
    assert connection["nodes"] == [e["node"] for e in connection["edges"]]


# ---- cursors -----------------------------------------------------------------------------------

def test_a_cursor_that_is_not_ours_is_refused_clearly(library) -> None:
    found = error(library, DOCS, after="not-a-cursor")
    assert found["extensions"]["code"] == "BAD_CURSOR"
    assert "earlier page" in found["message"]


def test_a_cursor_from_another_list_is_refused(library) -> None:
    cursor = docs(library, first=1, order="TITLE_ASC")["pageInfo"]["endCursor"]
    found = error(library, DOCS, after=cursor, order="UPDATED_DESC")
    assert found["extensions"]["code"] == "BAD_CURSOR"
    assert "another list" in found["message"]
    assert error(library, DOCS, after=cursor, order="TITLE_ASC", locale="es")["extensions"]["code"] == "BAD_CURSOR"
    filtered = docs(library, first=1, filter={"audience": "PATIENTS"})["pageInfo"]["endCursor"]
    assert error(library, DOCS, after=filtered)["extensions"]["code"] == "BAD_CURSOR"


def test_cursors_are_the_same_for_the_same_content_in_another_process(library, own_app) -> None:
    other = own_app(library.content_path, EXECUTION_RATE="0")
    for variables in ({}, {"order": "TITLE_ASC", "locale": "es"}, {"filter": {"audience": "CAREGIVERS"}}):
        assert docs(library, **variables)["edges"] == docs(other, **variables)["edges"]


def _changed(app: InProcess, change: Any) -> None:
    content = json.loads(app.content_path.read_text(encoding="utf-8"))
    change(content)
    app.content_path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    app.reload()


def test_a_cursor_keeps_its_place_across_a_reload_that_changed_other_documents(own_app, tmp_path: Path) -> None:
    app = own_app(write_library(tmp_path), EXECUTION_RATE="0")
    cursor = docs(app, first=2)["pageInfo"]["endCursor"]

    def retitle(content: dict[str, Any]) -> None:
        content["documents"][4]["title"]["en"] = "Mood and feelings"

    _changed(app, retitle)
    assert slugs(docs(app, first=2, after=cursor)) == SLUGS[2:4]


def test_a_cursor_whose_document_was_removed_asks_to_start_again(own_app, tmp_path: Path) -> None:
    app = own_app(write_library(tmp_path), EXECUTION_RATE="0")
    cursor = docs(app, first=2)["pageInfo"]["endCursor"]  # points at "nausea"

    def remove(content: dict[str, Any]) -> None:
        content["documents"] = [d for d in content["documents"] if d["slug"] != "nausea"]

    _changed(app, remove)
    found = error(app, DOCS, first=2, after=cursor)
    assert found["extensions"]["code"] == "CURSOR_GONE"
    assert "nausea" in found["message"] and "first page" in found["message"]
    assert slugs(docs(app, first=2)) == ["nutrition", "zebra"]  # starting again works


# ---- orders ------------------------------------------------------------------------------------

def _titles(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["title"] for edge in connection["edges"]]


def test_titles_sort_in_spanish_with_accents_folded_and_n_tilde_after_n(library) -> None:
    spanish = _titles(docs(library, order="TITLE_ASC", locale="es"))
    assert spanish == ["Ánimo", "Náuseas", "Nutrición", "Ñandú (prueba)", "Ojos"]
    assert spanish != sorted(spanish)  # a byte-wise sort puts Á and Ñ after Z


def test_titles_sort_in_english(library) -> None:
    assert _titles(docs(library, order="TITLE_ASC", locale="en")) == ["Eyes", "Mood", "Nausea", "Nutrition",
                                                                       "Zebra test"]
    assert _titles(docs(library, order="TITLE_DESC", locale="en"))[0] == "Zebra test"


def test_titles_descending_are_ascending_reversed_in_spanish_too(library) -> None:
    ascending = _titles(docs(library, order="TITLE_ASC", locale="es"))
    assert _titles(docs(library, order="TITLE_DESC", locale="es")) == ascending[::-1]


def test_recently_updated_first_keeps_content_order_between_equal_dates(library) -> None:
    assert slugs(docs(library, order="UPDATED_DESC")) == ["nausea", "eyes", "nutrition", "mood", "zebra"]
    assert slugs(docs(library, order="UPDATED_ASC")) == ["zebra", "mood", "nutrition", "nausea", "eyes"]


def test_pages_of_an_order_join_up_to_the_whole_order(library) -> None:
    pages = every_page_forwards(library, 2, order="TITLE_ASC", locale="es")
    assert [t for p in pages for t in _titles(p)] == ["Ánimo", "Náuseas", "Nutrición", "Ñandú (prueba)", "Ojos"]


# ---- filters -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("wanted", "expected"), [
    ({"audience": "CAREGIVERS"}, ["nausea", "eyes"]),
    ({"audience": "HEALTH_PROFESSIONALS"}, ["zebra"]),
    ({"updatedSince": "2026-03-01"}, ["nutrition", "nausea", "eyes"]),
    ({"treatment": "laparoscopic-surgery"}, ["nutrition", "nausea", "mood"]),
    ({"treatment": "proton-therapy"}, ["nutrition", "eyes", "mood"]),
    ({"treatmentCategory": "radiation-therapy"}, ["nutrition", "eyes", "mood"]),
    ({"treatmentCategory": "surgery", "audience": "CAREGIVERS"}, ["nausea"]),
    ({"term": "robotic-surgery"}, ["nutrition", "nausea", "mood"]),
    ({"treatment": "no-such-treatment"}, []),
])
def test_document_filters_in_both_languages(library, wanted: dict[str, str], expected: list[str]) -> None:
    for locale in ("en", "es"):
        page = docs(library, filter=wanted, locale=locale)
        assert slugs(page) == expected
        assert page["totalCount"] == len(expected)


def test_a_filtered_list_pages_to_its_end(library) -> None:
    pages = every_page_forwards(library, 1, filter={"treatmentCategory": "radiation-therapy"})
    assert [s for p in pages for s in slugs(p)] == ["nutrition", "eyes", "mood"]


TREATMENTS = """query($filter: TreatmentFilter, $order: TreatmentOrder, $locale: String) {
  treatmentsConnection(first: 100, filter: $filter, orderBy: $order, locale: $locale) {
    totalCount nodes { id name }
  }
}"""


def test_treatments_by_category_and_by_document(library) -> None:
    found = data(library, TREATMENTS, filter={"category": "radiation-therapy"})["treatmentsConnection"]
    assert [n["id"] for n in found["nodes"]] == ["proton-therapy", "sbrt", "mr-guided-radiation-therapy",
                                                 "radioembolization"]
    by_doc = data(library, TREATMENTS, filter={"document": "eyes"})["treatmentsConnection"]
    assert {n["id"] for n in by_doc["nodes"]} == {"proton-therapy", "sbrt", "mr-guided-radiation-therapy",
                                                  "radioembolization"}
    both = data(library, TREATMENTS, filter={"document": "nausea", "category": "radiation-therapy"})
    assert both["treatmentsConnection"] == {"totalCount": 0, "nodes": []}


def test_treatments_sort_by_name_in_each_language(library) -> None:
    for locale in ("en", "es"):
        names = [n["name"] for n in data(library, TREATMENTS, order="NAME_ASC", locale=locale)
                 ["treatmentsConnection"]["nodes"]]
        assert len(names) == 12
        folded = [name.casefold().replace("á", "a").replace("é", "e").replace("í", "i").replace("ó", "o")
                  .replace("ú", "u") for name in names]
        assert folded == sorted(folded), locale


GLOSSARY = """query($filter: GlossaryFilter, $order: GlossaryOrder, $locale: String) {
  glossaryConnection(first: 100, filter: $filter, orderBy: $order, locale: $locale) { totalCount nodes { id term } }
}"""


def _terms(app: InProcess, **variables: Any) -> list[str]:
    return [n["term"] for n in data(app, GLOSSARY, **variables)["glossaryConnection"]["nodes"]]


def test_glossary_by_letter_files_n_tilde_apart_in_spanish_only(library) -> None:
    assert _terms(library, filter={"letter": "Ñ"}, locale="es") == ["ñu"]
    assert "nube" in _terms(library, filter={"letter": "N"}, locale="es")
    assert "ñu" not in _terms(library, filter={"letter": "N"}, locale="es")
    assert _terms(library, filter={"letter": "ñ"}, locale="es") == ["ñu"]  # either case
    assert _terms(library, filter={"letter": "G"}, locale="en") == ["gnu"]
    assert _terms(library, filter={"letter": "Ñ"}, locale="en") == []


def test_glossary_letters_give_the_spanish_alphabet_with_counts(library) -> None:
    letters = data(library, '{ glossaryLetters(locale: "es") { letter count } }')["glossaryLetters"]
    names = [x["letter"] for x in letters]
    assert names.index("Ñ") == names.index("N") + 1
    counts = {x["letter"]: x["count"] for x in letters}
    assert counts["Ñ"] == 1 and counts["B"] == 0
    assert sum(counts.values()) == data(library, "{ glossaryConnection { totalCount } }")["glossaryConnection"][
        "totalCount"]
    english = [x["letter"] for x in data(library, '{ glossaryLetters(locale: "en") { letter } }')["glossaryLetters"]]
    assert "Ñ" not in english and len(english) == 26


def test_glossary_sorted_by_term_puts_accented_words_with_their_letter(library) -> None:
    spanish = _terms(library, order="TERM_ASC", locale="es")
    assert spanish.index("ablación") < spanish.index("cáncer colorrectal") < spanish.index("nube") \
        < spanish.index("ñu") < spanish.index("oncólogo")


def test_glossary_terms_of_a_document(library) -> None:
    found = data(library, '{ glossaryConnection(first: 100, filter: {document: "zebra"}) { nodes { id } } }')
    ids = {n["id"] for n in found["glossaryConnection"]["nodes"]}
    assert "liver-metastases" in ids and "robotic-surgery" not in ids


# ---- back-links --------------------------------------------------------------------------------

def test_a_treatment_lists_the_documents_that_show_it(library) -> None:
    found = data(library, '{ treatment(id: "proton-therapy", locale: "es") { documents(orderBy: TITLE_ASC) '
                          '{ totalCount nodes { slug title } } } }')["treatment"]["documents"]
    assert [n["title"] for n in found["nodes"]] == ["Ánimo", "Nutrición", "Ojos"]  # in the treatment's language
    assert found["totalCount"] == 3


def test_a_glossary_term_lists_the_documents_that_use_it(library) -> None:
    found = data(library, '{ glossaryConnection(first: 1, filter: {letter: "R"}, locale: "en") '
                          '{ nodes { id documents(first: 10) { nodes { slug } } } } }')
    node = found["glossaryConnection"]["nodes"][0]
    listed = [n["slug"] for n in node["documents"]["nodes"]]
    by_filter = slugs(docs(library, filter={"term": node["id"]}))
    assert listed == by_filter and listed


# ---- search hits -------------------------------------------------------------------------------

def test_search_pages_join_up_to_the_ranking_of_search(library) -> None:
    ranking = data(library, '{ search(query: "radiation", first: 50) { kind id } }')["search"]
    seen, after = [], None
    while True:
        found = data(library, 'query($after: String) { searchConnection(query: "radiation", first: 7, after: $after)'
                              ' { totalCount edges { cursor node { kind id } } pageInfo { hasNextPage endCursor } } }',
                     after=after)["searchConnection"]
        seen += [e["node"] for e in found["edges"]]
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert seen[:50] == ranking
    assert found["totalCount"] == len(seen)


def test_a_search_cursor_belongs_to_its_query(library) -> None:
    cursor = data(library, '{ searchConnection(query: "radiation", first: 1) { pageInfo { endCursor } } }')[
        "searchConnection"]["pageInfo"]["endCursor"]
    found = error(library, 'query($c: String) { searchConnection(query: "surgery", after: $c) { totalCount } }',
                  c=cursor)
    assert found["extensions"]["code"] == "BAD_CURSOR"


# ---- the plain lists ---------------------------------------------------------------------------

def test_the_plain_lists_are_deprecated_in_favour_of_connections(library) -> None:
    found = data(library, '{ __type(name: "Query") { fields(includeDeprecated: true) '
                          '{ name isDeprecated deprecationReason } } }')["__type"]["fields"]
    by_name = {f["name"]: f for f in found}
    for name in ("documents", "treatments", "glossary"):
        assert by_name[name]["isDeprecated"]
        assert f"{name}Connection" in by_name[name]["deprecationReason"]
        assert not by_name[f"{name}Connection"]["isDeprecated"]
