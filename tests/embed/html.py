"""A small reading of an HTML page for assertions: its elements in order, with attributes and text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def find(self, *tags: str) -> list[Element]:
        """Descendants with one of ``tags``, in source order."""
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag in tags:
                    found.append(child)
                found.extend(child.find(*tags))
        return found

    @property
    def words(self) -> str:
        """The text with its whitespace collapsed, as it reads."""
        return " ".join(self.text.split())

    def ancestors(self) -> list[Element]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class Page(HTMLParser):
    """``Page(html).all("h2")`` and friends. Tolerant, like a browser, but keeps the source order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.elements: list[Element] = []
        self._open = self.root
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self._open)
        self._open.children.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self._open = element

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self._open
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self._open = node.parent

    def handle_data(self, data: str) -> None:
        self._open.children.append(data)

    def all(self, *tags: str) -> list[Element]:
        return [e for e in self.elements if e.tag in tags]

    def one(self, tag: str) -> Element:
        found = self.all(tag)
        assert len(found) == 1, f"expected one <{tag}>, found {len(found)}"
        return found[0]

    def headings(self) -> list[tuple[int, str]]:
        return [(int(e.tag[1]), " ".join(e.text.split())) for e in self.all("h1", "h2", "h3", "h4", "h5", "h6")]

    def by_class(self, name: str) -> list[Element]:
        return [e for e in self.elements if name in e.attrs.get("class", "").split()]
