"""Shared fixtures: the bundled content, a minimal fixture, the app in-process, and real servers.

``app`` and ``own_app`` run the app in the test's process (most specification tests); ``server``
and ``own_server`` start ``python -m api`` on a free port, for what only a socket shows.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.inprocess import InProcess
from tests.server import ROOT, LiveServer

BUNDLED = ROOT / "content.json"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.json"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The API serving the bundled content, shared by the tests that only read."""
    folder = tmp_path_factory.mktemp("server")
    content = folder / "content.json"
    shutil.copy(BUNDLED, content)
    # every test speaks from one address, far beyond one reader's new queries: the per-client
    # limit has its own tests (tests/api/test_rate_limit.py)
    live = LiveServer(content, folder / "server.log", EXECUTION_RATE="0").start()
    yield live
    live.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[callable]:
    """Start a private server (for tests that change its content or its settings)."""
    started: list[LiveServer] = []

    def start(content: Path | None = None, **env: str) -> LiveServer:
        path = tmp_path / f"content-{len(started)}.json"
        shutil.copy(content or BUNDLED, path)
        live = LiveServer(path, tmp_path / f"server-{len(started)}.log", **env).start()
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    """The app in-process over the bundled content, shared by the tests that only read. Every test
    speaks from one address, far beyond one reader's new queries: the per-client limit has its own
    tests (tests/api/test_rate_limit.py)."""
    served = InProcess(BUNDLED, tmp_path_factory.mktemp("app"), EXECUTION_RATE="0")
    yield served
    served.close()


@pytest.fixture
def own_app(tmp_path: Path) -> Iterator[callable]:
    """An app in-process of the test's own (for tests that change its content or its settings)."""
    made: list[InProcess] = []

    def make(content: Path | None = None, **env: str) -> InProcess:
        folder = tmp_path / f"app-{len(made)}"
        folder.mkdir()
        served = InProcess(content or BUNDLED, folder, **env)
        made.append(served)
        return served

    yield make
    for served in made:
        served.close()
