"""The export (Excel, CSV), the visit report (PDF, HTML), the one definition of "meets the
standard" and the analysts' DataFrames, in plain pytest on a real (in-memory SQLite) store."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from berdikari import data, reports, standard, stats, visit_report
from berdikari.checklists import load
from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.errors import AccessDenied
from berdikari.store.service import Service
from tests.apps.staff_seed import CPPOB, EVIL_NAME, EVIL_NOTE, identity, seed


@pytest.fixture(scope="module")
def world():
    store = open_store("sqlite://")
    d = seed(store)
    fa = Service(store, identity(store, "pendamping.a"))
    fa.verify_assessment(d["submitted"], {load(CPPOB).items[0].id: ("yes", "=HYPERLINK(1)")})
    v = fa.record_visit(d["u1"].id, date.today(), "Temuan <b>lantai</b>", met_with="Ibu <Sari>")
    fa.add_action(d["u1"].id, "=cmd|' /C calc'!A0", date(2030, 1, 1), load(CPPOB).items[1].id)
    fa.add_milestone(d["u1"].id, "halal", date.today(), "ID62110000123456789")
    yield store, d, v
    store.close()


def test_counted_is_the_facilitators_verified_copy_only():
    assert standard.counts("verified", 7)
    assert not standard.counts("verified", None)  # the verified original
    assert not standard.counts("submitted", None)
    assert standard.meets("verified", 7, {"passed": True})
    assert not standard.meets("verified", 7, {"passed": False})
    early, late = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    rows = [
        {
            "checklist_id": "a",
            "status": "verified",
            "verifies_id": 1,
            "verified_at": early,
            "passed": True,
            "assessment_id": 2,
        },
        {
            "checklist_id": "a",
            "status": "verified",
            "verifies_id": 3,
            "verified_at": late,
            "passed": False,
            "assessment_id": 4,
        },
    ]
    assert standard.umkm_meets_now(rows) == (False, None, [])  # the latest one decides
    assert standard.umkm_meets_now(rows[:1]) == (True, early, ["a"])


SHEETS_ID = ["Ringkasan", "UMKM", "Penilaian", "Jawaban", "Tindakan", "Capaian", "Kunjungan"]


def test_excel_has_a_sheet_per_table_and_typed_text_stays_text(world):
    store, _d, _v = world
    svc = Service(store, identity(store, "manajer"))
    tables = reports.export_tables(svc)
    rows = svc.standing()
    wb = load_workbook(io.BytesIO(reports.excel_bytes(tables, reports.summary_rows(rows))))
    assert wb.sheetnames == SHEETS_ID
    assert wb["UMKM"].max_row - 1 == len(rows) == 3
    assert wb["Penilaian"].max_row - 1 == 2
    actions = list(wb["Tindakan"].iter_rows(values_only=True))
    title = actions[1][actions[0].index("Tindakan")]
    assert title == "=cmd|' /C calc'!A0"
    cell = wb["Tindakan"].cell(row=2, column=actions[0].index("Tindakan") + 1)
    assert cell.data_type == "s"  # never a formula
    answers = list(wb["Jawaban"].iter_rows(values_only=True))
    notes = " ".join(r[answers[0].index("Catatan")] or "" for r in answers[1:])
    assert f"Pertanyaan 1: {EVIL_NOTE}" in notes and "Pertanyaan 1: =HYPERLINK(1)" in notes
    summary = list(wb["Ringkasan"].iter_rows(values_only=True))
    assert summary[0][0] == "Kabupaten/kota" and summary[1][0] == "Semua UMKM"
    meets = summary[0].index(reports.label("headline", "meets_standard", "id"))
    assert summary[1][meets] == 1
    umkm = list(wb["UMKM"].iter_rows(values_only=True))
    col = umkm[0].index("Memenuhi standar sekarang")
    assert sorted(r[col] for r in umkm[1:]) == ["Tidak", "Tidak", "Ya"]


def test_english_on_request(world):
    store, _d, _v = world
    svc = Service(store, identity(store, "manajer"))
    out = io.BytesIO()
    reports.write_programme_workbook(svc, out, "en")
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == [
        "Summary", "Promotion", "UMKM", "Assessments", "Answers", "Actions", "Milestones", "Visits"
    ]  # fmt: skip
    head = next(wb["UMKM"].iter_rows(values_only=True))
    assert head[:3] == ("UMKM ID", "UMKM code", "Business name")
    assert "Meets the standard now" in head


def test_excel_holds_the_current_assessments_with_their_answers_one_line_each(world):
    store, d, _v = world
    svc = Service(store, identity(store, "manajer"))
    rows = svc.standing()
    tables = reports.export_tables(svc, rows=rows)
    [u1] = [r for r in rows if r.umkm_id == d["u1"].id]
    [verified] = [a for a in tables["assessments"] if a["counts"]]
    assert u1.current == (verified["assessment_id"],)
    slim = reports.export_tables(svc, rows=rows, current_only=True)
    assert [a["assessment_id"] for a in slim["assessments"]] == [verified["assessment_id"]]
    assert len(tables["assessments"]) == 2  # the owner's original is in the CSV
    assert {a["assessment_id"] for a in slim["answers"]} == {verified["assessment_id"]}
    assert len(tables["answers"]) == 2 * len(slim["answers"])
    current = [a for a in tables["answers"] if a["assessment_id"] == verified["assessment_id"]]
    assert slim["answers"] == current
    out = io.BytesIO()
    reports.write_programme_workbook(svc, out, "id", rows=rows)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb["Penilaian"].max_row - 1 == 1
    lines = list(wb["Jawaban"].iter_rows(values_only=True))
    assert lines[0] == tuple(reports.answers_header("id"))
    assert [line[0] for line in lines[1:]] == [verified["assessment_id"]]
    items = load(CPPOB).items
    given = {a["item_id"]: a["value"] for a in current}
    assert len(given) > 1  # answers under more than one question
    expected = [reports.label("answer", given.get(i.id), "id") or None for i in items]
    assert list(lines[1][3 : 3 + len(items)]) == expected  # each under its own question


def test_an_answer_to_a_question_the_checklist_no_longer_has_goes_to_the_notes():
    first = load(CPPOB).items[0].id
    line = reports._wide_answers(
        [
            {"assessment_id": 9, "umkm_id": 1, "checklist_id": CPPOB, "item_id": "OLD-99",
             "value": "no", "note": None},
            {"assessment_id": 9, "umkm_id": 1, "checklist_id": CPPOB, "item_id": first,
             "value": "yes", "note": "ok"},
        ],
        "id",
    )  # fmt: skip
    assert line[3] == "Ya" and set(line[4:-1]) == {None}
    assert line[-1] == "OLD-99: Tidak | Pertanyaan 1: ok"


def test_declared_columns_match_the_rows_and_empty_tables_keep_their_header(world):
    store, _d, _v = world
    tables = reports.export_tables(Service(store, identity(store, "manajer")))
    for name, rows in tables.items():
        assert rows, name
        assert tuple(rows[0]) == reports.COLUMNS[name], name
    wb = load_workbook(io.BytesIO(reports.excel_bytes({"actions": []})))
    assert wb.sheetnames == SHEETS_ID[1:]  # every table, even those not given
    head = next(wb["Tindakan"].iter_rows(values_only=True))
    assert head == tuple(reports.header("actions", "id"))
    assert len(head) == len(reports.COLUMNS["actions"]) and head[:2] == ("ID tindakan", "ID UMKM")
    csv_head = reports.csv_bytes([], "visits").decode("utf-8-sig")
    assert csv_head.startswith("ID kunjungan,ID UMKM,Kode UMKM")
    assert set(reports.HEADERS) == {c for cols in reports.COLUMNS.values() for c in cols}


def test_filters_apply_to_every_sheet(world):
    store, d, _v = world
    svc = Service(store, identity(store, "manajer"))
    tables = reports.export_tables(svc, stats.Filters(regency="Kapuas"))
    assert {r["umkm_id"] for r in tables["umkm"]} == {d["u2"].id, d["u3"].id}
    assert tables["assessments"] == [] and tables["actions"] == [] and tables["visits"] == []
    only_u1 = svc.export_rows([d["u1"].id])
    assert {r["umkm_id"] for t in only_u1.values() for r in t} == {d["u1"].id}
    assert only_u1["visits"][0]["met_with"] == "Ibu <Sari>"


def test_export_is_scoped_to_the_callers_role(world):
    store, d, _v = world
    fb = Service(store, identity(store, "pendamping.b"))
    tables = reports.export_tables(fb)
    assert [r["umkm_id"] for r in tables["umkm"]] == [d["u2"].id]
    assert tables["answers"] == []


def test_a_table_longer_than_an_excel_sheet_continues_on_the_next(monkeypatch):
    monkeypatch.setattr(reports, "EXCEL_MAX_ROWS", 2)
    answers = [{"assessment_id": n, "note": f"n{n}"} for n in range(5)]
    wb = load_workbook(io.BytesIO(reports.excel_bytes({"answers": answers})))
    parts = ["Jawaban", "Jawaban (2)", "Jawaban (3)"]
    assert [s for s in wb.sheetnames if s.startswith("Jawaban")] == parts
    got = []
    for name in parts:
        lines = list(wb[name].iter_rows(values_only=True))
        assert lines[0] == tuple(reports.answers_header("id")) and len(lines) <= 3
        got += [r[0] for r in lines[1:]]
    assert got == [0, 1, 2, 3, 4]  # every row, in order, none lost


def test_csv_neutralises_formulas_and_keeps_numbers():
    row = {"action_id": -5, "code": "@x", "title": "=1+2", "responsible": "owner"}
    text = reports.csv_bytes([row], "actions").decode("utf-8-sig")
    assert text.splitlines()[1] == "-5,,'@x,'=1+2,,,,,Pemilik,,"
    note = reports.csv_bytes([{"note": "Ibu <Sari>"}], "milestones").decode("utf-8-sig")
    assert note.splitlines()[1].endswith(",Ibu <Sari>")


def test_visit_report_pdf_and_html(world):
    store, d, visit = world
    svc = Service(store, identity(store, "pendamping.a"))
    u = svc.umkm(d["u1"].id)
    args = (u, visit, svc.actions(u.id), svc.milestones(u.id))
    pdf = visit_report.visit_report_pdf(*args, lang="id")
    assert pdf.startswith(b"%PDF-") and b"DejaVu" in pdf
    html = visit_report.visit_report_html(*args, lang="id")
    assert "Laporan kunjungan dan rencana tindakan" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Temuan &lt;b&gt;lantai&lt;/b&gt;" in html and "Ibu &lt;Sari&gt;" in html


def test_frames_give_dataframes_for_the_callers_role(world):
    store, d, _v = world
    mg = data.frames(identity(store, "manajer"), store)
    assert set(mg) == set(data.TABLES)
    assert isinstance(mg["umkm"], pd.DataFrame) and len(mg["umkm"]) == 3
    assert mg["umkm"].groupby("regency")["meets_standard"].sum().to_dict() == {
        "Kapuas": 0,
        "Palangka Raya": 1,
    }
    assert EVIL_NAME in set(mg["umkm"]["name"])
    fa = data.frames(identity(store, "pendamping.a"), store)
    assert set(fa["umkm"]["umkm_id"]) == {d["u1"].id, d["u3"].id}
    assert "pin_hash" not in mg["umkm"].columns and "password_hash" not in mg["umkm"].columns


def test_frames_refuse_a_disabled_account(world):
    store, d, _v = world
    me = identity(store, "pendamping.b")
    Service(store, system_identity()).set_staff_active(d["fb"].id, False)
    try:
        with pytest.raises(AccessDenied):
            data.frames(me, store)
    finally:
        Service(store, system_identity()).set_staff_active(d["fb"].id, True)
