"""A screen reader's walk through the real app, from another process, only through AT-SPI.

The app runs as ``python -m mobile`` in an X window (Xvfb) on a private session bus with
accessibility switched on; ``atspi_client.py`` (Debian's Python and libatspi, no project code)
reads its tree and presses, focuses, scrolls and types the way Orca does. In both languages it
goes: language choice → home → every section → a treatment → a glossary definition → search
(typed through AT-SPI's key synthesiser) → settings (high contrast, 200% text) → about → the
glossary → back. On each screen: its title is the window's name and its first heading, said
once; every text of the screen (from ``mobile.views``, the same items the screen draws) is in
the tree; every button and link has a name and a click; every node lies inside the window, once
scrolled to; and Tab moves focus in reading order.

AT-SPI has no heading levels from AccessKit 0.7 (see the README), so "one level-1 heading" is
checked as the closest it carries: one heading named with the screen's title, first, and the
window named after it.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mobile import i18n, snapshot, views
from mobile.i18n import plain
from mobile.store import open_store
from tests.mobile.desktop_session import BACKSPACE, RETURN, SIZE, TAB, Client, Desktop, missing, wait_for, walk

pytestmark = pytest.mark.ui

SLUG = "liver-metastases-treatment"
ACTIONABLE = {"push button", "link", "radio button"}
FOCUSABLE = ACTIONABLE | {"entry"}
SETTLED_SECONDS = 0.3  # the app describes a change 0.05 s and again 0.2 s after it
POLL_SECONDS = 0.05


class Reader:
    """What a screen reader user does, through the AT-SPI client."""

    def __init__(self, client: Client, pid: int) -> None:
        self.client, self.pid = client, pid

    def tree(self) -> dict[str, Any] | None:
        for _ in range(20):
            try:
                return self.client.ask(do="tree", pid=self.pid)["tree"]
            except RuntimeError:  # the screen changed while we walked it (a node gone): walk it again
                time.sleep(0.05)
        raise AssertionError("the tree kept changing while it was walked")

    def settled(self, until: Any = None, what: str = "the screen") -> dict[str, Any]:
        """The tree once it stops changing (and ``until(tree)`` holds)."""
        deadline = time.monotonic() + 20
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            tree = self.tree()
            if tree != last:
                last, since = tree, time.monotonic()
            elif (tree is not None and time.monotonic() - since >= SETTLED_SECONDS
                  and (until is None or until(tree))):
                return tree
            time.sleep(POLL_SECONDS)
        raise AssertionError(f"{what} did not settle: {last and last['name']}")

    def changed(self, before: dict[str, Any], until: Any, what: str) -> dict[str, Any]:
        """The first tree unlike ``before`` for which ``until(tree)`` holds (no waiting for it to settle)."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            tree = self.tree()
            if tree is not None and tree != before and until(tree):
                return tree
            time.sleep(POLL_SECONDS)
        raise AssertionError(f"{what}: no change")

    def find(self, tree: dict[str, Any], role: str, name: str) -> tuple[int, ...]:
        for path, node in walk(tree):
            if node["role"] == role and " ".join(node["name"].split()) == " ".join(name.split()):
                return path
        raise AssertionError(f"no {role} {name!r} in {[n['name'] for _, n in walk(tree)]}")

    def press(self, role: str, name: str, then: str) -> dict[str, Any]:
        """Press a button or link by its name and wait for the window named ``then``."""
        tree = self.settled()
        assert self.client.ask(do="act", pid=self.pid, path=list(self.find(tree, role, name)), action="click")["done"]
        return self.settled(lambda t: t["name"].startswith(then), then)

    def act(self, path: tuple[int, ...], action: str) -> None:
        assert self.client.ask(do="act", pid=self.pid, path=list(path), action=action)["done"]


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    lacking = missing()
    assert not lacking, f"make test installs these: {lacking}"
    folder = tmp_path_factory.mktemp("desktop")
    with Desktop(folder) as desktop:
        app = desktop.start_app(folder / "data")
        reader = Reader(desktop.client(), app.pid)
        wait_for(reader.tree, 60, "the app never published its tree")
        yield reader


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The bundled content, read as the app reads it, for what each screen should say."""
    store = open_store(tmp_path_factory.mktemp("expected") / "clara.sqlite3", snapshot.load).store
    yield store
    store.close()


def said(tree: dict[str, Any]) -> str:
    return "\n".join(" ".join(f"{n['name']} {n['description']}".split()) for _, n in walk(tree))


def expected_texts(items: list[views.Item]) -> list[str]:
    texts = []
    for item in items:
        for part in (item.text, item.detail, item.label):
            words = " ".join(plain(part).split())
            if re.search(r"\w", words):
                texts.append(words)
    return texts


def check_screen(reader: Reader, tree: dict[str, Any], title: str, texts: list[str], where: str,
                 dimmed: frozenset[str] = frozenset()) -> dict[str, Any]:
    """What every screen owes a screen reader user (see the module's docstring). ``dimmed`` are the
    buttons that do nothing now (AccessKit 0.7 keeps them "enabled" on AT-SPI but offers no click)."""
    assert tree["name"].startswith(title), where
    headings = [n["name"] for _, n in walk(tree) if n["role"] == "heading"]
    assert headings and headings[0] == title and headings.count(title) == 1, (where, headings)
    text = said(tree)
    missing_texts = [t for t in texts if t not in text]
    assert not missing_texts, f"{where}: not in the tree: {missing_texts}"
    for _, node in walk(tree):
        if node["role"] in ACTIONABLE:
            assert node["name"].strip(), f"{where}: a {node['role']} with no name"
            assert ("click" in node["actions"]) == (node["name"] not in dimmed), (where, node["name"])
    width, height = SIZE
    # Every node that says something itself (a list speaks through its items, and may be taller than
    # the window): scroll to the first one outside the window until every one has been inside it.
    unchecked = {path for path, node in walk(tree) if path and node["bounds"][2] > 0 and not node["children"]}
    for _ in range(40):
        outside = []
        for path, node in walk(tree):
            if path not in unchecked:
                continue
            x, y, w, h = node["bounds"]
            assert x >= 0 and x + w <= width, f"{where}: {node['name']!r} at {node['bounds']}"
            if y >= 0 and y + h <= height:
                unchecked.discard(path)
            else:
                outside.append(path)
        if not outside:
            break
        reader.act(outside[0], "scroll")
        tree = reader.changed(tree, lambda t, p=outside[0]: _inside(_node(t, p)), f"{where}: scrolling")
    assert not unchecked, f"{where}: never inside the window: {[_node(tree, p)['name'] for p in unchecked]}"
    check_tab_order(reader, tree, where)
    return reader.settled()


def _inside(node: dict[str, Any]) -> bool:
    _, y, _, h = node["bounds"]
    return y >= 0 and y + h <= SIZE[1]


def _node(tree: dict[str, Any], path: tuple[int, ...]) -> dict[str, Any]:
    for index in path:
        tree = tree["children"][index]
    return tree


def check_tab_order(reader: Reader, tree: dict[str, Any], where: str) -> None:
    """Tab, pressed through AT-SPI's key synthesiser, visits the focusable nodes in reading order
    (those of the dialog, when one is open: it hides the screen behind it), going on from the
    control that has focus, round to it again."""
    scope = next((p for p, n in walk(tree) if n["role"] == "dialog"), ())
    order = [p for p, n in walk(_node(tree, scope), scope)
             if n["role"] == "entry" or (n["role"] in ACTIONABLE and "click" in n["actions"])]
    current = _focused(tree)
    start = order.index(current) + 1 if current in order else 0
    expected = order[start:] + order[:start]
    visited: list[tuple[int, ...]] = []
    before = current
    for _ in expected:
        reader.client.ask(do="key", keysym=TAB)
        if len(order) == 1:
            tree = reader.settled(lambda t: bool(_focused(t)), f"focus on {where}")
        else:  # each Tab moves focus somewhere else
            tree = reader.changed(tree, lambda t, b=before: _focused(t) not in (None, b), f"Tab on {where}")
        before = _focused(tree)
        visited.append(before)
    assert visited == expected, (where, [_node(tree, p)["name"] for p in visited],
                                 [_node(tree, p)["name"] for p in expected])


def _focused(tree: dict[str, Any]) -> tuple[int, ...] | None:
    """The control with focus (a new screen starts a screen reader at its title, which Tab leaves)."""
    return next((p for p, n in walk(tree) if "focused" in n["states"] and n["role"] in FOCUSABLE), None)


def tour(reader: Reader, content: Any, locale: str, home_title: str) -> set[str]:
    """Every screen in one language, from home; the names of the screens seen."""
    t = i18n.texts(content.strings(locale), content.strings(content.default_locale()))
    doc = content.document(SLUG, locale)
    docs = content.documents(locale)
    seen = set()
    tree = reader.settled(lambda x: x["name"].startswith(home_title), "home")
    home = views.home(docs, t)
    check_screen(reader, tree, home_title, expected_texts(home[1:]), f"{locale} home")
    seen.add("home")
    for section in doc["sections"]:
        tree = reader.press("link", section["heading"], then=section["heading"])
        items = views.section(doc, section["id"], "", t)
        check_screen(reader, tree, section["heading"], expected_texts(items[1:]), f"{locale} {section['id']}")
        seen.add("section")
        card = next((i for i in items if i.kind == "card"), None)
        if card is not None and "treatment" not in seen:
            tree = reader.press("link", plain(card.text), then=plain(card.text))
            treatment = views.treatment(doc, card.target, "", t)
            check_screen(reader, tree, plain(card.text), expected_texts(treatment[1:]), f"{locale} {card.target}")
            seen.add("treatment")
            reader.press("push button", t["nav.back"], then=section["heading"])
        term = next((i for i in items if i.kind == "term"), None)
        if term is not None and "definition" not in seen:
            tree = reader.press("push button", plain(term.text), then=section["heading"])
            dialog = next(n for _, n in walk(tree) if n["role"] == "dialog")
            definition = next(x["definition"] for x in doc["glossary"] if x["id"] == term.target)
            assert dialog["name"] == plain(term.text) and definition in said(dialog), locale
            # AccessKit 0.7 does not pass "modal" on to AT-SPI (README): Tab staying inside shows it
            check_tab_order(reader, tree, f"{locale} definition")
            reader.client.ask(do="key", keysym=RETURN)  # Close has focus: Enter closes the dialog
            reader.settled(lambda x: not any(n["role"] == "dialog" for _, n in walk(x)), "the dialog closing")
            seen.add("definition")
        reader.press("push button", t["nav.back"], then=home_title)

    tree = reader.press("push button", t["nav.search"], then=t["search.title"])
    field = next(p for p, n in walk(tree) if n["role"] == "entry")
    reader.act(field, "focus")
    reader.settled(lambda x: "focused" in _node(x, field)["states"], "the search box taking focus")
    query = "quimio" if locale == "es" else "chemo"
    for _ in _node(tree, field)["description"]:  # the box keeps the last search: erase it as a person would
        reader.client.ask(do="key", keysym=BACKSPACE)
    assert reader.client.ask(do="type", text=query)["done"]
    tree = reader.settled(lambda x: _node(x, field)["description"] == query and sum(
        1 for _, n in walk(x) if n["role"] == "link") > 0, "results for the typed query")
    hits = content.search(query, locale)
    check_screen(reader, tree, t["search.title"], [h.title for h in hits[:3]], f"{locale} search")
    seen.add("search")
    reader.press("push button", t["nav.back"], then=home_title)

    tree = reader.press("push button", t["nav.settings"], then=t["settings.title"])
    check_screen(reader, tree, t["settings.title"], [t["settings.highContrast"], t["settings.larger"]],
                 f"{locale} settings", dimmed=frozenset({t["settings.smaller"]}))
    radios = [p for p, n in walk(tree) if n["role"] == "radio button" and n["name"] == t["settings.on"]]
    reader.act(radios[0], "click")  # high contrast on
    tree = reader.settled(lambda x: "checked" in _node(x, radios[0])["states"], "high contrast")
    for _ in range(4):  # 100% → 200%
        reader.act(reader.find(tree, "push button", t["settings.larger"]), "click")
        tree = reader.settled()
    tree = reader.settled(lambda x: t.format("settings.textSizeValue", percent=200) in said(x), "200% text")
    check_screen(reader, tree, t["settings.title"], [t["settings.highContrast"]], f"{locale} settings at 200%",
                 dimmed=frozenset({t["settings.larger"]}))
    for _ in range(4):
        reader.act(reader.find(tree, "push button", t["settings.smaller"]), "click")
        tree = reader.settled()
    off = [p for p, n in walk(tree) if n["role"] == "radio button" and n["name"] == t["settings.off"]]
    reader.act(off[0], "click")
    reader.settled(lambda x: "checked" in _node(x, off[0])["states"], "high contrast off")
    seen.add("settings")
    reader.press("push button", t["nav.back"], then=home_title)

    tree = reader.press("push button", t["nav.about"], then=t["about.title"])
    about = views.about(doc, t, None, dt.datetime.now(dt.UTC))
    check_screen(reader, tree, t["about.title"], expected_texts(about[1:]), f"{locale} about")
    seen.add("about")
    reader.press("push button", t["nav.back"], then=home_title)

    tree = reader.press("push button", t["nav.glossary"], then=t["glossary.title"])
    check_screen(reader, tree, t["glossary.title"], expected_texts(views.glossary(docs, t)[1:]), f"{locale} glossary")
    seen.add("glossary")
    reader.press("push button", t["nav.back"], then=home_title)
    return seen


def test_a_screen_reader_walks_every_screen_in_both_languages(reader: Reader, content: Any) -> None:
    from mobile.app import SCREENS

    languages = {x["code"]: x for x in content.languages()}
    tree = reader.settled(lambda x: x["name"] == "Clara", "the language choice")
    prompts = [languages[c]["choosePrompt"] for c in languages]
    check_screen(reader, tree, "Clara", prompts + [languages[c]["continueLabel"] for c in languages], "language")
    seen = {"language"}
    home_en = content.document(SLUG, "en")["title"]
    reader.press("push button", languages["en"]["continueLabel"], then=home_en)
    seen |= tour(reader, content, "en", home_en)

    home_es = content.document(SLUG, "es")["title"]
    reader.press("push button", languages["es"]["nativeName"], then=home_es)  # the top bar's language button
    seen |= tour(reader, content, "es", home_es)

    screens = {cls.__name__.removesuffix("Screen").lower() for cls in SCREENS}
    assert screens | {"definition"} <= seen, f"screens the walk never visited: {screens - seen}"


def test_the_app_runs_as_before_when_no_screen_reader_is_listening(tmp_path: Path) -> None:
    """No accessibility bus at all (no X, no D-Bus session): the app starts, shows home, and builds
    no tree (``mobile.a11y.access`` counts builds)."""
    import subprocess
    import sys

    from tests.server import ROOT

    code = ("import os, sys; os.environ['SDL_VIDEODRIVER'] = 'offscreen'\n"
            "from mobile.__main__ import configure_kivy; configure_kivy()\n"
            "from kivy.clock import Clock\n"
            "from mobile.app import ClaraApp, Options\n"
            f"app = ClaraApp(Options(data_dir={str(tmp_path)!r}, sync=False, locale='en'))\n"
            "def done(_dt):\n"
            "    print('SCREEN', app.screens.current, 'BUILDS', app.a11y.builds, 'ADAPTERS', len(app.a11y.adapters))\n"
            "    app.stop()\n"
            "Clock.schedule_once(done, 2)\n"
            "app.run()\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1",
           "KIVY_HOME": str(tmp_path / "kivy"), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60, check=False)
    assert "SCREEN home BUILDS 0" in out.stdout, out.stdout + out.stderr[-2000:]
