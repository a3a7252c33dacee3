"""The GraphQL types of search hits (the search itself is :mod:`api.search`)."""

from __future__ import annotations

import graphene
from graphql import GraphQLResolveInfo

from api import search as search_index


class SearchHitKind(graphene.Enum):
    class Meta:
        description = "What a search hit points at."

    DOCUMENT = "document"
    SECTION = "section"
    TREATMENT = "treatment"
    TERM = "term"


class Highlight(graphene.ObjectType):
    class Meta:
        description = "A matched word inside a snippet, as a character range."

    start = graphene.Int(required=True, description="Offset of the match in the snippet.")
    length = graphene.Int(required=True, description="Length of the match.")


class SearchHit(graphene.ObjectType):
    class Meta:
        description = "One search result."

    kind = graphene.Field(SearchHitKind, required=True, description="What the hit is.")
    id = graphene.ID(required=True, description="Id of the hit: slug, section id, treatment id or term id.")
    document_slug = graphene.ID(description="Document that shows it (none for glossary terms).")
    section_id = graphene.ID(description="Section that shows it, when there is one.")
    title = graphene.String(required=True, description="Title of the hit in the searched locale.")
    snippet = graphene.String(required=True, description="Plain-text excerpt around the first match.")
    snippet_html = graphene.String(
        required=True, description="The snippet, HTML-escaped, with matches in <mark> elements."
    )
    highlights = graphene.List(
        graphene.NonNull(Highlight), required=True, description="Where the matches are in `snippet`."
    )
    score = graphene.Float(required=True, description="Relevance; higher is better.")

    @staticmethod
    def resolve_highlights(root: search_index.Hit, info: GraphQLResolveInfo) -> list[dict[str, int]]:
        return [{"start": s, "length": n} for s, n in root.highlights]
