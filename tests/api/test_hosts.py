"""The host names a server answers for, as ALLOWED_HOSTS lists them."""

from __future__ import annotations

import pytest

from api.web.hosts import allowed, hostname


@pytest.mark.parametrize(("header", "name"), [
    ("LocalHost:8000", "localhost"), ("[::1]:8000", "::1"), ("[::1]", "::1"), ("::1", "::1"),
    ("127.0.0.1", "127.0.0.1"), ("", ""), (None, ""), ("[broken", ""),
])
def test_the_name_in_a_host_header(header: str | None, name: str) -> None:
    assert hostname(header) == name


def test_names_subdomains_and_any() -> None:
    assert allowed("clara.example:443", ["clara.example"])
    assert allowed("cdn.clara.example", [".clara.example"]) and allowed("clara.example", [".clara.example"])
    assert not allowed("evilclara.example", [".clara.example"])
    assert not allowed("clara.example.evil", ["clara.example"])
    assert allowed("anything.example", ["*"])
    assert not allowed("", ["localhost"]) and not allowed(None, ["localhost"])
