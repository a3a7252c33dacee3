"""Words to know: every glossary word of the content, A to Z, with its plain definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder

from mobile import views
from mobile.screens.widgets import Page


class GlossaryScreen(Page):
    def show(self, **params: Any) -> None:
        app = App.get_running_app()
        self.fill(views.glossary(app.documents(), app.s))


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
