"""The phone: first sync, no-change sync and one-change sync (to be measured)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.config import Config


def run(cfg: Config, log: Callable[[str], None] = print) -> dict[str, Any]:
    return {}
