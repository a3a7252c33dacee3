"""The accessibility model of a screen, in plain Python: roles, names, languages, bounds, actions.

A screen reader needs the same things on every platform: what each thing is (its role), what it
says (its name, in which language), where it is (its bounds, in window pixels from the top left),
and what can be done with it. Both adapters (AccessKit on the desktop, the Java bridge on Android)
translate this one model, so what a blind reader hears is decided here, where a test can read it
without a window.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

Bounds = tuple[float, float, float, float]  # x, y (top left), width, height, in window pixels


class Role(enum.Enum):
    WINDOW = "window"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LINK = "link"
    BUTTON = "button"
    RADIO = "radio"
    LIST = "list"
    LIST_ITEM = "list item"
    SEARCH_FIELD = "search field"
    STATUS = "status"
    DIALOG = "dialog"
    GROUP = "group"


class Action(enum.Enum):
    CLICK = "click"
    FOCUS = "focus"
    SET_VALUE = "set value"
    SCROLL_INTO_VIEW = "scroll into view"


ACTIVATABLE = frozenset({Role.LINK, Role.BUTTON, Role.RADIO})
FOCUSABLE = ACTIVATABLE | {Role.SEARCH_FIELD}


@dataclass(frozen=True)
class Node:
    """One thing a screen reader can stop on. ``children`` are node ids, in reading order."""

    id: int
    role: Role
    name: str = ""
    language: str = ""            # BCP 47, the content's language
    bounds: Bounds = (0, 0, 0, 0)
    children: tuple[int, ...] = ()
    level: int = 0                # headings: 1 for the screen's title, 2 below it
    value: str = ""               # a search field's text
    description: str = ""         # a second line: a search result's kind and snippet
    checked: bool | None = None   # radios: chosen or not
    disabled: bool = False
    modal: bool = False           # a dialog that hides the screen behind it

    @property
    def actions(self) -> frozenset[Action]:
        if self.disabled:
            return frozenset()
        if self.role in ACTIVATABLE:
            return frozenset({Action.CLICK, Action.FOCUS, Action.SCROLL_INTO_VIEW})
        if self.role is Role.SEARCH_FIELD:
            return frozenset({Action.FOCUS, Action.SET_VALUE, Action.SCROLL_INTO_VIEW})
        if self.role in (Role.WINDOW, Role.DIALOG, Role.LIST, Role.GROUP):
            return frozenset()
        if self.role is Role.HEADING:  # a new screen starts a screen reader at its title (Tab skips it)
            return frozenset({Action.FOCUS, Action.SCROLL_INTO_VIEW})
        return frozenset({Action.SCROLL_INTO_VIEW})

    @property
    def focusable(self) -> bool:
        return self.role in FOCUSABLE and not self.disabled


@dataclass(frozen=True)
class Tree:
    """A screen's nodes by id; ``root`` is the window; ``focus`` the node with keyboard focus or, until
    the reader chooses one, the screen's first heading (the dialog's when one is open), so that a
    screen reader says where a new screen starts."""

    nodes: dict[int, Node]
    root: int
    focus: int

    def __getitem__(self, node_id: int) -> Node:
        return self.nodes[node_id]

    def walk(self, start: int | None = None) -> Iterator[Node]:
        """Every node below ``start`` (the window), depth first: the order a reader hears them."""
        stack = [self.root if start is None else start]
        while stack:
            node = self.nodes[stack.pop()]
            yield node
            stack.extend(reversed(node.children))

    def focus_order(self) -> list[Node]:
        """What Tab visits, in reading order. Inside a modal dialog, only the dialog."""
        dialog = next((n for n in self.walk() if n.modal), None)
        return [n for n in self.walk(dialog.id if dialog else None) if n.focusable]

    def headings(self, level: int | None = None) -> list[Node]:
        return [n for n in self.walk() if n.role is Role.HEADING and (level is None or n.level == level)]

    def find(self, role: Role, name: str) -> Node | None:
        return next((n for n in self.walk() if n.role is role and n.name == name), None)


def problems(tree: Tree, width: float, height: float, visible_only: Sequence[int] = ()) -> list[str]:
    """What a screen reader user would trip on, one line each (empty when none).

    Every screen has one level-1 heading; every button and link has a name; every node that says
    something has its language; and the nodes in ``visible_only`` (those on screen now) lie inside
    the window.
    """
    found = []
    titles = tree.headings(1)
    if len(titles) != 1:
        found.append(f"{len(titles)} level-1 headings, not 1")
    for node in tree.walk():
        if node.role in FOCUSABLE and not node.name.strip():
            found.append(f"{node.role.value} {node.id} has no name")
        if node.name and not node.language:
            found.append(f"{node.role.value} {node.name!r} has no language")
    for node_id in visible_only:
        x, y, w, h = tree[node_id].bounds
        if x < -0.5 or y < -0.5 or x + w > width + 0.5 or y + h > height + 0.5:
            found.append(f"{tree[node_id].role.value} {tree[node_id].name!r} at {tree[node_id].bounds} "
                         f"is outside the {width:.0f}×{height:.0f} window")
    return found


def flatten(tree: Tree) -> dict[str, object]:
    """The tree as plain JSON data, each node with its parent: what the Android bridge reads."""
    parents = {child: node.id for node in tree.walk() for child in node.children}
    nodes = []
    for node in tree.walk():
        flat: dict[str, object] = {"id": node.id, "parent": parents.get(node.id, -1), "role": node.role.value,
                                   "name": node.name, "language": node.language, "bounds": list(node.bounds),
                                   "children": list(node.children), "actions": sorted(a.value for a in node.actions)}
        for key in ("level", "value", "description", "disabled"):
            if getattr(node, key):
                flat[key] = getattr(node, key)
        if node.checked is not None:
            flat["checked"] = node.checked
        nodes.append(flat)
    return {"root": tree.root, "focus": tree.focus, "nodes": nodes}
