"""SIGHUP reloads the content without downtime; a bad file is refused and the last good one stays."""

from __future__ import annotations

import json
import signal
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
