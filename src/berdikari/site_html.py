"""Reads the built site's HTML pages with the standard library's ``html.parser``.

:class:`PageMap` tells what :func:`berdikari.site.verify_site` and
:func:`berdikari.site.remove_offline_offer` need to know of a page: the ids it defines, its
text, the links that follow an anchor up to the next heading, and where in the source each
element starts and ends (so that an element can be cut out of the page exactly).

This module only reads: it never writes a page, and never matches HTML with regular expressions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)  # elements with no end tag


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    start: int  # offset of "<" of the start tag in the page source
    end: int = -1  # offset just after ">" of the end tag (-1: never closed)
    first_link: str | None = None  # href of the first <a> inside it

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


@dataclass
class PageMap:
    """What a page holds. Build with :func:`read_page`."""

    ids: dict[str, Element] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # every href of an <a>, in page order
    links_after: dict[str, list[str]] = field(default_factory=dict)
    elements: list[Element] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def has_text(self, exact: str) -> bool:
        """True when one text node of the page is ``exact`` (surrounding spaces ignored)."""
        return any(t.strip() == exact for t in self.texts)

    def heading_ids(self) -> list[str]:
        return [i for i, e in self.ids.items() if e.tag in HEADINGS]


class _Reader(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0]
        for n, ch in enumerate(source):
            if ch == "\n":
                self.line_starts.append(n + 1)
        self.page = PageMap()
        self.stack: list[Element] = []
        self.open_regions: list[str] = []  # anchors whose region is being read
        self.pending_heading: str | None = None  # id of the heading being read

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        values = {k: v or "" for k, v in attrs}
        element = Element(tag, values, self._offset())
        self.page.elements.append(element)
        if tag in HEADINGS:
            self.open_regions = []  # a region runs up to the next heading
        anchor = values.get("id")
        if anchor:
            self.page.ids.setdefault(anchor, element)
            self.page.links_after.setdefault(anchor, [])
            if tag in HEADINGS:
                self.pending_heading = anchor  # its region starts after the heading
            else:
                self.open_regions.append(anchor)
        if tag == "a" and "href" in values:
            href = values["href"]
            self.page.links.append(href)
            for region in self.open_regions:
                self.page.links_after[region].append(href)
            for outer in self.stack:
                if outer.first_link is None:
                    outer.first_link = href
        if tag in _VOID:
            element.end = self._offset() + len(self.get_starttag_text() or "")
        else:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:  # <x/> closes at once
            self.stack.pop().end = self._offset() + len(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        end = self.source.find(">", self._offset()) + 1
        for n in range(len(self.stack) - 1, -1, -1):
            if self.stack[n].tag == tag:  # closes it and anything left open inside
                for element in self.stack[n:]:
                    element.end = end
                del self.stack[n:]
                break
        if tag in HEADINGS and self.pending_heading:
            self.open_regions.append(self.pending_heading)
            self.pending_heading = None

    def handle_data(self, data):
        if data.strip():
            self.page.texts.append(data)


def read_page(source: str) -> PageMap:
    """Parse one page's HTML source."""
    reader = _Reader(source)
    reader.feed(source)
    reader.close()
    return reader.page
