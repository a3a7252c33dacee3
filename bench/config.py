"""How long and how hard each run is: one object passed to every scenario."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.load import Load, Req, drive


@dataclass(frozen=True)
class Config:
    mode: str  # full | quick | smoke
    folder: Path  # scratch space for content copies, logs, scripts and nginx prefixes
    seconds: float = 10.0
    warmup: float = 3.0
    connections: int = 32
    rounds: int = 1  # side-by-side rounds, interleaved; the best of each scenario is kept
    server_cpus: str = "0"
    load_cpus: str = "1"

    def measure(self, url: str, requests: list[Req], cpus: str | None = None) -> Load:
        """Warm up, then measure for ``seconds`` with the same concurrency as every scenario."""
        load_cpus = cpus or self.load_cpus
        if self.warmup > 0:
            drive(url, requests, self.warmup, self.connections, self.folder, load_cpus)
        return drive(url, requests, self.seconds, self.connections, self.folder, load_cpus)


FULL = {"seconds": 10.0, "warmup": 3.0, "rounds": 2}
QUICK = {"seconds": 2.0, "warmup": 1.0}
SMOKE = {"seconds": 1.0, "warmup": 0.0, "connections": 4}
