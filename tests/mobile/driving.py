"""Driving the real app in this process: one ``ClaraApp`` per test session (Kivy runs one App per
process), advanced frame by frame, with a speaker that records what it was asked to say."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class FakeSpeaker:
    available = True

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []
        self.talking = False

    def speak(self, text: str, locale: str) -> None:
        self.said.append((text, locale))
        self.talking = True

    def stop(self) -> None:
        self.talking = False

    def is_speaking(self) -> bool:
        return self.talking


def pump(frames: int = 6) -> None:
    from kivy.base import EventLoop

    for _ in range(frames):
        EventLoop.idle()


def wait_until(condition: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        pump(1)
    pump()


def start_app(data: Path) -> Any:
    """The app on a fresh data folder, built and drawn once, never syncing, with a recording speaker."""
    from mobile.__main__ import configure_kivy

    configure_kivy()
    from kivy.config import Config

    Config.set("graphics", "maxfps", "0")  # no waiting between frames: the tests advance them
    from mobile.app import ClaraApp, Options

    instance = ClaraApp(Options(api_url="http://127.0.0.1:9", data_dir=data, sync=False))
    instance._run_prepare()
    instance.speaker = FakeSpeaker()
    pump()
    instance.first_screen = instance.screens.current
    return instance


