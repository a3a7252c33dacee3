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
