"""The accessibility tree of what is on screen now, built from the Kivy widgets, and its actions.

Kivy draws its own widgets and tells no platform what they are, so this walks the widget tree the
way a sighted reader scans the screen (top bar, status line, the page top to bottom, a dialog over
it) and names each thing by its class: our ``Text`` is a heading or a paragraph, ``Action`` a
button (or a link where ``a11y_role`` says so), ``Choice`` a radio, the search box a search field.
A widget overrides what it says with ``a11y_name``, its language with ``a11y_language`` and a
heading's level with ``a11y_level`` (set in the .kv files or where it is made).

Only what a person can see is in the tree: a transparent or zero-height widget and what it holds
are left out, as they are from read-aloud.
"""

from __future__ import annotations

import dataclasses
import weakref
from typing import Any

from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget

from mobile.a11y.tree import Action, Node, Role, Tree
from mobile.i18n import plain
from mobile.screens.widgets import Banner, Bullet, Choice, ResultButton

WINDOW_ID = 1
STATUS_ID = 2
# Ids fit in 31 bits (Android's virtual view ids are Java ints): widgets count up from 16.
LIST_BASE = 1 << 28  # a list's id: its first item's id plus this (lists have no widget of their own)
# A dimmed control is another node: AT-SPI clients keep an object's interfaces (its actions) for
# as long as its id lives, so a button that becomes available must come back under a new id.
DIMMED_BASE = 1 << 29


class Collector:
    """Gives each widget a lasting node id and builds the tree of the screen on demand."""

    def __init__(self) -> None:
        self._ids: weakref.WeakKeyDictionary[Widget, int] = weakref.WeakKeyDictionary()
        self._next = 16
        self.widgets: dict[int, weakref.ref[Widget]] = {}

    def id_of(self, widget: Widget) -> int:
        found = self._ids.get(widget)
        if found is None:
            found = self._ids[widget] = self._next
            self._next += 1
        return found + (DIMMED_BASE if widget.disabled else 0)

    def renew(self) -> None:
        """New ids for every widget, as for a new page: a screen reader meets a new screen's title
        (kept by the screen from one visit to the next) as new, and says it."""
        self._ids = weakref.WeakKeyDictionary()

    def widget(self, node_id: int) -> Widget | None:
        ref = self.widgets.get(node_id)
        return ref() if ref is not None else None

    def build(self, app: Any, focused: Widget | None = None) -> Tree:
        """The tree of the app's window now: top bar, status, the current screen, an open dialog."""
        self.widgets = {}
        nodes: dict[int, Node] = {}
        walker = _Walker(self, nodes, app)
        children = walker.children_of(app.root.ids.bar)
        nodes[STATUS_ID] = Node(STATUS_ID, Role.STATUS, name=plain(app.banner).replace("\n", " "),
                                language=app.locale, bounds=_status_bounds(app))
        children.append(STATUS_ID)
        screen = app.screens.current_screen
        children += walker.children_of(screen)
        if app.popup is not None:
            dialog_id = self.id_of(app.popup)
            inner = walker.children_of(app.popup)
            heading = next((nodes[i].name for i in inner if nodes[i].role is Role.HEADING), "")
            nodes[dialog_id] = Node(dialog_id, Role.DIALOG, name=heading, language=app.locale,
                                    bounds=bounds_of(app.popup.ids.box), children=tuple(inner), modal=True)
            self.widgets[dialog_id] = weakref.ref(app.popup)
            children.append(dialog_id)
        window = Node(WINDOW_ID, Role.WINDOW, language=app.locale, bounds=bounds_of(app.root),
                      children=tuple(children))
        tree = Tree({**nodes, WINDOW_ID: window}, root=WINDOW_ID, focus=WINDOW_ID)
        titles = tree.headings(1)
        title = titles[0].name if titles else ""
        name = f"{title} – {app.s['app.title']}" if title and title != app.s["app.title"] else title
        focus = self.id_of(focused) if focused is not None else None
        if focus not in tree.nodes:  # nothing chosen yet: a screen reader starts at the title (or the dialog's)
            start = children[-1] if app.popup is not None else None
            focus = next((n.id for n in tree.walk(start) if n.role is Role.HEADING), WINDOW_ID)
        return dataclasses.replace(tree, nodes={**tree.nodes, WINDOW_ID: dataclasses.replace(window, name=name)},
                                   focus=focus)


def bounds_of(widget: Widget) -> tuple[float, float, float, float]:
    """The widget's box in window pixels, measured from the top left as screen readers expect."""
    from kivy.core.window import Window  # here, not on import: importing it opens the window

    left, bottom = widget.to_window(widget.x, widget.y)
    right, top = widget.to_window(widget.right, widget.top)
    return (round(left, 1), round(Window.height - top, 1), round(right - left, 1), round(top - bottom, 1))


def _status_bounds(app: Any) -> tuple[float, float, float, float]:
    banner = next((w for w in app.screens.current_screen.walk() if isinstance(w, Banner)), None)
    if banner is None or not app.banner or banner.height <= 0:
        return (0, 0, 0, 0)
    return bounds_of(banner)


def shown(widget: Widget) -> bool:
    return widget.opacity > 0 and widget.height > 0 and widget.width > 0


class _Walker:
    def __init__(self, collector: Collector, nodes: dict[int, Node], app: Any) -> None:
        self.collector, self.nodes, self.app = collector, nodes, app

    def children_of(self, container: Widget) -> list[int]:
        """The nodes for what ``container`` holds, in reading order; runs of list items become a list."""
        ids: list[int] = []
        run: list[int] = []
        for widget in reversed(container.children):  # Kivy keeps the last added first
            for node_id in self.nodes_for(widget):
                if self.nodes[node_id].role is Role.LIST_ITEM:
                    run.append(node_id)
                    continue
                ids += self._close(run)
                run = []
                ids.append(node_id)
        return ids + self._close(run)

    def _close(self, run: list[int]) -> list[int]:
        if not run:
            return []
        list_id = LIST_BASE + run[0]
        x0 = min(self.nodes[i].bounds[0] for i in run)
        y0 = min(self.nodes[i].bounds[1] for i in run)
        x1 = max(self.nodes[i].bounds[0] + self.nodes[i].bounds[2] for i in run)
        y1 = max(self.nodes[i].bounds[1] + self.nodes[i].bounds[3] for i in run)
        self.nodes[list_id] = Node(list_id, Role.LIST, language=self.app.locale, bounds=(x0, y0, x1 - x0, y1 - y0),
                                   children=tuple(run))
        self.collector.widgets[list_id] = self.collector.widgets[run[0]]  # scrolling to a list shows its start
        return [list_id]

    def nodes_for(self, widget: Widget) -> list[int]:
        if not shown(widget) or isinstance(widget, Banner):  # the banner is the status node
            return []
        made = self._node(widget)
        if made is None:
            return self.children_of(widget)
        if not made.name.strip() and made.role in (Role.PARAGRAPH, Role.HEADING):
            return []
        self.nodes[made.id] = made
        self.collector.widgets[made.id] = weakref.ref(widget)
        return [made.id]

    def _node(self, widget: Widget) -> Node | None:
        """The node for one widget, or None for a container whose children speak for it."""
        common = {"id": self.collector.id_of(widget), "bounds": bounds_of(widget),
                  "language": getattr(widget, "a11y_language", "") or self.app.locale,
                  "disabled": bool(widget.disabled)}
        name = getattr(widget, "a11y_name", "")
        if isinstance(widget, TextInput):
            return Node(role=Role.SEARCH_FIELD, name=name or plain(self.app.s["search.title"]),
                        value=widget.text, description=widget.text, **common)
        if isinstance(widget, Choice):
            return Node(role=Role.RADIO, name=name or plain(widget.text), checked=bool(widget.selected), **common)
        if isinstance(widget, ResultButton):
            return Node(role=Role.LINK, name=name or plain(widget.title),
                        description=f"{plain(widget.label)}. {plain(widget.detail)}", **common)
        if isinstance(widget, Bullet):
            return Node(role=Role.LIST_ITEM, name=plain(widget.text), **common)
        if isinstance(widget, ButtonBehavior) and isinstance(widget, Label):
            role = Role.LINK if getattr(widget, "a11y_role", "") == "link" else Role.BUTTON
            return Node(role=role, name=name or plain(widget.text).strip(), **common)
        if isinstance(widget, Label):
            text = name or plain(widget.text).strip()
            text_role = getattr(widget, "role", "body")
            level = getattr(widget, "a11y_level", 0) or {"title": 1, "heading": 2}.get(text_role, 0)
            if level:
                return Node(role=Role.HEADING, name=text, level=level, **common)
            return Node(role=Role.PARAGRAPH, name=text, **common)
        return None


def perform(widget: Widget, action: Action, value: str = "") -> bool:
    """Do what a screen reader asked of a widget (on Kivy's main thread). False when it cannot."""
    if action is Action.CLICK and isinstance(widget, ButtonBehavior) and not widget.disabled:
        widget.trigger_action(duration=0)
        return True
    if action is Action.SET_VALUE and isinstance(widget, TextInput):
        widget.text = value
        return True
    if action in (Action.SCROLL_INTO_VIEW, Action.FOCUS):
        scroll_into_view(widget)
        return True
    return False


def scroll_into_view(widget: Widget) -> None:
    """Scroll the page (or the dialog) so that ``widget`` is on screen; nothing when it already is."""
    parent = widget.parent
    while parent is not None and not isinstance(parent, ScrollView):
        parent = None if parent.parent is parent else parent.parent  # the window is its own parent
    if parent is None or parent.viewport_size[1] <= parent.height:
        return
    top = bounds_of(parent)[1]
    _, y, _, height = bounds_of(widget)
    if y < top or y + height > top + parent.height:
        parent.scroll_to(widget, padding=parent.height * 0.1, animate=False)
