"""Documents made from the data: the programme export (Excel, CSV), in the reader's language (the
printable visit report is :mod:`berdikari.visit_report`).

The export's rows come from the service layer (so they hold only what the caller may see), with
the manager's filters applied once, in the store; "meets the standard" comes from
:mod:`berdikari.standard`, the summary from :mod:`berdikari.stats` (the same figures the screen
shows). Sheets, headers and values are written as words (:func:`label`), never as the store's keys;
the analysts' DataFrames (:mod:`berdikari.data`) keep the keys. The workbook is streamed
(xlsxwriter's constant-memory mode, rows read a batch at a time), so the whole programme fits in
bounded memory; it holds each UMKM's current assessments with their answers one line per
assessment, the CSV export every assessment and answer. Text typed by users is written as text,
never as a formula or as HTML. This module never touches the database itself.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from berdikari import standard, stats, vocab
from berdikari.i18n import t

SHEETS = {
    "summary": "Summary",
    "promotion": "Promotion",
    "umkm": "UMKM",
    "assessments": "Assessments",
    "answers": "Answers",
    "actions": "Actions",
    "milestones": "Milestones",
    "visits": "Visits",
}
"""Each sheet's name (an English msgid; :func:`berdikari.i18n.t` gives the Indonesian)."""

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
"""The columns of each exported table, by key (the DataFrames' column names), so that an empty
table still has its header (``tests/test_reports.py`` checks them against the service's rows)."""

HEADERS: dict[str, str] = {
    "umkm_id": "UMKM ID",
    "code": "UMKM code",
    "name": "Business name",
    "owner_name": "Owner",
    "regency": "Regency/city",
    "province": "Province",
    "size": "Business size",
    "nib": "NIB",
    "categories": "Product category",
    "facilitator": "Facilitator",
    "created_at": "Created at",
    "organisation": "Facilitator organisation",
    "enrolled_on": "Enrolled on",
    "assessed": "Self-assessed",
    "verified": "Verified",
    "meets_standard": "Meets the standard now",
    "standard_since": "Meets the standard since",
    "standard_checklists": "Standards met",
    "level": "IRTP level",
    "readiness": "Readiness (%)",
    "permits": "Permits",
    "open_actions": "Open actions",
    "overdue_actions": "Overdue actions",
    "last_visit": "Last visit",
    "days_since_visit": "Days since the last visit",
    "submissions_waiting": "Waiting for verification",
    "stuck": "Stuck",
    "assessment_id": "Assessment ID",
    "checklist_id": "Checklist",
    "checklist_version": "Checklist version",
    "filled_by": "Filled in by",
    "status": "Status",
    "verifies_id": "Verifies assessment ID",
    "submitted_at": "Submitted at",
    "verified_at": "Verified at",
    "complete": "All questions answered",
    "passed": "Passed",
    "counts": "Counted by the programme",
    "item_id": "Question",
    "value": "Answer",
    "note": "Note",
    "set_by_role": "Answered by (role)",
    "set_by": "Answered by",
    "set_at": "Answered at",
    "action_id": "Action ID",
    "title": "Action",
    "due_date": "Due date",
    "responsible": "Responsible",
    "done_at": "Done at",
    "milestone_id": "Milestone ID",
    "kind": "Kind",
    "achieved_on": "Achieved on",
    "number": "Number (permit, certificate)",
    "product_id": "Product ID",
    "visit_id": "Visit ID",
    "visited_on": "Date",
    "met_with": "Met with",
    "summary": "Findings",
}
"""Each column's header (an English msgid), the same words in every sheet."""

VOCABULARY: dict[tuple[str, str], str] = {
    ("umkm", "size"): "size",
    ("umkm", "categories"): "category",
    ("umkm", "assessed"): "bool",
    ("umkm", "verified"): "bool",
    ("umkm", "meets_standard"): "bool",
    ("umkm", "standard_checklists"): "checklist",
    ("umkm", "permits"): "permits",
    ("umkm", "stuck"): "bool",
    ("assessments", "checklist_id"): "checklist",
    ("assessments", "filled_by"): "role",
    ("assessments", "status"): "assessment_status",
    ("assessments", "complete"): "bool",
    ("assessments", "passed"): "bool",
    ("assessments", "counts"): "bool",
    ("assessments", "meets_standard"): "bool",
    ("answers", "checklist_id"): "checklist",
    ("answers", "item_id"): "item",
    ("answers", "value"): "answer",
    ("answers", "set_by_role"): "role",
    ("actions", "checklist_id"): "checklist",
    ("actions", "item_id"): "item",
    ("actions", "status"): "action_status",
    ("actions", "responsible"): "role",
    ("milestones", "kind"): "milestone_kind",
    ("visits", "kind"): "visit_kind",
}
"""Which vocabulary a column's values belong to: written as their labels (:func:`label`)."""

EXCEL_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
FORMATS = ("xlsx", "csv")


# --- words for the store's keys --------------------------------------------------------------------


@lru_cache(maxsize=4096)
def label(vocabulary: str, key, lang: str) -> str:
    """The words for one value of a vocabulary, in ``lang``: the one place the export and the
    visit report find their labels (the stored vocabularies' from :mod:`berdikari.vocab`).
    An unknown value is shown as it is (a value the code no longer knows is not hidden)."""
    if key is None or key == "":
        return ""
    if vocabulary == "bool":
        return t("Yes" if key else "No", lang)
    if vocabulary == "checklist":
        from berdikari.checklists import load_all

        found = load_all().get(key)
        return found.title.get(lang) if found else str(key)
    if vocabulary == "headline":
        from berdikari.apps.programme import headline_labels

        return headline_labels(lang).get(key, str(key))
    if vocabulary == "dimension":
        from berdikari.apps.programme import dimension_label

        return dimension_label(key, lang)
    stored = {
        "category": vocab.ProductCategory,
        "answer": vocab.Answer,
        "assessment_status": vocab.AssessmentStatus,
        "role": vocab.Role,
        "size": vocab.Size,
        "visit_kind": vocab.VisitKind,
        "action_status": vocab.ActionStatus,
        "milestone_kind": vocab.MilestoneKind,
    }[vocabulary]
    return stored.label_of(key, lang)


@lru_cache(maxsize=8192)
def item_label(checklist_id: str | None, item_id: str | None, lang: str) -> str:
    """A checklist item as people know it: its question number and requirement."""
    if not item_id:
        return ""
    from berdikari.checklists import load_all

    found = load_all().get(checklist_id or "")
    for n, item in enumerate(found.items if found else (), 1):
        if item.id == item_id:
            return t(
                "{number}. {requirement}", lang, number=n, requirement=item.requirement.get(lang)
            )
    return item_id


def _value(table: str, col: str, row: dict, lang: str):
    """One cell's value, in words where the column holds a vocabulary."""
    value = row.get(col)
    vocabulary = VOCABULARY.get((table, col))
    if vocabulary is None or value is None:
        return value
    if vocabulary == "item":
        return item_label(row.get("checklist_id"), value, lang)
    if vocabulary == "permits":
        parts = (p.partition(":") for p in value.split(",") if p)
        return "; ".join(f"{label('milestone_kind', k, lang)} {n}".strip() for k, _sep, n in parts)
    if vocabulary in ("category", "checklist"):
        return "; ".join(label(vocabulary, k, lang) for k in value.split(",") if k)
    return label(vocabulary, value, lang)


def _cell(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


# --- the tables --------------------------------------------------------------------------------


def _umkm_row(raw: dict, r) -> dict:
    """The UMKM's own fields and its standing (a :class:`~berdikari.store.standing.StandingView`)."""
    return {
        **raw,
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


def _assessment_row(a: dict) -> dict:
    return a | {
        "counts": standard.counts(a["status"], a["verifies_id"]),
        "meets_standard": standard.meets(a["status"], a["verifies_id"], {"passed": a["passed"]}),
    }


def stream_tables(
    svc,
    filters: stats.Filters | None = None,
    rows: list | None = None,
    current_only: bool = False,
) -> Iterator[tuple[str, dict]]:
    """``(table, row)`` of every table the service's identity may see, limited to the UMKM
    ``filters`` keep (the store applies them; nothing is filtered twice), table after table.

    ``umkm`` carries each UMKM's standing (meets the standard, since when, level, readiness,
    permits, actions, visits); ``assessments`` say per row whether the programme counts it and
    whether it meets the standard. ``rows``: the filtered standing, if the caller has it.
    With ``current_only`` the assessments are each UMKM's current ones (those its standing
    stands on) with their answers (what Excel gets, so that a large programme fits a
    workbook); by default every assessment and every answer.
    """
    if rows is None:
        rows = stats.apply(svc.standing(), filters)
    ids = None if filters is None else [r.umkm_id for r in rows]
    current = [aid for r in rows for aid in r.current] if current_only else None
    standing = {r.umkm_id: r for r in rows}
    for name, row in svc.export_stream(ids, assessments_of=current):
        if name == "umkm":
            if row["umkm_id"] in standing:  # a UMKM enrolled since the standing was read
                yield name, _umkm_row(row, standing[row["umkm_id"]])
        elif name == "assessments":
            yield name, _assessment_row(row)
        else:
            yield name, row


def export_tables(
    svc,
    filters: stats.Filters | None = None,
    rows: list | None = None,
    current_only: bool = False,
) -> dict[str, list[dict]]:
    """:func:`stream_tables` kept in lists, by key (the analysts' DataFrames, small exports)."""
    out: dict[str, list[dict]] = {name: [] for name in COLUMNS}
    for name, row in stream_tables(svc, filters, rows, current_only):
        out[name].append(row)
    return out


def summary_rows(svc_rows: list, dimension: str = "regency") -> list[dict]:
    """The summary sheet: the headline for all, then one line per ``dimension`` value."""
    return [{"key": "TOTAL"} | stats.headline(svc_rows)] + stats.by(svc_rows, dimension)


def _summary_lines(summary: list[dict], dimension: str, lang: str) -> Iterator[list]:
    """The summary sheet's header and lines, in words."""
    if not summary:
        return
    keys = [k for k in summary[0] if k != "key"]
    yield [label("dimension", dimension, lang)] + [label("headline", k, lang) for k in keys]
    for line in summary:
        key = line["key"]
        if key == "TOTAL":
            key = t("All UMKM", lang)
        elif dimension == "category":
            key = label("category", key, lang)
        yield [key] + [line.get(k) for k in keys]


def header(name: str, lang: str) -> list[str]:
    """A table's header row in words."""
    return [t(HEADERS[c], lang) for c in COLUMNS[name]]


def _raw(value):
    return value


@lru_cache(maxsize=16)
def _plan(name: str) -> tuple[tuple[str, bool], ...]:
    """A table's columns, each with whether it holds a vocabulary: looked up once per table,
    not once per cell (a whole programme is millions of cells)."""
    return tuple((c, (name, c) in VOCABULARY) for c in COLUMNS[name])


def _line(name: str, row: dict, lang: str, cell=_cell) -> list:
    get = row.get
    return [cell(_value(name, c, row, lang) if worded else get(c)) for c, worded in _plan(name)]


def _lines(named: Iterable[tuple[str, dict]], lang: str, cell=_cell) -> Iterator[tuple[str, list]]:
    """Each row as its table's cells, in words."""
    for name, row in named:
        yield name, _line(name, row, lang, cell)


@lru_cache(maxsize=1)
def _most_questions() -> int:
    from berdikari.checklists import load_all

    return max((len(c.items) for c in load_all().values()), default=0)


@lru_cache(maxsize=4096)
def _question_number(checklist_id: str, item_id: str) -> int | None:
    """The item's number in the current version of its checklist (None if it has none)."""
    from berdikari.checklists import load_all

    found = load_all().get(checklist_id)
    for n, item in enumerate(found.items if found else (), 1):
        if item.id == item_id:
            return n
    return None


def answers_header(lang: str) -> list[str]:
    """The workbook's answers sheet: one row per assessment, one column per question."""
    return [
        t(HEADERS["assessment_id"], lang),
        t(HEADERS["umkm_id"], lang),
        t(HEADERS["checklist_id"], lang),
        *(t("Question {n}", lang, n=n) for n in range(1, _most_questions() + 1)),
        t(HEADERS["note"], lang),
    ]


def _wide_answers(answers: list[dict], lang: str) -> list:
    """One assessment's answers as one line of :func:`answers_header`: each answer in its
    question's column, the notes (and any answer to a question the checklist no longer has)
    together in the last column, each after its question's number."""
    first = answers[0]
    checklist_id = first.get("checklist_id")
    questions: list = [None] * _most_questions()
    notes = []
    for a in answers:
        n = _question_number(checklist_id or "", a.get("item_id") or "")
        value = label("answer", a.get("value"), lang) or None
        where = t("Question {n}", lang, n=n) if n else a.get("item_id")
        if n is None:
            notes.append(f"{where}: {value or ''}".strip())
        else:
            questions[n - 1] = value
        if a.get("note"):
            notes.append(f"{where}: {a['note']}")
    return [
        first.get("assessment_id"),
        first.get("umkm_id"),
        label("checklist", checklist_id, lang) or None,
        *questions,
        " | ".join(notes) or None,
    ]


def _xlsx_lines(named: Iterable[tuple[str, dict]], lang: str) -> Iterator[tuple[str, list]]:
    """The workbook's lines: every table row by row, except the answers, which arrive grouped
    by assessment and leave as one line per assessment (:func:`_wide_answers`)."""
    group: list[dict] = []
    for name, row in named:
        if name == "answers":
            if group and row.get("assessment_id") != group[0].get("assessment_id"):
                yield name, _wide_answers(group, lang)
                group = []
            group.append(row)
            continue
        if group:
            yield "answers", _wide_answers(group, lang)
            group = []
        yield name, _line(name, row, lang, _raw)
    if group:
        yield "answers", _wide_answers(group, lang)


def _xlsx_header(name: str, lang: str) -> list[str]:
    return answers_header(lang) if name == "answers" else header(name, lang)


def _sheet_writer(ws, formats):
    """``put(row_number, values)`` for one xlsxwriter sheet: each value written by its type,
    so a string is always text (never a formula, a number or a link); ``formats``: those of a
    moment and of a day."""
    text, number, boolean, when = (
        ws.write_string, ws.write_number, ws.write_boolean, ws.write_datetime
    )  # fmt: skip
    at, on = formats

    def put(r: int, values) -> None:
        for c, v in enumerate(values):
            if v is None:
                continue
            kind = type(v)
            if kind is str:
                if v:
                    text(r, c, v)
            elif kind is int or kind is float:
                number(r, c, v)
            elif kind is bool:
                boolean(r, c, v)
            elif kind is datetime:
                when(r, c, _cell(v), at)
            elif kind is date:
                when(r, c, v, on)
            else:
                text(r, c, str(_cell(v)))

    return put


def _write_xlsx(out, lines: Iterator[tuple[str, list]], front, lang: str) -> dict:
    """Stream the lines into an xlsxwriter workbook in its constant-memory mode (each row goes
    to disk as it is written); a table longer than Excel's sheet continues on "<sheet> (2)",
    "<sheet> (3)", … (header repeated). ``front``: the short sheets that come first, as
    ``(sheet key, lines)`` pairs (the summary, the Etalase's promotion figures). Returns rows
    per table."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    formats = (
        wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        wb.add_format({"num_format": "yyyy-mm-dd"}),
    )
    for sheet, front_lines in front or ():
        put = _sheet_writer(wb.add_worksheet(t(SHEETS[sheet], lang)[:31]), formats)
        for r, line in enumerate(front_lines):
            put(r, line)
    counts: dict[str, int] = {}
    current = None
    in_sheet = 0
    put = None

    def new_sheet(name: str):
        part = counts[name] // EXCEL_MAX_ROWS + 1
        title = t(SHEETS[name], lang) + (f" ({part})" if part > 1 else "")
        put = _sheet_writer(wb.add_worksheet(title[:31]), formats)
        put(0, _xlsx_header(name, lang))
        return put

    pending = iter(COLUMNS)  # every table gets its sheet, even an empty one, in order
    for name, line in lines:
        while current != name:
            current = next(pending)
            counts[current] = 0
            put, in_sheet = new_sheet(current), 0
        if in_sheet == EXCEL_MAX_ROWS:
            put, in_sheet = new_sheet(name), 0
        in_sheet += 1
        put(in_sheet, line)
        counts[name] += 1
    for rest in pending:
        counts[rest] = 0
        new_sheet(rest)
    wb.close()
    return counts


def excel_bytes(
    tables: dict[str, list[dict]], summary: list[dict] | None = None, lang: str = "id"
) -> bytes:
    """An .xlsx workbook in ``lang``: a summary sheet (if given, by regency), then one sheet per
    table (every table in ``COLUMNS``; those not given are empty), header first, values in words.

    Strings are written as text even when they begin with ``=`` (never run as a formula).
    """
    buf = io.BytesIO()

    def rows(name):
        found = tables.get(name, ())
        if name == "answers":  # grouped by assessment, as the store streams them
            return sorted(found, key=lambda a: a.get("assessment_id") or 0)
        return found

    named = ((name, row) for name in COLUMNS for row in rows(name))
    front = None if summary is None else [("summary", _summary_lines(summary, "regency", lang))]
    _write_xlsx(buf, _xlsx_lines(named, lang), front, lang)
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


def _csv_write(stream, name: str, rows: Iterable[dict], lang: str) -> int:
    writer = csv.writer(stream)
    writer.writerow(header(name, lang))
    n = 0
    for _name, line in _lines(((name, row) for row in rows), lang):
        writer.writerow([_csv_text(v) for v in line])
        n += 1
    return n


def csv_bytes(rows: list[dict], name: str, lang: str = "id") -> bytes:
    """One table as CSV in ``lang`` (UTF-8 with a BOM, so spreadsheet programs read the
    accents), header first, values in words; an empty table still gets its header."""
    buf = io.StringIO()
    _csv_write(buf, name, rows, lang)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def csv_file_name(name: str, lang: str) -> str:
    """A table's file name inside the CSV export: its sheet name, e.g. ``Penilaian.csv``."""
    return t(SHEETS[name], lang) + ".csv"


def _write_csv_zip(out, named: Iterator[tuple[str, dict]], front, lang: str) -> dict:
    """One CSV per table (and per front sheet: the summary, the promotion figures) in a ZIP,
    each written as its rows arrive."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for sheet, front_lines in front or ():
            with zf.open(csv_file_name(sheet, lang), "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.writer(text)
                for line in front_lines:
                    writer.writerow([_csv_text(v) for v in line])
                text.flush()
                text.detach()
        rows = iter(named)
        head = next(rows, None)
        for name in COLUMNS:

            def this_table(name=name):
                nonlocal head
                while head is not None and head[0] == name:
                    yield head[1]
                    head = next(rows, None)

            with zf.open(csv_file_name(name, lang), "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                counts[name] = _csv_write(text, name, this_table(), lang)
                text.flush()
                text.detach()
    return counts


def write_programme_workbook(
    svc,
    path,
    lang: str = "id",
    filters: stats.Filters | None = None,
    fmt: str = "xlsx",
    rows: list | None = None,
) -> dict[str, int]:
    """Write everything ``svc``'s identity may see (limited by ``filters``) to ``path``, in
    bounded memory: an .xlsx workbook (``fmt="xlsx"``: summary by regency, then one sheet per
    table; of the assessments only each UMKM's current ones, their answers one line per
    assessment with a column per question) or a ZIP of CSV files (``fmt="csv"``: every
    assessment and every answer, one line per answer). ``path`` may also be a binary file object.
    The file appears only once complete (written beside it, then renamed). Returns the rows
    written per table (for the workbook's answers: assessments).

    The programme app calls it with the screen's ``filters`` and standing ``rows`` and its
    language, into a file object it then offers for download."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    if rows is None:
        rows = stats.apply(svc.standing(), filters)
    front = [
        ("summary", _summary_lines(summary_rows(rows, "regency"), "regency", lang)),
        ("promotion", _promotion_lines(svc, lang)),
    ]
    named = stream_tables(svc, filters, rows, current_only=fmt == "xlsx")
    if not isinstance(path, str | os.PathLike):
        return _write(path, named, front, lang, fmt)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            counts = _write(out, named, front, lang, fmt)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return counts


def _promotion_lines(svc, lang: str) -> Iterator[list]:
    """The Etalase's promotion sheet (issue 15): products shown and shown with a permit
    number, for the whole programme, each regency and each speciality, in words."""
    from berdikari import promotion

    head = promotion.headers(lang)
    yield [head[c] for c in promotion.COLUMNS]
    for row in promotion.rows(svc.showcase_figures(), lang):
        yield [row[c] for c in promotion.COLUMNS]


def _write(out, named, front, lang: str, fmt: str) -> dict[str, int]:
    if fmt == "csv":
        return _write_csv_zip(out, named, front, lang)
    return _write_xlsx(out, _xlsx_lines(named, lang), front, lang)
