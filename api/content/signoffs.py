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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

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


# Where a path names the records of each kind a page shows (the kinds of Snapshot.records).
SHOWN_PATHS = {"treatment": "treatments", "role": "careTeamRoles", "factor": "decisionFactors", "term": "glossary",
               "fact": "institution.facts"}


def shown_by(document: Document, records: Callable[[str], dict[str, Any]]) -> Iterator[paths.TextAt]:
    """Every text a page shows: its own, then each record it shows, once (``records`` is
    :meth:`Snapshot.records <api.content.snapshot.Snapshot.records>`)."""
    yield from paths.record_texts(document, f"documents[{document.slug}]")
    shown: dict[str, dict[str, None]] = {kind: {} for kind in SHOWN_PATHS}
    for section in document.sections:
        for block in section.blocks:
            shown["term"].update(dict.fromkeys(block.term_ids))
            referenced = block.referenced()
            if referenced is not None:
                shown[referenced[0]].update(dict.fromkeys(referenced[1]))
    for tid in shown["treatment"]:
        treatment = records("treatment").get(tid)
        if treatment is not None:
            shown["fact"].update(dict.fromkeys(treatment.institution_facts))
            shown["term"].update(dict.fromkeys(treatment.term_ids))
    for kind, ids in shown.items():
        table = records(kind)
        for rid in ids:
            if rid in table:
                yield from paths.record_texts(table[rid], f"{SHOWN_PATHS[kind]}[{rid}]")


def document_review(document: Document, shown: Iterable[paths.TextAt], sign_offs: SignOffs,
                    not_by_clinician: LocalizedText) -> Review:
    """The page's review line, made from the sign-offs of every text it shows."""
    if not sign_offs:
        return Review.model_construct(reviewed_by=not_by_clinician, last_reviewed=None,
                                      last_updated=document.review.last_updated)
    reviews = [sign_offs.of(at.path, at.text) for at in shown]
    last = None
    if reviews and all(r.on is not None for r in reviews):
        last = min(r.on for r in reviews if r.on is not None)
    by: LocalizedText = not_by_clinician
    if reviews and all(r.state == "approved" for r in reviews):
        names = ", ".join(dict.fromkeys(name for r in reviews for name in r.by))
        by = LocalizedText({code: names for code in not_by_clinician.root})
    return Review.model_construct(reviewed_by=by, last_reviewed=last, last_updated=document.review.last_updated)
