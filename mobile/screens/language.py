"""The first screen on a new phone: each language's own 'I want to see the site in …' and its button."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder

from mobile.markup import escape
from mobile.screens.widgets import Action, Page, Text


class LanguageScreen(Page):
    def show(self, **params: Any) -> None:
        app = App.get_running_app()
        box = self.ids.content
        box.clear_widgets()
        for language in app.languages:
            box.add_widget(Text(text=escape(language["choosePrompt"]), role="heading", tone="heading",
                                a11y_language=language["code"]))
            button = Action(text=escape(language["continueLabel"]), kind="primary", a11y_language=language["code"])
            button.code = language["code"]
            button.bind(on_release=lambda b: app.choose_locale(b.code))
            box.add_widget(button)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
