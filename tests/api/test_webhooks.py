"""Webhooks, end to end: a real server watching its file, ``publish`` run as the editor runs it,
and a real HTTP receiver in the test that answers what each test tells it to.

The receiver verifies nothing itself: each test checks the signature with the
``standardwebhooks`` package, as a front-end would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from api.content.snapshot import load_bytes
from api.publishing.webhooks import new_secret
from tests.server import ROOT, free_port, wait_for

SECRET = new_secret()
FAST_RETRIES = "0.5 0.5 0.5 0.5 0.5 0.5"


class Receiver:
    """An HTTP server on a real port that keeps every request and answers from ``statuses``
    (then 200). It can be started late, and stopped, on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.got: list[dict] = []
        self.statuses: list[int] = []
        self.served_when_received: list[str] = []
        self.version_url: str | None = None
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if receiver.version_url:
                    receiver.served_when_received.append(httpx.get(receiver.version_url).json()["version"])
                receiver.got.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def events(self) -> list[dict]:
        """Every request's body, after checking its signature (raises if one does not verify)."""
        return [Webhook(SECRET).verify(r["body"], r["headers"]) for r in self.got]


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(port: int | None = None, start: bool = True) -> Receiver:
        found = Receiver(port)
        made.append(found.start() if start else found)
        return found

    yield make
    for found in made:
        found.stop()


def publish(draft: bytes, live: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    path = tmp / f"draft-{time.monotonic_ns()}.json"
    path.write_bytes(draft)
    return subprocess.run([sys.executable, "-m", "api.content", "publish", str(path), "--to", str(live),
                           "--by", "tests", *extra], cwd=ROOT, capture_output=True, text=True, timeout=60)


def content_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.content", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "WEBHOOK_SECRET": SECRET})


def draft(n: int) -> bytes:
    data = json.loads((ROOT / "content.json").read_bytes())
    chemo = next(t for t in data["treatments"] if t["id"] == "chemotherapy")
    chemo["name"]["en"] = f"Chemotherapy ({n})"
    chemo["name"]["es"] = f"Quimioterapia ({n})"
    return json.dumps(data, ensure_ascii=False).encode()


def hooked(own_server, receiver_url: str, **env: str):
    return own_server(WEBHOOK_URLS=receiver_url, WEBHOOK_SECRET=SECRET, WEBHOOK_RETRY_SECONDS=FAST_RETRIES,
                      WEBHOOK_TIMEOUT_SECONDS="2", **env)


def test_a_publish_is_served_within_seconds_then_announced_once_signed(own_server, receiver, tmp_path) -> None:
    hook = receiver()
    live = hooked(own_server, hook.url)
    hook.version_url = f"{live.url}/healthz"
    path = Path(live.env["CONTENT_PATH"])
    old = live.version()
    new = load_bytes(draft(1)).version
    started = time.monotonic()
    done = publish(draft(1), path, tmp_path)
    assert done.returncode == 0, done.stderr
    wait_for(lambda: live.version() == new, 5)
    served_after = time.monotonic() - started
    wait_for(lambda: len(hook.got) == 1, 10)
    time.sleep(1.5)  # nothing more comes: one event, one try
    [event] = hook.events()
    assert served_after < 5
    assert event["type"] == "content.published"
    assert event["data"]["version"] == new and event["data"]["previousVersion"] == old
    assert event["data"]["documents"] == ["liver-metastases-treatment"]
    assert {"kind": "treatments", "id": "chemotherapy", "change": "changed"} in event["data"]["byLocale"]["es"]
    assert hook.served_when_received == [new]  # sent only once the new version was served
    headers = hook.got[0]["headers"]
    assert headers["webhook-id"].startswith("msg_") and headers["webhook-signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError, match="No matching signature"):  # another secret
        Webhook(new_secret()).verify(hook.got[0]["body"], headers)


def test_a_receiver_that_fails_gets_the_same_event_again_with_the_same_id(own_server, receiver, tmp_path) -> None:
    hook = receiver()
    hook.statuses = [500]
    live = hooked(own_server, hook.url)
    publish(draft(2), Path(live.env["CONTENT_PATH"]), tmp_path)
    wait_for(lambda: len(hook.got) == 2, 15)
    first, second = hook.got
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    assert hook.events()[0] == hook.events()[1]
    log = content_cli("deliveries", "--to", live.env["CONTENT_PATH"]).stdout
    assert f"{first['headers']['webhook-id']} {hook.url}: delivered after 2 tries" in log
    assert "answered 500" in log


def test_a_receiver_down_across_a_restart_still_gets_the_event(own_server, receiver, tmp_path) -> None:
    hook = receiver(start=False)  # nothing listens on its port yet
    live = hooked(own_server, hook.url)
    path = Path(live.env["CONTENT_PATH"])
    publish(draft(3), path, tmp_path)
    new = load_bytes(draft(3)).version
    wait_for(lambda: live.version() == new, 5)
    wait_for(lambda: "try 2" in live.log(), 10)  # tried and failed (refused) at least twice
    live.stop()
    hook.start()
    live.start()
    wait_for(lambda: len(hook.got) == 1, 15)
    assert hook.events()[0]["data"]["version"] == new


def test_a_bad_draft_changes_nothing_and_tells_no_one(own_server, receiver, tmp_path) -> None:
    hook = receiver()
    live = hooked(own_server, hook.url)
    path = Path(live.env["CONTENT_PATH"])
    before_bytes, before = path.read_bytes(), live.version()
    data = json.loads(draft(4))
    data["documents"][0]["title"]["es"] = ""
    done = publish(json.dumps(data).encode(), path, tmp_path)
    assert done.returncode == 1 and "empty Spanish text" in done.stderr
    time.sleep(2.5)  # longer than a watch and a sender's look
    assert path.read_bytes() == before_bytes and live.version() == before and hook.got == []


def test_rollback_serves_the_previous_version_and_says_rolled_back(own_server, receiver, tmp_path) -> None:
    hook = receiver()
    live = hooked(own_server, hook.url)
    path = Path(live.env["CONTENT_PATH"])
    old = live.version()
    publish(draft(5), path, tmp_path)
    wait_for(lambda: len(hook.got) == 1, 10)
    done = subprocess.run([sys.executable, "-m", "api.content", "rollback", "--to", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    wait_for(lambda: live.version() == old, 5)
    wait_for(lambda: len(hook.got) == 2, 10)
    rolled = hook.events()[1]
    assert rolled["type"] == "content.rolled_back" and rolled["data"]["version"] == old


def test_two_workers_send_each_event_once(own_server, receiver, tmp_path) -> None:
    hook = receiver()
    live = hooked(own_server, hook.url, WORKERS="2")
    path = Path(live.env["CONTENT_PATH"])
    for n in (6, 7):
        publish(draft(n), path, tmp_path)
        wait_for(lambda n=n: any(e["data"]["version"] == load_bytes(draft(n)).version for e in hook.events()), 10)
    time.sleep(2)
    assert [e["data"]["version"] for e in hook.events()] == [load_bytes(draft(n)).version for n in (6, 7)]


def test_an_event_can_be_replayed_with_its_id(own_server, receiver, tmp_path) -> None:
    hook = receiver()
    live = hooked(own_server, hook.url)
    publish(draft(8), Path(live.env["CONTENT_PATH"]), tmp_path)
    wait_for(lambda: len(hook.got) == 1, 10)
    webhook_id = hook.got[0]["headers"]["webhook-id"]
    done = content_cli("deliveries", "--to", live.env["CONTENT_PATH"], "--replay", webhook_id)
    assert done.returncode == 0, done.stderr
    assert len(hook.got) == 2 and hook.got[1]["headers"]["webhook-id"] == webhook_id
    assert "(replay)" in content_cli("deliveries", "--to", live.env["CONTENT_PATH"]).stdout


def test_receiver_credentials_never_reach_the_log(own_server, receiver, tmp_path) -> None:
    hook = receiver(start=False)
    secret_url = hook.url.replace("http://", "http://editor:hunter2@")
    live = hooked(own_server, secret_url)
    publish(draft(9), Path(live.env["CONTENT_PATH"]), tmp_path)
    wait_for(lambda: "try 2" in live.log(), 10)
    shown = content_cli("deliveries", "--to", live.env["CONTENT_PATH"]).stdout
    assert "hunter2" not in live.log() and "hunter2" not in shown and "***@127.0.0.1" in shown


@pytest.mark.parametrize(("env", "message"), [
    ({"WEBHOOK_URLS": "ftp://example.org/hook", "WEBHOOK_SECRET": SECRET}, "is not an http:// or https:// URL"),
    ({"WEBHOOK_URLS": "http://127.0.0.1:9/hook"}, "WEBHOOK_SECRET is not"),
    ({"WEBHOOK_URLS": "http://127.0.0.1:9/hook", "WEBHOOK_SECRET": "hunter2"}, "WEBHOOK_SECRET must be whsec_"),
])
def test_bad_webhook_settings_stop_the_start_with_one_clear_line(env: dict, message: str) -> None:
    from api.settings import from_env

    with pytest.raises(SystemExit, match=message):
        from_env(env)


def test_the_default_retries_start_within_10_s_and_reach_past_an_hour() -> None:
    from api.publishing.sender import next_try_at
    from api.settings import Webhooks

    waits = Webhooks.retry_seconds
    at, tries = 0.0, [0.0]
    while (following := next_try_at(len(tries), waits, at)) is not None:
        tries.append(following)
        at = following
    assert tries[1] <= 10  # the first retry
    assert len(tries) >= 6 and tries[-1] >= 3600  # at least six tries over at least an hour
    assert next_try_at(len(waits) + 1, waits, 0.0) is None  # then the delivery is marked failed
