"""The export (Excel, CSV), the visit report (PDF, HTML), the one definition of "meets the
standard" and the analysts' DataFrames, in plain pytest on a real (in-memory SQLite) store."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from berdikari import data, reports, standard, stats
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


def test_excel_has_a_sheet_per_table_and_typed_text_stays_text(world):
    store, _d, _v = world
    svc = Service(store, identity(store, "manajer"))
    tables = reports.export_tables(svc)
    rows = svc.standing()
    wb = load_workbook(io.BytesIO(reports.excel_bytes(tables, reports.summary_rows(rows))))
    assert wb.sheetnames == list(reports.SHEETS.values())
    assert wb["UMKM"].max_row - 1 == len(rows) == 3
    assert wb["Penilaian"].max_row - 1 == 2
    actions = list(wb["Tindakan"].iter_rows(values_only=True))
    title = actions[1][actions[0].index("title")]
    assert title == "=cmd|' /C calc'!A0"
    cell = wb["Tindakan"].cell(row=2, column=actions[0].index("title") + 1)
    assert cell.data_type == "s"  # never a formula
    answers = list(wb["Jawaban"].iter_rows(values_only=True))
    notes = [r[answers[0].index("note")] for r in answers[1:]]
    assert EVIL_NOTE in notes and "=HYPERLINK(1)" in notes
    summary = list(wb["Ringkasan"].iter_rows(values_only=True))
    assert summary[1][summary[0].index("meets_standard")] == 1


def test_excel_answers_are_those_of_the_current_assessments(world):
    store, d, _v = world
    svc = Service(store, identity(store, "manajer"))
    rows = svc.standing()
    tables = reports.export_tables(svc, rows=rows)
    [u1] = [r for r in rows if r.umkm_id == d["u1"].id]
    [verified] = [a for a in tables["assessments"] if a["counts"]]
    assert u1.current == (verified["assessment_id"],)
    slim = reports.export_tables(svc, rows=rows, current_answers=True)
    assert {a["assessment_id"] for a in slim["answers"]} == {verified["assessment_id"]}
    assert len(tables["answers"]) == 2 * len(slim["answers"])  # the original is in the CSV
    assert slim["answers"] == reports.current_answers_only(tables, rows)["answers"]


def test_declared_columns_match_the_rows_and_empty_tables_keep_their_header(world):
    store, _d, _v = world
    tables = reports.export_tables(Service(store, identity(store, "manajer")))
    for name, rows in tables.items():
        assert rows, name
        assert tuple(rows[0]) == reports.COLUMNS[name], name
    wb = load_workbook(io.BytesIO(reports.excel_bytes({"actions": []})))
    assert next(wb["Tindakan"].iter_rows(values_only=True)) == reports.COLUMNS["actions"]
    assert reports.csv_bytes([], "visits").decode("utf-8-sig").startswith("visit_id,umkm_id")


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


def test_too_many_rows_for_excel_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(reports, "EXCEL_MAX_ROWS", 2)
    with pytest.raises(reports.ExportTooLarge, match="Jawaban: 3 rows"):
        reports.excel_bytes({"answers": [{"a": 1}] * 3})


def test_csv_neutralises_formulas_and_keeps_numbers():
    out = reports.csv_bytes([{"t": "=1+2", "n": -5, "s": "@x", "ok": "Ibu <Sari>"}])
    text = out.decode("utf-8-sig")
    assert text.splitlines()[1] == "'=1+2,-5,'@x,Ibu <Sari>"


def test_visit_report_pdf_and_html(world):
    store, d, visit = world
    svc = Service(store, identity(store, "pendamping.a"))
    u = svc.umkm(d["u1"].id)
    args = (u, visit, svc.actions(u.id), svc.milestones(u.id))
    pdf = reports.visit_report_pdf(*args, lang="id")
    assert pdf.startswith(b"%PDF-") and b"DejaVu" in pdf
    html = reports.visit_report_html(*args, lang="id")
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
