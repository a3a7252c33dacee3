"""About: where the content comes from, who reviewed it and when, the disclaimer, and the last update."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder

from mobile import views
from mobile.screens.widgets import Page


class AboutScreen(Page):
    def show(self, **params: Any) -> None:
        app = App.get_running_app()
        docs = app.documents()
        now = dt.datetime.now(dt.UTC)
        self.fill(views.about(docs[0], app.s, app.store.synced_at, now) if docs else [])


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
