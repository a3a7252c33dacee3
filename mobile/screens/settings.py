"""Settings: language, text size (100%–200%), high contrast and read-aloud; each applies at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder

from mobile.markup import escape
from mobile.screens.widgets import Choice, Page


class SettingsScreen(Page):
    def show(self, **params: Any) -> None:
        app = App.get_running_app()
        box = self.ids.languages
        box.clear_widgets()
        for language in app.languages:
            button = Choice(text=escape(language["nativeName"]), selected=language["code"] == app.locale)
            button.code = language["code"]
            button.bind(on_release=lambda b: app.set_locale(b.code))
            box.add_widget(button)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
