"""A real server answering many distinct large answers stays within its cache's byte budget.

Its memory at rest (after a warm-up) plus the response cache's budget plus 10%, measured from the
process's RSS while it answers more distinct answers (pages of 100 documents with their
sections and paragraphs, about half a megabyte each) than the budget holds: the cache drops the oldest.
"""

from __future__ import annotations

from pathlib import Path

from bench.config import Config
from bench.scenarios.collections import cache_memory


def test_the_server_stays_within_rest_plus_its_cache_budget(tmp_path: Path) -> None:
    found = cache_memory(Config("test", tmp_path, server_cpus=None), n=200, answers=120, budget_mb=24,
                         log=lambda line: None)
    assert found["answer_mb"] * found["answers"] > 2 * found["budget_mb"]  # far more than the budget holds
    assert found["within"], found
    assert found["peak_mb"] <= found["rest_mb"] + found["budget_mb"] * 1.1 + found["rest_mb"] * 0.1
