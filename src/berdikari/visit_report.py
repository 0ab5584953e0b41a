"""The visit report and action plan: the PDF a facilitator files at the BBPOM office and hands to
the owner, and the same report as an HTML page to print from the browser.

Both are made from one list of lines (:func:`report_lines`): the office header, the UMKM, the
visit, the assessment result as it stood on the visit day, the open and finished actions, the
milestones, and signature lines for the facilitator and the owner. Text is left-aligned.

This module never writes to the database, never shows a store key or an internal ID (vocabulary
labels and question numbers instead), and never puts typed text into the HTML unescaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from berdikari import vocab
from berdikari.apps.mentoring import latest_results, when
from berdikari.i18n import t
from berdikari.report_text import office_name
from berdikari.reports import item_label

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)


def font_path(name: str) -> Path:
    """A DejaVu font file for fpdf2 (the PDFs need Unicode: "→", "✓", Indonesian names)."""
    for d in FONT_DIRS:
        if (d / name).exists():
            return d / name
    raise FileNotFoundError(
        f"font {name} not found in {', '.join(map(str, FONT_DIRS))}: install Debian's "
        "fonts-dejavu-core (make system-deps)"
    )


@dataclass(frozen=True)
class Line:
    """One line of the report. ``style``: office, h1, h2, p, field (``label``: ``text``),
    step (a numbered open action), check (a finished action), item (a plain list entry)."""

    style: str
    text: str
    label: str = ""


def result_words(a, lang: str, whose: bool = True) -> str:
    """'Level II, readiness 80%, verified by the facilitator on 2026-11-02' in the report's words."""
    res = a.result or {}
    parts = []
    if "level" in res:  # only level checklists (CPPB-IRT) give one
        level = res["level"]
        parts.append(vocab.Level.label_of(level, lang) if level else t("no level yet", lang))
    if res.get("readiness") is not None:
        parts.append(t("readiness {pct}%", lang, pct=res["readiness"]))
    if not whose:  # the caller already says whose result it is
        parts.append(when(a).isoformat())
    elif a.filled_by == "facilitator":
        parts.append(t("verified by the facilitator on {date}", lang, date=when(a).isoformat()))
    else:
        parts.append(t("the owner's self-assessment of {date}", lang, date=when(a).isoformat()))
    return ", ".join(parts)


def report_lines(umkm, visit, actions, milestones, lang: str, assessments=()) -> list[Line]:
    """The report's lines, shared by the PDF and the HTML print view."""
    from berdikari.checklists import load_all

    lines = [
        Line("office", office_name(lang)),
        Line("office", t("Berdikari mentoring programme for UMKM", lang)),
        Line("h1", t("Visit report and action plan", lang)),
        Line("field", umkm.name, t("UMKM", lang)),
        Line("field", umkm.code, t("UMKM code", lang)),
        Line("field", umkm.owner_name, t("Owner", lang)),
        Line("field", umkm.regency, t("Regency/city", lang)),
    ]
    if getattr(umkm, "address", None):
        lines.append(Line("field", umkm.address, t("Address", lang)))
    if visit is not None:
        lines += [
            Line("h2", t("Visit", lang)),
            Line("field", visit.visited_on.isoformat(), t("Date", lang)),
            Line("field", vocab.VisitKind.label_of(visit.kind, lang), t("Kind", lang)),
            Line("field", visit.facilitator, t("Facilitator", lang)),
        ]
        if visit.met_with:
            lines.append(Line("field", visit.met_with, t("Met with", lang)))
        lines.append(Line("p", t("Findings", lang) + ":"))
        lines += [Line("p", text) for text in visit.summary.splitlines() if text.strip()]
    lines.append(Line("h2", t("Assessment result on the visit day", lang)))
    shown = latest_results(assessments, visit.visited_on if visit is not None else None)
    if not shown:
        lines.append(Line("p", t("No submitted assessment yet.", lang)))
    for a in shown:
        c = load_all().get(a.checklist_id)
        title = c.title.get(lang) if c else t("A checklist no longer in use", lang)
        lines.append(Line("field", result_words(a, lang), title))
    open_actions = [a for a in actions if a.status in vocab.OPEN_ACTION_STATUSES]
    lines.append(Line("h2", t("Action plan", lang)))
    if not open_actions:
        lines.append(Line("p", t("No open actions.", lang)))
    for a in open_actions:
        due = (
            t("due {date}", lang, date=a.due_date.isoformat())
            if a.due_date
            else t("no due date", lang)
        )
        item = (
            f" ({t('question {item}', lang, item=item_label(a.checklist_id, a.item_id, lang))})"
            if a.item_id
            else ""
        )
        lines.append(Line("step", f"{a.title}{item} — {due}"))
    done = [a for a in actions if a.status == "done"]
    if done:
        lines.append(Line("h2", t("Done", lang)))
        lines += [Line("check", a.title) for a in done]
    if milestones:
        lines.append(Line("h2", t("Milestones", lang)))
        for m in milestones:
            number = f" {m.number}" if m.number else ""
            kind = vocab.MilestoneKind.label_of(m.kind, lang)
            lines.append(Line("item", f"{m.achieved_on.isoformat()} {kind}{number}"))
    return lines


def _signatures(umkm, visit, lang: str) -> list[tuple[str, str]]:
    """(role, name) of the two people who sign: the facilitator and the owner."""
    return [
        (t("Facilitator", lang), visit.facilitator if visit is not None else ""),
        (t("UMKM owner", lang), umkm.owner_name),
    ]


def visit_report_pdf(umkm, visit, actions, milestones, lang: str = "id", assessments=()) -> bytes:
    """The visit report as an A4 PDF (DejaVu Sans embedded), left-aligned, with signature lines."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(font_path("DejaVuSans.ttf")))
    pdf.add_font("DejaVu", "B", str(font_path("DejaVuSans-Bold.ttf")))
    pdf.set_title(t("Visit report and action plan", lang))
    pdf.set_creator("Berdikari")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    sizes = {"office": ("B", 12), "h1": ("B", 15), "h2": ("B", 12)}
    step = 0
    for line in report_lines(umkm, visit, actions, milestones, lang, assessments):
        weight, size = sizes.get(line.style, ("", 10.5))
        pdf.set_font("DejaVu", weight, size)
        if line.style == "h1":
            pdf.ln(1)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(3)
        if line.style == "h2":
            pdf.ln(3)
        text = line.text
        if line.style == "field":
            text = f"{line.label}: {line.text}"
        elif line.style == "step":
            step += 1
            text = f"{step}. {line.text}"
        elif line.style == "check":
            text = f"✓ {line.text}"
        elif line.style == "item":
            text = f"• {line.text}"
        pdf.multi_cell(width, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        if line.style == "h1":
            pdf.ln(2)
    # signature lines side by side: the role, room to sign, the name
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    pdf.ln(12)
    pdf.set_font("DejaVu", "", 10.5)
    pdf.multi_cell(
        width,
        6,
        t("Place and date: ______________________", lang),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    col = width / 2
    top = pdf.get_y()
    for n, (role, name) in enumerate(_signatures(umkm, visit, lang)):
        x = pdf.l_margin + n * col
        pdf.set_xy(x, top)
        pdf.set_font("DejaVu", "B", 10.5)
        pdf.cell(col - 8, 6, role, align="L")
        pdf.line(x, top + 28, x + col - 12, top + 28)
        pdf.set_xy(x, top + 30)
        pdf.set_font("DejaVu", "", 10.5)
        pdf.cell(col - 8, 6, name, align="L")
    pdf.set_xy(pdf.l_margin, top + 44)
    pdf.set_font("DejaVu", "", 8.5)
    pdf.multi_cell(
        width,
        5,
        t("Made with Berdikari on {date}.", lang, date=date.today().isoformat()),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


_HTML_STYLE = (
    "body{font-family:sans-serif;max-width:42em;margin:1em auto;padding:0 1em;text-align:left}"
    ".office{margin:0;font-weight:bold}h1{border-top:1px solid #444;padding-top:.4em}"
    "ul.ticked{list-style:none;padding-left:1em}ul.ticked li::before{content:'✓ '}"
    ".signatures{display:flex;gap:2em;flex-wrap:wrap;margin-top:3em}"
    ".signatures div{flex:1;min-width:12em}.signatures .space{border-bottom:1px solid #000;"
    "height:4em;margin-bottom:.3em}@media print{a{display:none}}"
)


def visit_report_html(umkm, visit, actions, milestones, lang: str = "id", assessments=()) -> str:
    """The same report as an HTML page to print from the browser (every text escaped). Lists
    carry their markers from HTML (numbers, ticks), never also in the text."""
    tags = {"step": "ol", "check": 'ul class="ticked"', "item": "ul"}
    body: list[str] = []
    open_list = ""
    for line in report_lines(umkm, visit, actions, milestones, lang, assessments):
        want = tags.get(line.style, "")
        if want != open_list:
            if open_list:
                body.append(f"</{open_list.split()[0]}>")
            if want:
                body.append(f"<{want}>")
            open_list = want
        text = escape(line.text)
        if line.style == "office":
            body.append(f'<p class="office">{text}</p>')
        elif line.style in ("h1", "h2"):
            body.append(f"<{line.style}>{text}</{line.style}>")
        elif line.style == "field":
            body.append(f"<p><strong>{escape(line.label)}:</strong> {text}</p>")
        elif want:
            body.append(f"<li>{text}</li>")
        else:
            body.append(f"<p>{text}</p>")
    if open_list:
        body.append(f"</{open_list.split()[0]}>")
    signs = "".join(
        f'<div><strong>{escape(role)}</strong><div class="space"></div>{escape(name)}</div>'
        for role, name in _signatures(umkm, visit, lang)
    )
    body.append(
        f"<p>{escape(t('Place and date: ______________________', lang))}</p>"
        f'<div class="signatures">{signs}</div>'
    )
    title = escape(t("Visit report and action plan", lang))
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_HTML_STYLE}</style></head><body>"
        + "".join(body)
        + "</body></html>"
    )
