"""The reader's choices survive restarts, damage to their file, and damage to the content database."""

from __future__ import annotations

from pathlib import Path

from mobile import settings


def test_settings_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    chosen = settings.Settings(locale="es", font_scale=1.75, high_contrast=True, read_aloud=False)
    settings.save(path, chosen)
    assert settings.load(path) == chosen


def test_a_new_phone_has_no_language_yet_so_the_choice_screen_comes_first(tmp_path: Path) -> None:
    assert settings.load(tmp_path / "missing.json").locale is None


def test_a_damaged_settings_file_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for raw in ("{", "[]", '{"font_scale": "huge", "locale": 7}'):
        path.write_text(raw)
        assert settings.load(path) == settings.Settings()


def test_an_out_of_range_text_size_is_brought_back_into_range(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"locale": "en", "font_scale": 9}')
    assert settings.load(path).font_scale == 2.0
