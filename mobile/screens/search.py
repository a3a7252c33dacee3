"""Search the saved content as you type, in the reader's language, forgiving accents, word forms and typos;
when nothing is found, the names the reader may have meant, to tap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder

from mobile import views
from mobile.screens.widgets import Page

DELAY_SECONDS = 0.2  # wait for a pause in typing; the search itself takes a few milliseconds


class SearchScreen(Page):
    def on_kv_post(self, base_widget: Any) -> None:
        self._later = Clock.create_trigger(lambda _dt: self.search(), DELAY_SECONDS)

    def show(self, **params: Any) -> None:
        self.search()

    def on_enter(self, *args: Any) -> None:
        self.ids.query.focus = True

    def search_later(self) -> None:
        self._later()

    def search(self) -> None:
        app = App.get_running_app()
        text = self.ids.query.text
        answer = app.store.find(text, app.locale) if text.strip() else None
        hits = answer.hits if answer else []
        suggestions = answer.suggestions if answer else []
        self.fill(views.search(hits, app.s, suggestions), may_be_empty=True)
        if not text.strip():
            self.ids.count.text = ""
        elif hits:
            self.ids.count.text = app.s.format("search.resultCount", count=len(hits))
        else:
            self.ids.count.text = app.s["search.noResults"]

    def search_for(self, text: str) -> None:
        """Search for a suggested name at once, as if typed (the reader tapped "did you mean")."""
        self.ids.query.text = text
        self._later.cancel()
        self.search()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
