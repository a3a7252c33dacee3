"""Which translations still say what their English says, and which are outdated.

Each text in a language other than the default records the digest of the English it was
translated from, in the file's ``translations`` (``{"es": {path: digest}}``, paths as in
:mod:`api.content.paths`). When the English changes and that digest is not renewed, the
translation is *outdated*: readers still get it (a slightly old translation beats none), with a
calm note, the API lists it in ``extensions.outdatedTranslations``, and ``check-content`` names it.
``python -m api.content confirm PATH --locale es`` renews the digest once a translator has
re-translated the text or confirmed it still holds.

Only the recorded paths are looked at when a file loads (each is found by its ids), so a library
whose translations are not recorded pays nothing (``check-content`` walks every text to list
the unrecorded ones: :mod:`api.content.editorial`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from api.content import paths
from api.content.digests import digest
from api.content.model import Content, LocalizedText


@dataclass(frozen=True, slots=True)
class OutdatedText:
    path: str
    locale: str
    recorded: str  # the digest of the English it was translated from
    now: str  # the digest of the English today

    def line(self) -> str:
        return (f"outdated {self.path} [{self.locale}]: translated from an earlier English "
                f"(digest {self.recorded}, now {self.now}); re-translate it or confirm it still holds")


@dataclass(frozen=True)
class TranslationState:
    """The outdated translations of one content version, found once when it loads."""

    outdated: list[OutdatedText] = field(default_factory=list)
    dangling: list[tuple[str, str]] = field(default_factory=list)  # (locale, path) recorded for no text
    # id() of each outdated LocalizedText → its path and the locales outdated in it (what resolvers ask)
    by_text: dict[int, tuple[str, frozenset[str]]] = field(default_factory=dict, repr=False)

    def outdated_in(self, text: LocalizedText, locale: str) -> str | None:
        """The path of ``text`` when its ``locale`` translation is outdated, else None (an outdated
        text always has its ``locale`` translation: it is what a reader of that language is shown)."""
        found = self.by_text.get(id(text)) if self.by_text else None
        return found[0] if found is not None and locale in found[1] else None


NONE = TranslationState()


def state(content: Content) -> TranslationState:
    """Compare each recorded translation with its English today."""
    if not content.translations:
        return NONE
    default = content.default_locale
    outdated, dangling = [], []
    by_text: dict[int, tuple[str, set[str]]] = {}
    finder = paths.Finder(content)
    for locale, recorded in content.translations.items():
        for path, was in recorded.items():
            text = finder.find(path)
            english = text.get(default) if text is not None else None
            if text is None or english is None or text.get(locale) is None:
                dangling.append((locale, path))
                continue
            now = digest(english)
            if now != was:
                outdated.append(OutdatedText(path, locale, was, now))
                by_text.setdefault(id(text), (path, set()))[1].add(locale)
    return TranslationState(outdated, dangling, {k: (p, frozenset(v)) for k, (p, v) in by_text.items()})


def confirmed(content: Content, data: dict, path: str, locale: str) -> str:
    """Record in ``data`` (the file's parsed JSON) that ``path`` in ``locale`` translates today's
    English; the digest recorded. ValueError with a clear message when it cannot be."""
    if locale == content.default_locale:
        raise ValueError(f"{locale!r} is the default language: its texts are the originals, not translations")
    if locale not in {loc.code for loc in content.locales}:
        raise ValueError(f"{locale!r} is not one of the file's languages")
    text = paths.find(content, path)
    if text is None:
        raise ValueError(f"no text at {path!r} (paths name records by id, e.g. treatments[cryoablation].howItWorks)")
    english = text.get(content.default_locale)
    if english is None or text.get(locale) is None:
        raise ValueError(f"{path!r} has no {'English' if english is None else locale} text to confirm")
    now = digest(english)
    data.setdefault("translations", {}).setdefault(locale, {})[path] = now
    return now


def every_path(content: Content, locale: str) -> list[str]:
    """The paths of every text translated into ``locale`` (for confirming a whole file at once)."""
    return [at.path for at in paths.texts(content) if at.text.get(locale) is not None
            and at.text.get(content.default_locale) is not None]
