"""What one embed page shows, read from one snapshot in one language: plain data for the templates.

Nothing here knows about HTTP or HTML. Each text is a :class:`ShownText`, which remembers the language
it is really in: when a text is missing in the page's language, its fallback is shown and the
template marks that element with its own ``lang``, so a screen reader switches voice instead of
reading English words with Spanish rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from api.content.model import Block, Document, LocalizedText, Section
from api.content.snapshot import Snapshot
from rules.blocks import BLOCKS
from rules.dates import FORMAT_KEY, MONTHS_KEY, format_date
from rules.glossary import Use, first_uses, split

NOT_REVIEWED = "about.notReviewed"  # shown for the date while some text of the page awaits review
OUTDATED_NOTE = "note.outdatedTranslation"  # under a block or card showing a translation whose English changed
LABELS = {
    "skip": "embed.skipToContent",
    "contents": "embed.contents",
    "source": "embed.source",
    "lastReviewed": "embed.lastReviewed",
    "disclaimer": "embed.disclaimerHeading",
    "readFullPage": "embed.readFullPage",
    "notFoundTitle": "embed.notFoundTitle",
    "notFoundBody": "embed.notFoundBody",
    "poweredBy": "embed.poweredBy",
    "backToTop": "embed.backToTop",
    "reviewedBy": "about.reviewedBy",
    "retrieved": "about.retrieved",
    "howItWorks": "treatment.howItWorks",
    "atInstitution": "treatment.atInstitution",
    "tapHint": "glossary.tapHint",
}


@dataclass(frozen=True)
class ShownText:
    """A text as shown; ``lang`` is set only when it is not in the page's language."""

    text: str
    lang: str | None = None


@dataclass(frozen=True)
class Term:
    """A glossary word in a sentence, with its plain definition."""

    text: str
    label: ShownText  # "What “tumor” means"
    definition: ShownText


@dataclass(frozen=True)
class MarkedText:
    """Running text with its first uses of glossary terms picked out."""

    parts: tuple[str | Term, ...]
    lang: str | None = None

    @property
    def has_terms(self) -> bool:
        return any(isinstance(p, Term) for p in self.parts)


@dataclass(frozen=True)
class Card:
    id: str
    name: ShownText
    summary: MarkedText
    how_it_works: MarkedText
    facts: tuple[MarkedText, ...]
    note: ShownText | None = None  # when one of its texts is an outdated translation


@dataclass(frozen=True)
class Entry:
    name: ShownText
    description: MarkedText


@dataclass(frozen=True)
class BlockView:
    """One block; which fields are filled depends on ``kind`` (the content model's block type)."""

    kind: str
    id: str
    text: MarkedText | None = None
    items: tuple[MarkedText, ...] = ()
    cards: tuple[Card, ...] = ()
    entries: tuple[Entry, ...] = ()
    note: ShownText | None = None  # when one of its own texts is an outdated translation

    def texts(self) -> tuple[MarkedText, ...]:
        """Every running text of the block, in reading order."""
        out = [*([self.text] if self.text else []), *self.items]
        for card in self.cards:
            out += [card.summary, card.how_it_works, *card.facts]
        return (*out, *(e.description for e in self.entries))


@dataclass(frozen=True)
class SectionView:
    id: str
    heading: ShownText
    blocks: tuple[BlockView, ...]


@dataclass(frozen=True)
class SourceView:
    title: ShownText
    publisher: ShownText
    url: str | None
    retrieved: dt.date
    retrieved_text: str


@dataclass(frozen=True)
class Link:
    href: str
    label: ShownText
    hreflang: str


@dataclass(frozen=True)
class PageView:
    """A document, or one section of it, in one language."""

    locale: str
    title: ShownText
    summary: ShownText
    heading: ShownText  # the h1: the document's title, or the section's heading
    page_title: str  # <title>, and the iframe's title on a partner page
    single_section: bool
    level: int  # heading level of the sections' headings (blocks nest below it)
    sections: tuple[SectionView, ...]
    labels: dict[str, ShownText]
    last_reviewed: dt.date | None
    last_reviewed_text: str
    reviewed_by: ShownText
    sources: tuple[SourceView, ...]
    disclaimer: ShownText
    languages: tuple[Link, ...]
    full_page_href: str | None

    @property
    def has_terms(self) -> bool:
        """Whether any glossary word is marked, so the page says how to open one."""
        return any(t.has_terms for s in self.sections for b in s.blocks for t in b.texts())


Href = Callable[[str, str | None], str]  # (locale, section id or None) → a link to that embed page


def fallback_chain(snapshot: Snapshot, locale: str) -> list[str]:
    """``locale``, then its fallbacks in order, then the default locale: where a missing text is sought."""
    return snapshot.fallback_chain(locale)


class Reader:
    """Reads localized texts for a page in ``locale``, falling back honestly."""

    def __init__(self, snapshot: Snapshot, locale: str) -> None:
        self.snapshot = snapshot
        self.locale = locale
        self.chain = fallback_chain(snapshot, locale)

    def shown(self, value: LocalizedText | None) -> ShownText:
        found = value.first(self.chain) if value is not None else None
        if found is None:
            return ShownText("")
        code, text = found
        return ShownText(text, None if code == self.locale else code)

    def note_for(self, values: list[LocalizedText]) -> ShownText | None:
        """The calm note shown under texts when one is a translation made from an earlier English."""
        outdated = self.snapshot.translations.outdated_in
        return self.label(OUTDATED_NOTE) if any(outdated(v, self.locale) for v in values) else None

    def date(self, day: dt.date) -> str:
        """``day`` in words, with the month names and pattern of the first language in the chain
        that has both (never one language's months in another's pattern)."""
        months, pattern = self.snapshot.strings.get(MONTHS_KEY), self.snapshot.strings.get(FORMAT_KEY)
        for code in self.chain:
            if months is not None and pattern is not None and months.get(code) and pattern.get(code):
                return format_date(day, months.get(code), pattern.get(code))
        return format_date(day, None, None)

    def label(self, key: str) -> ShownText:
        return self.shown(self.snapshot.strings.get(key))

    def rich(self, value: LocalizedText, term_ids: list[str], used: set[str]) -> MarkedText:
        """``value`` with the first use of each of ``term_ids`` not yet in ``used`` marked."""
        shown = self.shown(value)
        language = shown.lang or self.locale
        forms = {}
        for term_id in term_ids:
            term = self.snapshot.glossary.get(term_id)
            if term is not None:
                also = term.also_matches.root.get(language, []) if term.also_matches else []
                forms[term_id] = [t for t in [term.term.get(language), *also] if t]
        parts = split(shown.text, first_uses([shown.text], forms, used)[0])
        return MarkedText(tuple(self._term(shown.text, p) if isinstance(p, Use) else p for p in parts), shown.lang)

    def _term(self, text: str, use: Use) -> Term:
        term = self.snapshot.glossary[use.term_id]
        name = self.shown(term.term)
        label = self.label("embed.definitionOf")
        return Term(
            text=text[use.start:use.end],
            label=ShownText(label.text.replace("{term}", name.text), label.lang),
            definition=self.shown(term.definition),
        )

    # ---- blocks -------------------------------------------------------------------------

    def section(self, section: Section) -> SectionView:
        return SectionView(section.id, self.shown(section.heading), tuple(self.block(b) for b in section.blocks))

    def block(self, block: Block) -> BlockView:
        """One block, walked as :data:`rules.blocks.BLOCKS` says: its own text or items, or the
        records it shows (treatment cards; roles and factors as named entries)."""
        shape = BLOCKS[block.type]
        texts = block.own_texts()
        if shape.text:
            return BlockView(block.type, block.id, text=self.rich(texts[0], block.term_ids, set()),
                             note=self.note_for(texts))
        used: set[str] = set()
        if shape.items:
            return BlockView(block.type, block.id, items=tuple(self.rich(i, block.term_ids, used) for i in texts),
                             note=self.note_for(texts))
        kind, ids = block.referenced() or ("", [])
        records = self.snapshot.records(kind)
        if kind == "treatment":
            return BlockView(block.type, block.id, cards=tuple(
                self.card(t, block.term_ids) for t in ids if t in records))
        shown = [records[i] for i in ids if i in records]
        return BlockView(block.type, block.id, entries=tuple(
            Entry(self.shown(r.name), self.rich(r.description, block.term_ids, used)) for r in shown),
            note=self.note_for([t for r in shown for t in (r.name, r.description)]))

    def card(self, treatment_id: str, block_terms: list[str]) -> Card:
        """A treatment card. Each card is its own reading unit: a reader who skips to the third card
        still gets its words explained."""
        treatment = self.snapshot.treatments[treatment_id]
        term_ids = list(dict.fromkeys([*treatment.term_ids, *block_terms]))
        used: set[str] = set()
        facts = [self.snapshot.facts[f].text for f in treatment.institution_facts if f in self.snapshot.facts]
        return Card(
            id=treatment.id,
            name=self.shown(treatment.name),
            summary=self.rich(treatment.summary, term_ids, used),
            how_it_works=self.rich(treatment.how_it_works, term_ids, used),
            facts=tuple(self.rich(fact, term_ids, used) for fact in facts),
            note=self.note_for([treatment.name, treatment.summary, treatment.how_it_works, *facts]),
        )


def language_links(snapshot: Snapshot, locale: str, section: str | None, href: Href) -> tuple[Link, ...]:
    """Links to this page in the other languages, each labelled in the language it leads to."""
    others = [loc for loc in snapshot.content.locales if loc.code != locale]
    label = snapshot.strings.get("embed.otherLanguage")
    links = []
    for loc in others:
        # With two languages, embed.otherLanguage is written in the other one ("En español").
        text = label.get(locale) if label is not None and len(others) == 1 else None
        links.append(Link(href(loc.code, section), ShownText(text or loc.native_name, loc.code), loc.code))
    return tuple(links)


def page_view(snapshot: Snapshot, document: Document, locale: str, section: Section | None,
              href: Href) -> PageView:
    """The page for ``document`` (or just ``section`` of it) in ``locale``."""
    read = Reader(snapshot, locale)
    title = read.shown(document.title)
    sections = (section,) if section is not None else tuple(document.sections)
    heading = read.shown(section.heading) if section is not None else title
    sources = tuple(
        SourceView(read.shown(s.title), read.shown(s.publisher), s.url, s.retrieved, read.date(s.retrieved))
        for s in (snapshot.sources[i] for i in document.source_ids if i in snapshot.sources)
    )
    review = snapshot.review(document.slug)
    return PageView(
        locale=locale,
        title=title,
        summary=read.shown(document.summary),
        heading=heading,
        page_title=f"{heading.text} — {title.text}" if section is not None else title.text,
        single_section=section is not None,
        level=1 if section is not None else 2,
        sections=tuple(read.section(s) for s in sections),
        labels={name: read.label(key) for name, key in LABELS.items()},
        last_reviewed=review.last_reviewed,
        last_reviewed_text=read.date(review.last_reviewed) if review.last_reviewed else read.label(NOT_REVIEWED).text,
        reviewed_by=read.shown(review.reviewed_by),
        sources=sources,
        disclaimer=read.shown(document.disclaimer),
        languages=language_links(snapshot, locale, section.id if section else None, href),
        full_page_href=href(locale, None) if section is not None else None,
    )
