"""The GraphQL schema: graphene types over the content model, and the root Query."""

from __future__ import annotations

import graphene

from api.content.snapshot import Snapshot
from api.schema import paging
from api.schema.cost import lengths_of
from api.schema.query import Query
from api.schema.types import BLOCK_TYPES

schema = graphene.Schema(query=Query, types=BLOCK_TYPES)


def list_indexes(snapshot: Snapshot) -> None:
    """What requests of a new version need first, made before they do: the cost model's list
    lengths (and the filters' links they read), every collection's orders in every language, and
    the places of the wide filters in them (see :func:`api.schema.paging.prepare`)."""
    lengths_of(snapshot)
    paging.prepare(snapshot)


__all__ = ["list_indexes", "schema"]
