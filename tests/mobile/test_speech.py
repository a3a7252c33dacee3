"""Read-aloud speaks the content's language: a Spanish voice for Spanish, and never blocks."""

from __future__ import annotations

import io
import os
import shutil
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
    # The sound goes to a pipe nobody reads yet, so espeak-ng cannot finish: speak() returning
    # while it still speaks shows that the app never waits for the voice.
    pipe = tmp_path / "out.wav"
    os.mkfifo(pipe)
    speaker = speech.Espeak(shutil.which("espeak-ng"), wav=str(pipe))
    speaker.speak("Las metástasis hepáticas son un cáncer que se extendió al hígado.", "es")
    assert speaker.is_speaking()
    sound = pipe.read_bytes()
    assert speaker.wait(20) == 0
    with wave.open(io.BytesIO(sound)) as audio:  # through a pipe the header cannot give the length
        seconds = (len(sound) - 44) / (audio.getframerate() * audio.getsampwidth() * audio.getnchannels())
    assert seconds > 1.5


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is installed by `make test`")
def test_stop_silences_at_once(tmp_path: Path) -> None:
    speaker = speech.Espeak(shutil.which("espeak-ng"), wav=str(tmp_path / "out.wav"))
    speaker.speak("Texto largo. " * 300, "es")
    speaker.stop()
    assert not speaker.is_speaking()
