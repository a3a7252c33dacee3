"""What the embed routes read, handed to them by the app: its settings, its live content, and the
page cache of that app (one per app, so two apps in one process never share rendered pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from api.content.live import LiveContent
from api.lru import LRU
from api.settings import Settings
from api.web.conditional import cache_control

PAGE_CACHE_ENTRIES = 256  # rendered pages kept per app (a page is 20–60 KB)


@dataclass(frozen=True)
class Served:
    settings: Settings
    live: LiveContent
    pages: LRU[tuple[str, ...], bytes] = field(default_factory=lambda: LRU(PAGE_CACHE_ENTRIES))

    @cached_property
    def revalidated(self) -> str:
        """The Cache-Control of answers a cache may keep and must revalidate (made once)."""
        return cache_control(self.settings.cache_max_age, self.settings.stale_while_revalidate)
