"""The GraphQL schema: graphene types over the content model, and the root Query."""

from __future__ import annotations

import graphene

from api.schema.query import Query
from api.schema.types import BLOCK_TYPES

schema = graphene.Schema(query=Query, types=BLOCK_TYPES)

__all__ = ["schema"]
