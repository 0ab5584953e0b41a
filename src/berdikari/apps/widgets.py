"""Widget builders shared by the apps: questions, task list, progress, charts, links.

Each builder takes its data and callbacks as arguments and returns a widget, so plain pytest can
build and drive them without a kernel or a browser. Builders hold no state and never touch the
database. Every text typed by a user is escaped (``html.escape``) before it goes into HTML.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from html import escape
from urllib.parse import quote

import ipywidgets as w

from berdikari.checklists import Checklist, Item, guide_url
from berdikari.i18n import t
from berdikari.report_text import criticality_label
from berdikari.scoring import ANSWERS, Gap, SectionScore

FULL = w.Layout(width="100%", max_width="100%")


def answer_label(value: str | None, lang: str) -> str:
    labels = {
        "yes": t("Yes", lang),
        "no": t("No", lang),
        "partial": t("Partly", lang),
        "unknown": t("Don't know", lang),
        "na": t("Does not apply", lang),
    }
    return labels.get(value, t("Not answered", lang)) if value else t("Not answered", lang)


def state_label(state: str, lang: str) -> str:
    return {
        "belum": t("Not started", lang),
        "sedang": t("In progress", lang),
        "selesai": t("Done", lang),
    }[state]


def section_state(answered: int, total: int) -> str:
    """``belum`` (not started), ``sedang`` (in progress) or ``selesai`` (done)."""
    if answered == 0:
        return "belum"
    return "selesai" if answered >= total else "sedang"


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


def progress_bar(done: int, total: int, lang: str) -> w.HTML:
    pct = 0 if total == 0 else round(100 * done / total)
    label = t("Answered {answered} of {total} questions", lang, answered=done, total=total)
    return html(
        f'<div class="bdk-progress"><div>{escape(label)}</div>'
        f'<div class="bdk-bar" role="progressbar" aria-valuenow="{pct}" aria-valuemin="0" '
        f'aria-valuemax="100"><span style="width:{pct}%"></span></div></div>',
        "bdk-progress-widget",
    )


def question(
    item: Item,
    lang: str,
    value: str | None,
    note: str,
    on_answer: Callable[[str, str | None], None],
    on_note: Callable[[str, str], None],
    guide_base: str = "/",
    number: int | None = None,
) -> w.VBox:
    """One question with its help text, guide link, the five answers and an optional note.

    ``on_answer(item_id, value)`` runs when an answer is chosen; ``on_note(item_id, text)`` when
    the note is committed (Enter or leaving the field).
    """
    prefix = f"{number}. " if number is not None else ""
    link = guide_url(item.guide, guide_base)
    head = html(
        f"<div><strong>{escape(prefix + item.question.get(lang))}</strong></div>"
        f'<div class="bdk-help">{escape(item.evidence.get(lang))} '
        f'<a href="{escape(link)}" target="_blank" rel="noopener">{escape(t("Guide", lang))}</a>'
        "</div>"
    )
    choices = w.ToggleButtons(
        options=[(answer_label(a, lang), a) for a in ANSWERS],
        value=value,
        style={"button_width": "auto"},
        layout=w.Layout(width="100%", max_width="100%"),
    )
    choices.add_class("bdk-answers")
    note_box = w.Text(
        value=note or "",
        placeholder=t("Note (optional)", lang),
        continuous_update=False,
        layout=w.Layout(width="100%", max_width="100%"),
    )
    note_box.add_class("bdk-note")
    status = html("", "bdk-status")

    def _answer(change):
        if change["new"] != change["old"] and not getattr(box, "quiet", False):
            on_answer(item.id, change["new"])

    def _note(change):
        if change["new"] != change["old"]:
            on_note(item.id, change["new"])

    choices.observe(_answer, names="value")
    note_box.observe(_note, names="value")
    box = w.VBox([head, choices, note_box, status], layout=FULL)
    box.add_class("bdk-card")
    box.add_class("bdk-question")
    box.add_class(item_class(item.id))
    box.choices = choices  # for tests and for the app to read back
    box.note_box = note_box
    box.status = status
    return box


def reset_choice(box: w.VBox, value: str | None) -> None:
    """Show ``value`` in a question without calling back (after a failed save)."""
    box.quiet = True
    try:
        box.choices.value = value
    finally:
        box.quiet = False


def set_status(box: w.VBox, kind: str, lang: str, message: str = "") -> None:
    """Show ``saving``, ``saved`` (tersimpan) or ``error`` under a question."""
    if kind == "saved":
        box.status.value = f'<span class="bdk-saved">✓ {escape(t("Saved", lang))}</span>'
    elif kind == "saving":
        box.status.value = f"<span>{escape(t('Saving…', lang))}</span>"
    elif kind == "error":
        box.status.value = f'<span class="bdk-error">{escape(message)}</span>'
    else:
        box.status.value = ""


def task_list(
    checklist: Checklist,
    answers: dict[str, str],
    lang: str,
    on_open: Callable[[str], None],
) -> w.VBox:
    """Sections with their state (belum mulai / sedang / selesai); a button opens each."""
    rows = []
    for section in checklist.sections:
        done = sum(1 for i in section.items if i.id in answers)
        state = section_state(done, len(section.items))
        label = html(
            f"<div><strong>{escape(section.id)}. {escape(section.title.get(lang))}</strong></div>"
            f'<div class="bdk-state-{state}">{escape(state_label(state, lang))} · '
            f"{done}/{len(section.items)}</div>"
        )
        open_button = button(
            t("Continue", lang) if state == "sedang" else t("Open", lang),
            lambda s=section.id: on_open(s),
        )
        open_button.add_class(f"bdk-open-{section.id.lower()}")
        row = w.VBox([label, open_button], layout=FULL)
        row.add_class("bdk-card")
        row.add_class("bdk-task")
        rows.append(row)
    box = w.VBox(rows, layout=FULL)
    box.add_class("bdk-task-list")
    return box


def readiness_chart(sections: list[SectionScore], lang: str) -> w.HTML:
    """A light HTML/CSS bar chart of readiness by section (no plotting library)."""
    rows = []
    for s in sections:
        rows.append(
            f'<div class="bdk-chart-row"><div>{escape(s.id)}. {escape(s.title.get(lang))}: '
            f"<strong>{s.readiness}%</strong></div>"
            f'<div class="bdk-bar"><span style="width:{int(s.readiness)}%"></span></div></div>'
        )
    return html(f"<h3>{escape(t('Readiness by section', lang))}</h3>" + "".join(rows), "bdk-chart")


def gap_list(gaps: list[Gap], lang: str, guide_base: str = "/") -> w.HTML:
    """Gaps most serious first (the order :func:`berdikari.scoring.score` gives), what to do."""
    if not gaps:
        return html(f"<p>{escape(t('Nothing to fix among the answered questions.', lang))}</p>")
    parts = [f"<h3>{escape(t('What to fix first', lang))}</h3><ol>"]
    for g in gaps:
        crit = criticality_label(g.criticality, lang)
        crit_html = f"<strong>[{escape(crit)}]</strong> " if crit else ""
        check = f" <em>({escape(t('check with your facilitator', lang))})</em>" if g.check else ""
        parts.append(
            f"<li>{crit_html}{escape(g.requirement.get(lang))}{check} "
            f'<a href="{escape(guide_url(g.guide, guide_base))}" target="_blank" rel="noopener">'
            f"{escape(t('How to fix it', lang))}</a> "
            f"<small>({escape(g.item_id)}: {escape(answer_label(g.answer, lang))})</small></li>"
        )
    parts.append("</ol>")
    return html("".join(parts), "bdk-gaps")


def answers_file(checklist: Checklist, answers: dict[str, str], notes: dict[str, str]) -> dict:
    """The file an owner without an account downloads to continue later."""
    return {
        "checklist": checklist.id,
        "version": checklist.version,
        "answers": dict(answers),
        "notes": {k: v for k, v in notes.items() if v},
    }


def data_url(content: str | bytes, mime: str) -> str:
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def download_link(label: str, filename: str, content: str | bytes, mime: str) -> w.HTML:
    return html(
        f'<a class="bdk-download" download="{escape(filename)}" '
        f'href="{data_url(content, mime)}">{escape(label)}</a>'
    )


def answers_download(
    checklist: Checklist, answers: dict[str, str], notes: dict[str, str], lang: str
) -> w.HTML:
    content = json.dumps(answers_file(checklist, answers, notes), ensure_ascii=False, indent=1)
    return download_link(
        t("Download my answers (file)", lang),
        f"berdikari-{checklist.id}.json",
        content,
        "application/json",
    )


def whatsapp_url(text: str) -> str:
    """A WhatsApp share link; clicking it is the user's choice, the page never loads it."""
    return "https://wa.me/?text=" + quote(text, safe="")


def whatsapp_link(text: str, lang: str) -> w.HTML:
    return html(
        f'<a class="bdk-whatsapp" href="{escape(whatsapp_url(text))}" target="_blank" '
        f'rel="noopener">{escape(t("Share on WhatsApp", lang))}</a>'
    )


def action_plan(actions: list, lang: str, today=None) -> w.HTML:
    """The action plan a facilitator set (``ActionView`` list, open first), for the owner's app:
    what to do, for which checklist item, by when; overdue ones marked. Titles are escaped."""
    from datetime import date

    today = today or date.today()
    open_ = [a for a in actions if a.status in ("open", "in-progress")]
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
