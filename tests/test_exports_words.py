"""No raw key reaches a reader: the programme export (Excel, CSV) and the visit report (PDF and
HTML print view) in Indonesian hold no value of any vocabulary and no field name, only words;
and the ``berdikari export`` command writes the same workbook for a nightly job."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from berdikari import checklists, reports, scoring, visit_report
from berdikari.cli import app
from berdikari.routes import CATEGORIES
from berdikari.store import open_store, reference
from berdikari.store.auth import sign_in_owner, system_identity
from berdikari.store.service import Service
from tests.apps.staff_seed import CPPOB, identity, seed


def raw_keys() -> set[str]:
    """Every value of every vocabulary an export or report could show, and every field name."""
    keys = set(checklists.PRODUCT_CATEGORIES) | set(CATEGORIES)
    keys |= set(reference.VISIT_KINDS) | set(reference.MILESTONE_KINDS)
    keys |= set(reference.ACTION_STATUSES) | set(reference.ACTION_RESPONSIBLE)
    keys |= set(reference.ASSESSMENT_STATUSES) | set(reference.STAFF_ROLES) | {"owner", "system"}
    keys |= set(reference.SIZES) | set(scoring.ANSWERS)
    keys |= {c.id for c in checklists.load_all().values()}
    keys |= {i.id for i in checklists.load(CPPOB).items}
    keys |= {c for cols in reports.COLUMNS.values() for c in cols}
    # the old PDF's "PKP-TRAINING" (not "NIB" or "P-IRT": those are the labels themselves)
    keys |= {
        k.upper()
        for k in reference.MILESTONE_KINDS
        if k.upper() != reports.label("milestone_kind", k, "id")
    }
    keys |= {"True", "False", "TOTAL", "None"}
    # A key that is also an Indonesian word of its own label ("halal" in "Sertifikat halal").
    words = {
        k
        for k in reference.MILESTONE_KINDS
        if re.search(rf"\b{re.escape(k)}\b", reports.label("milestone_kind", k, "id"))
    }
    return keys - words


def find_raw(texts) -> list[tuple[str, str]]:
    """``(key, text)`` for each raw key found as a whole word (case-sensitive) in the texts."""
    keys = sorted(raw_keys(), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, keys)) + r")(?![\w-])")
    return [(m.group(1), text) for text in texts for m in pattern.finditer(str(text))]


@pytest.fixture(scope="module")
def full():
    """A programme with every visit kind, milestone kind, action status and assessment status."""
    store = open_store("sqlite://")
    d = seed(store)
    fa = Service(store, identity(store, "pendamping.a"))
    items = checklists.load(CPPOB).items
    fa.verify_assessment(d["submitted"], {items[0].id: ("yes", "Sudah diperbaiki")})
    u = d["u1"].id
    for n, kind in enumerate(reference.VISIT_KINDS):
        fa.record_visit(u, date(2026, 1, 1 + n), f"Kunjungan {n}", kind=kind, met_with="Ibu Sari")
    for kind in reference.MILESTONE_KINDS:
        number = f"{n}0012345" if kind in reference.PERMIT_MILESTONES or kind == "nib" else None
        fa.add_milestone(u, kind, date(2026, 2, 1), number)
    for n, status in enumerate(reference.ACTION_STATUSES):
        a = fa.add_action(u, f"Langkah {n}", date(2030, 1, 1) if n else None, items[n].id)
        if status != "open":
            fa.set_action_status(a.id, status)
    fa.add_action(u, "Langkah fasilitator", None, None, responsible="facilitator")
    fa.start_or_resume_assessment(d["u3"].id, CPPOB)  # a facilitator's draft
    owner = Service(store, sign_in_owner(store, d["u1"].code, d["pin1"]))
    again = owner.start_or_resume_assessment(u, CPPOB)
    owner.save_answers(again.id, {i.id: ("yes", None) for i in items})
    owner.submit_assessment(again.id)  # submitted, not verified yet
    yield store, d
    store.close()


def _manager(store):
    return Service(store, identity(store, "manajer"))


def test_the_fixture_reaches_every_vocabulary(full):
    store, _d = full
    tables = reports.export_tables(_manager(store))
    assert {v["kind"] for v in tables["visits"]} == set(reference.VISIT_KINDS)
    assert {m["kind"] for m in tables["milestones"]} == set(reference.MILESTONE_KINDS)
    assert {a["status"] for a in tables["actions"]} == set(reference.ACTION_STATUSES)
    assert {a["responsible"] for a in tables["actions"]} == set(reference.ACTION_RESPONSIBLE)
    assert {a["status"] for a in tables["assessments"]} == set(reference.ASSESSMENT_STATUSES)
    assert {a["value"] for a in tables["answers"]} >= {"yes", "no"}


def test_every_label_has_an_indonesian_translation():
    from berdikari.i18n import catalogue

    ids = catalogue("id")
    msgids = list(reports.HEADERS.values()) + list(reports.SHEETS.values())
    missing = [m for m in msgids if m not in ids and m not in ("UMKM", "NIB")]
    assert missing == []
    for vocabulary, values in (
        ("size", reference.SIZES),
        ("role", (*reference.STAFF_ROLES, "owner", "system")),
        ("assessment_status", reference.ASSESSMENT_STATUSES),
        ("visit_kind", reference.VISIT_KINDS),
        ("action_status", reference.ACTION_STATUSES),
        ("milestone_kind", reference.MILESTONE_KINDS),
        ("category", checklists.PRODUCT_CATEGORIES),
        ("answer", scoring.ANSWERS),
    ):
        for value in values:
            words = (reports.label(vocabulary, value, "id"), reports.label(vocabulary, value, "en"))
            assert value not in words, (vocabulary, value)


def test_excel_in_indonesian_shows_no_raw_key(full, tmp_path):
    store, _d = full
    path = tmp_path / "program.xlsx"
    counts = reports.write_programme_workbook(_manager(store), path, "id")
    assert counts["visits"] == len(reference.VISIT_KINDS)
    wb = load_workbook(path, read_only=True)
    texts = [v for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v]
    texts += wb.sheetnames
    assert "Kunjungan ke tempat" in texts and "Penghargaan" in texts and "Ya" in texts
    assert find_raw(texts) == []


def test_csv_in_indonesian_shows_no_raw_key(full, tmp_path):
    store, _d = full
    path = tmp_path / "program.zip"
    reports.write_programme_workbook(_manager(store), path, "id", fmt="csv")
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        texts = names + [zf.read(n).decode("utf-8-sig") for n in names]
    assert "Penilaian.csv" in names and "Ringkasan.csv" in names
    assert any("Pertemuan daring" in t for t in texts)
    assert find_raw(texts) == []


def _report_args(store, d):
    svc = Service(store, identity(store, "pendamping.a"))
    u = svc.umkm(d["u1"].id)
    visits = svc.visits(u.id)
    return u, visits[0], svc.actions(u.id), svc.milestones(u.id)


def test_visit_report_pdf_and_html_in_indonesian_show_no_raw_key(full, monkeypatch):
    from fpdf import FPDF

    store, d = full
    args = _report_args(store, d)
    written: list[str] = []
    original = FPDF.multi_cell

    def record(self, w, h, text="", *a, **k):
        written.append(text)
        return original(self, w, h, text, *a, **k)

    monkeypatch.setattr(FPDF, "multi_cell", record)
    pdf = visit_report.visit_report_pdf(*args, lang="id")
    assert pdf.startswith(b"%PDF-")
    html = visit_report.visit_report_html(*args, lang="id")
    text = re.sub(r"<[^>]+>", " ", html)
    for out in (written, [text]):
        joined = "\n".join(out)
        assert "PKP" in joined and "Penghargaan" in joined
        assert "tanpa tenggat" in joined and "tenggat tanpa tenggat" not in joined
        assert "tenggat 2030-01-01" in joined and "pertanyaan 2. " in joined
        assert find_raw(out) == []


def test_the_walk_finds_a_raw_key_when_a_label_is_missing(full, tmp_path, monkeypatch):
    """The check can fail: a vocabulary written as its keys is found."""
    store, _d = full
    monkeypatch.setattr(reports, "VOCABULARY", reports.VOCABULARY | {("visits", "kind"): None})
    path = tmp_path / "raw.xlsx"
    reports.write_programme_workbook(_manager(store), path, "id")
    wb = load_workbook(path, read_only=True)
    texts = [v for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v]
    assert {k for k, _t in find_raw(texts)} == set(reference.VISIT_KINDS)


# --- the command line ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'program.db'}"
    store = open_store(url)
    d = seed(store)
    fa = Service(store, identity(store, "pendamping.a"))
    fa.record_visit(d["u1"].id, date(2026, 3, 1), "Kunjungan", kind="training")
    fa.add_milestone(d["u1"].id, "pkp-training", date(2026, 3, 1))
    Service(store, system_identity())  # the CLI acts as the administrator
    store.close()
    return url


def test_cli_export_writes_the_programme_in_indonesian(db_url, tmp_path):
    path = tmp_path / "program.xlsx"
    result = CliRunner().invoke(app, ["export", str(path), "--database-url", db_url])
    assert result.exit_code == 0, result.output
    assert "program.xlsx" in result.output
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames[:4] == ["Ringkasan", "Promosi", "UMKM", "Penilaian"]
    umkm = list(wb["UMKM"].iter_rows(values_only=True))
    assert umkm[0][:3] == ("ID UMKM", "Kode UMKM", "Nama usaha") and len(umkm) == 4
    visits = list(wb["Kunjungan"].iter_rows(values_only=True))
    assert visits[1][visits[0].index("Jenis")] == "Pelatihan"
    texts = [v for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v]
    assert find_raw(texts) == []
    assert [p.name for p in tmp_path.iterdir()] == ["program.xlsx"]  # no temporary file left


def test_cli_export_english_and_csv(db_url, tmp_path):
    path = tmp_path / "program.zip"
    args = ["export", str(path), "--lang", "en", "--format", "csv", "--database-url", db_url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as zf:
        assert "Visits.csv" in zf.namelist()
        assert zf.read("Visits.csv").decode("utf-8-sig").startswith("Visit ID,UMKM ID")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{tmp}/no/such/folder/x.xlsx"], "does not exist"),
        (["{tmp}/x.xlsx", "--format", "pdf"], "--format must be one of xlsx, csv"),
        (["{tmp}/x.xlsx", "--format", "csv"], "a csv export is written to a .zip file"),
        (["{tmp}/x.txt"], "a xlsx export is written to a .xlsx file"),
        (["{tmp}/x.xlsx", "--lang", "fr"], "--lang must be one of id, en"),
    ],
)
def test_cli_export_refuses_a_bad_path_or_format(db_url, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(app, ["export", *args, "--database-url", db_url])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_export_cannot_write_is_exit_2(db_url, tmp_path):
    folder = tmp_path / "x.xlsx"
    folder.mkdir()
    result = CliRunner().invoke(app, ["export", str(folder), "--database-url", db_url])
    assert result.exit_code == 2 and "is a folder" in result.output


def test_excel_bytes_round_trip_in_memory(full):
    store, _d = full
    out = io.BytesIO()
    counts = reports.write_programme_workbook(_manager(store), out, "id")
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb["Capaian"].max_row - 1 == counts["milestones"] == len(reference.MILESTONE_KINDS)
