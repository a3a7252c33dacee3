"""Reading levels served through the API are readability's own, section by section and per page."""

from __future__ import annotations

from api.content.readability import document_level, section_level
from api.content.snapshot import load_bytes
from bench import corpus


def test_levels_through_the_api_equal_readabilitys_for_every_page_and_section() -> None:
    from api.content.live import LiveContent
    from api.schema import schema
    from api.schema.localize import RequestContext
    from tests.server import ROOT

    snapshot = load_bytes(corpus.dumps(4))
    live = LiveContent(ROOT / "unused.json", snapshot)
    for locale in snapshot.locales:
        query = ('{ documents(locale: "%s") { slug readingLevel { value words } '
                 'sections { id readingLevel { value words } } } }' % locale)
        result = schema.execute(query, context_value=RequestContext(live=live, snapshot=snapshot, locale=locale))
        assert result.errors is None
        for served in result.data["documents"]:
            document = snapshot.documents[served["slug"]]
            whole = document_level(snapshot, document, locale)
            assert served["readingLevel"] == {"value": whole.value, "words": whole.words}
            for section, level in zip(document.sections, served["sections"], strict=True):
                expected = section_level(snapshot, section, locale)
                assert level["readingLevel"] == {"value": expected.value, "words": expected.words}


def test_sections_with_the_same_id_in_two_documents_get_their_own_level() -> None:
    """Section ids are unique within a document only; the level cache must not mix them up."""
    import json

    from api.content.live import LiveContent
    from api.schema import schema
    from api.schema.localize import RequestContext
    from tests.server import ROOT

    data = json.loads((ROOT / "tests" / "fixtures" / "minimal.json").read_text(encoding="utf-8"))
    second = json.loads(json.dumps(data["documents"][0]))
    second["slug"] = "second-page"
    second["sections"][0]["blocks"][0]["text"]["en"] = (
        "Notwithstanding considerable methodological heterogeneity, multidisciplinary deliberation "
        "substantially influences therapeutic determinations."
    )
    data["documents"].append(second)
    snapshot = load_bytes(json.dumps(data).encode())
    live = LiveContent(ROOT / "unused.json", snapshot)
    query = '{ documents(locale: "en") { slug section(id: "overview") { readingLevel { value } } } }'
    result = schema.execute(query, context_value=RequestContext(live=live, snapshot=snapshot, locale="en"))
    assert result.errors is None
    levels = [d["section"]["readingLevel"]["value"] for d in result.data["documents"]]
    assert levels[0] < levels[1]
