"""What the screen-reader adapter costs the reader: the same walk through every screen, three ways.

- ``without``: the desktop adapter never started (the baseline: the app as it was before it);
- ``idle``: the adapter on, as ``python -m mobile`` always starts it, on a session bus where no
  assistive technology is switched on (a desktop without a screen reader);
- ``listening``: the same with accessibility switched on (AT-SPI's ``IsEnabled``), so AccessKit
  asks for the tree and gets every change.

Each run is a fresh ``python -m bench.scenarios.phone_a11y MODE DATA`` (Kivy offscreen, 60 frames a
second at most, as on a desktop) on the same warm store: it opens every screen of the bundled
page in both languages, running frames for ``STEP_SECONDS`` after each (the tree is described
0.05 s and 0.2 s after a change), and reports what accessibility itself cost over the walk: the
main thread's time in ``Accessibility.changed`` and ``_publish`` (every adapter's work: a flag
test while nobody listens; describing, converting and sending the tree while someone does) plus
the CPU of the other threads but the GL driver's (AccessKit's, read from ``/proc``; the baseline's
are subtracted), and for scale the whole process's CPU over the walk, the start to the first
frame, and how many trees were built. Rounds alternate the modes; each mode's best round is kept.
The process's total CPU varies by a fifth from round to round here (Mesa's software renderer
draws on two threads of its own), so it cannot show a cost of a few per cent; the direct measure
can.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.servers import ROOT

MODES = ("without", "idle", "listening")
STEP_SECONDS = 0.4
MARK = "A11Y_COST "


@contextlib.contextmanager
def session_bus(folder: Path, enabled: bool) -> Iterator[dict[str, str]]:
    """A private session bus (and private HOME/XDG folders): the environment for one run."""
    home = folder / "home"
    home.mkdir(parents=True, exist_ok=True)
    runtime = folder / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "XDG_CONFIG_HOME": str(home / "c"),
           "XDG_DATA_HOME": str(home / "d"), "XDG_CACHE_HOME": str(home / "k"), "GSETTINGS_BACKEND": "memory",
           "SDL_VIDEODRIVER": "offscreen", "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1",
           "KIVY_HOME": str(folder / "kivy")}
    started = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                             env=env, capture_output=True, text=True, check=True, timeout=10)
    address, pid = started.stdout.split()[:2]
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    try:
        if enabled:
            subprocess.run(["gdbus", "call", "--session", "-d", "org.a11y.Bus", "-o", "/org/a11y/bus", "-m",
                            "org.freedesktop.DBus.Properties.Set", "org.a11y.Status", "IsEnabled", "<true>"],
                           env=env, capture_output=True, check=True, timeout=20)
        yield env
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGTERM)


def _one(mode: str, data: Path, folder: Path, step: float, locales: tuple[str, ...]) -> dict[str, Any]:
    with session_bus(folder, enabled=mode == "listening") as env:
        out = subprocess.run([sys.executable, "-m", "bench.scenarios.phone_a11y", mode, str(data), str(step),
                              *locales], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    line = next((x for x in out.stdout.splitlines() if x.startswith(MARK)), None)
    if line is None:
        raise RuntimeError(f"the {mode} run failed: {(out.stderr or out.stdout)[-800:]}")
    return json.loads(line[len(MARK):])


def run(rounds: int = 3, log: Callable[[str], None] = print, step: float = STEP_SECONDS,
        locales: tuple[str, ...] = ("en", "es")) -> dict[str, Any]:
    """Every mode ``rounds`` times, alternating; ``step`` and ``locales`` shorten the walk (the
    harness's own test)."""
    missing = [tool for tool in ("dbus-daemon", "gdbus") if shutil.which(tool) is None]
    if missing:
        return {"measured": False, "why": f"missing {', '.join(missing)} (make sysdeps installs them)"}
    with tempfile.TemporaryDirectory(prefix="clara-a11y-cost-") as tmp:
        folder = Path(tmp)
        data = folder / "data"
        _one("without", data, folder / "warm", step, locales)  # builds the store once; every measured run finds it warm
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
        for index in range(rounds):
            for mode in MODES:
                found = _one(mode, data, folder / f"{mode}-{index}", step, locales)
                runs[mode].append(found)
                log(f"  {mode:9} round {index + 1}: {found['cpu_s']} s CPU over {found['steps']} screens "
                    f"(accessibility {found['main_thread_a11y_s']} s on the main thread, other threads "
                    f"{found['other_threads_cpu_s']} s), start {found['start_ms']} ms, {found['builds']} trees built")
    best = {mode: min(rows, key=lambda r: r["cpu_s"]) for mode, rows in runs.items()}
    base = best["without"]["cpu_s"]
    base_threads = min(r["other_threads_cpu_s"] for r in runs["without"])

    def cost_ms(row: dict[str, Any]) -> float:
        """Accessibility's own CPU over the walk, per screen (ms)."""
        threads = max(0.0, row["other_threads_cpu_s"] - base_threads)
        return round((row["main_thread_a11y_s"] + threads) * 1000 / row["steps"], 3)

    cost = {mode: min(cost_ms(r) for r in rows) for mode, rows in runs.items()}
    spread = {mode: round(max(r["cpu_s"] for r in rows) / min(r["cpu_s"] for r in rows) - 1, 3)
              for mode, rows in runs.items()}
    found = {
        "measured": True, "rounds": rounds, "steps": best["without"]["steps"], "step_seconds": step,
        "cpu_s": {mode: best[mode]["cpu_s"] for mode in MODES},
        "cpu_ms_per_screen": {mode: round(best[mode]["cpu_s"] * 1000 / best[mode]["steps"], 2) for mode in MODES},
        "start_ms": {mode: min(r["start_ms"] for r in runs[mode]) for mode in MODES},
        "builds": {mode: best[mode]["builds"] for mode in MODES},
        "a11y_ms_per_screen": cost,
        "idle_share_of_screen": round(cost["idle"] / (base * 1000 / best["without"]["steps"]), 5),
        "every_round": {mode: [{k: r[k] for k in ("cpu_s", "main_thread_a11y_s", "other_threads_cpu_s")}
                               for r in rows] for mode, rows in runs.items()},
        "idle_vs_without": round(best["idle"]["cpu_s"] / base, 3),
        "listening_vs_without": round(best["listening"]["cpu_s"] / base, 3),
        "round_spread": spread,
        "how": __doc__.split("\n\n")[2].replace("\n", " "),
    }
    log(f"  accessibility per screen: {cost} ms (idle: {found['idle_share_of_screen']:.3%} of a screen's "
        f"{found['cpu_ms_per_screen']['without']} ms); whole process idle vs none {found['idle_vs_without']}x, "
        f"listening {found['listening_vs_without']}x (rounds spread {spread})")
    return found


GL_THREADS = ("llvmpipe", "python:disk$")  # Mesa's software renderer and its shader cache: drawing, not ours


def _other_threads_cpu() -> float:
    """CPU seconds of this process's threads but the main one and the GL driver's (Linux ``/proc``).

    The renderer's threads take most of the process's CPU here and vary by a fifth from run to run;
    what is left is Kivy's helpers and, with the adapter, AccessKit's (``async-io`` and its D-Bus
    connection)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            if int(task.name) == os.getpid() or (task / "comm").read_text().startswith(GL_THREADS):
                continue
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick


def _timed(spent: list[float], method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)  # Kivy's Clock finds a bound method again by its name
    def timed(*args: Any) -> Any:
        began = time.perf_counter()
        try:
            return method(*args)
        finally:
            spent[0] += time.perf_counter() - began

    return timed


def _walk(mode: str, data: Path, step: float, locales: list[str]) -> None:
    """The child: the app on ``data``, every screen in each language, then one JSON line."""
    began = time.perf_counter()
    from mobile.__main__ import configure_kivy

    configure_kivy()
    from kivy.config import Config

    Config.set("graphics", "maxfps", "60")
    from kivy.base import EventLoop

    import mobile.a11y.desktop as desktop
    from mobile.a11y.access import Accessibility
    from mobile.app import ClaraApp, Options

    if mode == "without":
        desktop.start = lambda access: None  # the baseline: the app with no adapter at all
    spent = [0.0]  # the main thread's seconds in accessibility (set before the app binds them)
    Accessibility.changed = _timed(spent, Accessibility.changed)
    Accessibility._publish = _timed(spent, Accessibility._publish)
    app = ClaraApp(Options(api_url="http://127.0.0.1:9", data_dir=data, sync=False))
    app._run_prepare()
    EventLoop.idle()
    start_ms = round((time.perf_counter() - began) * 1000, 1)

    def frames(seconds: float) -> None:
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            EventLoop.idle()

    adapters = [a for a in app.a11y.adapters if isinstance(a, desktop.DesktopAdapter)]
    if mode == "listening":  # AccessKit activates once it sees accessibility switched on
        until = time.perf_counter() + 20
        while not (adapters and adapters[0].active) and time.perf_counter() < until:
            frames(0.1)
        if not (adapters and adapters[0].active):
            raise SystemExit("AccessKit never asked for the tree")
    elif mode == "idle" and not adapters:
        raise SystemExit("the desktop adapter did not start")
    frames(1.0)
    builds, spent[0] = app.a11y.builds, 0.0
    steps = 0
    cpu, others = time.process_time(), _other_threads_cpu()
    for locale in locales:
        for _ in _every_screen(app, locale):
            frames(step)
            steps += 1
    cpu, others = time.process_time() - cpu, _other_threads_cpu() - others
    print(MARK + json.dumps({"mode": mode, "cpu_s": round(cpu, 3), "steps": steps, "start_ms": start_ms,
                             "main_thread_a11y_s": round(spent[0], 4), "other_threads_cpu_s": round(others, 3),
                             "builds": app.a11y.builds - builds}), flush=True)
    app.stop()


def _every_screen(app: Any, locale: str) -> Iterator[str]:
    """Every screen of the bundled page, as a reader would open them (the UI tests' walk)."""
    app.open("language", start_over=True)
    yield "language"
    app.choose_locale(locale)
    yield "home"
    slug = app.documents()[0]["slug"]
    doc = app.document(slug)
    for section in doc["sections"]:
        app.open("section", slug=slug, section_id=section["id"])
        yield "section"
    for treatment in doc["treatments"]:
        app.open("treatment", slug=slug, treatment_id=treatment["id"])
        yield "treatment"
    for name in ("glossary", "settings", "about", "search"):
        app.open(name)
        yield name
    app.show_term(doc["glossary"][0]["id"])
    yield "definition"
    app.back()


if __name__ == "__main__":
    _walk(sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), sys.argv[4:])
