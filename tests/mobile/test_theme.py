"""Colours and sizes: every text colour meets WCAG contrast (4.5:1; 7:1 in high contrast)."""

from __future__ import annotations

import pytest

from mobile import theme


@pytest.mark.parametrize(("foreground", "background"), theme.TEXT_PAIRS)
def test_normal_theme_text_contrast_is_at_least_4_5(foreground: str, background: str) -> None:
    ratio = theme.contrast_ratio(getattr(theme.NORMAL, foreground), getattr(theme.NORMAL, background))
    assert ratio >= 4.5, f"{foreground} on {background}: {ratio:.2f}:1"


@pytest.mark.parametrize(("foreground", "background"), theme.TEXT_PAIRS)
def test_high_contrast_theme_text_contrast_is_at_least_7(foreground: str, background: str) -> None:
    ratio = theme.contrast_ratio(getattr(theme.HIGH_CONTRAST, foreground),
                                 getattr(theme.HIGH_CONTRAST, background))
    assert ratio >= 7, f"{foreground} on {background}: {ratio:.2f}:1"


@pytest.mark.parametrize("palette", [theme.NORMAL, theme.HIGH_CONTRAST])
def test_buttons_stand_out_from_the_page(palette: theme.Palette) -> None:
    # WCAG 1.4.11: the edge of a control is at least 3:1 against what is around it
    assert theme.contrast_ratio(palette.primary, palette.background) >= 3
    for around in (palette.background, palette.surface, palette.secondary):
        assert theme.contrast_ratio(palette.border, around) >= 3


@pytest.mark.parametrize("palette", [theme.NORMAL, theme.HIGH_CONTRAST])
@pytest.mark.parametrize(("ring", "around"), theme.FOCUS_PAIRS)
def test_the_keyboard_focus_ring_is_at_least_3_to_1_against_what_is_around_it(
        palette: theme.Palette, ring: str, around: str) -> None:
    ratio = theme.contrast_ratio(getattr(palette, ring), getattr(palette, around))
    assert ratio >= 3, f"{ring} on {around}: {ratio:.2f}:1"


def test_the_contrast_formula_matches_wcag_reference_values() -> None:
    assert theme.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert theme.contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1)
    assert theme.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


def test_text_scale_is_100_to_200_percent_in_quarter_steps() -> None:
    assert theme.clamp_scale(0.5) == 1.0
    assert theme.clamp_scale(3) == 2.0
    assert theme.clamp_scale(1.3) == 1.25
    assert theme.font_sp(2.0)["body"] == 2 * theme.FONT_SP["body"]
    assert theme.TOUCH_DP >= 48


def test_colours_become_kivy_rgba() -> None:
    assert theme.rgba("#FF8000") == [1.0, 128 / 255, 0.0, 1.0]
    assert set(theme.colours(True)) == set(theme.colours(False))
