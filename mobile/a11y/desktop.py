"""The desktop adapter: publishes the tree through AccessKit for Orca (AT-SPI on Linux), Narrator
and NVDA (UI Automation on Windows) and VoiceOver (NSAccessibility on macOS).

AccessKit asks for the tree only when an assistive technology connects (its activation handler)
and, on Linux, says when the last one leaves; until then ``changed()`` builds nothing, so a
reader without a screen reader pays for one flag test per change. One code path serves the three
systems: only how the adapter is made differs (``_open``). On Linux AccessKit calls us on its own
threads, so the first tree is built on Kivy's main thread while its thread waits; on Windows and
macOS it asks from inside the window's own message handling, on the main thread, and the tree is
built there and then. Requests (press, focus, scroll, set value) are handed to the main thread
with ``Clock`` wherever they arrive.

Linux is the system this machine runs and the tests check from outside (AT-SPI, Orca); the
Windows and macOS branches follow accesskit's own adapters for SDL windows and have not run here.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

from kivy.clock import Clock

from mobile.a11y.access import Accessibility
from mobile.a11y.tree import Action, Node, Role, Tree

log = logging.getLogger("clara.a11y")

FIRST_TREE_SECONDS = 5.0  # how long AccessKit's thread waits for the main thread's first tree

try:
    import accesskit
except ImportError:  # not installed (Android, or a platform without a wheel): no desktop tree
    accesskit = None


def _roles() -> dict[Role, Any]:
    r = accesskit.Role
    return {Role.WINDOW: r.WINDOW, Role.HEADING: r.HEADING, Role.PARAGRAPH: r.PARAGRAPH, Role.LINK: r.LINK,
            Role.BUTTON: r.BUTTON, Role.RADIO: r.RADIO_BUTTON, Role.LIST: r.LIST, Role.LIST_ITEM: r.LIST_ITEM,
            Role.SEARCH_FIELD: r.SEARCH_INPUT, Role.STATUS: r.STATUS, Role.DIALOG: r.DIALOG, Role.GROUP: r.GROUP}


def _actions() -> dict[Action, Any]:
    a = accesskit.Action
    return {Action.CLICK: a.CLICK, Action.FOCUS: a.FOCUS, Action.SET_VALUE: a.SET_VALUE,
            Action.SCROLL_INTO_VIEW: a.SCROLL_INTO_VIEW}


def to_accesskit(node: Node, roles: dict[Role, Any], actions: dict[Action, Any]) -> Any:
    """One of our nodes as an AccessKit node."""
    made = accesskit.Node(roles[node.role])
    if node.name:
        made.set_label(node.name)
    if node.language:
        made.set_language(node.language)
    x, y, w, h = node.bounds
    made.set_bounds(accesskit.Rect(x, y, x + w, y + h))
    if node.children:
        made.set_children(list(node.children))
    if node.level:
        made.set_level(node.level)
    if node.value:
        made.set_value(node.value)
    if node.description:
        made.set_description(node.description)
    if node.checked is not None:
        made.set_toggled(accesskit.Toggled.TRUE if node.checked else accesskit.Toggled.FALSE)
    if node.disabled:
        made.set_disabled()
    if node.modal:
        made.set_modal()
    if node.role is Role.STATUS:
        made.set_live(accesskit.Live.POLITE)
    for action in node.actions:
        made.add_action(actions[action])
    return made


def update_for(tree: Tree) -> Any:
    """The whole tree as one AccessKit update (the screens are small: a few hundred nodes at most)."""
    roles, actions = _roles(), _actions()
    update = accesskit.TreeUpdate(tree.focus)
    root = accesskit.Tree(tree.root)
    root.toolkit_name = "Kivy"
    update.tree = root
    for node in tree.walk():
        update.nodes.append((node.id, to_accesskit(node, roles, actions)))
    return update


def system_of(platform: str) -> str | None:
    """Which of accesskit's adapters serves ``sys.platform``: "unix", "windows", "macos" or None."""
    if platform == "win32":
        return "windows"
    if platform == "darwin":
        return "macos"
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return "unix"
    return None


def _ns_window() -> int:
    """The app's NSWindow on macOS (Kivy 2.3 gives no window handle there): asked of AppKit."""
    import ctypes
    import ctypes.util

    objc = ctypes.CDLL(ctypes.util.find_library("objc"))
    objc.objc_getClass.restype = objc.sel_registerName.restype = ctypes.c_void_p
    objc.objc_getClass.argtypes = objc.sel_registerName.argtypes = [ctypes.c_char_p]
    objc.objc_msgSend.restype = ctypes.c_void_p
    objc.objc_msgSend.argtypes = [ctypes.c_void_p, ctypes.c_void_p]

    def send(receiver: int | None, selector: bytes) -> int | None:
        return objc.objc_msgSend(receiver, objc.sel_registerName(selector))

    application = send(objc.objc_getClass(b"NSApplication"), b"sharedApplication")
    window = send(application, b"mainWindow") or send(send(application, b"windows"), b"firstObject")
    if not window:
        raise RuntimeError("AppKit has no window for the app yet")
    return window


def _open(system: str, activated: Any, requested: Any, deactivated: Any) -> Any:
    """accesskit's adapter for this system, told that the window has the keyboard focus."""
    if system == "unix":
        adapter = accesskit.unix.Adapter(activated, requested, deactivated)
        adapter.update_window_focus_state(True)
        return adapter
    from kivy.core.window import Window

    if system == "windows":  # the window procedure is subclassed to answer UI Automation's WM_GETOBJECT
        return accesskit.windows.SubclassingAdapter(Window.get_window_info().window, activated, requested)
    # SDL keeps the keyboard focus on its NSWindow, not on the view: forward VoiceOver's question
    accesskit.macos.add_focus_forwarder_to_window_class("SDLWindow")
    adapter = accesskit.macos.SubclassingAdapter.for_window(_ns_window(), activated, requested)
    _raise(adapter.update_view_focus_state(True))
    return adapter


def _raise(events: Any) -> None:
    """Windows and macOS hand back the events an update causes, to be raised by the caller."""
    if events is not None:
        events.raise_events()


class DesktopAdapter:
    """The app's tree on the desktop's accessibility API, built only while someone listens."""

    def __init__(self, access: Accessibility, system: str = "unix") -> None:
        self.access = access
        self.active = False
        self._adapter = _open(system, self._activated, self._requested, self._deactivated)
        self._by_action = {str(v): k for k, v in _actions().items()}  # AccessKit actions are not hashable

    def changed(self) -> None:
        if not self.active:
            return
        self._place()
        tree = self.access.tree()
        _raise(self._adapter.update_if_active(lambda: update_for(tree)))

    def _place(self) -> None:
        """Where the window is on the screen, so that screen readers can turn window bounds into
        screen positions (magnifiers follow the focus with them). Only AT-SPI needs telling:
        Windows and macOS know where their windows are."""
        if not hasattr(self._adapter, "set_root_window_bounds"):
            return
        from kivy.core.window import Window

        left, top = getattr(Window, "left", 0) or 0, getattr(Window, "top", 0) or 0
        box = accesskit.Rect(left, top, left + Window.width, top + Window.height)
        self._adapter.set_root_window_bounds(box, box)

    def _activated(self) -> Any:
        """A screen reader connected: the whole tree, built on the main thread.

        On Windows and macOS this is the main thread, inside the window's event handling: the
        tree is built at once. On Linux it is AccessKit's thread, which waits for the main
        thread; ``active`` turns on only as this returns: until then the main thread must not call
        the adapter, which AccessKit holds while this waits, or each would wait for the other (the
        main thread holding the interpreter lock, this thread needing it to return)."""
        if threading.current_thread() is threading.main_thread():
            whole = update_for(self.access.tree())
            self.active = True
            return whole
        ready = threading.Event()
        made: list[Any] = []

        def build(_dt: float) -> None:
            try:  # not _place(): AccessKit holds the adapter while it waits for this tree
                made.append(update_for(self.access.tree()))
            finally:
                ready.set()

        Clock.schedule_once(build, 0)
        Clock.schedule_once(lambda _dt: self.changed(), 0.5)  # then the window's place on the screen
        if not ready.wait(FIRST_TREE_SECONDS) or not made:
            # AccessKit needs a tree now: an empty window, which the next change fills
            log.warning("the first accessibility tree was not ready in %s s", FIRST_TREE_SECONDS)
            return update_for(Tree({1: Node(1, Role.WINDOW, name="Clara")}, root=1, focus=1))
        self.active = True
        return made[0]

    def _deactivated(self) -> None:
        self.active = False

    def _requested(self, request: Any) -> None:
        """A screen reader asked for something (AccessKit's thread): done on the main thread."""
        action = self._by_action.get(str(request.action))
        if action is None:
            return
        data = request.data
        value = data[1] if isinstance(data, tuple) and len(data) > 1 else str(data or "")
        Clock.schedule_once(lambda _dt: self.access.request(int(request.target), action, value), 0)


def start(access: Accessibility) -> DesktopAdapter | None:
    """Publish the tree where this platform has an adapter; None (and a log line) where not."""
    system = system_of(sys.platform)
    if accesskit is None or system is None:
        log.info("no desktop accessibility adapter here (%s)", sys.platform)
        return None
    try:
        adapter = DesktopAdapter(access, system)
    except Exception:  # no accessibility bus must never stop the reader
        log.exception("the accessibility adapter could not start")
        return None
    access.adapters.append(adapter)
    return adapter
