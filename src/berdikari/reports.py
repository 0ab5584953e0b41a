"""Documents made from the data: the programme export (Excel, CSV) and the printable visit report
(PDF with an embedded Unicode font, and an HTML print view).

The export's tables come from the service layer (so they hold only what the caller may see), with
the manager's filters applied to every sheet; "meets the standard" comes from
:mod:`berdikari.standard`, the summary from :mod:`berdikari.stats` (the same figures the screen
shows). Text typed by users is written as text, never as a formula or as HTML. This module never
touches the database itself.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path

from berdikari import standard, stats
from berdikari.i18n import t

SHEETS = {
    "summary": "Ringkasan",
    "umkm": "UMKM",
    "assessments": "Penilaian",
    "answers": "Jawaban",
    "actions": "Tindakan",
    "milestones": "Capaian",
    "visits": "Kunjungan",
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "umkm": (
        "umkm_id", "code", "name", "owner_name", "regency", "province", "size", "nib",
        "categories", "facilitator", "created_at", "organisation", "enrolled_on", "assessed",
        "verified", "meets_standard", "standard_since", "standard_checklists", "level",
        "readiness", "permits", "open_actions", "overdue_actions", "last_visit",
        "days_since_visit", "submissions_waiting", "stuck",
    ),
    "assessments": (
        "assessment_id", "umkm_id", "code", "checklist_id", "checklist_version", "filled_by",
        "status", "verifies_id", "created_at", "submitted_at", "verified_at", "readiness",
        "level", "complete", "passed", "counts", "meets_standard",
    ),
    "answers": (
        "assessment_id", "umkm_id", "checklist_id", "item_id", "value", "note", "set_by_role",
        "set_by", "set_at",
    ),
    "actions": (
        "action_id", "umkm_id", "code", "title", "checklist_id", "item_id", "due_date", "status",
        "responsible", "created_at", "done_at",
    ),
    "milestones": (
        "milestone_id", "umkm_id", "code", "kind", "achieved_on", "number", "product_id", "note",
    ),
    "visits": (
        "visit_id", "umkm_id", "code", "facilitator", "visited_on", "kind", "met_with", "summary",
    ),
}  # fmt: skip
"""The columns of each exported table, so that an empty table still has its header
(``tests/test_reports.py`` checks them against the rows the service layer gives)."""

EXCEL_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
"""Debian's fonts-dejavu-core (scripts/install-system-deps.sh)."""


class ExportTooLarge(ValueError):
    """A sheet holds more rows than Excel allows; the message says which and what to do.

    ``key`` and ``params`` let the apps say it in their language
    (:func:`berdikari.apps.messages.error_text`)."""

    key = "export-too-large"

    def __init__(self, sheet: str, rows: int, limit: int):
        self.params = {"sheet": sheet, "rows": rows, "max": limit}
        self.message = (
            f"{sheet}: {rows} rows; Excel holds at most {limit}. Narrow the filters or export CSV."
        )
        super().__init__(self.message)


def _cell(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def export_tables(
    svc,
    filters: stats.Filters | None = None,
    rows: list | None = None,
    current_answers: bool = False,
) -> dict[str, list[dict]]:
    """Every table the service's identity may see, limited to the UMKM ``filters`` keep.

    ``umkm`` carries each UMKM's standing (meets the standard, since when, level, readiness,
    permits, actions, visits); ``assessments`` say per row whether the programme counts it and
    whether it meets the standard. ``rows``: the filtered standing, if the caller has it.
    With ``current_answers`` the answers are those of each UMKM's current assessments only
    (what Excel gets, so that a large programme fits a workbook); by default every answer.
    """
    if rows is None:
        rows = stats.apply(svc.standing(), filters)
    keep = {r.umkm_id for r in rows}
    current = sorted({aid for r in rows for aid in r.current}) if current_answers else None
    raw = svc.export_rows(sorted(keep), answers_of=current)
    out: dict[str, list[dict]] = {}
    by_id = {u["umkm_id"]: u for u in raw["umkm"]}
    out["umkm"] = [
        {
            **by_id[r.umkm_id],
            "organisation": r.organisation,
            "enrolled_on": r.enrolled_on,
            "assessed": r.assessed,
            "verified": r.verified,
            "meets_standard": r.meets_standard,
            "standard_since": r.standard_since,
            "standard_checklists": ",".join(r.standard_checklists),
            "level": r.level,
            "readiness": r.readiness,
            "permits": ",".join(f"{k}:{n or ''}" for k, n, _on in r.permits),
            "open_actions": r.open_actions,
            "overdue_actions": r.overdue_actions,
            "last_visit": r.last_visit,
            "days_since_visit": r.days_since_visit,
            "submissions_waiting": r.submissions_waiting,
            "stuck": stats.is_stuck(r),
        }
        for r in rows
        if r.umkm_id in by_id
    ]
    out["assessments"] = [
        a
        | {
            "counts": standard.counts(a["status"], a["verifies_id"]),
            "meets_standard": standard.meets(
                a["status"], a["verifies_id"], {"passed": a["passed"]}
            ),
        }
        for a in raw["assessments"]
        if a["umkm_id"] in keep
    ]
    for name in ("answers", "actions", "milestones", "visits"):
        out[name] = [x for x in raw.get(name, []) if x["umkm_id"] in keep]
    return out


def current_answers_only(tables: dict[str, list[dict]], rows: list) -> dict[str, list[dict]]:
    """The tables with ``answers`` limited to each UMKM's current assessments (the latest
    verified, else submitted, per checklist): what Excel gets, so that a large programme fits a
    workbook. The CSV export and :func:`berdikari.data.frames` keep every answer."""
    current = {aid for r in rows for aid in r.current}
    return tables | {"answers": [a for a in tables["answers"] if a["assessment_id"] in current]}


def summary_rows(svc_rows: list, dimension: str = "regency") -> list[dict]:
    """The summary sheet: the headline for all, then one line per ``dimension`` value."""
    return [{"key": "TOTAL"} | stats.headline(svc_rows)] + stats.by(svc_rows, dimension)


def excel_bytes(tables: dict[str, list[dict]], summary: list[dict] | None = None) -> bytes:
    """An .xlsx workbook: a summary sheet (if given), then one sheet per table, header first.

    Strings are written as text even when they begin with ``=`` (never run as a formula).
    Raises :class:`ExportTooLarge` when a table exceeds Excel's row limit.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    named = ([("summary", summary)] if summary is not None else []) + list(tables.items())
    for name, rows in named:
        if len(rows) > EXCEL_MAX_ROWS:
            raise ExportTooLarge(SHEETS.get(name, name), len(rows), EXCEL_MAX_ROWS)
        ws = wb.create_sheet(SHEETS.get(name, name)[:31])
        columns = list(rows[0]) if rows else list(COLUMNS.get(name, ()))
        ws.append(columns)
        for row in rows:
            cells = []
            for col in columns:
                value = _cell(row.get(col))
                if isinstance(value, str) and value.startswith("="):
                    value = WriteOnlyCell(ws, value=value)
                    value.data_type = "s"  # text, never a formula
                cells.append(value)
            ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv_text(value) -> str:
    value = _cell(value)
    if value is None:
        return ""
    s = value.isoformat() if isinstance(value, date | datetime) else str(value)
    # A spreadsheet opening the CSV must not run typed text as a formula (OWASP CSV injection).
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(s) else s


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def csv_bytes(rows: list[dict], name: str | None = None) -> bytes:
    """One table as CSV (UTF-8 with a BOM, so spreadsheet programs read the accents); an empty
    table ``name`` still gets its header."""
    buf = io.StringIO()
    columns = list(rows[0]) if rows else list(COLUMNS.get(name or "", ()))
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_text(row.get(c)) for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# --- the visit report --------------------------------------------------------------------------


def _font_path(name: str) -> Path:
    for d in FONT_DIRS:
        if (d / name).exists():
            return d / name
    raise FileNotFoundError(
        f"font {name} not found in {', '.join(map(str, FONT_DIRS))}: install Debian's "
        "fonts-dejavu-core (make system-deps)"
    )


def _report_lines(umkm, visit, actions, milestones, lang: str) -> list[tuple[str, str]]:
    """``(style, text)`` lines shared by the PDF and the HTML print view."""
    lines: list[tuple[str, str]] = [
        ("h1", t("Visit report and action plan", lang)),
        ("p", f"{umkm.name} ({umkm.code}) — {umkm.owner_name}"),
        ("p", f"{t('Regency/city', lang)}: {umkm.regency}"),
    ]
    if visit is not None:
        lines += [
            ("h2", t("Visit", lang)),
            ("p", f"{t('Date', lang)}: {visit.visited_on.isoformat()}"),
            ("p", f"{t('Facilitator', lang)}: {visit.facilitator}"),
        ]
        if visit.met_with:
            lines.append(("p", f"{t('Met with', lang)}: {visit.met_with}"))
        lines.append(("p", f"{t('Findings', lang)}:"))
        lines += [("p", line) for line in visit.summary.splitlines() or [""]]
    open_actions = [a for a in actions if a.status in ("open", "in-progress")]
    lines.append(("h2", t("Action plan", lang)))
    if not open_actions:
        lines.append(("p", t("No open actions.", lang)))
    for n, a in enumerate(open_actions, 1):
        due = a.due_date.isoformat() if a.due_date else t("no due date", lang)
        item = f" [{a.item_id}]" if a.item_id else ""
        lines.append(("li", f"{n}. {a.title}{item} — {t('due', lang)} {due}"))
    done = [a for a in actions if a.status == "done"]
    if done:
        lines.append(("h2", t("Done", lang)))
        lines += [("li", f"✓ {a.title}") for a in done]
    if milestones:
        lines.append(("h2", t("Milestones", lang)))
        for m in milestones:
            number = f" {m.number}" if m.number else ""
            lines.append(("li", f"{m.achieved_on.isoformat()} {m.kind.upper()}{number}"))
    return lines


def visit_report_pdf(umkm, visit, actions, milestones, lang: str = "id") -> bytes:
    """The printable visit report and action plan for the owner (PDF, DejaVu Sans embedded)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(_font_path("DejaVuSans.ttf")))
    pdf.add_font("DejaVu", "B", str(_font_path("DejaVuSans-Bold.ttf")))
    pdf.set_title(t("Visit report and action plan", lang))
    pdf.set_creator("Berdikari")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    sizes = {"h1": ("B", 16), "h2": ("B", 13), "p": ("", 11), "li": ("", 11)}
    for style, text in _report_lines(umkm, visit, actions, milestones, lang):
        weight, size = sizes[style]
        pdf.set_font("DejaVu", weight, size)
        if style == "h2":
            pdf.ln(3)
        pdf.multi_cell(width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        width,
        5,
        t("Made with Berdikari on {date}.", lang, date=date.today().isoformat()),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def visit_report_html(umkm, visit, actions, milestones, lang: str = "id") -> str:
    """The same report as an HTML page to print from the browser (every text escaped)."""
    body = []
    in_list = False
    for style, text in _report_lines(umkm, visit, actions, milestones, lang):
        if style == "li" and not in_list:
            body.append("<ul>")
            in_list = True
        if style != "li" and in_list:
            body.append("</ul>")
            in_list = False
        tag = {"h1": "h1", "h2": "h2", "p": "p", "li": "li"}[style]
        body.append(f"<{tag}>{escape(text)}</{tag}>")
    if in_list:
        body.append("</ul>")
    title = escape(t("Visit report and action plan", lang))
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>body{{font-family:sans-serif;max-width:40em;"
        "margin:1em auto;padding:0 1em}@media print{a{display:none}}</style></head><body>"
        + "".join(body)
        + "</body></html>"
    )
