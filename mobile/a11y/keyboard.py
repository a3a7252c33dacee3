"""Which key does what, for keyboard and switch users: plain rules, no Kivy.

Tab and Shift-Tab move along the tree's focus order (its reading order); Enter and Space press
what has focus; Escape goes back (the app's own key). In the search box Space and Enter type and
search, as in any text field, so only Tab leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence

TAB, ENTER, NUMPAD_ENTER, SPACE = 9, 13, 271, 32


def intent(key: int, modifiers: Sequence[str], in_text_field: bool) -> str | None:
    """'next', 'previous' or 'press' for a key press, or None when the key is not ours."""
    if key == TAB and not {"ctrl", "alt", "meta"} & set(modifiers):
        return "previous" if "shift" in modifiers else "next"
    if key in (ENTER, NUMPAD_ENTER, SPACE) and not in_text_field:
        return "press"
    return None


def step(order: Sequence[int], current: int | None, direction: str) -> int | None:
    """The node after (or before) ``current`` in ``order``, wrapping round; the first (or last) when
    nothing in ``order`` has focus yet."""
    if not order:
        return None
    if current not in order:
        return order[0] if direction == "next" else order[-1]
    index = order.index(current) + (1 if direction == "next" else -1)
    return order[index % len(order)]
