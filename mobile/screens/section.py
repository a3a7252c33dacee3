"""A section: its text with the glossary words marked, its treatments, and its words to know."""

from __future__ import annotations

from pathlib import Path

from kivy.app import App
from kivy.lang import Builder

from mobile import views
from mobile.screens.widgets import Page


class SectionScreen(Page):
    def show(self, slug: str = "", section_id: str = "") -> None:
        app = App.get_running_app()
        doc = app.document(slug)
        self.fill(views.section(doc, section_id, app.link_colour, app.s) if doc else [])


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
