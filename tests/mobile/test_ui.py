"""The real app, driven in this process: its widget tree and ScreenManager, drawn offscreen by SDL2.

Kivy runs one App per process, so one app is built for the module and every test drives it by
calling its methods (as its buttons do) and advancing the event loop a few frames. Each test puts
the app in the state it needs first.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mobile.driving import pump, wait_until

pytestmark = pytest.mark.ui

SLUG = "liver-metastases-treatment"


def walk(widget: Any) -> Iterator[Any]:
    """The widgets a person can see: skips anything transparent (and what it holds)."""
    if widget.opacity == 0:
        return
    yield widget
    for child in reversed(widget.children):
        yield from walk(child)


def texts_on(widget: Any) -> list[str]:
    from kivy.uix.label import Label

    return [w.text for w in walk(widget) if isinstance(w, Label)]


def screen(app: Any) -> Any:
    return app.screens.current_screen


def press(button: Any) -> None:
    button.dispatch("on_press")
    button.dispatch("on_release")
    pump()


def escape(app: Any) -> None:
    from kivy.core.window import Window

    assert Window.dispatch("on_keyboard", 27, 41, None, []) is True
    pump()


def button(app: Any, text: str, root: Any = None) -> Any:
    from kivy.uix.behaviors import ButtonBehavior

    for widget in walk(root or screen(app)):
        if isinstance(widget, ButtonBehavior) and text in getattr(widget, "text", getattr(widget, "title", "")):
            return widget
    raise AssertionError(f"no button {text!r} in {texts_on(root or screen(app))}")


def reset(app: Any, locale: str = "en", scale: float = 1.0, contrast: bool = False) -> None:
    if app.popup:
        app.popup.dismiss(animation=False)
    app.set_font_scale(scale)
    app.set_high_contrast(contrast)
    app.choose_locale(locale)
    pump()


# --- first run and language ---------------------------------------------------------------------

def test_first_run_opens_on_the_language_choice_in_both_languages(app) -> None:
    assert app.first_screen == "language"
    shown = texts_on(app.screens.get_screen("language"))
    for words in ("I want to see the site in English", "Continue in English",
                  "Quiero ver el sitio en Español", "Continuar en español"):
        assert words in shown


def test_the_choice_opens_the_content_and_is_remembered(app) -> None:
    app.open("language", start_over=True)
    pump()
    press(button(app, "Continuar en español"))
    assert app.screens.current == "home"
    assert "¿Cómo se tratan las metástasis hepáticas?" in texts_on(screen(app))
    saved = json.loads((app.data_dir / "settings.json").read_text())
    assert saved["locale"] == "es"
    assert app.root.ids.bar.ids.lang.text == "English"  # the way back to English, on every screen


def test_language_can_be_switched_from_every_screen(app) -> None:
    reset(app, "en")
    targets = [("home", {}), ("section", {"slug": SLUG, "section_id": "surgery"}),
               ("treatment", {"slug": SLUG, "treatment_id": "proton-therapy"}), ("glossary", {}),
               ("search", {}), ("settings", {}), ("about", {})]
    for name, params in targets:
        app.open(name, **params)
        pump()
        english = texts_on(screen(app))
        press(app.root.ids.bar.ids.lang)
        assert app.locale == "es" and app.screens.current == name
        spanish = texts_on(screen(app))
        assert spanish != english, name
        press(app.root.ids.bar.ids.lang)
        assert app.locale == "en" and texts_on(screen(app)) == english, name


# --- navigation -----------------------------------------------------------------------------------

def test_every_screen_opens_from_home_and_escape_goes_back(app) -> None:
    reset(app, "en")
    for label, name in [("Search", "search"), ("Words to know", "glossary"), ("Settings", "settings"),
                        ("About", "about"), ("Surgery", "section")]:
        press(button(app, label))
        assert app.screens.current == name, label
        assert app.root.ids.bar.ids.back.opacity == 1
        escape(app)
        assert app.screens.current == "home", label
    escape(app)  # at home, Back stays (on a desktop) rather than closing the reader
    assert app.screens.current == "home"


def test_deep_navigation_and_the_top_bar_back_button(app) -> None:
    reset(app, "en")
    press(button(app, "Radiation therapy"))
    press(button(app, "Proton therapy"))
    assert app.screens.current == "treatment"
    assert "Proton therapy" in texts_on(screen(app))
    press(app.root.ids.bar.ids.back)
    assert app.screens.current == "section"
    escape(app)
    assert app.screens.current == "home"
    assert app.root.ids.bar.ids.back.opacity == 0


def test_a_glossary_word_opens_its_plain_definition_and_escape_closes_it(app) -> None:
    from mobile.screens.widgets import Text

    reset(app, "es")
    app.open("section", slug=SLUG, section_id="overview")
    pump()
    linked = next(w for w in walk(screen(app)) if isinstance(w, Text) and "[ref=metastasis]" in w.text)
    linked.dispatch("on_ref_press", "metastasis")
    pump()
    assert app.popup is not None
    shown = texts_on(app.popup)
    assert "metástasis" in shown
    assert any(t.startswith("Cáncer que se extendió") for t in shown)
    escape(app)
    assert app.popup is None and app.screens.current == "section"
    press(button(app, "metástasis hepáticas"))  # the same, from the words-to-know buttons
    assert "metástasis hepáticas" in texts_on(app.popup)
    press(button(app, "Cerrar", app.popup))
    assert app.popup is None


def test_search_shows_results_as_you_type_and_opens_them(app) -> None:
    reset(app, "es")
    app.open("search")
    query = screen(app).ids.query
    query.text = "metastasis"  # no accent typed
    wait_until(lambda: len(screen(app).ids.content.children) > 0)
    assert any("metástasis" in t for t in texts_on(screen(app).ids.content))
    query.text = "quimio"
    wait_until(lambda: any("Quimioterapia" in t for t in texts_on(screen(app).ids.content)))
    press(button(app, "Quimioterapia"))
    assert app.screens.current in ("section", "treatment")
    app.open("search")
    screen(app).ids.query.text = "zzzz"
    wait_until(lambda: screen(app).ids.count.text == "No hay resultados. Pruebe con otra palabra.")


def test_read_aloud_reads_the_screen_in_its_language(app) -> None:
    reset(app, "es")
    app.open("section", slug=SLUG, section_id="chemotherapy")
    pump()
    press(button(app, "Leer en voz alta"))
    text, locale = app.speaker.said[-1]
    assert locale == "es"
    assert text.startswith("Quimioterapia\nLeer en voz alta") is False
    assert "Además de la cirugía, su tratamiento puede incluir quimioterapia." in text
    assert "[" not in text  # markup is not read out
    assert button(app, "Dejar de leer")
    escape(app)  # leaving the screen stops the voice
    assert not app.speaker.talking and not app.speaking


def test_without_a_voice_read_aloud_says_so_on_screen(app) -> None:
    from mobile.speech import Silent

    reset(app, "es")
    working, app.speaker = app.speaker, Silent()
    try:
        press(button(app, "Leer en voz alta"))
        assert app.popup is not None
        assert "La lectura en voz alta no está disponible en este dispositivo." in texts_on(app.popup)
        escape(app)
    finally:
        app.speaker = working


def test_the_reader_keeps_their_place_when_the_language_changes(app) -> None:
    reset(app, "en", 2.0)
    app.open("section", slug=SLUG, section_id="tumor-board")
    pump()
    screen(app).ids.scroll.scroll_y = 0.5
    press(app.root.ids.bar.ids.lang)
    assert screen(app).ids.scroll.scroll_y == pytest.approx(0.5, abs=0.05)
    escape(app)
    press(button(app, "Surgery" if app.locale == "en" else "Cirugía"))
    assert screen(app).ids.scroll.scroll_y == 1  # a newly opened screen starts at its top
    reset(app, "en", 1.0)


def test_settings_change_size_contrast_and_read_aloud(app) -> None:
    from mobile import theme

    reset(app, "en")
    app.open("settings")
    pump()
    press(screen(app).ids.larger)
    assert app.font_scale == 1.25
    press(screen(app).ids.contrast_on)
    assert app.high_contrast and app.colors["background"] == theme.rgba(theme.HIGH_CONTRAST.background)
    assert screen(app).ids.contrast_on.selected and not screen(app).ids.contrast_off.selected
    press(screen(app).ids.read_aloud_off)
    assert not app.read_aloud
    saved = json.loads((app.data_dir / "settings.json").read_text())
    assert saved == {"locale": "en", "font_scale": 1.25, "high_contrast": True, "read_aloud": False}
    app.set_read_aloud(True)


# --- accessibility: size, clipping, targets --------------------------------------------------------

def every_screen(app) -> Iterator[str]:
    """Open every screen (every section and treatment too) and yield a name for each."""
    app.open("language", start_over=True)
    yield "language"
    app.choose_locale(app.locale)
    yield "home"
    doc = app.document(SLUG)
    for section in doc["sections"]:
        app.open("section", slug=SLUG, section_id=section["id"])
        yield f"section {section['id']}"
    for treatment in doc["treatments"]:
        app.open("treatment", slug=SLUG, treatment_id=treatment["id"])
        yield f"treatment {treatment['id']}"
    for name in ("glossary", "settings", "about"):
        app.open(name)
        yield name
    app.open("search")
    screen(app).ids.query.text = "cirugía" if app.locale == "es" else "surgery"
    screen(app).search()
    yield "search"
    app.show_term(doc["glossary"][0]["id"])
    yield "definition"


def window_box(widget: Any) -> tuple[float, float, float, float]:
    x0, y0 = widget.to_window(widget.x, widget.y)
    return x0, y0, x0 + widget.width, y0 + widget.height


def enclosing(widget: Any, kind: type) -> Any:
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, kind):
            return parent
        parent = parent.parent
    return None


def roots_on_screen(app: Any) -> list[Any]:
    return [app.root.ids.bar, screen(app)] + ([app.popup] if app.popup else [])


def clipping_problems(app: Any, where: str) -> list[str]:
    """Labels whose text does not fit their box, that stick out of their scroll view, or overlap."""
    from kivy.core.window import Window
    from kivy.uix.label import Label
    from kivy.uix.scrollview import ScrollView

    problems = []
    for root in roots_on_screen(app):
        boxes = []
        for widget in walk(root):
            if not isinstance(widget, Label) or not widget.text.strip():
                continue
            name = f"{where}: {type(widget).__name__} {widget.text[:40]!r}"
            tw, th = widget.texture_size
            if th == 0:
                problems.append(f"{name}: not drawn yet (the test must wait more frames)")
            if tw > widget.width + 1 or th > widget.height + 1:
                problems.append(f"{name}: text {tw:.0f}x{th:.0f} is bigger than its box "
                                f"{widget.width:.0f}x{widget.height:.0f}")
            if widget.text_size[1] is not None and widget.text_size[1] < th - 1:
                problems.append(f"{name}: a fixed text height drops lines")
            x0, y0, x1, y1 = window_box(widget)
            scroll = enclosing(widget, ScrollView)
            left, right = (window_box(scroll)[0], window_box(scroll)[2]) if scroll else (0, Window.width)
            if x0 < left - 1 or x1 > right + 1:
                problems.append(f"{name}: sticks out sideways ({x0:.0f}..{x1:.0f} in {left:.0f}..{right:.0f})")
            boxes.append((name, (x0, y0, x1, y1)))
        for i, (a, (ax0, ay0, ax1, ay1)) in enumerate(boxes):
            for b, (bx0, by0, bx1, by1) in boxes[i + 1:]:
                if min(ax1, bx1) - max(ax0, bx0) > 1 and min(ay1, by1) - max(ay0, by0) > 1:
                    problems.append(f"{a} overlaps {b}")
    return problems


def small_targets(app: Any, where: str) -> list[str]:
    from kivy.metrics import dp
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.textinput import TextInput

    small = []
    for widget in (w for root in roots_on_screen(app) for w in walk(root)):
        if not isinstance(widget, ButtonBehavior | TextInput) or widget.disabled:
            continue
        if widget.width < dp(48) - 0.5 or widget.height < dp(48) - 0.5:
            label = getattr(widget, "text", "") or getattr(widget, "title", "")
            small.append(f"{where}: {label[:30]!r} is {widget.width:.0f}x{widget.height:.0f}")
    return small


@pytest.mark.parametrize(("locale", "scale"), [("en", 1.0), ("es", 1.0), ("en", 2.0), ("es", 2.0)])
def test_on_every_screen_text_fits_and_targets_are_large(app, locale: str, scale: float) -> None:
    reset(app, locale, scale, contrast=scale == 2.0)
    problems = []
    for where in every_screen(app):
        pump()
        name = f"{locale} {scale:.0%} {where}"
        problems += clipping_problems(app, name) + small_targets(app, name)
        if app.popup:
            app.popup.dismiss(animation=False)
    assert not problems, "\n".join(problems[:20])


def test_the_checks_catch_a_cut_off_label_and_a_small_button(app) -> None:
    from kivy.uix.button import Button
    from kivy.uix.label import Label

    reset(app, "en", 2.0)
    content = screen(app).ids.content
    cut = Label(text="A sentence long enough to need three lines at this size " * 3,
                size_hint_y=None, height=40)
    cut.bind(width=lambda w, width: setattr(w, "text_size", (width, None)))
    tiny = Button(text="x", size_hint=(None, None), size=(30, 30))
    content.add_widget(cut)
    content.add_widget(tiny)
    pump()
    try:
        wait_until(lambda: cut.texture_size[1] > cut.height)  # its three lines are laid out
        assert any("bigger than its box" in p for p in clipping_problems(app, "test"))
        assert any("'x' is 30x30" in p for p in small_targets(app, "test"))
    finally:
        content.remove_widget(cut)
        content.remove_widget(tiny)
    reset(app, "en", 1.0)


def test_200_percent_text_really_is_twice_as_big(app) -> None:
    from kivy.metrics import sp

    reset(app, "en", 2.0)
    body = next(w for w in walk(screen(app)) if w.__class__.__name__ == "Text" and w.role == "body")
    assert body.font_size == pytest.approx(sp(36))
    reset(app, "en", 1.0)


# --- sync from the app: background thread, banner --------------------------------------------------

def test_sync_runs_in_the_background_and_the_banner_tells_the_state(app, fake_api, tmp_path: Path) -> None:
    reset(app, "es")
    app.opts = dataclasses.replace(app.opts, api_url=fake_api.url)
    fake_api.status, fake_api.body = 304, b""
    fake_api.delay.clear()  # the server holds its answer until the test lets it go
    app.sync_now()  # returns while the answer is held: the screen never waits for the network
    pump(10)
    assert app.sync_status == "syncing" and app.banner == "Actualizando…"
    fake_api.delay.set()
    wait_until(lambda: app.sync_status != "syncing")
    assert app.sync_status == "unchanged" and app.banner == ""

    app.opts = dataclasses.replace(app.opts, api_url="http://127.0.0.1:9")  # no network
    app.sync_now()
    wait_until(lambda: app.sync_status != "syncing")
    assert app.sync_status == "offline"
    assert app.banner.startswith("No tiene conexión. Contenido actualizado hace")
    assert app.banner in texts_on(screen(app))  # on the home screen


def test_new_content_from_a_sync_appears_where_the_reader_is(app, fake_api) -> None:
    from tests.mobile.conftest import delta_body

    reset(app, "es")
    app.open("section", slug=SLUG, section_id="chemotherapy")
    pump()

    def new_text(item: dict) -> bool:
        if item["kind"] != "DOCUMENT":
            return False
        for section in item["data"]["sections"]:
            if section["id"] == "chemotherapy":
                section["blocks"][0]["text"] += " (Texto nuevo.)"
        return True

    fake_api.body = delta_body(app.store.path, new_text)
    app.opts = dataclasses.replace(app.opts, api_url=fake_api.url)
    app.sync_now()
    wait_until(lambda: app.sync_status != "syncing")
    assert app.sync_status == "updated"
    assert app.screens.current == "section"
    assert any(t.endswith("(Texto nuevo.)") for t in texts_on(screen(app)))
    escape(app)
    assert app.banner == "Contenido actualizado." and app.banner in texts_on(screen(app))
    app.opts = dataclasses.replace(app.opts, api_url="http://127.0.0.1:9")


def test_an_outdated_translation_synced_from_a_real_server_shows_its_note(app, own_server, tmp_path: Path) -> None:
    """The server marks the Spanish of a treatment whose English changed; the app says so under it,
    in Spanish, and not in English (the original). Last in this file: it changes the phone's copy."""
    from kivy.core.window import Window

    from tests.api.test_editorial import bundled, english_edited, write

    live = own_server(write(tmp_path, english_edited(bundled())))
    reset(app, "es", 2.0)
    app.opts = dataclasses.replace(app.opts, api_url=live.url)
    app.sync_now()
    wait_until(lambda: app.sync_status != "syncing", timeout=60)
    assert app.sync_status == "updated", app.banner
    note = "Puede que esta traducción todavía no coincida con la versión más nueva en inglés."
    app.open("treatment", slug=SLUG, treatment_id="cryoablation")
    pump()
    assert any(t.startswith(note) for t in texts_on(screen(app)))
    shots = Path(__file__).resolve().parents[2] / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    Window.screenshot(name=str(shots / "phone-outdated-es-200.png"))
    app.open("treatment", slug=SLUG, treatment_id="embolization")
    pump()
    assert not any(t.startswith(note) for t in texts_on(screen(app)))
    reset(app, "en", 1.0)
    app.open("treatment", slug=SLUG, treatment_id="cryoablation")
    pump()
    assert not any("translation may not match" in t for t in texts_on(screen(app)))
    app.opts = dataclasses.replace(app.opts, api_url="http://127.0.0.1:9")
