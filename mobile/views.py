"""What each screen shows, as plain lists of items built from a stored document. No Kivy here.

A screen turns each :class:`Item` into a widget by its ``kind``; everything it says (which words
link to the glossary, in what order things come, how dates read) is decided here, where a test can
check it without a window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mobile import i18n
from mobile.library import SCREEN_FIELD
from mobile.markup import Term, bold, escape, link_terms
from mobile.search import Hit
from rules.blocks import BLOCKS
from rules.text import fold  # alphabetical order ignores accents and case: 'ácido' sorts with 'a'

Doc = dict[str, Any]


@dataclass(frozen=True)
class Item:
    kind: str         # title, heading, paragraph, bullet, callout, card, person, link, term, field, hint
    text: str = ""    # Kivy markup, already escaped
    target: str = ""  # what a link opens: a section, treatment or term id
    detail: str = ""  # second line: a card's summary, a person's role description
    slug: str = ""    # the document a link belongs to
    label: str = ""   # a small line above: what kind of search result this is


def terms_of(doc: Doc) -> dict[str, Term]:
    return {t["id"]: Term.from_reply(t) for t in doc["glossary"]}


def _linked(texts: Sequence[str], term_ids: Iterable[str], doc: Doc, link: str) -> list[str]:
    glossary = terms_of(doc)
    return link_terms(texts, [glossary[i] for i in dict.fromkeys(term_ids) if i in glossary], link)


def home(docs: Sequence[Doc], t: i18n.Texts) -> list[Item]:
    items: list[Item] = []
    for doc in docs:
        items += [Item("title", escape(doc["title"])), Item("paragraph", escape(doc["summary"])),
                  Item("heading", escape(t["nav.sections"]))]
        items += [Item("link", escape(s["heading"]), target=s["id"], slug=doc["slug"]) for s in doc["sections"]]
    return items


def _block(block: dict[str, Any], doc: Doc, link: str, t: i18n.Texts) -> list[Item]:
    """A block's items, walked as :data:`rules.blocks.BLOCKS` says."""
    kind, terms = block["type"], [x["id"] for x in block["terms"]]
    shape = BLOCKS.get(kind)
    if shape is None:
        return []  # a block type this version does not know: skipped, never shown half-made
    if shape.text:
        return [Item(kind, _linked([block[shape.text]], terms, doc, link)[0])]
    if shape.items:
        return [Item("bullet", text) for text in _linked(block[shape.items], terms, doc, link)]
    if shape.kind == "treatment":
        # Each card is its own reading unit, with its treatment's words and the block's, as on
        # the embeds: a reader who skips to the third card still gets its words explained.
        by_id = {x["id"]: x for x in doc["treatments"]}
        chosen = [by_id[x["id"]] for x in block["treatments"] if x["id"] in by_id]
        return [Item("card", escape(x["name"]), target=x["id"], slug=doc["slug"],
                     detail=_linked([x["summary"]], [*(i["id"] for i in x["terms"]), *terms], doc, link)[0])
                for x in chosen]
    people = block.get(SCREEN_FIELD.get(shape.kind or "", ""), [])
    described = _linked([p["description"] for p in people], terms, doc, link)
    return [Item("person", bold(p["name"]), detail=d) for p, d in zip(people, described, strict=True)]


def outdated_note(t: i18n.Texts) -> Item:
    """Under a text whose translation was made from an earlier English: said calmly, and read
    aloud with the rest (the server marks such texts ``outdated``)."""
    return Item("hint", escape(t["note.outdatedTranslation"]))


def section(doc: Doc, section_id: str, link: str, t: i18n.Texts) -> list[Item]:
    found = next((s for s in doc["sections"] if s["id"] == section_id), None)
    if found is None:
        return []
    items = [Item("title", escape(found["heading"])), Item("hint", escape(t["glossary.tapHint"]))]
    term_ids: list[str] = []
    for block in found["blocks"]:
        if block["type"] == "treatments":
            items.append(Item("heading", escape(t["section.treatments"])))
        items += _block(block, doc, link, t)
        if block.get("outdated"):
            items.append(outdated_note(t))
        term_ids += [x["id"] for x in block["terms"]]
    return items + words_to_know(doc, term_ids, t)


def words_to_know(doc: Doc, term_ids: Iterable[str], t: i18n.Texts) -> list[Item]:
    """Buttons for the glossary words of a screen: a large target besides the word in the text."""
    glossary = terms_of(doc)
    chosen = [glossary[i] for i in dict.fromkeys(term_ids) if i in glossary]
    if not chosen:
        return []
    return [Item("heading", escape(t["glossary.title"]))] + [
        Item("term", escape(term.term), target=term.id, slug=doc["slug"])
        for term in sorted(chosen, key=lambda x: fold(x.term))
    ]


def treatment(doc: Doc, treatment_id: str, link: str, t: i18n.Texts) -> list[Item]:
    found = next((x for x in doc["treatments"] if x["id"] == treatment_id), None)
    if found is None:
        return []
    terms = [x["id"] for x in found["terms"]]
    summary, how = _linked([found["summary"], found["howItWorks"]], terms, doc, link)
    items = [
        Item("title", escape(found["name"])),
        Item("field", escape(t["treatment.category"]), detail=escape(found["category"]["name"])),
        Item("paragraph", summary),
        Item("heading", escape(t["treatment.howItWorks"])),
        Item("paragraph", how),
    ]
    if found.get("outdated"):
        items.append(outdated_note(t))
    if found["institutionFacts"]:
        items.append(Item("heading", escape(t["treatment.atInstitution"])))
        items += [Item("callout", escape(f["text"])) for f in found["institutionFacts"]]
    return items + words_to_know(doc, terms, t)


def glossary(docs: Sequence[Doc], t: i18n.Texts) -> list[Item]:
    seen: dict[str, Term] = {}
    for doc in docs:
        for term_id, term in terms_of(doc).items():
            seen.setdefault(term_id, term)
    items = [Item("title", escape(t["glossary.title"]))]
    for term in sorted(seen.values(), key=lambda x: fold(x.term)):
        items.append(Item("person", bold(term.term), target=term.id, detail=escape(term.definition)))
    return items


def about(doc: Doc, t: i18n.Texts, synced_at: dt.datetime | None, now: dt.datetime) -> list[Item]:
    items = [Item("title", escape(t["about.title"])), Item("heading", escape(doc["title"]))]
    for source in doc["sources"]:
        items.append(Item("field", escape(t["about.source"]), detail=escape(source["title"])))
        items.append(Item("field", escape(t["about.publisher"]), detail=escape(source["publisher"])))
        if source.get("url"):
            items.append(Item("field", "", detail=escape(source["url"])))
        items.append(Item("field", escape(t["about.retrieved"]), detail=escape(i18n.date(t, source["retrieved"]))))
    items += [
        Item("field", escape(t["about.lastReviewed"]),
             detail=escape(i18n.date(t, doc["lastReviewed"]) if doc["lastReviewed"] else t["about.notReviewed"])),
        Item("field", escape(t["about.reviewedBy"]), detail=escape(doc["reviewedBy"])),
        Item("field", escape(t["about.lastUpdated"]), detail=escape(i18n.date(t, doc["lastUpdated"]))),
        Item("field", escape(t["about.audience"]), detail=escape(doc["audience"])),
        Item("heading", escape(t["about.disclaimer"])),
        Item("callout", escape(doc["disclaimer"])),
        Item("field", escape(t["about.lastSynced"]), detail=escape(synced_text(t, synced_at, now))),
    ]
    return items


def synced_text(t: i18n.Texts, synced_at: dt.datetime | None, now: dt.datetime) -> str:
    if synced_at is None:
        return t["about.neverSynced"]
    local = synced_at.astimezone()
    return f"{i18n.date(t, local.date())}, {local:%H:%M} ({i18n.age(t, synced_at, now)})"


def search(hits: Sequence[Hit], t: i18n.Texts, suggestions: Sequence[str] = ()) -> list[Item]:
    """The results, or, when there are none, "Did you mean" and the names to tap instead."""
    items = []
    if not hits and suggestions:
        items.append(Item("paragraph", escape(t["search.didYouMean"])))
        items += [Item("suggestion", escape(name), target=name) for name in suggestions]
    for hit in hits:
        snippet = escape(hit.snippet).replace("\x02", "[b]").replace("\x03", "[/b]").replace("\n", " · ")
        items.append(Item(f"result-{hit.kind}", escape(hit.title), target=hit.target, slug=hit.slug,
                          detail=snippet, label=escape(t[f"search.kind.{hit.kind}"])))
    return items


def banner(t: i18n.Texts, *, status: str, synced_at: dt.datetime | None, now: dt.datetime,
           recovered: bool, repairing: bool = False) -> str:
    """The note on the home screen: offline (and how old the content is), updating, updated, restored,
    or part of the content dropped as damaged until a sync brings it again."""
    lines = [t["sync.recovered"]] if recovered else []
    if repairing and not recovered:
        lines.append(t["sync.repairing"])
    if status == "offline":
        lines.append(t.format("sync.offlineAge", age=i18n.age(t, synced_at, now)) if synced_at
                     else t["sync.offlineBuiltIn"])
    elif status == "failed":
        lines.append(t["sync.failed"])
        lines.append(t.format("sync.contentAge", age=i18n.age(t, synced_at, now)) if synced_at
                     else t["about.neverSynced"])
    elif status == "syncing" and not recovered:
        lines.append(t["sync.syncing"])
    elif status == "updated":
        lines.append(t["sync.updated"])
    return "\n".join(lines)
