"""Security headers for every embed response.

The embed page runs inside other people's sites, so it asks for as little as possible: its own
stylesheet and its own resize script, nothing from any other host, no forms, no plugins, no
powerful features. Who may frame it comes from ``FRAME_ANCESTORS`` (default ``*``: any site).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

log = logging.getLogger("clara.embed")

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
    "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
    "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
))

# A CSP host-source or keyword; anything else could smuggle in a directive (";") and is dropped.
_SOURCE = re.compile(r"^(?:\*|'self'|'none'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*://)?"
                     r"(?:\*\.)?[A-Za-z0-9.-]+(?::(?:[0-9]{1,5}|\*))?(?:/[A-Za-z0-9._~/%-]*)?)$")


@lru_cache(maxsize=16)
def frame_ancestors(sources: tuple[str, ...]) -> str:
    """The ``frame-ancestors`` value for the configured sources; ``*`` anywhere means any site."""
    if "*" in sources:
        return "*"
    good = [s for s in sources if _SOURCE.match(s) and s != "'none'"]
    for bad in sorted(set(sources) - set(good) - {"'none'"}):
        log.error("FRAME_ANCESTORS: ignoring %r, which is not a CSP source", bad)
    return " ".join(good) if good else "'none'"


def page_headers(frame_sources: tuple[str, ...]) -> dict[str, str]:
    """Headers for an HTML embed page (and its 404)."""
    csp = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
           f"base-uri 'none'; form-action 'none'; frame-ancestors {frame_ancestors(frame_sources)}")
    return {"Content-Security-Policy": csp, **_common()}


def resource_headers() -> dict[str, str]:
    """Headers for what is not a page (oEmbed JSON, scripts, the stylesheet): nothing may run or frame it."""
    return {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
            "Cross-Origin-Resource-Policy": "cross-origin", **_common()}


def _common() -> dict[str, str]:
    return {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin",
            "Permissions-Policy": PERMISSIONS_POLICY}
