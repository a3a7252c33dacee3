"""What Orca says, in both languages: home, then a section (and, in English, Back and a switch to
Spanish), read from Orca's own debug log.

Orca (Debian's, 43) runs on the private desktop of ``desktop_session`` with speech and braille
off; it still writes each utterance to its debug file as ``SPEECH OUTPUT: '…'``, and the file is
complete once Orca stops. The app is driven through AT-SPI (presses) and the key synthesiser
(Tab), as a person with Orca would; a new screen puts Orca on its title.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from mobile import i18n, snapshot
from mobile.store import open_store
from tests.mobile.desktop_session import TAB, Desktop, missing, wait_for, walk
from tests.mobile.test_screen_reader import SLUG, Reader

pytestmark = pytest.mark.ui

ORCA_STARTS = 2
ORCA_START_SECONDS = 30  # a healthy start takes 2 to 5 s here
SPOKEN = re.compile(r"SPEECH OUTPUT: '(.*?)'(?:\{|$)", re.MULTILINE)


def spoken(log: Path) -> list[str]:
    return [m[1] for m in SPOKEN.finditer(log.read_text(encoding="utf-8", errors="replace"))]


def said_after(lines: list[str], start: int, wanted: str) -> int:
    """The index of the first line from ``start`` that is ``wanted``; fails with what Orca said."""
    for index in range(start, len(lines)):
        if lines[index] == wanted:
            return index
    raise AssertionError(f"Orca never said {wanted!r} after line {start}: {lines[start:]}")


def start_orca(desktop: Desktop, client: Any, log: Path, err: Path) -> subprocess.Popen:
    """Orca on the private desktop, once it shows on the bus (its log is written when it stops).

    Once in a while (seen here once, right after the AT-SPI walk's sessions) Orca 43 hangs as it
    starts, before it has looked at any application: that is the harness failing, not the app, so
    it is stopped and started once more."""
    for attempt in range(ORCA_STARTS):
        with err.open("ab") as errors:
            orca = subprocess.Popen(["orca", "--replace", "-d", "speech", "-d", "braille", "--debug-file", str(log)],
                                    env=desktop.env, stdout=subprocess.DEVNULL, stderr=errors)
        desktop.processes.append(orca)
        try:
            wait_for(lambda: "orca" in client.ask(do="apps")["apps"], ORCA_START_SECONDS, "Orca did not start")
            return orca
        except AssertionError:
            if attempt == ORCA_STARTS - 1:
                raise
            orca.kill()
            orca.wait(5)
            desktop.processes.remove(orca)
    raise AssertionError("unreachable")


def orca_on(tmp_path: Path, code: str, languages: dict[str, Any], doc: dict[str, Any], t: Any,
            switch_to: dict[str, Any] | None = None) -> list[str]:
    """What Orca says while a person opens the app in ``code``, goes to the first section and tabs
    to Back. The first run starts at the language choice (English); Spanish starts saved in Spanish.
    With ``switch_to`` (the other language's document), Back, the top bar's language button and
    that language's first section follow."""
    log = tmp_path / f"orca-{code}.log"
    with Desktop(tmp_path / f"desktop-{code}") as desktop:
        client = desktop.client()
        orca = start_orca(desktop, client, log, tmp_path / f"orca-{code}.err")
        time.sleep(1)
        app = desktop.start_app(tmp_path / f"data-{code}", *([] if code == "en" else ["--locale", code]))
        reader = Reader(client, app.pid)
        wait_for(reader.tree, 60, "the app never published its tree")
        if code == "en":
            reader.press("push button", languages["en"]["continueLabel"], then=doc["title"])
        reader.settled(lambda tree: tree["name"].startswith(doc["title"]), "home")
        time.sleep(0.5)
        section = doc["sections"][0]["heading"]
        reader.press("link", section, then=section)
        time.sleep(0.5)  # Orca says the new screen's title; then Tab moves it to Back
        before = reader.settled()
        reader.client.ask(do="key", keysym=TAB)
        reader.changed(before, lambda tree: any("focused" in n["states"] and n["role"] == "push button"
                                                for _, n in walk(tree)), "Tab")
        time.sleep(0.5)
        if switch_to is not None:
            reader.press("push button", t["nav.back"], then=doc["title"])
            time.sleep(0.5)
            reader.press("push button", languages[switch_to["locale"]]["nativeName"], then=switch_to["title"])
            time.sleep(0.5)
            other = switch_to["sections"][0]["heading"]
            reader.press("link", other, then=other)
            time.sleep(0.5)
        orca.send_signal(signal.SIGTERM)
        orca.wait(20)
    return spoken(log)


@pytest.mark.parametrize("code", ["en", "es"])
def test_orca_speaks_the_titles_and_buttons_of_home_and_a_section(tmp_path: Path, code: str) -> None:
    assert not missing() and shutil.which("orca"), "make test installs Orca, Xvfb and the AT-SPI bus"
    store = open_store(tmp_path / "expected.sqlite3", snapshot.load).store
    try:
        t = i18n.texts(store.strings(code), store.strings(store.default_locale()))
        doc = store.document(SLUG, code)
        languages = {x["code"]: x for x in store.languages()}
        spanish = {**store.document(SLUG, "es"), "locale": "es"} if code == "en" else None
    finally:
        store.close()
    lines = orca_on(tmp_path, code, languages, doc, t, switch_to=spanish)
    at = said_after(lines, 0, "Clara heading.") if code == "en" else 0  # the language choice
    at = said_after(lines, at, f"{doc['title']} heading.")
    at = said_after(lines, at, f"{doc['sections'][0]['heading']} heading.")
    at = said_after(lines, at, f"{t['nav.back']} push button.")
    if spanish is not None:  # Back, then Español: each screen is said again, in its language
        at = said_after(lines, at, f"{doc['title']} heading.")
        at = said_after(lines, at, f"{spanish['title']} heading.")
        said_after(lines, at, f"{spanish['sections'][0]['heading']} heading.")
