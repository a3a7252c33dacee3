"""Which language a missing text is taken from."""

from __future__ import annotations

from collections.abc import Mapping


def fallback_chain(fallbacks: Mapping[str, str | None], default: str, locale: str) -> list[str]:
    """``locale``, then its fallbacks in order, then the default locale: where a missing text is sought.

    ``fallbacks`` maps each locale code to the code it falls back to (or None). A cycle stops at
    the first repeat; the default locale always comes last, once.
    """
    chain = [locale]
    current = fallbacks.get(locale)
    while current and current not in chain:
        chain.append(current)
        current = fallbacks.get(current)
    if default not in chain:
        chain.append(default)
    return chain
