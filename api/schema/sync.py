"""``syncPage``: the offline clients' sync, as pages of items (see :mod:`api.content.sync_pages`)."""

from __future__ import annotations

from typing import Any

import graphene
import orjson
from graphql import GraphQLError, GraphQLResolveInfo

from api.content.sync_pages import MAX_PAGE_ITEMS, BadPageSize, BadToken, NotReady, Page, PageItem
from api.schema.localize import context_of, pick_locale
from rules.items import canonical

ITEM_SHAPES = """
The data of each kind (camelCase JSON; texts in the item's locale, fallbacks already applied):
- document: slug, title, summary, audience, disclaimer, reviewedBy, lastReviewed, lastUpdated,
  sourceIds, sections [{id, heading, blocks [{id, type, termIds, and by type: text | items |
  treatmentIds | roleIds | factorIds; outdated: true when its text is a translation made from an
  earlier English}]}] (lastReviewed is null while some text of the page awaits review)
- treatment: id, categoryId, name, summary, howItWorks, factIds, termIds (outdated: as a block's)
- term: id, term, definition, alsoMatches, searchAlso (lay words for search, this language's only)
- category: id, name · role, factor: id, name, description · fact: id, text
- institution: id, name, factIds · source: id, title, publisher, url, retrieved
- string: key, text · locale (no locale): code, nativeName, choosePrompt, continueLabel,
  fallback, isDefault, position
"""


class JSON(graphene.Scalar):
    """A JSON value, sent as is. Used for sync item data, whose digest is taken over its exact JSON."""

    @staticmethod
    def serialize(value: Any) -> Any:
        # Already serialized, in the canonical form the item's version is the digest of. Going
        # through orjson would leave a UTF-8 copy cached on every content string it writes (about
        # 90 MB more after serving every page of 10,000 documents); the standard library's
        # encoder does not.
        return orjson.Fragment(canonical(value)) if isinstance(value, dict) else value

    @staticmethod
    def parse_value(value: Any) -> Any:  # pragma: no cover - never an input
        return value

    @staticmethod
    def parse_literal(node: Any, _variables: Any = None) -> Any:  # pragma: no cover - never an input
        return None


class SyncItemKind(graphene.Enum):
    class Meta:
        description = "What kind of record a sync item is."

    CATEGORY = "category"
    DOCUMENT = "document"
    FACT = "fact"
    FACTOR = "factor"
    INSTITUTION = "institution"
    LOCALE = "locale"
    ROLE = "role"
    SOURCE = "source"
    STRING = "string"
    TERM = "term"
    TREATMENT = "treatment"


class SyncItem(graphene.ObjectType):
    class Meta:
        description = "One record in one language, as an offline client keeps it; or its removal."

    kind = graphene.Field(SyncItemKind, required=True, description="The record's kind.")
    id = graphene.ID(required=True, description="The record's id (a UI string's key, a locale's code).")
    locale = graphene.String(
        required=True, description="The language of this copy; '' for a record that is not in one (locales)."
    )
    version = graphene.String(
        description="Digest of (kind, id, locale, data) (first 16 hex digits of SHA-256 over their sorted-key, "
        "compact JSON); null when the record was removed."
    )
    deleted = graphene.Boolean(required=True, description="True when the record was removed: drop it.")
    data = graphene.Field(JSON, description="The record as it reads in `locale`; null when removed." + ITEM_SHAPES)

    @staticmethod
    def resolve_kind(root: PageItem, info: GraphQLResolveInfo) -> str:
        return root.kind

    @staticmethod
    def resolve_deleted(root: PageItem, info: GraphQLResolveInfo) -> bool:
        return root.version is None


class SyncManifest(graphene.ObjectType):
    class Meta:
        description = "What a complete copy of one version holds: check it before switching to the copy."

    count = graphene.Int(required=True, description="How many items a complete copy has.")
    digest = graphene.String(
        required=True, description="SHA-256 (first 32 hex digits) of one line 'kind\\tid\\tlocale\\tversion\\n' "
        "per item, in (kind, id, locale) order.",
    )


class SyncPage(graphene.ObjectType):
    class Meta:
        description = (
            "One page of a sync. Apply its items, then ask for `nextPageToken`; on the last page, check your "
            "copy against `manifest`, switch to it, and keep `nextSyncToken` for next time."
        )

    version = graphene.String(required=True, description="The content version these items are from.")
    since = graphene.String(description="The version this chain brings a copy up from; null for a complete copy.")
    full_sync = graphene.Boolean(
        required=True, description="True when the chain is a complete copy: drop every item it does not send."
    )
    reset = graphene.Boolean(
        required=True, description="True when what this chain sent before can no longer be continued: drop it "
        "and start gathering again from this page (a complete copy).",
    )
    locales = graphene.List(graphene.NonNull(graphene.String), required=True, description="The languages sent.")
    items = graphene.List(graphene.NonNull(SyncItem), required=True, description="Items in (kind, id, locale) order.")
    next_page_token = graphene.String(description="Token of the next page; null on the last page.")
    next_sync_token = graphene.String(description="On the last page: the token to start the next sync with.")
    manifest = graphene.Field(SyncManifest, description="On the last page: the complete copy's count and digest.")

    @staticmethod
    def resolve_manifest(root: Page, info: GraphQLResolveInfo) -> dict[str, Any] | None:
        return {"count": root.manifest[0], "digest": root.manifest[1]} if root.manifest else None


SYNC_PAGE_ARGS = {
    "token": graphene.String(description="`nextPageToken` or `nextSyncToken` of the last page; omit the first time."),
    "locales": graphene.List(
        graphene.NonNull(graphene.String),
        description="Languages to keep (BCP 47 tags); default all. Only read without a token (it carries them).",
    ),
    "page_size": graphene.Int(
        description=f"Most items per page (1-{MAX_PAGE_ITEMS}; default 200). Pages also stop near 448 KB of item "
        "JSON. Only read without a token or with `nextSyncToken` (a chain keeps its size, so its pages are the "
        "same for every client).",
    ),
}


def resolve_sync_page(root: Any, info: GraphQLResolveInfo, token: str | None = None,
                      locales: list[str] | None = None, page_size: int | None = None) -> Page:
    ctx = context_of(info)
    codes = ctx.snapshot.locales if not locales else list(dict.fromkeys(pick_locale(info, t) for t in locales[:10]))
    try:
        return ctx.pager.page(ctx.live, ctx.snapshot, token=token, locales=codes, size=page_size)
    except BadToken as exc:
        raise GraphQLError(str(exc), extensions={"code": "SYNC_TOKEN_INVALID"}) from None
    except BadPageSize as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT", "max": MAX_PAGE_ITEMS}) from None
    except NotReady as exc:
        raise GraphQLError(
            f"The sync of this content version is being prepared; try again in {exc.retry_after} s.",
            extensions={"code": "SYNC_NOT_READY", "retryAfterSeconds": exc.retry_after},
        ) from None
