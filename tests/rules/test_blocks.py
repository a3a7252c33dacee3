"""The kinds of block and where each keeps its words: one table (:data:`rules.blocks.BLOCKS`) that
the content model, the validator, the sync items, the phone's checks and screens all follow."""

from __future__ import annotations

import typing

from api.content import model
from api.content.items import item_data
from api.content.snapshot import load_file
from mobile.reply import BLOCK_FIELDS
from rules.blocks import BLOCK_TYPES, BLOCKS, attribute, references, texts_of
from tests.server import ROOT


def _model_block_classes() -> dict[str, type]:
    union = typing.get_args(model.Block)[0]
    return {typing.get_args(cls.model_fields["type"].annotation)[0]: cls for cls in typing.get_args(union)}


def test_the_table_names_every_kind_of_block_the_content_model_has() -> None:
    assert set(_model_block_classes()) == BLOCK_TYPES == set(BLOCKS)


def test_every_field_the_table_names_is_a_field_of_the_model_under_that_name() -> None:
    for kind, cls in _model_block_classes().items():
        for name in BLOCKS[kind].fields:
            assert attribute(name) in cls.model_fields, (kind, name)
            assert cls.model_fields[attribute(name)].alias == name, (kind, name)


def test_the_phone_checks_exactly_the_fields_the_table_names() -> None:
    assert {kind: set(fields) for kind, fields in BLOCK_FIELDS.items()} == {
        kind: set(shape.fields) for kind, shape in BLOCKS.items()}


def test_the_server_s_model_and_its_sync_items_walk_a_block_alike() -> None:
    snapshot = load_file(ROOT / "content.json")
    seen = set()
    for document in snapshot.documents.values():
        data = item_data(snapshot, "document", document.slug, "en")
        for section, synced in zip(document.sections, data["sections"], strict=True):
            for block, item in zip(section.blocks, synced["blocks"], strict=True):
                seen.add(block.type)
                assert [t.get("en") for t in block.own_texts()] == texts_of(item)
                shown = block.referenced()
                assert ([(shown[0], i) for i in shown[1]] if shown else []) == list(references(item))
    assert seen == BLOCK_TYPES, "the bundled content should use every kind of block"


def test_a_kind_of_block_this_version_does_not_know_has_no_texts_and_no_references() -> None:
    block = {"id": "x", "type": "timeline", "termIds": [], "events": ["a"]}
    assert texts_of(block) == [] and list(references(block)) == []
