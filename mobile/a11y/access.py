"""Keeps the accessibility tree in step with the screen, moves keyboard focus, and feeds the adapters.

The tree is rebuilt only when something a reader would notice changed (a screen shown, the
language, text size, contrast, new content, a dialog, the status line, a scroll) and only when
someone needs it: an adapter with a screen reader attached, or a key press. Nothing is polled.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any, Protocol

from kivy.clock import Clock
from kivy.uix.textinput import TextInput
from kivy.uix.widget import Widget

from mobile.a11y import keyboard
from mobile.a11y.tree import Action, Tree
from mobile.a11y.widgets import WINDOW_ID, Collector, perform, scroll_into_view

log = logging.getLogger("clara.a11y")

SETTLE_SECONDS = 0.05  # let a new screen's text wrap and lay out before it is described
LATE_SECONDS = 0.2     # and once more, for text whose size is known a frame or two later


class Adapter(Protocol):
    def changed(self) -> None: ...


class Accessibility:
    """One per app: ``changed()`` after anything on screen moves; ``tree()`` describes it now."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.collector = Collector()
        self.adapters: list[Adapter] = []
        self.builds = 0
        self._focused: weakref.ref[Widget] | None = None
        self._trigger = Clock.create_trigger(self._publish, SETTLE_SECONDS)
        self._late = Clock.create_trigger(self._publish, LATE_SECONDS)
        from kivy.core.window import Window  # here, not on import: importing it opens the window

        Window.bind(on_key_down=self._on_key_down)

    @property
    def focused(self) -> Widget | None:
        return self._focused() if self._focused is not None else None

    def tree(self) -> Tree:
        self.builds += 1
        return self.collector.build(self.app, self.focused)

    def changed(self, *_: Any) -> None:
        self._trigger()
        self._late()

    def _publish(self, _dt: float) -> None:
        for adapter in self.adapters:
            adapter.changed()

    def renew(self) -> None:
        """Everything on screen is said anew (a new language): new node ids, keyboard focus kept."""
        self.collector.renew()
        self.changed()

    def forget_focus(self) -> None:
        """A new screen (or a dialog): nothing on it has focus until the reader moves there."""
        self.collector.renew()
        self.focus(None)

    def focus(self, widget: Widget | None) -> None:
        old = self.focused
        if old is not None and old is not widget:
            if hasattr(old, "a11y_focused"):
                old.a11y_focused = False
            if isinstance(old, TextInput):
                old.focus = False
        self._focused = weakref.ref(widget) if widget is not None else None
        if widget is not None:
            if hasattr(widget, "a11y_focused"):
                widget.a11y_focused = True
            if isinstance(widget, TextInput):
                widget.focus = True
            scroll_into_view(widget)
        self.changed()

    def request(self, node_id: int, action: Action, value: str = "") -> bool:
        """What an assistive technology asked for, run on Kivy's main thread."""
        widget = self.collector.widget(node_id)
        if widget is None:
            log.info("a request for node %s, which is no longer on screen", node_id)
            return False
        if action is Action.FOCUS:
            self.focus(widget)
            return True
        done = perform(widget, action, value)
        self.changed()
        return done

    def _typing(self) -> bool:
        focused = self.focused
        return isinstance(focused, TextInput) and focused.focus

    def _on_key_down(self, _window: Any, key: int, _scancode: int, _codepoint: str, modifiers: list[str]) -> bool:
        what = keyboard.intent(key, modifiers, self._typing())
        if what is None:
            return False
        if what == "press":
            focused = self.focused
            return focused is not None and perform(focused, Action.CLICK)
        tree = self.tree()
        order = [node.id for node in tree.focus_order()]
        target = keyboard.step(order, tree.focus if tree.focus != WINDOW_ID else None, what)
        if target is not None:
            self.focus(self.collector.widget(target))
        return True
