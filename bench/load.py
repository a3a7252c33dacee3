"""Driving load: ``wrk`` from Debian in its own process, pinned away from the server.

Requests (method, path, headers, body) go into a small generated Lua script; its ``done`` hook
prints the totals and latency percentiles as one JSON line, so nothing is scraped from wrk's
human-readable output. When wrk is missing (a test machine without it), :func:`python_load` is a
minimal keep-alive client used only to prove the harness works end to end; its numbers are not
comparable with wrk's and are labelled with their driver.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.servers import pinned

MARK = "WRK_JSON "


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class Load:
    """What one load run measured."""

    driver: str
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    bytes_read: int

    def as_dict(self) -> dict[str, object]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _lua_string(text: str) -> str:
    if "]==]" in text:
        raise ValueError("text cannot be quoted for Lua")
    return f"[==[{text}]==]"


def _lua_request(req: Req) -> str:
    headers = ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in req.headers.items())
    body = _lua_string(req.body.decode()) if req.body else "nil"
    return f"wrk.format({_lua_string(req.method)}, {_lua_string(req.path)}, {{{headers}}}, {body})"


def lua_script(requests: list[Req]) -> str:
    """A wrk script sending ``requests`` in turn on every connection and reporting as JSON."""
    if len(requests) == 1:
        req = requests[0]
        lines = [f"wrk.method = {_lua_string(req.method)}", f"wrk.path = {_lua_string(req.path)}"]
        lines += [f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in req.headers.items()]
        if req.body:
            lines.append(f"wrk.body = {_lua_string(req.body.decode())}")
    else:
        built = ",\n  ".join(_lua_request(r) for r in requests)
        lines = [
            "local reqs, i = {}, 0",
            f"init = function(args)\n  reqs = {{\n  {built}\n  }}\nend",
            "request = function()\n  i = i % #reqs + 1\n  return reqs[i]\nend",
        ]
    lines.append(
        "done = function(summary, latency, requests)\n"
        "  local e = summary.errors\n"
        f"  io.write(string.format('{MARK}" + '{"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, '
        '"errors": %.0f, "p50_us": %.1f, "p90_us": %.1f, "p99_us": %.1f, "max_us": %.1f}' + "\\n',\n"
        "    summary.requests, summary.duration, summary.bytes,\n"
        "    e.connect + e.read + e.write + e.status + e.timeout,\n"
        "    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))\n"
        "end"
    )
    return "\n".join(lines) + "\n"


def wrk(base_url: str, requests: list[Req], seconds: float, connections: int, folder: Path,
        cpus: str | None = "1", threads: int = 1) -> Load:
    script = folder / "load.lua"
    script.write_text(lua_script(requests))
    argv = pinned(cpus, ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                         "--timeout", "10s", "-s", str(script), base_url + requests[0].path])
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in out.stdout.splitlines() if x.startswith(MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk did not report:\n{out.stdout}\n{out.stderr}")
    data = json.loads(line[len(MARK):])
    duration = data["duration_us"] / 1e6
    return Load("wrk", round(duration, 3), int(data["requests"]), data["requests"] / duration,
                data["p50_us"] / 1000, data["p90_us"] / 1000, data["p99_us"] / 1000, data["max_us"] / 1000,
                int(data["errors"]), int(data["bytes"]))


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


# ---- a minimal fallback driver, for proving the harness without wrk ---------------------------


def _raw_request(req: Req, host: str) -> bytes:
    head = [f"{req.method} {req.path} HTTP/1.1", f"Host: {host}"]
    head += [f"{k}: {v}" for k, v in req.headers.items()]
    if req.body:
        head.append(f"Content-Length: {len(req.body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + req.body


async def _connection(host: str, port: int, payloads: list[bytes], until: float, latencies: list[float],
                      counts: dict[str, int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        i = 0
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(payloads[i % len(payloads)])
            i += 1
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            counts["bytes"] += len(head) + length
            counts["errors"] += status >= 400
    finally:
        writer.close()


def python_load(base_url: str, requests: list[Req], seconds: float, connections: int) -> Load:
    host, port = base_url.removeprefix("http://").split(":")
    payloads = [_raw_request(r, f"{host}:{port}") for r in requests]
    latencies: list[float] = []
    counts = {"bytes": 0, "errors": 0}

    async def run() -> float:
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(_connection(host, int(port), payloads, until, latencies, counts)
                               for _ in range(connections)))
        return time.perf_counter() - started

    duration = asyncio.run(run())
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return Load("python", round(duration, 3), len(latencies), len(latencies) / duration, pct(50), pct(90), pct(99),
                ordered[-1] * 1000, counts["errors"], counts["bytes"])


def drive(base_url: str, requests: list[Req], seconds: float, connections: int, folder: Path,
          cpus: str | None = "1") -> Load:
    """Load with wrk, or with the fallback driver when wrk is not installed."""
    if have_wrk():
        return wrk(base_url, requests, seconds, connections, folder, cpus)
    return python_load(base_url, requests, seconds, connections)
