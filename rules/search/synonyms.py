"""Lay words: a query that says it the patient's way also searches the content's way.

Each glossary term's other forms (``alsoMatches``, the forms our text uses) and its lay words
(``searchAlso``: *radiotherapy*, *tumour*, *cancer that spread to the liver*, written by us in
each language) lead to the term's own name. A query holding one of them, word for word after
folding, stop words and stemming, is also searched with the name in its place; an entry's score
is then the better of the two, the rewritten one weighted by :data:`SYNONYM_WEIGHT` so that what
the patient typed, where it is found as typed, ranks first.

A synonym leads to the term, never claims more: *liver cancer* is not a form of *liver
metastases* (primary liver cancer is another disease), so it is no synonym of it; the page is
still found by its words.
"""

from __future__ import annotations

from collections.abc import Iterable

from rules.search.words import query_words, stem

SYNONYM_WEIGHT = 0.9
MAX_REWRITES = 3  # other queries searched for one query, at most
MAX_FORM_WORDS = 8  # a form longer than this is not a lay word


def key_of(text: str, locale: str) -> tuple[str, ...]:
    """What a form or a stretch of a query is compared by: its words' stems, without stop words."""
    return tuple(stem(word, locale) for word in query_words(text, locale))


class Synonyms:
    """The lay words of one language, each leading to the name of its term."""

    def __init__(self, locale: str, pairs: Iterable[tuple[str, str]]) -> None:
        """``pairs``: (form, the term's name) in ``locale``."""
        self.locale = locale
        self.names: dict[tuple[str, ...], list[str]] = {}
        for form, name in pairs:
            key = key_of(form, locale)
            if 0 < len(key) <= MAX_FORM_WORDS and key != key_of(name, locale):
                names = self.names.setdefault(key, [])
                if name not in names:
                    names.append(name)
        self.longest = max(map(len, self.names), default=0)

    def rewrites(self, words: list[str]) -> list[list[str]]:
        """The other queries to search for the query ``words`` (folded, as :func:`query_words` gives
        them): each synonym found, leftmost and longest first, replaced by its term's name."""
        if not self.names:
            return []
        stems = [stem(word, self.locale) for word in words]
        out: list[list[str]] = []
        position = 0
        while position < len(words) and len(out) < MAX_REWRITES:
            for size in range(min(self.longest, len(words) - position), 0, -1):
                names = self.names.get(tuple(stems[position:position + size]))
                if names:
                    for name in names:
                        rewritten = [*words[:position], *query_words(name, self.locale), *words[position + size:]]
                        rewritten = list(dict.fromkeys(rewritten))
                        if rewritten != words and rewritten not in out and len(out) < MAX_REWRITES:
                            out.append(rewritten)
                    position += size
                    break
            else:
                position += 1
        return out


Forms = dict[str, list[str]]  # texts by locale


def problems(locales: list[str], terms: list[tuple[str, dict[str, str], Forms, Forms]],
             treatments: list[tuple[str, dict[str, str], list[str]]]) -> tuple[list[str], int]:
    """What is wrong with the glossary's lay words, one line each, and how many there are.

    ``terms``: (id, name by locale, ``alsoMatches`` by locale, ``searchAlso`` by locale);
    ``treatments``: (id, name by locale, the terms its texts use). A lay word points nowhere
    when its language is not the content's, when it has no word to match (punctuation alone), or
    when its term has no name in that language. It shadows a real term when another term's name
    or form, or the name of a treatment that is neither this term's namesake nor uses it, reads
    the same: the search would lead that word away from what it names.
    """
    owners: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for term_id, names, also, lay in terms:
        for locale in locales:
            for text in [names.get(locale, ""), *also.get(locale, []), *lay.get(locale, [])]:
                owners.setdefault((locale, key_of(text, locale)), set()).add(f"glossary[{term_id}]")
    for treatment_id, names, _ in treatments:
        for locale, name in names.items():
            owners.setdefault((locale, key_of(name, locale)), set()).add(f"treatments[{treatment_id}]")
    out, count = [], 0
    for term_id, names, also, lay in terms:
        me = f"glossary[{term_id}]"
        for kind, forms in (("alsoMatches", also), ("searchAlso", lay)):
            for locale, texts in forms.items():
                for text in texts:
                    count += kind == "searchAlso"
                    where = f"{me}.{kind}.{locale} {text!r}"
                    key = key_of(text, locale)
                    if locale not in locales:
                        out.append(f"{where}: points nowhere: {locale!r} is not a language of the content")
                    elif not key:
                        out.append(f"{where}: points nowhere: it has no word to match")
                    elif not names.get(locale):
                        out.append(f"{where}: points nowhere: the term has no name in {locale!r}")
                    else:
                        others = sorted(owners.get((locale, key), set()) - {me})
                        mine = {f"treatments[{t}]" for t, _, ids in treatments if term_id in ids or t == term_id}
                        others = [o for o in others if o not in mine]
                        if others:
                            out.append(f"{where}: shadows {', '.join(others)}, which reads the same: "
                                       "a search for it would be led to this term")
    return out, count
