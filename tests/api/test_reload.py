"""SIGHUP reloads the content without downtime; a bad file is refused and the last good one stays."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.server import ROOT, LiveServer, wait_for

QUERY = '{ treatment(id: "chemotherapy", locale: "en") { name } }'


def name_served(live: LiveServer) -> str:
    return httpx.post(f"{live.url}/graphql", json={"query": QUERY}).json()["data"]["treatment"]["name"]


def version(live: LiveServer) -> str:
    return httpx.get(f"{live.url}/healthz").json()["version"]


def write(path: Path, data: object) -> None:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")


def test_good_file_is_swapped_in(own_server) -> None:
    live = own_server()
    path = Path(live.env["CONTENT_PATH"])
    data = json.loads(path.read_text(encoding="utf-8"))
    data["treatments"][3]["name"]["en"] = "Chemotherapy (updated)"
    assert data["treatments"][3]["id"] == "chemotherapy"
    write(path, data)
    live.reload()  # SIGHUP, then wait until a new version is served
    assert name_served(live) == "Chemotherapy (updated)"
    assert "content reloaded" in live.log()


def test_bad_files_are_refused_and_logged(own_server) -> None:
    live = own_server()
    path = Path(live.env["CONTENT_PATH"])
    good = json.loads(path.read_text(encoding="utf-8"))
    before = version(live)
    broken = json.loads(json.dumps(good))
    del broken["documents"][0]["title"]["es"]
    for refused, bad in enumerate([broken, "", '{"defaultLocale": "en", "loc', "[]"], start=1):
        write(path, bad)
        live.signal(signal.SIGHUP)
        wait_for(lambda n=refused: live.log().count("content reload refused") >= n)
        assert version(live) == before
        assert name_served(live) == "Chemotherapy"
    log = live.log()
    assert log.count("content reload refused") == 4
    assert "documents[0].title.es: missing Spanish text" in log
    assert "the file is empty" in log


def test_a_server_will_not_start_on_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{}", encoding="utf-8")
    live = LiveServer(path, tmp_path / "log.txt")
    try:
        with pytest.raises(RuntimeError, match="defaultLocale: required field is missing"):
            live.start(timeout=10)
    finally:
        live.stop()


def test_two_workers_reload_on_sighup_to_the_supervisor(own_server) -> None:
    live = own_server(WORKERS="2")
    path = Path(live.env["CONTENT_PATH"])
    data = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    data["treatments"][3]["name"]["en"] = "Chemotherapy v2"
    write(path, data)
    live.signal(signal.SIGHUP)
    wait_for(lambda: all(name_served(live) == "Chemotherapy v2" for _ in range(6)), timeout=30)


def test_every_worker_logs_its_requests(own_server) -> None:
    live = own_server(WORKERS="2")
    for _ in range(20):
        httpx.get(f"{live.url}/healthz", headers={"X-Request-Id": "two-workers-log-check"})
    wait_for(lambda: live.log().count("two-workers-log-check") == 20)
    assert live.log().count("serving content version") == 2


def test_two_workers_switch_to_a_new_version_within_a_bounded_window(own_server) -> None:
    """Each worker reloads in place when the supervisor passes SIGHUP on: no process is replaced,
    and the time both versions are served side by side is how long one load takes."""
    live = own_server(WORKERS="2")
    wait_for(lambda: live.log().count("serving content version") == 2)  # both workers are up
    path = Path(live.env["CONTENT_PATH"])
    data = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    data["treatments"][3]["name"]["en"] = "Chemotherapy v3"
    write(path, data)
    live.signal(signal.SIGHUP)
    first_new = last_old = None
    started = time.monotonic()
    streak = 0
    while time.monotonic() - started < 30 and streak < 20:
        new = name_served(live) == "Chemotherapy v3"  # a new connection each time: either worker
        now = time.monotonic()
        if new and first_new is None:
            first_new = now
        if not new and first_new is not None:
            last_old = now  # an old answer after a new one: both versions served
        streak = streak + 1 if new else 0
    assert first_new is not None and streak >= 20
    window = (last_old - first_new) if last_old is not None else 0.0
    print(f"\nboth versions served for at most {window * 1000:.0f} ms")
    assert window < 2.0
    wait_for(lambda: live.log().count("content reloaded") == 2)  # each worker, in place
    assert "Started server process" not in live.log().split("content reloaded")[-1]  # no new worker


def _sync(url: str, token: str | None = None) -> tuple[dict, str]:
    """Follow a chain of syncPage GETs to its end: (the first page, the next sync token)."""
    from mobile.reply import SYNC_QUERY

    first, variables = None, {"token": token} if token else {}
    while True:
        answer = httpx.get(f"{url}/graphql", params={"query": SYNC_QUERY, "variables": json.dumps(variables)},
                           timeout=30).json()
        if "errors" in answer and answer["errors"][0]["extensions"]["code"] == "SYNC_NOT_READY":
            time.sleep(0.2)
            continue
        page = answer["data"]["syncPage"]
        first = first or page
        if page["nextPageToken"] is None:
            return first, page["nextSyncToken"]
        variables = {"token": page["nextPageToken"]}


def test_after_a_restart_every_worker_sends_a_phone_a_delta(own_server, tmp_path: Path) -> None:
    history = tmp_path / "sync-history"
    before = own_server(WORKERS="2", SYNC_HISTORY_PATH=str(history))
    _, token = _sync(before.url)
    before.stop()
    data = json.loads((ROOT / "content.json").read_text(encoding="utf-8"))
    data["treatments"][3]["name"]["en"] = "Chemotherapy, edited"
    edited = tmp_path / "edited.json"
    write(edited, data)
    after = own_server(edited, WORKERS="2", SYNC_HISTORY_PATH=str(history))
    for _ in range(6):  # new connections: both workers answer some
        page, _ = _sync(after.url, token)
        assert page["fullSync"] is False
        # the page too: it shows the edited name, so the content team's sign-off no longer holds for it
        assert {(i["kind"], i["id"]) for i in page["items"]} == {("TREATMENT", "chemotherapy"),
                                                                ("DOCUMENT", "liver-metastases-treatment")}
