"""What the embed routes read, handed to them by the app: its settings, its live content, and the
page cache of that app (one per app, so two apps in one process never share rendered pages)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from api.content.live import LiveContent
from api.lru import LRU
from api.settings import Settings
from api.web.conditional import cache_control
from api.web.ratelimit import TokenBuckets

PAGE_CACHE_ENTRIES = 256  # rendered pages kept per app (a page is 20–60 KB), within EMBED_CACHE_BYTES


def _page_weight(key: tuple[str, ...], page: bytes) -> int:
    return len(page) + sum(len(part) for part in key) + 512  # the entry and its strings' headers


@dataclass(frozen=True)
class Served:
    settings: Settings
    live: LiveContent
    work: TokenBuckets | None = None  # each client's units of work, shared with the GraphQL endpoint

    @cached_property
    def pages(self) -> LRU[tuple[str, ...], bytes]:
        """Rendered pages, bounded by count and by the settings' byte budget."""
        return LRU(PAGE_CACHE_ENTRIES, self.settings.embed_cache_bytes, _page_weight)

    @cached_property
    def revalidated(self) -> str:
        """The Cache-Control of answers a cache may keep and must revalidate (made once)."""
        return cache_control(self.settings.cache_max_age, self.settings.stale_while_revalidate)
