"""The GraphQL schema: graphene types over the content model, and the root Query."""

from __future__ import annotations

import graphene

from api.content.snapshot import Snapshot
from api.listing import orderings
from api.schema.cost import lengths_of
from api.schema.query import Query
from api.schema.types import BLOCK_TYPES

schema = graphene.Schema(query=Query, types=BLOCK_TYPES)


def list_indexes(snapshot: Snapshot) -> None:
    """What requests of a new version need first, made before they do: the cost model's list
    lengths (and the filters' links they read), the content order of each collection and the
    documents' date order (about 0.35 s per 1,000 documents)."""
    lengths_of(snapshot)
    default = snapshot.content.default_locale
    for collection in (orderings.DOCUMENTS, orderings.TREATMENTS, orderings.GLOSSARY):
        orderings.ordering(snapshot, collection, orderings.Order(orderings.CONTENT), default)
    orderings.ordering(snapshot, orderings.DOCUMENTS, orderings.Order(orderings.UPDATED), default)  # updatedSince


__all__ = ["list_indexes", "schema"]
