"""Reading level of the content, per section and per page, in each language.

English uses the Flesch-Kincaid grade; Spanish the Fernández-Huerta ease score (higher is easier),
both from textstat 0.7.4 (later releases download a dictionary at run time). What is measured is
the prose a patient reads in a section: paragraphs, list items, callouts, and the descriptions of
the treatments, roles and factors the section shows. Headings and names are left out: they are
fragments, and counting them as sentences would flatter the score.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import textstat

from api.content.model import Document, LocalizedText, Section
from api.content.snapshot import Snapshot

# textstat keeps its language in a module global; guard it so two threads never mix languages.
_lock = threading.Lock()


@dataclass(frozen=True)
class ReadingLevel:
    """One measurement: which scale, its value, and how many words it was taken over."""

    locale: str
    scale: str
    value: float
    words: int

    @property
    def label(self) -> str:
        if self.scale == "flesch-kincaid-grade":
            return f"grade {self.value:.1f}"
        return f"Fernández-Huerta {self.value:.1f}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?:" else text + "."


def section_prose(snapshot: Snapshot, section: Section, locale: str) -> Iterator[str]:
    """The sentences of ``section`` in ``locale``, as a patient reads them.

    The records the blocks name are looked up in the snapshot's tables by id: building such a
    table per section would cost the whole content each time (120,000 treatments at 10,000
    documents).
    """
    for block in section.blocks:
        texts = block.own_texts()
        shown = block.referenced()
        if shown is not None:
            kind, ids = shown
            texts += [text for record_id in ids for text in _record_prose(snapshot, kind, record_id)]
        for text in texts:
            value = text.get(locale)
            if value:
                yield _sentence(value)


def _record_prose(snapshot: Snapshot, kind: str, record_id: str) -> list[LocalizedText]:
    """What a patient reads of a record a block shows: a treatment's summary and how it works, a
    role's or a factor's description."""
    record = snapshot.records(kind).get(record_id)
    if record is None:
        return []
    return [record.summary, record.how_it_works] if kind == "treatment" else [record.description]


def measure(text: str, locale: str) -> ReadingLevel:
    """Measure ``text`` on the scale used for ``locale`` (Spanish: Fernández-Huerta, else FK)."""
    words = len(text.split())
    with _lock:
        if locale == "es":
            textstat.set_lang("es")
            return ReadingLevel(locale, "fernandez-huerta", round(textstat.fernandez_huerta(text), 1), words)
        textstat.set_lang("en")
        return ReadingLevel(locale, "flesch-kincaid-grade", round(textstat.flesch_kincaid_grade(text), 1), words)


def section_level(snapshot: Snapshot, section: Section, locale: str) -> ReadingLevel:
    return measure(" ".join(section_prose(snapshot, section, locale)), locale)


def document_level(snapshot: Snapshot, document: Document, locale: str) -> ReadingLevel:
    prose = (s for section in document.sections for s in section_prose(snapshot, section, locale))
    return measure(" ".join(prose), locale)
