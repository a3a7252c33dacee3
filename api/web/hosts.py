"""Which host names this server answers for, when it builds links from the request's own.

Without ``PUBLIC_URL`` the embeds and oEmbed build their links from the request's ``Host``, and
those answers are publicly cacheable: a forged ``Host: evil.example`` would put the attacker's
name into links that a shared cache then serves to everyone. So the request's host is used only
when it is one of ``ALLOWED_HOSTS`` (default: the loopback names); any other gets a 400 that
does not repeat it. With ``PUBLIC_URL`` set, links never read the request's host.
"""

from __future__ import annotations

from collections.abc import Iterable

ANY = "*"


def hostname(host_header: str | None) -> str:
    """The name in a ``Host`` header, lowercase and without its port (``[::1]:8000`` → ``::1``)."""
    value = (host_header or "").strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else ""
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def allowed(host_header: str | None, hosts: Iterable[str]) -> bool:
    """Whether ``host_header`` names one of ``hosts`` (``*`` allows any; ``.example.org`` any subdomain)."""
    name = hostname(host_header)
    for host in hosts:
        host = host.lower()
        if host == ANY or name == host or (host.startswith(".") and (name.endswith(host) or name == host[1:])):
            return bool(name) or host == ANY
    return False
