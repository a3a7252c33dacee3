"""The changelog in the API: ``publications(first:)``, what was published when, and what changed.

Read from the publishing record beside the served file (``api.content.publications``). Who
published is left out: the API is public, and an editor's user name is not the readers'
business (``python -m api.content publications`` shows it to the editors). Each publication's
lists are cut at :data:`MAX_LISTED` with their full counts beside them, so one answer stays small
however much a publication changed.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from api.content.publications import PUBLISHED, ROLLED_BACK
from api.content.releases import Releases
from api.schema.localize import context_of

MAX_PUBLICATIONS = 50
DEFAULT_PUBLICATIONS = 10
MAX_LISTED = 100


class PublicationEvent(graphene.Enum):
    class Meta:
        description = "How a version was made live."

    PUBLISHED = PUBLISHED
    ROLLED_BACK = ROLLED_BACK

    @property
    def description(self) -> str:
        return {PUBLISHED: "Published from a draft.", ROLLED_BACK: "Rolled back to the version before."}[self.value]


class ChangedRecord(graphene.ObjectType):
    class Meta:
        description = "A record a publication added, changed or removed."

    kind = graphene.String(required=True, description="Its collection: documents, treatments, glossary, …")
    id = graphene.String(required=True, description="Its id (a document's slug, a string's key).")
    change = graphene.String(required=True, description="added, changed or removed.")
    locales = graphene.List(graphene.NonNull(graphene.String), required=True,
                            description="The languages whose text changed (all of them when added or removed).")


class OutdatedTranslation(graphene.ObjectType):
    class Meta:
        description = "A translation whose English changed in a publication while it did not."

    kind = graphene.String(required=True, description="The record's collection.")
    id = graphene.String(required=True, description="The record's id.")
    path = graphene.String(required=True, description="Where in the record, e.g. `summary`.")
    locale = graphene.String(required=True, description="The language of the translation left behind.")


class Publication(graphene.ObjectType):
    class Meta:
        description = "One version made live, newest first: by a publication or a rollback."

    seq = graphene.Int(required=True, description="Its number in the changelog (grows by one each time).")
    event = graphene.Field(PublicationEvent, required=True, description="A publication or a rollback.")
    version = graphene.String(required=True, description="The content version made live.")
    previous_version = graphene.String(description="The version it replaced; null for the first.")
    published_at = graphene.String(required=True, description="When, in UTC (ISO 8601).")
    documents = graphene.List(graphene.NonNull(graphene.String), required=True,
                              description=f"Slugs of the documents readers see changed (at most {MAX_LISTED}).")
    document_count = graphene.Int(required=True, description="How many documents changed in all.")
    records = graphene.List(graphene.NonNull(ChangedRecord), required=True,
                            description=f"The records changed (at most {MAX_LISTED}).")
    record_count = graphene.Int(required=True, description="How many records changed in all.")
    outdated_translations = graphene.List(graphene.NonNull(OutdatedTranslation), required=True,
                                          description=f"Translations left behind (at most {MAX_LISTED}).")


def _row(p: Any) -> dict[str, Any]:
    changes = p.summary
    counts = changes.get("counts", {})
    return {"seq": p.seq, "event": p.event, "version": p.version, "previous_version": p.previous,
            "published_at": p.at, "documents": changes.get("documents", [])[:MAX_LISTED],
            "document_count": counts.get("documents", len(changes.get("documents", []))),
            "records": changes.get("records", [])[:MAX_LISTED],
            "record_count": counts.get("records", len(changes.get("records", []))),
            "outdated_translations": changes.get("outdatedTranslations", [])[:MAX_LISTED]}


def resolve_publications(root: Any, info: GraphQLResolveInfo, first: int = DEFAULT_PUBLICATIONS) -> list[dict]:
    """The latest ``first`` publications of the served file; none when it was never published."""
    releases = Releases(context_of(info).live.path)
    if not releases.published:
        return []
    return [_row(p) for p in releases.log.publications(max(0, min(first, MAX_PUBLICATIONS)))]


publications_field = graphene.List(
    graphene.NonNull(Publication), required=True,
    first=graphene.Int(default_value=DEFAULT_PUBLICATIONS,
                       description=f"How many, newest first (0-{MAX_PUBLICATIONS})."),
    description="The changelog: each version made live, when, and what changed in it (newest first).",
    resolver=resolve_publications,
)
