"""The screenshot tour: visit every main screen of the running app, save one PNG each, then quit.

Each step acts like a person would (choose a language, open a section, tap a word...), waits a few
frames for the layout to settle, and saves the window, popups included.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

log = logging.getLogger("clara.screenshots")

SETTLE_FRAMES = 8
SEARCH_WORDS = {"es": "quimio", "en": "chemo"}
MISSPELLED = {"es": "xemoterapia", "en": "xhemotherapy"}  # found nothing: "did you mean" shows


class Tour:
    def __init__(self, app: Any, out: Path) -> None:
        self.app = app
        self.out = Path(out)
        self.saved: list[Path] = []

    def start(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        if self.app.opts.sync:
            self.app.sync_now(done=lambda _outcome: self._run(self._steps()))
        else:
            self._run(self._steps())

    def _steps(self) -> list[tuple[str, Callable[[], None]]]:
        app = self.app
        locale = app.opts.locale or app.locale
        doc = app.documents()[0]
        section = next(s for s in doc["sections"] if any(b["terms"] for b in s["blocks"]))
        term = next(t["id"] for b in section["blocks"] for t in b["terms"])
        treatment = next(b["treatments"][0]["id"] for s in doc["sections"] for b in s["blocks"]
                         if b["type"] == "treatments")

        def search(words: dict[str, str]) -> Callable[[], None]:
            def step() -> None:
                app.open("search")
                screen = app.screens.get_screen("search")
                screen.ids.query.text = words.get(app.locale, "")
                screen.search()  # at once, not after the pause-in-typing delay
            return step

        return [
            ("language", lambda: app.open("language", start_over=True)),
            ("home", lambda: app.choose_locale(locale)),
            ("home-end", lambda: self._scroll_to_end()),
            ("section", lambda: app.open("section", slug=doc["slug"], section_id=section["id"])),
            ("section-end", lambda: self._scroll_to_end()),
            ("term", lambda: app.show_term(term)),
            ("treatment", lambda: (app.back(), app.open("treatment", slug=doc["slug"], treatment_id=treatment))),
            ("glossary", lambda: app.open("glossary")),
            ("search", search(SEARCH_WORDS)),
            ("search-misspelled", search(MISSPELLED)),
            ("settings", lambda: app.open("settings")),
            ("about", lambda: app.open("about")),
        ]

    def _scroll_to_end(self) -> None:
        self.app.screens.current_screen.ids.scroll.scroll_y = 0

    def _run(self, steps: list[tuple[str, Callable[[], None]]]) -> None:
        if not steps:
            log.info("saved %d screenshots in %s", len(self.saved), self.out)
            self.app.stop()
            return
        (name, action), rest = steps[0], steps[1:]
        action()
        self._after_frames(SETTLE_FRAMES, lambda: (self._save(len(self.saved) + 1, name), self._run(rest)))

    def _after_frames(self, frames: int, then: Callable[[], Any]) -> None:
        if frames <= 0:
            then()
            return
        Clock.schedule_once(lambda _dt: self._after_frames(frames - 1, then), 0)

    def _save(self, index: int, name: str) -> None:
        target = self.out / f"{index:02d}-{name}.png"
        written = Window.screenshot(name=str(self.out / f"{index:02d}-{name}-.png"))
        os.replace(written, target)
        self.saved.append(target)
