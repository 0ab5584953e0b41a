"""Walking and driving widget trees in plain pytest (no kernel, no browser)."""

from __future__ import annotations


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def find(root, css_class: str) -> list:
    return [x for x in walk(root) if css_class in getattr(x, "_dom_classes", ())]


def one(root, css_class: str):
    found = find(root, css_class)
    assert len(found) == 1, f"{css_class}: {len(found)} found"
    return found[0]


def click(root, css_class: str) -> None:
    one(root, css_class).click()


def all_html(root) -> str:
    return "\n".join(str(getattr(x, "value", "")) for x in walk(root) if hasattr(x, "value"))
