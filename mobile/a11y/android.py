"""The Android adapter: the same tree for TalkBack, through the Java bridge in ``mobile/android``.

``org.clara.a11y.VirtualTree`` (an ``AccessibilityNodeProvider`` on SDL's surface view) holds the
flattened tree; while an accessibility service is on, every change sends it a new one, and what
TalkBack asks for (press, focus, set text, show on screen) comes back through a queue that Kivy's
clock empties ten times a second. With no service on, nothing is built (the queue check is one
call into Java).
"""

from __future__ import annotations

import json
import logging

from kivy.clock import Clock

from mobile.a11y.access import Accessibility
from mobile.a11y.tree import Action, flatten

log = logging.getLogger("clara.a11y")

POLL_SECONDS = 0.1
REQUESTS = {"click": Action.CLICK, "focus": Action.FOCUS, "show": Action.SCROLL_INTO_VIEW, "set": Action.SET_VALUE}


def parse(request: str) -> tuple[int, Action, str] | None:
    """A request from the Java side ("click 17", "set 17 some text") as (node, action, value)."""
    kind, _, rest = request.partition(" ")
    node, _, value = rest.partition(" ")
    if kind not in REQUESTS or not node.lstrip("-").isdigit():
        return None
    return int(node), REQUESTS[kind], value


class AndroidBridge:
    def __init__(self, access: Accessibility) -> None:
        from jnius import autoclass

        activity = autoclass("org.kivy.android.PythonActivity").mActivity
        self.access = access
        self.java = autoclass("org.clara.a11y.VirtualTree").install(activity.mSurface)
        Clock.schedule_interval(self._poll, POLL_SECONDS)

    def changed(self) -> None:
        if self.java.listening():
            self.java.update(json.dumps(flatten(self.access.tree())))

    def _poll(self, _dt: float) -> None:
        while (request := self.java.poll()) is not None:
            parsed = parse(request)
            if parsed is not None:
                self.access.request(*parsed)


def start(access: Accessibility) -> AndroidBridge | None:
    try:
        bridge = AndroidBridge(access)
    except Exception:  # an APK built without the Java bridge still reads aloud and shows everything
        log.exception("the Android accessibility bridge could not start")
        return None
    access.adapters.append(bridge)
    return bridge
