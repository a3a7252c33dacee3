"""Who approved which texts, and what a page may therefore say about its review.

A sign-off (:class:`~api.content.model.SignOff`) records who approved which texts, when, and the
digest of each text as it read then (all its languages). A text's review state follows:
``approved`` when a clinician's sign-off matches it today, ``checked`` when only the content
team's does, ``edited`` when a sign-off named it but it has changed since (it needs review
again), ``needs-review`` when no one has signed it off.

A page's ``reviewedBy``/``lastReviewed`` are made from these, never typed: ``lastReviewed`` is the
day by which every text the page shows (its own, and the treatments, roles, factors, terms and
facts it shows) had been signed off as it reads now, or none while any has not; ``reviewedBy``
names the clinicians when they approved all of it, and otherwise says plainly that no doctor
has (the UI string :data:`NOT_BY_CLINICIAN`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from api.content import paths
from api.content.digests import digest_all
from api.content.model import Content, Document, LocalizedText, Review, SignOff

NOT_BY_CLINICIAN = "review.notByClinician"
State = Literal["approved", "checked", "edited", "needs-review"]
STATES: tuple[State, ...] = ("approved", "checked", "edited", "needs-review")


@dataclass(frozen=True, slots=True)
class TextReview:
    state: State
    by: tuple[str, ...] = ()  # who approved it as it reads now
    on: dt.date | None = None  # the latest of those sign-offs

    @property
    def needs_review(self) -> bool:
        return self.state != "approved"


class SignOffs:
    """The sign-offs of one content version, indexed by text path."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._by_path: dict[str, list[tuple[SignOff, str]]] = {}
        for sign_off in content.sign_offs:
            for path, approved in sign_off.texts.items():
                self._by_path.setdefault(path, []).append((sign_off, approved))

    def __bool__(self) -> bool:
        return bool(self._by_path)

    def of(self, path: str, text: LocalizedText) -> TextReview:
        found = self._by_path.get(path)
        if not found:
            return TextReview("needs-review")
        now = digest_all(text.root)
        holding = [s for s, approved in found if approved == now]
        if not holding:
            return TextReview("edited")
        clinicians = [s for s in holding if s.role == "clinician"]
        chosen = clinicians or holding
        return TextReview("approved" if clinicians else "checked", tuple(dict.fromkeys(s.by for s in chosen)),
                          max(s.on for s in chosen))

    def dangling(self) -> Iterator[tuple[int, str]]:
        """(sign-off index, path) of each approved path that names no text."""
        finder = paths.Finder(self.content)
        for i, sign_off in enumerate(self.content.sign_offs):
            for path in sign_off.texts:
                if finder.find(path) is None:
                    yield i, path


def shown_by(content: Content, document: Document, records: dict[str, dict]) -> Iterator[paths.TextAt]:
    """Every text a page shows: its own, then the records it shows, each once.

    ``records`` are the snapshot's tables by kind (``treatments``, ``roles``, ``factors``,
    ``glossary``, ``facts``)."""
    yield from paths.record_texts(document, f"documents[{document.slug}]")
    treatments, roles, factors, terms, facts = {}, {}, {}, {}, {}
    for section in document.sections:
        for block in section.blocks:
            for term in block.term_ids:
                terms.setdefault(term, None)
            shown = block.referenced()
            if shown is None:
                continue
            kind, ids = shown
            target = {"treatment": treatments, "role": roles, "factor": factors}.get(kind)
            if target is not None:
                for rid in ids:
                    target.setdefault(rid, None)
    for tid in treatments:
        treatment = records["treatments"].get(tid)
        if treatment is not None:
            for fact in treatment.institution_facts:
                facts.setdefault(fact, None)
            for term in treatment.term_ids:
                terms.setdefault(term, None)
    for kind, table, ids in [("treatments", "treatments", treatments), ("careTeamRoles", "roles", roles),
                             ("decisionFactors", "factors", factors), ("glossary", "glossary", terms)]:
        for rid in ids:
            record = records[table].get(rid)
            if record is not None:
                yield from paths.record_texts(record, f"{kind}[{rid}]")
    for fid in facts:
        fact = records["facts"].get(fid)
        if fact is not None:
            yield from paths.record_texts(fact, f"institution.facts[{fid}]")


def document_review(content: Content, document: Document, records: dict[str, dict], sign_offs: SignOffs,
                    not_by_clinician: LocalizedText) -> Review:
    """The page's review line, made from the sign-offs of every text it shows."""
    if not sign_offs:
        return Review.model_construct(reviewed_by=not_by_clinician, last_reviewed=None,
                                      last_updated=document.review.last_updated)
    reviews = [sign_offs.of(at.path, at.text) for at in shown_by(content, document, records)]
    last = None
    if reviews and all(r.on is not None for r in reviews):
        last = min(r.on for r in reviews if r.on is not None)
    by: LocalizedText = not_by_clinician
    if reviews and all(r.state == "approved" for r in reviews):
        names = ", ".join(dict.fromkeys(name for r in reviews for name in r.by))
        by = LocalizedText({code: names for code in not_by_clinician.root})
    return Review.model_construct(reviewed_by=by, last_reviewed=last, last_updated=document.review.last_updated)
