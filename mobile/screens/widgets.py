"""Widgets every screen uses: wrapping text, large buttons, cards, the top bar and the page frame.

Text always wraps (``text_size`` bound to the width, height bound to ``texture_size``), so nothing
is cut off at any text size; every button is at least ``app.touch`` (48 dp) tall.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from mobile.i18n import plain
from mobile.views import Item


class Described:
    """What a screen reader says of a widget, where its class alone does not tell (``mobile.a11y``)."""

    a11y_name = StringProperty("")      # instead of its text
    a11y_language = StringProperty("")  # BCP 47, when not the reader's language
    a11y_level = NumericProperty(0)     # a heading's level, when not its role's


class Focusable(Described):
    """Draws the keyboard focus ring while it has keyboard focus."""

    a11y_focused = BooleanProperty(False)


class Text(Described, Label):
    """Wrapping text in one of the theme's roles (body, small, heading, title) and tones."""

    role = OptionProperty("body", options=["small", "body", "button", "heading", "title"])
    tone = StringProperty("text")


class Action(Focusable, ButtonBehavior, Label):
    """A large button: primary, secondary or in the top bar. ``spoken`` includes it in read-aloud.
    ``a11y_role`` 'link' makes it a link for screen readers (it opens another screen)."""

    a11y_role = OptionProperty("button", options=["button", "link"])

    kind = OptionProperty("primary", options=["primary", "secondary", "bar"])
    spoken = BooleanProperty(False)
    align = OptionProperty("center", options=["left", "center"])
    fit = BooleanProperty(False)  # as wide as its words (top bar) instead of the full width


class Choice(Focusable, ButtonBehavior, BoxLayout):
    """One of a set of options, drawn as a radio button: the ring is filled when it is chosen.

    The choice is shown by the dot, not by colour alone (WCAG 1.4.1).
    """

    text = StringProperty("")
    selected = BooleanProperty(False)


class ResultButton(Focusable, ButtonBehavior, BoxLayout):
    """A search result: the whole card is the target."""

    label = StringProperty("")   # what kind of thing it is: Section, Treatment, Word
    title = StringProperty("")
    detail = StringProperty("")


class Box(BoxLayout):
    """A vertical stack as tall as what it holds."""


class Card(Box):
    """A framed group: ``tone`` 'surface' for cards, 'callout' for notes set apart."""

    tone = StringProperty("surface")


class Bullet(BoxLayout):
    text = StringProperty("")


class TopBar(BoxLayout):
    pass


class Banner(Box):
    """Offline, updating, restored: one calm line or two under the top bar; no height when empty."""


class TermPopup(ModalView):
    """The plain definition of a glossary word, over the current screen."""

    term = StringProperty("")
    definition = StringProperty("")


class ReadAloud(Action):
    pass


class Page(Screen):
    """A scrolling screen. ``show(**params)`` fills it; ``items`` after the title go in ``content``."""

    empty = BooleanProperty(False)  # what it was asked to show no longer exists

    def show(self, **params: Any) -> None:
        raise NotImplementedError

    def fill(self, items: list[Item], may_be_empty: bool = False) -> None:
        app = App.get_running_app()
        box = self.ids.content
        box.clear_widgets()
        self.empty = not items and not may_be_empty
        if items and items[0].kind == "title":
            self.ids.title.text, items = items[0].text, items[1:]
        for item in items:
            box.add_widget(make_widget(item, app))
        app.a11y.changed()

    def spoken_text(self) -> str:
        """The words on this screen, top to bottom, as read-aloud says them."""
        parts: list[str] = []

        def walk(widget: Widget) -> None:
            if isinstance(widget, Action):
                if widget.spoken and widget.opacity > 0:
                    parts.append(plain(widget.text))
                return
            if isinstance(widget, Label):
                if widget.opacity > 0 and widget.text.strip():
                    parts.append(plain(widget.text))
                return
            for child in reversed(widget.children):
                walk(child)

        walk(self)
        return "\n".join(p for p in parts if p.strip())


def make_widget(item: Item, app: Any) -> Widget:
    """One widget for one view item."""
    kind = item.kind
    if kind in ("title", "heading"):
        return Text(text=item.text, role=kind, tone="heading")
    if kind == "paragraph":
        return Text(text=item.text)
    if kind == "hint":
        return Text(text=item.text, role="small", tone="muted")
    if kind == "bullet":
        return Bullet(text=item.text)
    if kind == "callout":
        card = Card(tone="callout")
        card.add_widget(Text(text=item.text, tone="callout_text"))
        return card
    if kind == "field":
        label = f"[b]{item.text}[/b]\n" if item.text else ""
        return Text(text=label + item.detail)
    if kind == "person":
        return Text(text=f"{item.text}\n{item.detail}")
    if kind == "card":
        card = Card()
        button = Action(text=item.text, kind="primary", align="left", spoken=True, a11y_role="link")
        button.bind(on_release=lambda *_: app.open("treatment", slug=item.slug, treatment_id=item.target))
        card.add_widget(button)
        card.add_widget(Text(text=item.detail))
        return card
    if kind == "link":
        button = Action(text=item.text, kind="secondary", align="left", spoken=True, a11y_role="link")
        button.bind(on_release=lambda *_: app.open("section", slug=item.slug, section_id=item.target))
        return button
    if kind == "term":
        button = Action(text=item.text, kind="secondary", align="left")
        button.bind(on_release=lambda *_: app.show_term(item.target))
        return button
    if kind == "suggestion":
        button = Action(text=item.text, kind="secondary", align="left", spoken=True)
        button.bind(on_release=lambda *_: app.screens.get_screen("search").search_for(item.target))
        return button
    if kind.startswith("result-"):
        result = ResultButton(label=item.label, title=item.text, detail=item.detail)
        result.bind(on_release=lambda *_: app.open_result(kind.removeprefix("result-"), item.slug, item.target))
        return result
    raise ValueError(f"no widget for {kind!r}")


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
