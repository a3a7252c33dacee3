"""What a screen reader and a keyboard get from the real app, checked in this process.

The tree is the one the adapters publish (``app.a11y.tree()``); the AT-SPI walk from another
process is in ``test_screen_reader.py``. Every screen is visited the way ``every_screen`` of the UI
tests does, in both languages.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from mobile.a11y import keyboard
from mobile.a11y.tree import Action, Node, Role, Tree, problems
from tests.mobile.driving import pump
from tests.mobile.test_ui import SLUG, escape, every_screen, reset, screen, walk

pytestmark = pytest.mark.ui


def tab(shift: bool = False) -> None:
    from kivy.core.window import Window

    Window.dispatch("on_key_down", keyboard.TAB, 43, None, ["shift"] if shift else [])
    pump(3)


def key(code: int) -> None:
    from kivy.core.window import Window

    Window.dispatch("on_key_down", code, 0, None, [])
    pump()


def shown_texts(app: Any) -> list[str]:
    """Every text a sighted reader sees now (the bullet sign and other lone marks aside)."""
    from kivy.uix.label import Label

    from mobile.i18n import plain

    roots = [app.root.ids.bar, screen(app)] + ([app.popup] if app.popup else [])
    found = []
    for root in roots:
        for widget in walk(root):
            if isinstance(widget, Label) and widget.height > 0 and re.search(r"\w", plain(widget.text)):
                found.append(" ".join(plain(widget.text).split()).lstrip("‹ "))  # the arrow is drawn, not said
    return found


def said(tree: Tree) -> str:
    return " \n ".join(" ".join(f"{n.name} {n.description}".split()) for n in tree.walk())


def on_screen(tree: Tree, height: float) -> list[int]:
    """The nodes inside the page's visible part (the rest are reached by scrolling)."""
    return [n.id for n in tree.walk() if n.bounds[3] > 0 and n.bounds[1] >= 0 and n.bounds[1] + n.bounds[3] <= height]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_every_screen_has_one_title_names_every_control_and_says_every_visible_text(app, locale: str) -> None:
    from kivy.core.window import Window

    reset(app, locale)
    for where in every_screen(app):
        pump()
        tree = app.a11y.tree()
        assert not problems(tree, Window.width, Window.height, on_screen(tree, Window.height)), where
        title = tree.headings(1)[0]
        assert tree[tree.root].name.startswith(title.name), where
        if where == "definition":
            dialog = next(n for n in tree.walk() if n.role is Role.DIALOG)
            assert dialog.modal and dialog.name == app.popup.term
        text = said(tree)
        missing = [t for t in shown_texts(app) if t not in text]
        assert not missing, f"{where}: not in the tree: {missing}"
        for node in tree.walk():
            if node.role in (Role.BUTTON, Role.LINK, Role.RADIO) and not node.disabled:
                assert Action.CLICK in node.actions, (where, node)
        toggle = tree.find(Role.BUTTON, app.other_language)
        if where != "language":
            assert toggle.language == app.other_locale != locale, where  # "Español" is said in Spanish
        if where == "home":
            assert title.name == app.document(SLUG)["title"]
            assert tree.find(Role.LINK, app.document(SLUG)["sections"][0]["heading"]) is not None


def test_the_first_screen_says_each_language_in_that_language(app) -> None:
    reset(app, "en")
    app.open("language", start_over=True)
    pump()
    tree = app.a11y.tree()
    prompts = {n.language: n.name for n in tree.headings(2)}
    assert set(prompts) == {"en", "es"}
    assert prompts["es"] == next(x["choosePrompt"] for x in app.languages if x["code"] == "es")
    assert [n.language for n in tree.focus_order()] == ["en", "es"]
    assert tree.headings(1)[0].name == "Clara"
    app.choose_locale("en")


def test_tab_follows_reading_order_and_the_focus_ring_shows_where_it_is(app) -> None:
    from kivy.core.window import Window

    reset(app, "en")
    app.open("settings")
    pump()
    order = app.a11y.tree().focus_order()
    assert [n.role for n in order[:3]] == [Role.BUTTON, Role.BUTTON, Role.RADIO]  # Back, the language, English
    visited = []
    for _ in order:
        tab()
        tree = app.a11y.tree()
        visited.append(tree.focus)
        widget = app.a11y.focused
        assert widget.a11y_focused
        _, y, _, h = tree[tree.focus].bounds
        assert y >= 0 and y + h <= Window.height, f"{tree[tree.focus].name} is off screen"
    assert visited == [n.id for n in order]
    tab()
    assert app.a11y.tree().focus == order[0].id  # round again
    tab(shift=True)
    assert app.a11y.tree().focus == order[-1].id
    assert sum(1 for w in walk(app.root) if getattr(w, "a11y_focused", False)) == 1


def test_enter_and_space_press_what_has_focus_and_escape_goes_back(app) -> None:
    reset(app, "en")
    app.open("home", start_over=True)
    pump()
    first_section = app.document(SLUG)["sections"][0]
    link = app.a11y.tree().find(Role.LINK, first_section["heading"])
    while app.a11y.tree().focus != link.id:
        tab()
    key(keyboard.ENTER)
    assert app.screens.current == "section"
    assert screen(app).ids.title.text == first_section["heading"]
    escape(app)
    assert app.screens.current == "home"
    app.open("settings")
    pump()
    on = app.a11y.tree().find(Role.RADIO, app.s["settings.on"])  # high contrast's "On"
    while app.a11y.tree().focus != on.id:
        tab()
    key(keyboard.SPACE)
    assert app.high_contrast
    assert app.a11y.tree().find(Role.RADIO, app.s["settings.on"]).checked
    reset(app, "en")


def test_in_a_dialog_tab_stays_inside_it(app) -> None:
    reset(app, "en")
    app.open("section", slug=SLUG, section_id=app.document(SLUG)["sections"][0]["id"])
    app.show_term(app.document(SLUG)["glossary"][0]["id"])
    pump()
    tree = app.a11y.tree()
    assert [n.name for n in tree.focus_order()] == [app.s["glossary.close"]]
    tab()
    key(keyboard.ENTER)
    assert app.popup is None


def test_a_screen_reader_can_press_focus_and_type_through_the_tree(app) -> None:
    reset(app, "en")
    app.open("home", start_over=True)
    pump()
    tree = app.a11y.tree()
    search = tree.find(Role.BUTTON, app.s["nav.search"])
    assert app.a11y.request(search.id, Action.CLICK)
    pump()
    assert app.screens.current == "search"
    field = next(n for n in app.a11y.tree().walk() if n.role is Role.SEARCH_FIELD)
    assert app.a11y.request(field.id, Action.FOCUS)
    assert app.a11y.request(field.id, Action.SET_VALUE, "chemo")
    pump(20)
    screen(app).search()
    pump()
    tree = app.a11y.tree()
    assert next(n for n in tree.walk() if n.role is Role.SEARCH_FIELD).value == "chemo"
    assert tree.find(Role.LINK, "Chemotherapy") is not None


def test_a_node_below_the_fold_scrolls_into_view_when_asked(app) -> None:
    from kivy.core.window import Window

    reset(app, "en", scale=2.0)
    app.open("home", start_over=True)
    pump()
    tree = app.a11y.tree()
    last = tree.focus_order()[-1]
    assert last.bounds[1] > Window.height  # below the fold at 200%
    assert app.a11y.request(last.id, Action.SCROLL_INTO_VIEW)
    pump()
    _, y, _, h = app.a11y.tree()[last.id].bounds
    assert y >= 0 and y + h <= Window.height
    reset(app, "en")


def test_nothing_is_built_while_no_screen_reader_listens(app) -> None:
    reset(app, "en")
    pump()
    before = app.a11y.builds
    for name in ("glossary", "settings", "about", "search"):
        app.open(name)
        pump()
    app.set_font_scale(1.5)
    app.set_high_contrast(True)
    pump()
    assert app.a11y.builds == before
    reset(app, "en")


def test_a_screen_reader_asking_on_the_main_thread_gets_the_whole_tree_at_once(app) -> None:
    """Windows and macOS ask from inside the window's own event handling, on Kivy's main thread:
    no later frame can build the tree there, so it is built then and there (waiting for the Clock
    would wait for ourselves and hand back an empty window)."""
    import time

    from mobile.a11y.desktop import FIRST_TREE_SECONDS, DesktopAdapter

    adapter = next(a for a in app.a11y.adapters if isinstance(a, DesktopAdapter))
    reset(app, "es")
    pump()
    before = app.a11y.builds
    started = time.monotonic()
    update = adapter._activated()
    try:
        assert time.monotonic() - started < FIRST_TREE_SECONDS / 2
        assert adapter.active and app.a11y.builds == before + 1
        assert len(update.nodes) == len(app.a11y.tree().nodes) > 10
    finally:
        adapter.active = False
    reset(app, "en")


def test_each_desktop_system_has_its_adapter() -> None:
    from mobile.a11y.desktop import system_of

    assert [system_of(p) for p in ("linux", "win32", "darwin", "freebsd14", "emscripten")] == \
        ["unix", "windows", "macos", "unix", None]

# --- the plain model ---------------------------------------------------------------------------

def _tree(*nodes: Node, inside: tuple[Node, ...] = ()) -> Tree:
    """A window holding ``nodes``; ``inside`` are nodes that some of them hold."""
    window = Node(1, Role.WINDOW, name="Home – Clara", language="en", bounds=(0, 0, 400, 800),
                  children=tuple(n.id for n in nodes))
    return Tree({1: window, **{n.id: n for n in (*nodes, *inside)}}, root=1, focus=1)


def test_the_checks_catch_what_a_screen_reader_user_would_trip_on() -> None:
    title = Node(2, Role.HEADING, name="Home", language="en", level=1, bounds=(0, 0, 400, 40))
    assert problems(_tree(title), 400, 800, [2]) == []
    assert problems(_tree(), 400, 800) == ["0 level-1 headings, not 1"]
    unnamed = Node(3, Role.BUTTON, language="en", bounds=(0, 50, 400, 48))
    assert problems(_tree(title, unnamed), 400, 800) == ["button 3 has no name"]
    no_language = Node(4, Role.PARAGRAPH, name="Hola", bounds=(0, 50, 400, 48))
    assert problems(_tree(title, no_language), 400, 800) == ["paragraph 'Hola' has no language"]
    outside = Node(5, Role.LINK, name="Far", language="en", bounds=(0, 900, 400, 48))
    assert "outside the 400×800 window" in problems(_tree(title, outside), 400, 800, [5])[0]


def test_focus_order_is_reading_order_and_a_modal_dialog_keeps_it() -> None:
    a = Node(2, Role.BUTTON, name="A", language="en")
    b = Node(3, Role.PARAGRAPH, name="B", language="en")
    close = Node(5, Role.BUTTON, name="Close", language="en")
    dialog = Node(4, Role.DIALOG, name="Word", language="en", children=(5,), modal=True)
    assert [n.name for n in _tree(a, b).focus_order()] == ["A"]
    assert [n.name for n in _tree(a, b, dialog, inside=(close,)).focus_order()] == ["Close"]
    assert keyboard.step([2, 5, 9], 9, "next") == 2
    assert keyboard.step([2, 5, 9], None, "previous") == 9
    assert keyboard.intent(keyboard.SPACE, [], in_text_field=True) is None
    assert keyboard.intent(keyboard.TAB, ["shift"], in_text_field=True) == "previous"
