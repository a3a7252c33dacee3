"""Loading from bytes gives what validating the parsed file gives, with the same versions."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from api.content.snapshot import build_snapshot, load_bytes
from bench import corpus


def _digest(value: Any) -> str:
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def test_versions_are_digests_of_the_file_and_of_each_document_with_the_shared_records() -> None:
    raw = corpus.dumps(3)
    data = orjson.loads(raw)
    shared = _digest({k: v for k, v in data.items() if k not in {"documents", "$schema"}})
    snapshot = load_bytes(raw)
    assert snapshot.version == _digest(data)
    assert snapshot.document_versions == {doc["slug"]: _digest([doc, shared]) for doc in data["documents"]}


def test_bytes_and_parsed_json_load_the_same_content() -> None:
    raw = corpus.dumps(2)
    from_bytes, from_data = load_bytes(raw), build_snapshot(orjson.loads(raw))
    assert from_bytes.content == from_data.content
    assert (from_bytes.version, from_bytes.document_versions) == (from_data.version, from_data.document_versions)
