"""Home: the page's title and summary, its sections, and the ways to search, look up words and adjust."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder

from mobile import views
from mobile.screens.widgets import Page


class HomeScreen(Page):
    def show(self, **params: Any) -> None:
        app = App.get_running_app()
        title, summary, *rest = views.home(app.documents(), app.s)
        self.ids.summary.text = summary.text
        self.fill([title, *rest])


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
