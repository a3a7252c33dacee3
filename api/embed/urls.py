"""Where things are: the public base URL and the embed links built on it.

The base is ``PUBLIC_URL`` when set (behind a proxy or CDN the request's own host is not the
public one), else the request's own base URL. Links inside a page are root-relative paths under
the base's path, so a page works the same from any host name that reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request


@dataclass(frozen=True)
class Urls:
    base: str  # scheme://host[:port][/path], no trailing slash

    @classmethod
    def of(cls, request: Request, public_url: str) -> Urls:
        return cls(public_url.rstrip("/") if public_url else str(request.base_url).rstrip("/"))

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def path(self) -> str:
        return urlsplit(self.base).path.rstrip("/")

    @property
    def static(self) -> str:
        return f"{self.path}/embed/static/"

    def page(self, slug: str, locale: str, section: str | None, origin: str | None, absolute: bool = False) -> str:
        """The embed page for ``slug``; ``origin`` (the partner page's) is carried so resizing keeps working."""
        query = {"lang": locale}
        if section:
            query["section"] = section
        if origin:
            query["origin"] = origin
        path = f"{self.path}/embed/{slug}?{urlencode(query)}"
        return f"{self.origin}{path}" if absolute else path
