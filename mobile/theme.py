"""Colours, sizes and the text scale: the one place where contrast and touch targets are decided.

Pure data and arithmetic, no Kivy, so a test can compute every WCAG contrast ratio from here. The
kv files read these through the App (``app.colors``, ``app.font``, ``app.gap``), already multiplied
by the reader's text scale.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

SCALE_MIN = 1.0
SCALE_MAX = 2.0
SCALE_STEP = 0.25

TOUCH_DP = 48  # the smallest touch target, in dp (Android and WCAG 2.5.5 guidance)

# Text sizes in sp at 100%. Headings stay close to body size so that at 200% long words still fit.
FONT_SP = {
    "small": 16,
    "body": 18,
    "button": 18,
    "heading": 21,
    "title": 24,
}

# Spacing in dp at 100%; it grows with the text so that big text does not look crammed.
GAP_DP = {
    "page": 16,     # padding around a page
    "block": 14,    # between blocks of text
    "inner": 8,     # inside cards and buttons
}


@dataclass(frozen=True)
class Palette:
    background: str
    text: str
    muted: str        # secondary text: kinds, hints
    heading: str
    link: str         # glossary words in running text
    surface: str      # cards
    border: str
    primary: str      # main buttons
    primary_text: str
    secondary: str    # quieter buttons
    secondary_text: str
    callout: str
    callout_text: str
    callout_edge: str
    banner: str
    banner_text: str
    bar: str          # the top bar
    bar_text: str
    input: str
    input_text: str
    hint: str         # placeholder text in the search box
    mark: str         # matched words in search results
    focus: str        # the keyboard focus ring on the page (3:1 against background, surface, callout)
    bar_focus: str    # the focus ring in the top bar


NORMAL = Palette(
    background="#FAF8F4",
    text="#1F2A30",
    muted="#4C5961",
    heading="#123F4D",
    link="#0B4F8A",
    surface="#FFFFFF",
    border="#6B7B84",
    primary="#0D5C63",
    primary_text="#FFFFFF",
    secondary="#E3EEF0",
    secondary_text="#0B3D44",
    callout="#EAF3F1",
    callout_text="#1F2A30",
    callout_edge="#0D5C63",
    banner="#FFF1CC",
    banner_text="#3B2F00",
    bar="#0D5C63",
    bar_text="#FFFFFF",
    input="#FFFFFF",
    input_text="#1F2A30",
    hint="#56636B",
    mark="#123F4D",
    focus="#B3261E",
    bar_focus="#FFE45C",
)

HIGH_CONTRAST = Palette(
    background="#000000",
    text="#FFFFFF",
    muted="#FFFFFF",
    heading="#FFFFFF",
    link="#FFE45C",
    surface="#000000",
    border="#FFFFFF",
    primary="#FFE45C",
    primary_text="#000000",
    secondary="#1A1A1A",
    secondary_text="#FFFFFF",
    callout="#1A1A1A",
    callout_text="#FFFFFF",
    callout_edge="#FFE45C",
    banner="#000000",
    banner_text="#FFFFFF",
    bar="#000000",
    bar_text="#FFFFFF",
    input="#FFFFFF",
    input_text="#000000",
    hint="#333333",
    mark="#000000",
    focus="#00E5FF",
    bar_focus="#00E5FF",
)

# Every (text, background) pair the app draws. The test holds each to 4.5:1 (7:1 in high contrast).
TEXT_PAIRS = [
    ("text", "background"), ("muted", "background"), ("heading", "background"), ("link", "background"),
    ("text", "surface"), ("muted", "surface"), ("link", "surface"), ("heading", "surface"),
    ("primary_text", "primary"), ("secondary_text", "secondary"),
    ("callout_text", "callout"), ("link", "callout"),
    ("banner_text", "banner"), ("bar_text", "bar"),
    ("input_text", "input"), ("hint", "input"),
]

# Where the focus ring is drawn. WCAG 2.4.13 asks 3:1 against what is next to it.
FOCUS_PAIRS = [("focus", "background"), ("focus", "surface"), ("focus", "callout"), ("bar_focus", "bar")]


def palette(high_contrast: bool) -> Palette:
    return HIGH_CONTRAST if high_contrast else NORMAL


def rgba(hex_colour: str, alpha: float = 1.0) -> list[float]:
    value = hex_colour.lstrip("#")
    return [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)] + [alpha]


def colours(high_contrast: bool) -> dict[str, list[float]]:
    """The palette as Kivy colours (RGBA floats), keyed by role."""
    chosen = palette(high_contrast)
    return {f.name: rgba(getattr(chosen, f.name)) for f in fields(Palette)}


def relative_luminance(hex_colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b, _ = rgba(hex_colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def clamp_scale(value: float) -> float:
    """A text scale within 100%–200%, on a 25% step."""
    steps = round((float(value) - SCALE_MIN) / SCALE_STEP)
    return min(SCALE_MAX, max(SCALE_MIN, SCALE_MIN + steps * SCALE_STEP))


def font_sp(scale: float) -> dict[str, float]:
    return {role: size * scale for role, size in FONT_SP.items()}


def gap_dp(scale: float) -> dict[str, float]:
    # Spacing grows more slowly than text: at 200% the page keeps its width for words.
    factor = 1 + (scale - 1) * 0.5
    return {role: size * factor for role, size in GAP_DP.items()}
