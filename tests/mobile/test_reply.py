"""Every sync page is checked whole before anything is stored: each item against its digest and
its kind's shape, the page's order, languages and ending."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from mobile.reply import SYNC_QUERY, InvalidReply, ServerSaid, parse_page
from mobile.snapshot import SNAPSHOT
from rules.items import item_version

Body = dict[str, Any]


@pytest.fixture(scope="module")
def body() -> Body:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def items(b: Body) -> list[Body]:
    return b["data"]["syncPage"]["items"]


def item(b: Body, kind: str, id: str | None = None, locale: str = "en") -> Body:
    return next(i for i in items(b) if i["kind"] == kind and (id is None or i["id"] == id) and i["locale"] == locale)


def doc(b: Body, locale: str = "en") -> Body:
    return item(b, "DOCUMENT", locale=locale)["data"]


def resign(b: Body) -> None:
    """A faulty server: items computed wrongly but given matching versions (the shape checks catch it)."""
    for i in items(b):
        if i["data"] is not None:
            i["version"] = item_version(i["kind"].lower(), i["id"], i["locale"], i["data"])


def parse(b: Body, locales: list[str] | None = None):
    return parse_page(json.dumps(b), locales=locales or ["en", "es"])


def test_the_bundled_snapshot_passes(body: Body) -> None:
    page = parse(body)
    assert page.full_sync and page.last and page.manifest[0] == len(page.items)
    kinds = {i.kind for i in page.items}
    assert kinds == {"category", "document", "fact", "factor", "institution", "locale", "role", "source", "string",
                     "term", "treatment"}
    assert next(i for i in page.items if i.key == ("string", "nav.back", "es")).data["text"] == "Atrás"


DAMAGED_ON_THE_WAY: dict[str, Callable[[Body], None]] = {
    "document-cut-to-one-section": lambda b: doc(b)["sections"].__delitem__(slice(1, None)),
    "spanish-holding-english": lambda b: item(b, "DOCUMENT", locale="es").__setitem__("data", doc(b, "en")),
    "english-relabelled-spanish": lambda b: (items(b).remove(item(b, "DOCUMENT", locale="es")),
                                             item(b, "DOCUMENT", locale="en").__setitem__("locale", "es")),
    "a-changed-word": lambda b: doc(b).__setitem__("title", doc(b)["title"].replace("liver", "lung")),
    "another-id": lambda b: item(b, "TERM", "tumor").__setitem__("id", "tumors"),
}


@pytest.mark.parametrize("name", list(DAMAGED_ON_THE_WAY))
def test_an_item_that_does_not_match_its_version_is_refused(body: Body, name: str) -> None:
    broken = copy.deepcopy(body)
    DAMAGED_ON_THE_WAY[name](broken)
    with pytest.raises(InvalidReply, match=r"does not match its version|out of order"):
        parse(broken)


MADE_WRONG: dict[str, tuple[Callable[[Body], None], str]] = {
    "no-sections": (lambda b: doc(b).pop("sections"), "missing 'sections'"),
    "empty-sections": (lambda b: doc(b).__setitem__("sections", []), "at least 1"),
    "block-without-text": (lambda b: next(x for s in doc(b)["sections"] for x in s["blocks"]
                                          if x["type"] == "paragraph").pop("text"), "missing 'text'"),
    "blank-title": (lambda b: doc(b).__setitem__("title", "  "), "expected text"),
    "number-as-text": (lambda b: doc(b).__setitem__("summary", 42), "expected text"),
    "bad-date": (lambda b: doc(b).__setitem__("lastReviewed", "yesterday"), "expected a date"),
    "id-not-the-items": (lambda b: doc(b).__setitem__("slug", "other"), "not the item's id"),
    "language-code-pt-BR": (lambda b: item(b, "LOCALE", "es", "")["data"].__setitem__("code", "pt-BR"),
                            "not a language code"),
}


@pytest.mark.parametrize("name", list(MADE_WRONG))
def test_an_item_of_the_wrong_shape_is_refused_with_its_place(body: Body, name: str) -> None:
    broken = copy.deepcopy(body)
    mutate, reason = MADE_WRONG[name]
    mutate(broken)
    resign(broken)
    with pytest.raises(InvalidReply, match=reason):
        parse(broken)


PAGE_WRONG: dict[str, tuple[Callable[[Body], None], str]] = {
    "sent-twice": (lambda b: items(b).append(items(b)[0]), "out of order or sent twice"),
    "out-of-order": (lambda b: items(b).reverse(), "out of order"),
    "language-not-asked": (lambda b: item(b, "TERM", "tumor").__setitem__("locale", "pt"), "not asked for"),
    "locale-item-in-a-language": (lambda b: item(b, "LOCALE", "en", "").__setitem__("locale", "en"),
                                  "in no language"),
    "last-page-without-manifest": (lambda b: b["data"]["syncPage"].__setitem__("manifest", None), "no manifest"),
    "removal-with-data": (lambda b: item(b, "TERM", "tumor").__setitem__("deleted", True), "carries no version"),
    "huge-token": (lambda b: b["data"]["syncPage"].__setitem__("nextSyncToken", "x" * 5000), "longer than"),
    "no-data": (lambda b: b.__setitem__("data", None), "expected an object"),
    "no-locales": (lambda b: b["data"]["syncPage"].__setitem__("locales", []), "at least 1"),
}


@pytest.mark.parametrize("name", list(PAGE_WRONG))
def test_a_page_that_breaks_the_rules_is_refused(body: Body, name: str) -> None:
    broken = copy.deepcopy(body)
    mutate, reason = PAGE_WRONG[name]
    mutate(broken)
    with pytest.raises(InvalidReply, match=reason):
        parse(broken)


def test_a_page_for_other_languages_than_asked_is_refused(body: Body) -> None:
    with pytest.raises(InvalidReply, match="asked for"):
        parse(body, ["en"])


@pytest.mark.parametrize("raw", [b"", b"[]", b"null", b"not json", b"\xff\xfe", b'"text"', b"{" * 200_000,
                                 b"[" * 200_000 + b"]" * 200_000])
def test_what_is_not_a_page_is_refused_never_raised(raw: bytes) -> None:
    with pytest.raises(InvalidReply):
        parse_page(raw, locales=["en"])


def test_a_server_error_keeps_its_code_and_retry_hint() -> None:
    raw = json.dumps({"data": None, "errors": [{"message": "wait", "extensions": {
        "code": "SYNC_NOT_READY", "retryAfterSeconds": 2}}]})
    with pytest.raises(ServerSaid) as caught:
        parse_page(raw, locales=["en"])
    assert caught.value.code == "SYNC_NOT_READY" and caught.value.retry_after == 2


def test_a_block_or_record_kind_from_a_newer_server_is_accepted_and_kept(body: Body) -> None:
    newer = copy.deepcopy(body)
    doc(newer)["sections"][0]["blocks"].append({"id": "video-1", "type": "video", "termIds": [], "url": "x"})
    items(newer).append({"kind": "VIDEO", "id": "v1", "locale": "es", "deleted": False, "data": {"url": "x"}})
    items(newer).sort(key=lambda i: (i["kind"].lower(), i["id"], i["locale"]))
    resign(newer)
    page = parse(newer)
    assert any(i.kind == "video" for i in page.items)


def test_the_query_names_its_variables_so_every_phone_asks_the_same_url() -> None:
    assert "syncPage(token: $token, locales: $locales, pageSize: $pageSize)" in SYNC_QUERY
