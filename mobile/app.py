"""The App: wires the store, sync, speech and screens together. Decisions live in the plain modules.

Navigation is a history of ``(screen, params)``; Back (the top bar, Escape, Android's back key)
pops it. Changing the language, the text size or the contrast re-shows the current screen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock, mainthread
from kivy.core.window import Window
from kivy.metrics import dp, sp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.utils import platform

from mobile import i18n, settings, snapshot, speech, store, sync, theme, views
from mobile.a11y.access import Accessibility
from mobile.markup import escape
from mobile.screens.about import AboutScreen
from mobile.screens.glossary import GlossaryScreen
from mobile.screens.home import HomeScreen
from mobile.screens.language import LanguageScreen
from mobile.screens.search import SearchScreen
from mobile.screens.section import SectionScreen
from mobile.screens.settings import SettingsScreen
from mobile.screens.treatment import TreatmentScreen
from mobile.screens.widgets import TermPopup

log = logging.getLogger("clara.app")

SCREENS = [LanguageScreen, HomeScreen, SectionScreen, TreatmentScreen, GlossaryScreen, SearchScreen,
           SettingsScreen, AboutScreen]
SYNC_EVERY_SECONDS = 15 * 60
NOTICE_SECONDS = 8
BACK_KEY = 27  # Escape on a keyboard, the back key on Android


@dataclasses.dataclass(frozen=True)
class Options:
    api_url: str = dataclasses.field(default_factory=sync.api_url_from_env)
    data_dir: Path | None = None           # default: App.user_data_dir
    locale: str | None = None              # override the saved language (screenshots)
    font_scale: float | None = None
    high_contrast: bool | None = None
    screenshots: Path | None = None        # visit every screen, save PNGs there, and quit
    sync: bool = True


class ClaraApp(App):
    title = "Clara"
    use_kivy_settings = False

    locale = StringProperty("en")
    font_scale = NumericProperty(1.0)
    high_contrast = BooleanProperty(False)
    read_aloud = BooleanProperty(True)
    speaking = BooleanProperty(False)
    speech_available = BooleanProperty(False)
    s = ObjectProperty(i18n.Texts())               # UI strings in the chosen language
    colors = ObjectProperty(theme.colours(False))
    font = ObjectProperty({})
    gap = ObjectProperty({})
    touch = NumericProperty(dp(theme.TOUCH_DP))
    banner = StringProperty("")
    sync_status = StringProperty("idle")           # idle, syncing, updated, unchanged, offline, failed
    can_go_back = BooleanProperty(False)
    other_language = StringProperty("")
    other_locale = StringProperty("")
    screen_name = StringProperty("")

    def __init__(self, options: Options | None = None, **kwargs: Any) -> None:
        self.opts = options or Options()
        self._apply_sizes(1.0)
        super().__init__(**kwargs)
        self.history: list[tuple[str, dict[str, Any]]] = []
        self.languages: list[dict[str, Any]] = []
        self.recovered = False
        self.popup: TermPopup | None = None
        self._sync_thread: threading.Thread | None = None
        self._speech_poll = None

    # --- start-up ------------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return Path(self.opts.data_dir or self.user_data_dir)

    def build(self) -> None:
        data = self.data_dir
        opened = store.open_store(data / "clara.sqlite3", snapshot.load)
        if opened.recovered:
            log.warning("the content database was damaged (%s); rebuilt from the snapshot", opened.problem)
        self.store, self.recovered = opened.store, opened.recovered
        self.settings_path = data / "settings.json"
        saved = settings.load(self.settings_path)
        o = self.opts
        self.settings = saved.with_(
            locale=o.locale or saved.locale,
            font_scale=theme.clamp_scale(o.font_scale) if o.font_scale is not None else saved.font_scale,
            high_contrast=o.high_contrast if o.high_contrast is not None else saved.high_contrast,
        )
        self.speaker = speech.speaker(platform)
        self.speech_available = self.speaker.available
        self._load_content()
        self.font_scale, self.high_contrast = self.settings.font_scale, self.settings.high_contrast
        self.read_aloud = self.settings.read_aloud
        self._apply_theme()
        Window.bind(on_keyboard=self.on_keyboard)
        self.a11y = Accessibility(self)
        # the rest (a screen, a language, contrast, content) goes through _show
        self.bind(banner=self.a11y.changed, font_scale=self.a11y.changed)
        for page in self.screens.screens:
            page.ids.scroll.bind(scroll_y=self.a11y.changed)
        self._start_screen_reader_bridge()
        Window.softinput_mode = "below_target"  # the phone keyboard never hides the search box
        first = "language" if self.settings.locale is None else "home"
        self._go(first, {}, reset=True)
        self.refresh_banner()
        if o.sync and o.screenshots is None:
            self.sync_now()
            Clock.schedule_interval(lambda _dt: self.sync_now(), SYNC_EVERY_SECONDS)

    def _start_screen_reader_bridge(self) -> None:
        """Publish the accessibility tree: AccessKit on the desktop, the Java bridge on Android."""
        if platform == "android":
            from mobile.a11y import android

            android.start(self.a11y)
        else:
            from mobile.a11y import desktop

            desktop.start(self.a11y)

    def open_settings(self, *args: Any) -> bool:
        return False  # F1 opens Kivy's developer settings by default; the reader has its own

    def on_start(self) -> None:
        if self.opts.screenshots is not None:
            from mobile.screenshots import Tour

            Tour(self, self.opts.screenshots).start()

    def on_resume(self) -> None:
        self.sync_now()

    def on_pause(self) -> bool:
        self.stop_reading()
        return True

    def on_stop(self) -> None:
        self.stop_reading()
        if getattr(self, "store", None) is not None:
            self.store.close()

    # --- content and language ------------------------------------------------------------------

    def _load_content(self) -> None:
        self.languages = self.store.languages()
        codes = [lang["code"] for lang in self.languages]
        default = self.store.default_locale()
        chosen = self.settings.locale
        self.locale = chosen if chosen in codes else default
        self.s = i18n.texts(self.store.strings(self.locale), self.store.strings(default))
        if len(codes) > 1:
            following = codes[(codes.index(self.locale) + 1) % len(codes)]
            self.other_language = next(lang["nativeName"] for lang in self.languages if lang["code"] == following)
            self.other_locale = following

    def documents(self) -> list[dict[str, Any]]:
        return self.store.documents(self.locale)

    def document(self, slug: str) -> dict[str, Any] | None:
        return self.store.document(slug, self.locale)

    @property
    def link_colour(self) -> str:
        return theme.palette(self.high_contrast).link

    def choose_locale(self, code: str) -> None:
        """The first-run choice: remember it and open the content."""
        self.set_locale(code)
        self._go("home", {}, reset=True)

    def set_locale(self, code: str) -> None:
        self.stop_reading()
        self._save(locale=code)
        self._load_content()
        self.refresh_banner()
        self.reshow()
        self.a11y.renew()  # a screen reader says the screen again, in its new language

    def toggle_language(self) -> None:
        codes = [lang["code"] for lang in self.languages]
        if len(codes) > 2:
            self.open("settings")
            return
        following = codes[(codes.index(self.locale) + 1) % len(codes)]
        if self.history and self.history[-1][0] == "language":
            self.choose_locale(following)
        else:
            self.set_locale(following)

    # --- look and feel -------------------------------------------------------------------------

    def _apply_sizes(self, scale: float) -> None:
        self.font = {role: sp(size) for role, size in theme.font_sp(scale).items()}
        self.gap = {role: dp(size) for role, size in theme.gap_dp(scale).items()}

    def _apply_theme(self) -> None:
        self._apply_sizes(self.font_scale)
        self.colors = theme.colours(self.high_contrast)
        Window.clearcolor = self.colors["background"]

    def set_font_scale(self, value: float) -> None:
        self.font_scale = theme.clamp_scale(value)
        self._save(font_scale=self.font_scale)
        self._apply_theme()

    def set_high_contrast(self, value: bool) -> None:
        self.high_contrast = bool(value)
        self._save(high_contrast=self.high_contrast)
        self._apply_theme()
        self.reshow()  # glossary words carry the link colour in their markup

    def set_read_aloud(self, value: bool) -> None:
        self.read_aloud = bool(value)
        if not value:
            self.stop_reading()
        self._save(read_aloud=self.read_aloud)

    def _save(self, **changes: Any) -> None:
        self.settings = self.settings.with_(**changes)
        try:
            settings.save(self.settings_path, self.settings)
        except OSError as exc:  # a full disk must not stop the reader
            log.warning("could not save settings: %s", exc)

    # --- navigation ----------------------------------------------------------------------------

    @property
    def screens(self) -> Any:
        return self.root.ids.screens

    def open(self, name: str, *, start_over: bool = False, **params: Any) -> None:
        """Show screen ``name``; ``start_over`` forgets the way back (as at start-up)."""
        self._go(name, params, reset=start_over)

    def open_result(self, kind: str, slug: str, target: str) -> None:
        if kind == "section":
            self.open("section", slug=slug, section_id=target)
        elif kind == "treatment":
            self.open("treatment", slug=slug, treatment_id=target)
        elif kind == "term":
            self.show_term(target)
        else:
            self.open("home")

    def _go(self, name: str, params: dict[str, Any], reset: bool = False) -> None:
        self.stop_reading()
        if reset:
            self.history.clear()
        self.history.append((name, params))
        self._show(top=True)

    def _show(self, top: bool) -> None:
        """Show the last screen of the history: from its top, or where the reader was (``top`` False)."""
        name, params = self.history[-1]
        self.can_go_back = len(self.history) > 1
        screen = self.screens.get_screen(name)
        scroll = screen.ids.scroll
        position = 1 if top else scroll.scroll_y
        screen.show(**params)
        if screen.empty and name != "home":  # removed by a sync: start again from home
            self._go("home", {}, reset=True)
            return
        scroll.scroll_y = position
        self.screens.current = name
        self.screen_name = name
        self.root.ids.bar.ids.lang.opacity = 0 if name == "language" else 1
        self.root.ids.bar.ids.lang.disabled = name == "language" or not self.other_language
        if top:
            self.a11y.forget_focus()
        self.a11y.changed()

    def reshow(self) -> None:
        """Show the current screen again (new language, colours or content), keeping the reader's place."""
        if self.history:
            self._show(top=False)

    def back(self) -> bool:
        """Go to the previous screen. False when there is none (the home screen)."""
        if self.popup is not None:
            self.popup.dismiss(animation=False)
            return True
        if len(self.history) <= 1:
            return False
        self.history.pop()
        self.stop_reading()
        self._show(top=True)
        return True

    def on_keyboard(self, window: Any, key: int, *args: Any) -> bool:
        if key != BACK_KEY:
            return False
        if self.back():
            return True
        if platform == "android":  # at home, Back leaves the app the way Android apps do
            from jnius import autoclass

            autoclass("org.kivy.android.PythonActivity").mActivity.moveTaskToBack(True)
        return True

    # --- glossary ------------------------------------------------------------------------------

    def find_term(self, term_id: str) -> dict[str, Any] | None:
        for doc in self.documents():
            for term in doc["glossary"]:
                if term["id"] == term_id:
                    return term
        return None

    def show_term(self, term_id: str) -> None:
        term = self.find_term(term_id)
        if term is None:
            return
        self._open_popup(escape(term["term"]), escape(term["definition"]))

    def _open_popup(self, title: str, text: str) -> None:
        self.popup = TermPopup(term=title, definition=text)
        self.popup.bind(on_dismiss=self._popup_closed)
        self.popup.open(animation=False)
        self.a11y.forget_focus()

    def _popup_closed(self, *_: Any) -> None:
        self.popup = None
        self.a11y.forget_focus()

    # --- read aloud ----------------------------------------------------------------------------

    def toggle_reading(self) -> None:
        if self.speaking:
            self.stop_reading()
            return
        if not self.speaker.available:
            self._open_popup(escape(self.s["readAloud.start"]), escape(self.s["readAloud.unavailable"]))
            return
        text = self.screens.current_screen.spoken_text()
        self.speaker.speak(text, self.locale)
        self.speaking = True
        self._speech_poll = Clock.schedule_interval(self._check_speaking, 0.5)

    def _check_speaking(self, _dt: float) -> None:
        if not self.speaker.is_speaking():
            self.stop_reading()

    def stop_reading(self) -> None:
        if getattr(self, "speaker", None) is not None and self.speaking:
            self.speaker.stop()
        self.speaking = False
        if self._speech_poll is not None:
            self._speech_poll.cancel()
            self._speech_poll = None

    # --- sync ----------------------------------------------------------------------------------

    def sync_now(self, done: Any = None) -> None:
        """Start a sync on a thread unless one is running; ``done(outcome)`` runs on the UI thread."""
        if self._sync_thread is not None and self._sync_thread.is_alive():
            return
        self.sync_status = "syncing"
        self.refresh_banner()
        path, url = self.store.path, self.opts.api_url

        def work() -> None:
            try:
                outcome = sync.run(path, url)
            except Exception as exc:  # a bug must not leave the banner saying "Updating…" forever
                log.exception("sync crashed")
                outcome = sync.Outcome(sync.Status.FAILED, detail=str(exc))
            self._synced(outcome, done)

        self._sync_thread = threading.Thread(target=work, name="clara-sync", daemon=True)
        self._sync_thread.start()

    @mainthread
    def _synced(self, outcome: sync.Outcome, done: Any = None) -> None:
        self.sync_status = outcome.status.value
        if outcome.status is sync.Status.UPDATED:
            self._load_content()
            self.reshow()
        if outcome.status in (sync.Status.UPDATED, sync.Status.UNCHANGED):
            self.recovered = False
            Clock.schedule_once(lambda _dt: self._settle_status(outcome.status.value), NOTICE_SECONDS)
        self.refresh_banner()
        if done is not None:
            done(outcome)

    def _settle_status(self, status: str) -> None:
        if self.sync_status == status:  # "Content updated." has been read; the banner goes away
            self.sync_status = "idle"
            self.refresh_banner()

    def refresh_banner(self) -> None:
        self.banner = views.banner(self.s, status=self.sync_status, synced_at=self.store.synced_at,
                                   now=dt.datetime.now(dt.UTC), recovered=self.recovered,
                                   repairing=bool(self.store.repairing))
