"""Idle and slow connections cannot starve the server (uvicorn's limits, configured in api/__main__.py)."""

from __future__ import annotations

import contextlib
import socket

import httpx

from tests.server import wait_for


def open_sockets(port: int, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sockets.append(sock)
    return sockets


def test_idle_and_slow_clients_do_not_block_readers(own_server) -> None:
    live = own_server(KEEP_ALIVE_SECONDS="2")
    idle = open_sockets(live.port, 200)            # connect and say nothing
    slow = open_sockets(live.port, 50)             # send headers one piece at a time (slowloris)
    for sock in slow:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    try:
        # each answer must come within the client's timeout while the 250 others hold their sockets
        # (how fast is the benchmarks' business; the soak target measures it under attack)
        with httpx.Client(base_url=live.url, timeout=5) as client:
            for _ in range(50):
                response = client.post("/graphql", json={"query": "{ locales { code } }"})
                assert response.status_code == 200
            for sock in slow:
                sock.sendall(b"X-Slow: 1\r\n")
            assert client.get("/healthz").status_code == 200
    finally:
        for sock in idle + slow:
            with contextlib.suppress(OSError):
                sock.close()


def test_idle_keep_alive_connections_are_closed(own_server) -> None:
    live = own_server(KEEP_ALIVE_SECONDS="1")
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while not answer.endswith(b"}"):  # the whole answer, however it is split into packets
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
        sock.settimeout(10)  # waits for the server to close the idle connection (after 1 s)
        try:
            closed = sock.recv(65536) == b""
        except TimeoutError:
            closed = False
        assert closed, "the idle connection was kept open past the keep-alive timeout"


def test_beyond_the_concurrency_limit_the_answer_is_a_quick_503(own_server) -> None:
    live = own_server(LIMIT_CONCURRENCY="20")
    held = open_sockets(live.port, 25)
    for sock in held:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # incomplete: each holds a slot
    try:
        # once the server holds the 25 connections, a new request is refused, not queued
        wait_for(lambda: httpx.get(f"{live.url}/healthz", timeout=5).status_code == 503)
    finally:
        for sock in held:
            with contextlib.suppress(OSError):
                sock.close()
    wait_for(lambda: httpx.get(f"{live.url}/healthz", timeout=5).status_code == 200)
