"""Reading levels computed from only the records a section shows equal those from the whole content."""

from __future__ import annotations

from api.content.readability import document_level, section_level
from api.content.snapshot import load_bytes
from api.schema.types import _Shown, _shown_in
from bench import corpus


def test_narrowed_content_gives_the_same_reading_levels() -> None:
    snapshot = load_bytes(corpus.dumps(4))
    for document in snapshot.documents.values():
        for locale in snapshot.locales:
            whole = document_level(snapshot.content, document, locale)
            assert document_level(_shown_in(snapshot, document), document, locale) == whole
            for section in document.sections:
                narrowed = section_level(_Shown(snapshot, section.blocks), section, locale)
                assert narrowed == section_level(snapshot.content, section, locale)


def test_sections_with_the_same_id_in_two_documents_get_their_own_level() -> None:
    """Section ids are unique within a document only; the level cache must not mix them up."""
    import json

    from api.content.live import LiveContent
    from api.content.snapshot import load_bytes
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
