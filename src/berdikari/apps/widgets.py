"""Widget builders shared by the staff apps: HTML, buttons, download links, the action plan.

Each builder takes its data and callbacks as arguments and returns a widget, so plain pytest can
build and drive them without a kernel or a browser. Builders hold no state and never touch the
database. Every text typed by a user is escaped (``html.escape``) before it goes into HTML.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape

import ipywidgets as w

from berdikari import vocab
from berdikari.i18n import t

FULL = w.Layout(width="100%", max_width="100%")


def answer_label(value: str | None, lang: str) -> str:
    if value in vocab.Answer.values():
        return vocab.Answer(value).label(lang)
    return t("Not answered", lang)


def item_class(item_id: str) -> str:
    """The CSS class browser tests use to find a question: ``bdk-item-<id in lower case>``."""
    return f"bdk-item-{item_id.lower()}"


def html(value: str, *classes: str) -> w.HTML:
    widget = w.HTML(value, layout=w.Layout(width="100%", max_width="100%"))
    for c in classes:
        widget.add_class(c)
    return widget


def button(description: str, on_click: Callable[[], None], *classes: str) -> w.Button:
    b = w.Button(description=description, layout=w.Layout(width="auto", max_width="100%"))
    for c in classes:
        b.add_class(c)
    b.on_click(lambda _b: on_click())
    return b


def data_url(content: str | bytes, mime: str) -> str:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def download_link(label: str, filename: str, content: str | bytes, mime: str) -> w.HTML:
    return html(
        f'<a class="bdk-download" download="{escape(filename)}" '
        f'href="{data_url(content, mime)}">{escape(label)}</a>'
    )


def action_plan(actions: list, lang: str, today=None) -> w.HTML:
    """The action plan a facilitator set (``ActionView`` list, open first), for the owner's app:
    what to do, for which checklist item, by when; overdue ones marked. Titles are escaped."""
    from datetime import date

    today = today or date.today()
    open_ = [a for a in actions if a.status in vocab.OPEN_ACTION_STATUSES]
    if not open_:
        return html(f"<p>{escape(t('No open actions.', lang))}</p>", "bdk-owner-actions")
    rows = []
    for a in open_:
        due = a.due_date.isoformat() if a.due_date else t("no due date", lang)
        late = f" <strong>({escape(t('overdue', lang))})</strong>" if a.overdue(today) else ""
        item = f" <small>[{escape(a.item_id)}]</small>" if a.item_id else ""
        rows.append(
            f'<li class="bdk-owner-action">{escape(a.title)}{item} — '
            f"{escape(t('due', lang))} {escape(due)}{late}</li>"
        )
    return html(
        f"<h3>{escape(t('Action plan', lang))}</h3><ol>{''.join(rows)}</ol>", "bdk-owner-actions"
    )


def table_html(
    columns, rows, css_class: str = "bdk-table", caption: str = "", numeric: tuple = ()
) -> str:
    """A table that reads on a desktop and on a phone: ``columns`` are ``(key, heading)``; every
    cell is escaped and carries ``data-col`` (for tests) and ``data-label`` (its heading, which
    the staff CSS shows beside the value when a narrow screen turns the rows into a list).
    Headings are ``<th scope="col">`` (screen readers); ``numeric`` keys are right-aligned."""
    head = "".join(
        f'<th scope="col" class="{"bdk-num" if k in numeric else ""}">{escape(h)}</th>'
        for k, h in columns
    )
    body = []
    for r in rows:
        cells = "".join(
            f'<td data-col="{escape(k)}" data-label="{escape(h)}"'
            f"{' class=bdk-num' if k in numeric else ''}>"
            f"{escape('' if r.get(k) is None else str(r.get(k)))}</td>"
            for k, h in columns
        )
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (
        f'<div class="bdk-table-wrap"><table class="bdk-list-table {escape(css_class)}">{cap}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
