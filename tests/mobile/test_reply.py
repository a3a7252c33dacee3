"""A sync reply is checked whole before anything is stored: shape, versions, every document complete."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from mobile.reply import InvalidReply, parse, sync_query
from mobile.snapshot import SNAPSHOT

Body = dict[str, Any]


@pytest.fixture(scope="module")
def body() -> Body:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def doc(b: Body, i: int = 0) -> Body:
    return b["data"]["sync"]["documents"][i]["document"]


def block(b: Body, kind: str) -> Body:
    return next(x for s in doc(b)["sections"] for x in s["blocks"] if x["type"] == kind)


def test_the_bundled_snapshot_passes(body: Body) -> None:
    reply = parse(json.dumps(body), since=None, locales=["en", "es"])
    assert reply.full_sync
    assert {(d.slug, d.locale) for d in reply.documents} == {
        ("liver-metastases-treatment", "en"), ("liver-metastases-treatment", "es")}
    assert reply.strings["es"]["nav.back"] == "Atrás"
    assert [lang["code"] for lang in reply.languages] == ["en", "es"]


BREAKAGES: dict[str, tuple[Callable[[Body], None], str]] = {
    "no-sections": (lambda b: doc(b).pop("sections"), "missing 'sections'"),
    "empty-sections": (lambda b: doc(b).__setitem__("sections", []), "at least 1"),
    "block-without-text": (lambda b: block(b, "paragraph").pop("text"), "missing 'text'"),
    "blank-title": (lambda b: doc(b).__setitem__("title", "  "), "expected text"),
    "number-as-text": (lambda b: doc(b).__setitem__("summary", 42), "expected text"),
    "bad-date": (lambda b: doc(b).__setitem__("lastReviewed", "yesterday"), "expected a date"),
    "unknown-term": (lambda b: block(b, "paragraph")["terms"].append({"id": "nope"}), "unknown glossary"),
    "unknown-treatment": (lambda b: block(b, "treatments")["treatments"].append({"id": "nope"}),
                          "unknown treatments"),
    "version-mismatch": (lambda b: doc(b).__setitem__("version", "other"), "differs"),
    "missing-in-spanish": (lambda b: b["data"]["sync"]["documents"].pop(1), "missing in"),
    "sent-twice": (lambda b: b["data"]["sync"]["documents"].append(b["data"]["sync"]["documents"][0]),
                   "sent twice"),
    "no-strings": (lambda b: b["data"].pop("strings_es"), "strings_es"),
    "no-locales": (lambda b: b["data"].__setitem__("locales", []), "at least 1"),
    "errors": (lambda b: b.__setitem__("errors", [{"message": "Something broke"}]), "Something broke"),
    "no-data": (lambda b: b.__setitem__("data", None), "expected an object"),
    "full-but-empty": (lambda b: b["data"]["sync"].__setitem__("documents", []), "no documents"),
}


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_a_broken_reply_is_refused_with_a_reason(body: Body, name: str) -> None:
    broken = copy.deepcopy(body)
    mutate, reason = BREAKAGES[name]
    mutate(broken)
    with pytest.raises(InvalidReply, match=reason):
        parse(json.dumps(broken), since=None, locales=["en", "es"])


def test_a_reply_about_another_version_or_language_set_is_refused(body: Body) -> None:
    with pytest.raises(InvalidReply, match="asked about"):
        parse(json.dumps(body), since="abc", locales=["en", "es"])
    with pytest.raises(InvalidReply, match="asked for"):
        parse(json.dumps(body), since=None, locales=["en"])


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"null", b"\xff\xfe", b'{"data": {"sync": '])
def test_what_is_not_a_json_object_is_refused(raw: bytes) -> None:
    with pytest.raises(InvalidReply):
        parse(raw, since=None, locales=None)


def test_a_block_type_from_a_newer_server_is_accepted_and_kept(body: Body) -> None:
    newer = copy.deepcopy(body)
    doc(newer)["sections"][0]["blocks"].append({"id": "video-1", "type": "video", "terms": []})
    assert parse(json.dumps(newer), since=None, locales=None).documents


def test_the_query_asks_each_language_for_its_strings() -> None:
    query = sync_query(["en", "es"])
    assert 'strings_es: strings(locale: "es")' in query
    assert "fragment ClaraDocument on Document" in query
    with pytest.raises(ValueError, match="locale"):
        sync_query(['en") { key } evil: strings(locale: "x'])
