"""Read-aloud speaks the content's language: a Spanish voice for Spanish, and never blocks."""

from __future__ import annotations

import shutil
import time
import wave
from pathlib import Path

import pytest

from mobile import speech


def test_espeak_uses_a_spanish_voice_for_spanish_and_an_american_one_for_english() -> None:
    assert speech.espeak_command("espeak-ng", "es", "t.txt")[:3] == ["espeak-ng", "-v", "es-419"]
    assert speech.espeak_command("espeak-ng", "en", "t.txt")[:3] == ["espeak-ng", "-v", "en-us"]


def test_long_text_is_cut_between_words_for_android() -> None:
    text = "Una frase corta. " * 400
    pieces = speech.split_text(text, 500)
    assert all(len(p) <= 500 for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_without_an_engine_the_app_is_told_it_cannot_speak(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("CLARA_ESPEAK", raising=False)
    assert speech.speaker("linux").available is False


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is installed by `make test`")
def test_espeak_speaks_spanish_without_blocking(tmp_path: Path) -> None:
    wav = tmp_path / "out.wav"
    speaker = speech.Espeak(shutil.which("espeak-ng"), wav=str(wav))
    started = time.monotonic()
    speaker.speak("Las metástasis hepáticas son un cáncer que se extendió al hígado.", "es")
    assert time.monotonic() - started < 0.5  # returns at once; the child process speaks
    assert speaker.wait(20) == 0
    with wave.open(str(wav)) as audio:
        assert audio.getnframes() / audio.getframerate() > 1.5  # seconds of speech


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is installed by `make test`")
def test_stop_silences_at_once(tmp_path: Path) -> None:
    speaker = speech.Espeak(shutil.which("espeak-ng"), wav=str(tmp_path / "out.wav"))
    speaker.speak("Texto largo. " * 300, "es")
    speaker.stop()
    assert not speaker.is_speaking()
