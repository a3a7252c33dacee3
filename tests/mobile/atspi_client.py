"""An AT-SPI client in its own process: what a screen reader sees of the app, and what it can do.

Run with Debian's ``python3`` (PyGObject and ``gir1.2-atspi-2.0``), never the project's venv: it
knows nothing of Clara and reads the app only through the accessibility bus, as Orca does. It
reads one JSON command per line on stdin and answers one JSON line on stdout:

    {"do": "apps"}                                    the names of the applications on the bus
    {"do": "tree", "pid": 123}                        the app's window, nested, with every node
    {"do": "act", "pid": 123, "path": [0, 4], "action": "click" | "focus" | "scroll"}
    {"do": "type", "text": "chemo"}                   keystrokes, through AT-SPI's synthesiser
    {"do": "key", "keysym": 65289}                    one key (65289 is Tab, 65293 Return)
"""

from __future__ import annotations

import json
import sys
import warnings

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

warnings.simplefilter("ignore", DeprecationWarning)  # get_action_iface and the like, still the API


def _app(pid: int) -> Atspi.Accessible | None:
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            found = app is not None and app.get_process_id() == pid
        except Exception:  # an application that went away while we looked
            found = False
        if found:
            return app
    return None


def _frame(pid: int) -> Atspi.Accessible | None:
    app = _app(pid)
    if app is None or app.get_child_count() == 0:
        return None
    return app.get_child_at_index(0)


def _node(accessible: Atspi.Accessible) -> dict:
    extents = accessible.get_extents(Atspi.CoordType.WINDOW)
    actions = []
    action = accessible.get_action_iface()
    if action is not None:
        actions = [action.get_action_name(i) for i in range(action.get_n_actions())]
    states = sorted(s.value_nick for s in accessible.get_state_set().get_states())
    return {
        "role": accessible.get_role_name(),
        "name": accessible.get_name() or "",
        "description": accessible.get_description() or "",
        "bounds": [extents.x, extents.y, extents.width, extents.height],
        "actions": actions,
        "states": states,
        "children": [_node(accessible.get_child_at_index(i)) for i in range(accessible.get_child_count())],
    }


def _at(pid: int, path: list[int]) -> Atspi.Accessible:
    found = _frame(pid)
    for index in path:
        found = found.get_child_at_index(index)
    return found


def _answer(command: dict) -> dict:
    what = command["do"]
    if what == "apps":
        desktop = Atspi.get_desktop(0)
        return {"apps": [desktop.get_child_at_index(i).get_name() for i in range(desktop.get_child_count())]}
    if what == "tree":
        frame = _frame(command["pid"])
        return {"tree": None if frame is None else _node(frame)}
    if what == "act":
        target = _at(command["pid"], command["path"])
        if command["action"] == "click":
            iface = target.get_action_iface()
            names = [iface.get_action_name(i) for i in range(iface.get_n_actions())]
            return {"done": iface.do_action(names.index("click"))}
        if command["action"] == "focus":
            return {"done": target.get_component_iface().grab_focus()}
        if command["action"] == "scroll":
            return {"done": target.get_component_iface().scroll_to(Atspi.ScrollType.ANYWHERE)}
    if what == "type":
        return {"done": Atspi.generate_keyboard_event(0, command["text"], Atspi.KeySynthType.STRING)}
    if what == "key":
        return {"done": Atspi.generate_keyboard_event(command["keysym"], None, Atspi.KeySynthType.PRESSRELEASE
                                                     | Atspi.KeySynthType.SYM)}
    return {"error": f"unknown command {what!r}"}


def main() -> None:
    for line in sys.stdin:
        try:
            reply = _answer(json.loads(line))
        except Exception as exc:  # the test reads the reason; the client keeps serving
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
