"""``syncPage``: a library synced as items in bounded pages, with tokens that survive anything.

In-process, through the real schema: a "phone" here is a dict of items that applies pages the
way ``mobile.store`` does (a complete copy replaces, a delta overlays, removals drop).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from api.content.items import ItemTable, item_data
from api.content.live import LiveContent
from api.content.sync_pages import DEFAULT_PAGE_ITEMS, MAX_PAGE_ITEMS, PAGE_BYTES, SyncPager
from api.schema import schema
from api.schema.localize import RequestContext
from bench import corpus
from mobile.reply import SYNC_QUERY
from rules.items import canonical, item_version, manifest_digest

Items = dict[tuple[str, str, str], tuple[str, Any]]


def live_content(tmp_path: Path, data: dict[str, Any], name: str = "content.json") -> LiveContent:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(data))
    live = LiveContent.open(path)
    assert live.wait_for_table(live.current.version, 60) is not None
    return live


def publish(live: LiveContent, data: dict[str, Any]) -> None:
    live.path.write_bytes(orjson.dumps(data))
    assert live.reload()
    assert live.wait_for_table(live.current.version, 60) is not None


def ask(live: LiveContent, pager: SyncPager | None = None, **variables: Any) -> dict[str, Any]:
    context = RequestContext(live=live, snapshot=live.current, locale="en", pager=pager or SyncPager())
    result = schema.execute(SYNC_QUERY, variable_values=variables, context_value=context)
    if result.errors:
        raise AssertionError([(e.message, e.extensions) for e in result.errors])
    return orjson.loads(orjson.dumps(result.data))["syncPage"]  # as a client reads it


def error_of(live: LiveContent, pager: SyncPager | None = None, **variables: Any) -> dict[str, Any]:
    context = RequestContext(live=live, snapshot=live.current, locale="en", pager=pager or SyncPager())
    result = schema.execute(SYNC_QUERY, variable_values=variables, context_value=context)
    assert result.errors and result.data is None
    return {"message": result.errors[0].message, **(result.errors[0].extensions or {})}


class Phone:
    """What a client keeps, applied page by page as mobile.store does; ``pages`` it has seen."""

    def __init__(self) -> None:
        self.items: Items = {}
        self.token: str | None = None
        self.version: str | None = None
        self.pages: list[dict[str, Any]] = []

    def sync(self, live: LiveContent, *, stop_after: int | None = None, between=None, **start: Any) -> dict:
        staged: Items = {}
        full = None
        variables: dict[str, Any] = {"token": self.token, **start} if self.token else dict(start)
        while True:
            page = ask(live, **variables)
            self.pages.append(page)
            if full is None or page["reset"]:
                full, staged = page["fullSync"], {}
            for item in page["items"]:
                key = (item["kind"].lower(), item["id"], item["locale"])
                staged[key] = (item["version"], item["data"])
            if between is not None:
                between(len(self.pages))
            if page["nextPageToken"] is None:
                break
            variables = {"token": page["nextPageToken"]}
            if stop_after is not None and len(self.pages) >= stop_after:
                raise AssertionError("stopped")
        result = {} if full else dict(self.items)
        for key, (version, data) in staged.items():
            if version is None:
                result.pop(key, None)
            else:
                result[key] = (version, data)
        entries = sorted((*k, v) for k, (v, _) in result.items())
        assert (len(entries), manifest_digest(entries)) == (page["manifest"]["count"], page["manifest"]["digest"])
        self.items, self.token, self.version = result, page["nextSyncToken"], page["version"]
        return page


def complete_copy(live: LiveContent) -> Items:
    phone = Phone()
    phone.sync(live)
    return phone.items


@pytest.fixture(scope="module")
def library() -> dict[str, Any]:
    data = corpus.build(6)
    # Without sign-offs: an edit would also change each page's review line (it shows the edited
    # text, so its review no longer holds), which is tested on its own in test_editorial.py.
    data.pop("signOffs")
    return data


@pytest.fixture
def live(tmp_path: Path, library: dict[str, Any]) -> LiveContent:
    return live_content(tmp_path, library)


def test_a_complete_copy_comes_in_bounded_pages_in_key_order_each_item_matching_its_version(
        live: LiveContent) -> None:
    phone = Phone()
    last = phone.sync(live, pageSize=50)
    assert len(phone.pages) > 3
    keys = [(i["kind"].lower(), i["id"], i["locale"]) for p in phone.pages for i in p["items"]]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    for page in phone.pages:
        assert len(page["items"]) <= 50
        assert len(orjson.dumps({"data": {"syncPage": page}})) <= 512 * 1024
        for item in page["items"]:
            assert item["version"] == item_version(item["kind"].lower(), item["id"], item["locale"], item["data"])
    assert last["fullSync"] and last["manifest"]["count"] == len(phone.items)
    assert {k[0] for k in phone.items} == {"category", "document", "fact", "factor", "institution", "locale",
                                           "role", "source", "string", "term", "treatment"}


def test_pages_stop_near_448_kb_even_when_many_items_would_fit_the_count(tmp_path: Path) -> None:
    live = live_content(tmp_path, corpus.build(40))
    phone = Phone()
    phone.sync(live, pageSize=MAX_PAGE_ITEMS)
    sizes = [len(orjson.dumps({"data": {"syncPage": p}})) for p in phone.pages]
    assert max(sizes) <= 512 * 1024
    assert max(sizes) > PAGE_BYTES * 0.8  # full pages are close to the bound, not far under it


def test_documents_refer_to_records_by_id_and_carry_no_copies(live: LiveContent) -> None:
    doc = complete_copy(live)[("document", "liver-metastases-treatment", "es")][1]
    text = json.dumps(doc, ensure_ascii=False)
    assert "glossary" not in doc and "treatments" not in doc
    assert '"treatmentIds"' in text and '"termIds"' in text
    assert doc["title"] == "¿Cómo se tratan las metástasis hepáticas?"


def test_every_phone_gets_the_same_pages_for_the_same_version(live: LiveContent) -> None:
    first, second = Phone(), Phone()
    first.sync(live, pageSize=40)
    second.sync(live, pageSize=40)
    assert orjson.dumps(first.pages) == orjson.dumps(second.pages)


def test_nothing_changed_is_an_empty_page_with_the_same_token(live: LiveContent) -> None:
    phone = Phone()
    phone.sync(live)
    token = phone.token
    page = phone.sync(live)
    assert page["items"] == [] and not page["fullSync"] and phone.token == token


def test_a_glossary_edit_sends_that_one_item(tmp_path: Path, library: dict[str, Any]) -> None:
    live = live_content(tmp_path, library)
    phone = Phone()
    phone.sync(live)
    edited = json.loads(json.dumps(library))
    term = next(t for t in edited["glossary"] if t["id"] == "tumor")
    term["definition"]["es"] += " Puede ser benigno o canceroso."
    publish(live, edited)
    phone.pages.clear()
    page = phone.sync(live)
    sent = [(i["kind"], i["id"], i["locale"]) for p in phone.pages for i in p["items"]]
    assert sent == [("TERM", "tumor", "es")]  # not the English, not a document
    assert not page["fullSync"] and phone.items == complete_copy(live)


def test_a_removed_record_arrives_as_a_removal(tmp_path: Path, library: dict[str, Any]) -> None:
    live = live_content(tmp_path, library)
    phone = Phone()
    phone.sync(live)
    smaller = json.loads(json.dumps(library))
    gone = smaller["documents"].pop()
    publish(live, smaller)
    phone.pages.clear()
    phone.sync(live)
    removals = [i for p in phone.pages for i in p["items"] if i["deleted"]]
    assert {(i["kind"], i["id"]) for i in removals} >= {("DOCUMENT", gone["slug"])}
    assert all(i["version"] is None and i["data"] is None for i in removals)
    assert ("document", gone["slug"], "en") not in phone.items
    assert phone.items == complete_copy(live)


def test_content_changing_mid_way_still_ends_with_one_version(tmp_path: Path, library: dict[str, Any]) -> None:
    live = live_content(tmp_path, library)
    changed = json.loads(json.dumps(library))
    changed["documents"][0]["summary"]["en"] += " It changed while you were syncing."
    changed["glossary"][0]["definition"]["es"] += " Cambió."
    changed["documents"].pop(3)

    def change_after_two_pages(seen: int) -> None:
        if seen == 2:
            publish(live, changed)

    phone = Phone()
    phone.sync(live, pageSize=30, between=change_after_two_pages)
    assert {p["version"] for p in phone.pages} == {live.current.version} | {phone.pages[0]["version"]}
    assert phone.version == live.current.version
    assert phone.items == complete_copy(live)


def test_a_sync_resumes_on_another_server_after_a_restart(tmp_path: Path, library: dict[str, Any]) -> None:
    first = live_content(tmp_path, library, "a.json")
    page = ask(first, pageSize=60)
    second = live_content(tmp_path, library, "b.json")  # another process, nothing shared but the file
    assert ask(second, token=page["nextPageToken"]) == ask(first, token=page["nextPageToken"])


def test_a_phone_whose_version_is_no_longer_known_gets_a_complete_copy(tmp_path: Path,
                                                                        library: dict[str, Any]) -> None:
    live = live_content(tmp_path, library)
    phone = Phone()
    phone.sync(live)
    restarted = live_content(tmp_path, {**library, "documents": library["documents"][:-1]}, "other.json")
    page = ask(restarted, token=phone.token)
    assert page["fullSync"] and not page["reset"] and page["since"] is None


def _tampered(token: str) -> str:
    payload, tag = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["n"] = 500
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{forged}.{tag}"


@pytest.mark.parametrize("make", [
    pytest.param(lambda t: "not-a-token", id="garbage"),
    pytest.param(lambda t: "", id="empty"),
    pytest.param(lambda t: t[:-3], id="cut"),
    pytest.param(lambda t: "A" * 100_000, id="huge"),
    pytest.param(lambda t: "%%%.###", id="not-base64"),
    pytest.param(_tampered, id="forged"),
])
def test_a_bad_token_is_a_clear_error(live: LiveContent, make) -> None:
    token = ask(live, pageSize=20)["nextPageToken"]
    error = error_of(live, token=make(token))
    assert error["code"] == "SYNC_TOKEN_INVALID" and "Start again without a token" in error["message"]


def test_a_token_from_another_library_is_refused(tmp_path: Path, live: LiveContent,
                                                 library: dict[str, Any]) -> None:
    token = ask(live, pageSize=20)["nextPageToken"]
    assert error_of(live, SyncPager(key="another-deployment"), token=token)["code"] == "SYNC_TOKEN_INVALID"
    other = json.loads(json.dumps(library))
    other["institution"]["id"] = "another-cancer-center"
    assert error_of(live_content(tmp_path, other, "other.json"), token=token)["code"] == "SYNC_TOKEN_INVALID"


@pytest.mark.parametrize("size", [0, -1, MAX_PAGE_ITEMS + 1, 2**31 - 1])
def test_a_page_size_out_of_range_is_a_clear_error(live: LiveContent, size: int) -> None:
    error = error_of(live, pageSize=size)
    assert error["code"] == "BAD_USER_INPUT" and str(MAX_PAGE_ITEMS) in error["message"]


def test_the_default_page_size(live: LiveContent) -> None:
    assert len(ask(live)["items"]) <= DEFAULT_PAGE_ITEMS


def test_an_unsupported_language_is_a_clear_error(live: LiveContent) -> None:
    assert error_of(live, locales=["pt-BR"])["code"] == "UNSUPPORTED_LOCALE"


def test_one_language_only(live: LiveContent) -> None:
    phone = Phone()
    phone.sync(live, locales=["es-US"])
    assert {k[2] for k in phone.items} == {"es", ""}


def test_until_the_table_is_built_sync_says_not_ready(live: LiveContent, monkeypatch) -> None:
    monkeypatch.setattr(live, "table", lambda version: None)
    error = error_of(live)
    assert error["code"] == "SYNC_NOT_READY" and error["retryAfterSeconds"] > 0


def test_the_table_holds_the_versions_the_pages_send(live: LiveContent) -> None:
    """The table (built once per version) and the pages (built on demand) agree item by item."""
    table = live.table(live.current.version)
    for entry in table.entries(["en", "es"]):
        data = item_data(live.current, *entry.key)
        assert entry.version == item_version(*entry.key, data)
        assert entry.size == len(canonical(data)) + 110
    assert ItemTable(live.current).fingerprint == table.fingerprint


def test_a_version_is_a_digest_of_what_the_item_shows_in_that_language(live: LiveContent) -> None:
    snapshot = live.current
    en = item_data(snapshot, "term", "tumor", "en")
    es = item_data(snapshot, "term", "tumor", "es")
    assert en["term"] == "tumor" and es["term"] == "tumor" and en["definition"] != es["definition"]
    assert item_version("term", "tumor", "en", en) != item_version("term", "tumor", "es", en)
