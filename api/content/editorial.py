"""What editors and clinicians need to trust a content file, in one report.

``check-content`` prints it: every record traced to its source passages (checked against the
source files when a folder is given), the texts that are ours and why, outdated and unrecorded
translations, sign-offs naming texts that no longer exist, each text's review state, and the
glossary's lay words for search (none pointing nowhere, none shadowing another term). The
review page (:mod:`api.content.review_page`) shows the same facts text by text.

Problems make the check fail; warnings (outdated or unrecorded translations) fail it only with
``--strict``: a slightly old translation is still worth serving while a translator catches up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from api.content import provenance, translations
from api.content.paths import texts
from api.content.signoffs import STATES
from api.content.snapshot import Snapshot
from rules.search import synonyms

SHOWN_UNRECORDED = 10  # unrecorded translations listed one by one; the rest are counted


@dataclass
class EditorialReport:
    provenance: provenance.Report
    outdated: list[translations.OutdatedText]
    unrecorded: list[tuple[str, str]]
    states: Counter[str]
    texts: int
    texts_translated: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: Path | None = None
    lay_words: int = 0  # the glossary's searchAlso words, checked by rules.search.synonyms.problems

    def summary(self) -> list[str]:
        p = self.provenance
        ours = ", ".join(f"{n} {basis}" for basis, n in sorted(p.ours.items())) or "none"
        checked = f"checked against {self.source}" if self.source else "not checked against the source: give SOURCE="
        recorded = self.texts_translated - len(self.unrecorded)
        return [
            f"provenance: {p.traced} records restate {p.references} source passages ({checked}); "
            f"{sum(p.ours.values())} records are ours ({ours})",
            f"translations: {recorded} recorded, {len(self.outdated)} outdated, {len(self.unrecorded)} not recorded",
            "review: " + ", ".join(f"{self.states[s]} {s}" for s in STATES)
            + f" (of the {self.texts} texts of traced records)",
            f"search: {self.lay_words} lay words lead to glossary terms; every word and form checked for "
            "pointing nowhere and for shadowing another term",
        ]


def report(snapshot: Snapshot, source: Path | None) -> EditorialReport:
    content = snapshot.content
    checked = provenance.check(content, source)
    state = snapshot.translations
    unrecorded = []
    translated = 0
    default = content.default_locale
    sign_offs = snapshot.sign_offs
    states: Counter[str] = Counter()
    total = 0
    for at in texts(content):
        if at.owner is not None:  # reader-facing content (UI labels and names restate nothing)
            total += 1
            states[sign_offs.of(at.path, at.text).state] += 1
        for locale in at.text.root:
            if locale == default or at.text.get(locale) is None:
                continue
            translated += 1
            if at.path not in content.translations.get(locale, {}):
                unrecorded.append((locale, at.path))
    found = EditorialReport(checked, state.outdated, unrecorded, states, total, translated,
                            list(checked.problems), source=source)
    for locale, path in state.dangling:
        found.problems.append(f"translations.{locale}[{path}]: names no text in both languages (renamed or "
                              "removed?): remove the entry or fix its path")
    lay, found.lay_words = synonyms.problems(
        [locale.code for locale in content.locales],
        [(g.id, dict(g.term.root), dict(g.also_matches.root) if g.also_matches else {},
          dict(g.search_also.root) if g.search_also else {}) for g in content.glossary],
        [(t.id, dict(t.name.root), list(t.term_ids)) for t in content.treatments])
    found.problems += lay
    for i, path in sign_offs.dangling():
        found.problems.append(f"signOffs[{i}].texts[{path}]: names no text (renamed or removed?)")
    found.warnings += [o.line() for o in state.outdated]
    found.warnings += [f"not recorded {path} [{locale}]: no digest of the English it translates "
                       f"(python -m api.content confirm '{path}' --locale {locale})"
                       for locale, path in unrecorded[:SHOWN_UNRECORDED]]
    if len(unrecorded) > SHOWN_UNRECORDED:
        found.warnings.append(f"… and {len(unrecorded) - SHOWN_UNRECORDED} more translations not recorded")
    return found
