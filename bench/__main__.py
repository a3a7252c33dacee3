"""``python -m bench``: measure, print the tables, and write bench/results.json.

    python -m bench            the full run: side by side (best of 2 rounds of 10 s), growth to 1,000,
                               scale-out (workers, nginx cache), the phone
    python -m bench --quick    a smoke run in under a minute (2 s each, growth to 100)
    python -m bench --scale    growth only, to 10,000 documents (minutes), and the collections
    python -m bench --collections   collections only: pages at 10,000 documents, the response cache's bytes
    python -m bench --a11y     the phone's screen-reader adapter only: its cost with no screen reader (minutes)
    python -m bench --smoke    one scenario for a second and a 3-document corpus (the tests use it)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import results
from bench.config import FULL, QUICK, SMOKE, Config
from bench.load import have_wrk
from bench.scenarios import collections, growth, http, phone, phone_a11y, phone_search, scale
from bench.scenarios import sync as item_sync
from bench.servers import have


def _table(found: dict[str, Any]) -> str:
    lines = [f"{'scenario':<14} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}  what"]
    for name, row in found["scenarios"].items():
        lines.append(f"{name:<14} {row['rps']:>9.1f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f}  {row['what']}")
    return "\n".join(lines)


def _growth_table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'docs':>6} {'file MB':>8} {'load s':>7} {'RSS MB':>7} {'+index':>7} {'index s':>8} {'doc 1st':>8} "
             f"{'doc p95':>8} {'search p95':>10} {'full sync B':>12} {'delta B':>8} {'share':>8}"]
    for r in rows:
        full = f"{r['full_sync_bytes']:>12,}" if r["full_sync_bytes"] else f"{'-':>12}"
        share = f"{r['delta_share']:>8.4f}" if r.get("delta_share") is not None else f"{'-':>8}"
        lines.append(f"{r['documents']:>6,} {r['file_mb']:>8} {r['load_s']:>7.2f} {r['rss_mb']:>7.0f} "
                     f"{r['rss_with_index_mb']:>7.0f} {r['search_index_s']:>8.2f} {r['document_first_p95_ms']:>8.1f} "
                     f"{r['document_p95_ms']:>8.1f} "
                     f"{r['search_p95_ms']:>10.1f} {full} {r['delta_sync_bytes']:>8,} {share}")
    return "\n".join(lines)


def _goals(goals: list[dict[str, Any]]) -> str:
    def mark(met: bool | None) -> str:
        return "met" if met else ("not measured" if met is None else "NOT MET")

    return "\n".join(f"  {mark(g['met']):<12} {g['goal']}: {g['measured']} (goal {g['target']})" for g in goals)


def _collections(cfg: Config, name: str) -> dict[str, Any]:
    """Pages of every collection at library scale, and the response cache's RSS against its budget."""
    n, samples = {"smoke": (3, 10)}.get(name, (10_000, 300))
    print(f"collections at {n:,} documents", flush=True)
    pages = collections.latency(cfg, n, samples)
    print(f"  first 20 p95 {pages['p95_ms']['documents_first_20']} ms, any page p95 {pages['any_page_p95_ms']} ms, "
          f"whole library refused p95 {pages['p95_ms']['whole_library_refused']} ms", flush=True)
    memory_n, answers, budget = {"smoke": (3, 10, 8)}.get(name, (1_000, 2_000, None))
    print(f"response cache: {answers:,} distinct answers at {memory_n:,} documents", flush=True)
    memory = collections.cache_memory(cfg, memory_n, answers, budget, log=lambda s: print(s, flush=True))
    return {"date": results.now(), "mode": name, "machine": results.machine(), "pages": pages, "cache": memory}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="short runs (under a minute)")
    mode.add_argument("--scale", action="store_true", help="growth only, up to 10,000 documents")
    mode.add_argument("--smoke", action="store_true", help="prove the harness works (seconds)")
    mode.add_argument("--collections", action="store_true", help="collections only (minutes)")
    mode.add_argument("--a11y", action="store_true", help="the screen-reader adapter's cost only (minutes)")
    parser.add_argument("--only", help="comma-separated side-by-side scenarios to run (not written by default)")
    parser.add_argument("--out", type=Path, help=f"results file (default {results.RESULTS})")
    parser.add_argument("--seconds", type=float, help="override the seconds per scenario")
    parser.add_argument("--rounds", type=int, help="override the side-by-side rounds")
    args = parser.parse_args(argv)
    name = "quick" if args.quick else "scale" if args.scale else "smoke" if args.smoke else \
        "collections" if args.collections else "a11y" if args.a11y else "full"
    timing = dict({"quick": QUICK, "smoke": SMOKE}.get(name, FULL))
    if args.seconds:
        timing["seconds"] = args.seconds
    if args.rounds:
        timing["rounds"] = args.rounds
    out_path = args.out or (None if args.only else results.RESULTS)
    load_before = os.getloadavg()
    found: dict[str, Any] = {}

    with tempfile.TemporaryDirectory(prefix="clara-bench-") as tmp:
        cfg = Config(name, Path(tmp), **timing)
        if name not in {"collections", "a11y"} and not args.scale:
            print(f"side by side ({cfg.seconds:.0f} s each after {cfg.warmup:.0f} s warm-up, best of {cfg.rounds} "
                  f"round(s), {cfg.connections} "
                  f"connections; server on CPU {cfg.server_cpus}, load on CPU {cfg.load_cpus}; driver "
                  f"{'wrk' if have_wrk() else 'python (wrk missing)'})", flush=True)
            only = args.only.split(",") if args.only else (["persisted_get"] if args.smoke else None)
            measured = http.run(cfg, only, log=lambda s: print(s, flush=True),
                                diagnose=name == "full" and not args.only)
            found.update(
                machine=results.machine(), date=results.now(), mode=name, page=measured["page"],
                settings={"seconds": cfg.seconds, "warmup_seconds": cfg.warmup, "rounds": cfg.rounds,
                          "connections": cfg.connections,
                          "wrk_threads": 1, "server_cpus": cfg.server_cpus, "load_cpus": cfg.load_cpus,
                          "driver": "wrk" if have_wrk() else "python", "nginx": have("nginx"),
                          "load_average_before": [round(x, 2) for x in load_before]},
                scenarios=measured["scenarios"], ratios=results.ratios(
                    {**measured["scenarios"], **measured["diagnostics"]}))
            if measured["diagnostics"]:
                found["diagnostics"] = measured["diagnostics"]
            print(_table(found), flush=True)
        if name in {"scale", "smoke", "collections"} and not args.only:  # at library scale, not in make bench
            found["collections"] = _collections(cfg, name)
        if name in {"full", "quick", "scale", "smoke"} and not args.only:
            sizes = {"full": [1, 100, 1_000], "quick": [1, 100], "scale": [1, 100, 1_000, 10_000],
                     "smoke": [1, 3]}[name]
            print(f"growth: {', '.join(f'{n:,}' for n in sizes)} documents", flush=True)
            rows = growth.run(cfg, sizes, samples=50 if name in {"quick", "smoke"} else 300,
                              log=lambda s: print(s, flush=True))
            found["growth"] = {"date": results.now(), "mode": name, "machine": results.machine(), **rows}
            print(_growth_table(rows["rows"]), flush=True)
        if name == "full" and not args.only:
            print("scale-out (everything shares CPUs 0-1)", flush=True)
            found["scale_out"] = {"date": results.now(), **scale.run(cfg, log=lambda s: print(s, flush=True))}
            print("phone", flush=True)
            found["phone"] = {"date": results.now(), **phone.run(cfg, log=lambda s: print(s, flush=True))}
            found["phone_search"] = {"date": results.now(), **phone_search.run(log=lambda s: print(s, flush=True))}
        if name in {"full", "a11y"} and not args.only:
            print("the phone's screen-reader adapter (every screen, both languages, three ways)", flush=True)
            found["phone_a11y"] = {"date": results.now(), "machine": results.machine(),
                                   **phone_a11y.run(log=lambda s: print(s, flush=True))}
        if name in {"full", "quick", "smoke"} and not args.only:
            n = {"full": item_sync.DOCUMENTS, "quick": 100, "smoke": 3}[name]
            print(f"item sync at {n:,} documents", flush=True)
            found["sync"] = {"date": results.now(), "mode": name,
                             **item_sync.run(cfg, n, log=lambda s: print(s, flush=True))}
        if name == "scale" and not args.only:
            print(f"item sync at {item_sync.SCALE_DOCUMENTS:,} documents", flush=True)
            found["sync_scale"] = {"date": results.now(),
                                   **item_sync.run_scale(cfg, log=lambda s: print(s, flush=True))}
        if "settings" in found:
            found["settings"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

    if out_path is None:
        return 0
    written = results.write(out_path, found)
    if written.get("ratios"):
        print("ratios: " + ", ".join(f"{k} {v}" for k, v in written["ratios"].items() if v is not None))
    print("goals:\n" + _goals(written["goals"]))
    print(f"wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
