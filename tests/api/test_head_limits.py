"""Header and connection limits that hold with the parser we ship (httptools), on a real socket.

Readers connect from 127.0.0.1; attackers from 127.0.0.2 (the whole 127/8 is loopback), so the
per-address limit can tell them apart as it would two machines.
"""

from __future__ import annotations

import socket
import time

import httpx
import pytest

ATTACKER = "127.0.0.2"


def _connect(port: int, source: str = ATTACKER) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))


def _answer(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, TimeoutError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_header_past_the_limit_is_refused_with_431_and_the_limit(server) -> None:
    with _connect(server.port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n")
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert b"at most 16384 bytes and 100 headers" in answer
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_too_many_headers_are_refused_with_431(server) -> None:
    lines = b"".join(b"X-H%d: 1\r\n" % n for n in range(150))
    with _connect(server.port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + lines + b"\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 431 ")


def test_a_huge_header_is_cut_off_at_the_limit_not_parsed(server) -> None:
    started = time.monotonic()
    sent = 0
    with _connect(server.port) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ")
        try:
            for _ in range(100 * 16):  # up to 100 MB, as fast as the socket takes it
                sock.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass
    assert sent < 50 * 1024 * 1024  # the server closed long before the end
    assert time.monotonic() - started < 5
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_a_request_whose_headers_never_finish_is_closed_with_408(own_server) -> None:
    live = own_server(HEAD_TIMEOUT_SECONDS="1")
    with _connect(live.port) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        answer = _answer(sock)
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert 0.9 <= waited < 5


def test_a_kept_alive_connection_gets_a_fresh_head_budget_per_request(server) -> None:
    with httpx.Client(base_url=server.url) as client:  # one connection, many requests
        for _ in range(20):
            assert client.get("/healthz", headers={"X-Pad": "p" * 8000}).status_code == 200


def _head(size: int = 0, headers: int = 1) -> bytes:
    """A GET head of exactly ``size`` bytes (at least what its ``headers`` need) and ``headers`` headers."""
    lines = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-H%d: 1\r\n" % n for n in range(headers - 2))
    pad = b"X-Pad: "
    short = size - len(lines) - len(pad) - 4
    return lines + pad + b"p" * max(short, 1) + b"\r\n\r\n"


def _status_of_one_answer(sock: socket.socket) -> bytes:
    """Read one answer off a kept-alive connection (by its content-length); its status line."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data.split(b"\r\n", 1)[0]
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lengths = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    length = lengths[0] if lengths else 0
    while len(body) < length:
        body += sock.recv(65536)
    return head.split(b"\r\n", 1)[0]


def _send_in_pieces(sock: socket.socket, data: bytes, piece: int) -> None:
    for start in range(0, len(data), piece):
        sock.sendall(data[start:start + piece])
        time.sleep(0.002)  # separate reads on the server, so the head arrives in pieces


@pytest.mark.parametrize("piece", [0, 997], ids=["whole", "in pieces"])
def test_the_limits_are_exact_however_the_head_arrives(server, piece: int) -> None:
    # A kept-alive connection's next head, whole in one read, takes the guard's fast path; in pieces,
    # the counting path. Both must allow exactly the limit and refuse one byte or one header more.
    assert len(_head(16_384)) == 16_384 and _head(4_000, headers=101).count(b"\n") == 103
    for head, allowed in [(_head(16_384), True), (_head(16_385), False),
                          (_head(4_000, headers=100), True), (_head(4_000, headers=101), False)]:
        with _connect(server.port) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert _status_of_one_answer(sock) == b"HTTP/1.1 200 OK"
            if piece:
                _send_in_pieces(sock, head, piece)
            else:
                sock.sendall(head)
            status = _status_of_one_answer(sock)
        assert status == (b"HTTP/1.1 200 OK" if allowed else b"HTTP/1.1 431 Request Header Fields Too Large"), \
            (len(head), head.count(b"\n"))


def test_a_pipelined_head_behind_an_answer_is_held_to_the_limits(server) -> None:
    small = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with _connect(server.port) as sock:
        sock.sendall(small + b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        try:
            for _ in range(40):  # 40 x 1 KiB more of the second head while the first is answered
                sock.sendall(b"a" * 1024)
                time.sleep(0.002)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused and closed before the end
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 200 OK")
    assert b"HTTP/1.1 431 " in answer


def test_one_address_cannot_take_every_connection(own_server) -> None:
    live = own_server(MAX_CONNECTIONS_PER_CLIENT="20", HEAD_TIMEOUT_SECONDS="30")
    held = [_connect(live.port) for _ in range(20)]
    for sock in held:  # slowloris: each sends a header line and waits
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: 1\r\n")
    try:
        with _connect(live.port) as extra:
            assert _answer(extra).startswith(b"HTTP/1.1 503 ")
        started = time.monotonic()
        assert httpx.get(f"{live.url}/healthz", timeout=5).status_code == 200  # a reader from another address
        assert time.monotonic() - started < 1
    finally:
        for sock in held:
            sock.close()


def test_slowloris_from_one_address_beside_readers(own_server) -> None:
    live = own_server(MAX_CONNECTIONS_PER_CLIENT="200", HEAD_TIMEOUT_SECONDS="2", LIMIT_CONCURRENCY="300")
    attackers = []
    for _ in range(260):
        try:
            sock = _connect(live.port)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            attackers.append(sock)
        except OSError:
            break
    try:
        waits = []
        with httpx.Client(base_url=live.url, timeout=5) as reader:
            for _ in range(40):
                started = time.monotonic()
                assert reader.get("/graphql", params={"query": "{ locales { code } }"}).status_code == 200
                waits.append(time.monotonic() - started)
                time.sleep(0.05)
        assert sorted(waits)[int(len(waits) * 0.9)] < 0.2
        time.sleep(2.5)  # past the head deadline: the attackers' connections are closed by the server
        closed = sum(1 for sock in attackers if _answer(sock)[:12] in {b"HTTP/1.1 408", b"HTTP/1.1 503", b""})
        assert closed == len(attackers)
    finally:
        for sock in attackers:
            sock.close()


@pytest.fixture
def behind_nginx(own_server, tmp_path):
    """deploy/nginx.conf in front of a server, as it is deployed (its ports and paths swapped)."""
    from bench.scenarios.scale import deploy_config
    from bench.servers import free_port, have, nginx

    if not have("nginx"):
        pytest.skip("nginx is not installed (make test installs it)")
    live = own_server()
    port = free_port()
    proxy = nginx(tmp_path, "nginx", deploy_config(tmp_path / "nginx", port, live.port), port, cpus=None).start()
    yield port
    proxy.stop()


def test_through_nginx_a_huge_header_is_refused_and_readers_are_served(behind_nginx: int) -> None:
    with _connect(behind_nginx) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 40_000 + b"\r\n\r\n")
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 400 ") or answer.startswith(b"HTTP/1.1 431 ")
    assert httpx.get(f"http://127.0.0.1:{behind_nginx}/healthz").status_code == 200


def test_through_nginx_slowloris_from_one_address_is_cut_and_readers_are_served(behind_nginx: int) -> None:
    attackers = []
    for _ in range(300):
        sock = _connect(behind_nginx)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        attackers.append(sock)
    try:
        # nginx holds them (its limit_conn counts a connection once its headers are read; until then
        # client_header_timeout closes it after 10 s) and keeps serving everyone else, and never
        # passes a half-sent request to the API
        waits = []
        for _ in range(20):
            started = time.monotonic()
            assert httpx.get(f"http://127.0.0.1:{behind_nginx}/healthz", timeout=5).status_code == 200
            waits.append(time.monotonic() - started)
        assert sorted(waits)[18] < 0.2
    finally:
        for sock in attackers:
            sock.close()
