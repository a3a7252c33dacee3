"""Read-aloud in the content's language: Android's TextToSpeech, or espeak-ng on a desktop.

No Kivy here. ``speaker()`` picks what this device has; every speaker is non-blocking: ``speak``
returns at once and ``stop`` silences it. On Android we call the platform engine through pyjnius
with the content's ``Locale`` (plyer's tts always speaks en-US, so a Spanish page would be read
with English sounds). When nothing can speak, ``available`` is False and the app says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Protocol

# espeak-ng voices: Latin American Spanish for the US Spanish content, American English.
ESPEAK_VOICES = {"es": "es-419", "en": "en-us"}
ESPEAK_WORDS_PER_MINUTE = 150  # a little slower than espeak's 175: calmer, easier to follow

# Android locales for the same languages.
ANDROID_LOCALES = {"es": ("es", "US"), "en": ("en", "US")}


class Speaker(Protocol):
    available: bool

    def speak(self, text: str, locale: str) -> None: ...
    def stop(self) -> None: ...
    def is_speaking(self) -> bool: ...


class Silent:
    """No speech engine on this device."""

    available = False

    def speak(self, text: str, locale: str) -> None:
        pass

    def stop(self) -> None:
        pass

    def is_speaking(self) -> bool:
        return False


def espeak_command(program: str, locale: str, text_file: str, wav: str | None = None) -> list[str]:
    voice = ESPEAK_VOICES.get(locale.split("-")[0], locale)
    command = [program, "-v", voice, "-s", str(ESPEAK_WORDS_PER_MINUTE), "-f", text_file]
    return [*command, "-w", wav] if wav else command


class Espeak:
    """espeak-ng in a child process. ``wav`` writes to a file instead of the speakers (for tests)."""

    def __init__(self, program: str, wav: str | None = None) -> None:
        self.program = program
        self.wav = wav
        self.available = True
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def speak(self, text: str, locale: str) -> None:
        self.stop()
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as handle:
            handle.write(text)
        with self._lock:
            self._process = subprocess.Popen(  # noqa: S603 - a fixed program, text passed by file
                espeak_command(self.program, locale, handle.name, self.wav),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            process = self._process
        threading.Thread(target=_reap, args=(process, handle.name), daemon=True).start()

    def stop(self) -> None:
        with self._lock:
            process, self._process = self._process, None
        if process and process.poll() is None:
            process.terminate()

    def is_speaking(self) -> bool:
        with self._lock:
            return self._process is not None and self._process.poll() is None

    def wait(self, timeout: float) -> int | None:
        with self._lock:
            process = self._process
        return process.wait(timeout) if process else None


def _reap(process: subprocess.Popen[bytes], text_file: str) -> None:
    process.wait()
    Path(text_file).unlink(missing_ok=True)


class AndroidSpeaker:
    """android.speech.tts.TextToSpeech through pyjnius, speaking in the content's Locale."""

    def __init__(self) -> None:
        from jnius import PythonJavaClass, autoclass, java_method  # only on the phone

        self._TextToSpeech = autoclass("android.speech.tts.TextToSpeech")
        self._Locale = autoclass("java.util.Locale")
        activity = autoclass("org.kivy.android.PythonActivity").mActivity
        self._ready = False
        self._pending: tuple[str, str] | None = None
        speaker = self

        class OnInit(PythonJavaClass):
            __javainterfaces__ = ["android/speech/tts/TextToSpeech$OnInitListener"]  # noqa: RUF012 - pyjnius reads a list
            __javacontext__ = "app"

            @java_method("(I)V")
            def onInit(self, status: int) -> None:
                speaker._ready = status == speaker._TextToSpeech.SUCCESS
                if speaker._ready and speaker._pending:
                    speaker.speak(*speaker._pending)

        self._listener = OnInit()  # keep a reference, or Java calls into a freed object
        self._tts = self._TextToSpeech(activity, self._listener)
        self.available = True

    def speak(self, text: str, locale: str) -> None:
        if not self._ready:
            self._pending = (text, locale)
            return
        self._pending = None
        language, country = ANDROID_LOCALES.get(locale, (locale, ""))
        result = self._tts.setLanguage(self._Locale(language, country))
        if result < 0:  # LANG_MISSING_DATA or LANG_NOT_SUPPORTED: fall back to the language alone
            self._tts.setLanguage(self._Locale(language))
        limit = max(200, int(self._TextToSpeech.getMaxSpeechInputLength()) - 100)
        for i, chunk in enumerate(split_text(text, limit)):
            mode = self._TextToSpeech.QUEUE_FLUSH if i == 0 else self._TextToSpeech.QUEUE_ADD
            self._tts.speak(chunk, mode, None, f"clara-{i}")

    def stop(self) -> None:
        self._pending = None
        self._tts.stop()

    def is_speaking(self) -> bool:
        return bool(self._tts.isSpeaking())


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, cut between paragraphs or sentences when possible."""
    pieces: list[str] = []
    current = ""
    for sentence in text.replace("\n", "\n ").split(" "):
        candidate = f"{current} {sentence}" if current else sentence
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current.strip())
        while len(sentence) > limit:
            pieces.append(sentence[:limit])
            sentence = sentence[limit:]
        current = sentence
    if current.strip():
        pieces.append(current.strip())
    return pieces


def speaker(platform: str) -> Speaker:
    """The best speaker for ``platform`` (Kivy's ``kivy.utils.platform`` value)."""
    if platform == "android":
        try:
            return AndroidSpeaker()
        except Exception:
            return Silent()
    program = os.environ.get("CLARA_ESPEAK") or shutil.which("espeak-ng")
    return Espeak(program) if program else Silent()
