"""The anchors a guide page's Markdown defines, read the way the site's build will write them.

One reader for both users: :func:`berdikari.checklists.check_guide_link` (an item's ``guide``
link must name an existing heading, checked without building the site) and
:mod:`berdikari.site_pages` (the back-link box goes right under the heading a link names).

A heading's anchor comes from Python-Markdown itself (its ``toc`` extension, with ``attr_list``
for ``{ #id }``, as mkdocs.yml configures them), an HTML element's from the standard library's
``html.parser``. Lines inside fenced code blocks define nothing. The built site is checked again
by MkDocs' own anchor validation (``validation.links.anchors`` with ``strict``).

This module never changes a page and never guesses a slug by hand.
"""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import markdown

_FENCES = ("```", "~~~")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(v for k, v in attrs if k == "id" and v)


def _html_ids(text: str) -> set[str]:
    parser = _Ids()
    parser.feed(text)
    parser.close()
    return parser.ids


@lru_cache(maxsize=4096)
def _heading_ids(line: str) -> frozenset[str]:
    md = markdown.Markdown(extensions=["toc", "attr_list"])
    return frozenset(_html_ids(md.convert(line)))


def line_anchors(line: str) -> set[str]:
    """Anchors one Markdown line defines: a heading's id, ids of HTML elements on the line."""
    found = _html_ids(line) if "<" in line else set()
    if line.startswith("#"):
        found |= _heading_ids(line)
    return found


def lines_with_code_flag(lines):
    """Each line with ``True`` when it is a code fence or inside a fenced code block."""
    in_code = False
    for line in lines:
        if line.lstrip().startswith(_FENCES):
            in_code = not in_code
            yield line, True
            continue
        yield line, in_code


@lru_cache(maxsize=512)
def _page_anchors(page: Path, mtime: float) -> frozenset[str]:
    anchors: set[str] = set()
    for line, in_code in lines_with_code_flag(page.read_text(encoding="utf-8").splitlines()):
        if not in_code:
            anchors |= line_anchors(line)
    return frozenset(anchors)


def page_anchors(page: Path) -> frozenset[str]:
    """The anchors a Markdown page defines (cached per file version)."""
    return _page_anchors(page, page.stat().st_mtime)
