"""The facilitator's progress chart, comparison, visit form's findings list and visit report."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest

from berdikari import visit_report
from berdikari.apps import charts, mentoring
from berdikari.apps.facilitator import FacilitatorApp
from berdikari.apps.staff import StaffSession
from berdikari.checklists import load, load_all
from berdikari.store import open_store
from berdikari.store.service import Service
from tests.apps.staff_helpers import all_html, click, one
from tests.apps.staff_seed import CPPOB, cheap_hashing, identity, seed  # noqa: F401


@pytest.fixture
def world():
    store = open_store("sqlite://")
    data = seed(store)
    yield store, data
    store.close()


def _app(store) -> FacilitatorApp:
    return FacilitatorApp(session=StaffSession(store, identity(store, "pendamping.a")))


def test_history_chart_has_two_labelled_series_a_legend_alt_text_and_a_table():
    points = [
        (date(2026, 1, 5), 40, "III", "owner"),
        (date(2026, 1, 20), 30, "IV", "facilitator"),
        (date(2026, 3, 2), 80, "II", "owner"),
    ]
    html = charts.history_chart(points, "id")
    # pygal draws one <g class="series serie-N"> per series, and a legend entry per series
    assert len(set(re.findall(r'class="series serie-(\d+)', html))) == 2
    legend = re.findall(r'class="legend [^"]*"><rect[^>]*/><text[^>]*>([^<]+)</text>', html)
    assert legend == ["Penilaian mandiri pemilik", "Diverifikasi pendamping"]
    # each point on its own series' line: the owner's two, the facilitator's one
    values: dict[str, list[str]] = {}
    series = None
    for serie, value in re.findall(
        r'class="series serie-(\d)[^"]*"|<desc class="value">([^<]+)</desc>', html
    ):
        series = serie or series
        if value:
            values.setdefault(series, []).append(value)
    assert values == {"0": ["2026-01-05: 40%", "2026-03-02: 80%"], "1": ["2026-01-20: 30%"]}
    assert '<svg role="img" aria-label="Kesiapan dari waktu ke waktu: 2 penilaian' in html
    assert not re.search(r"<script|href=\"(https?:)?//", html)  # no JavaScript, no CDN
    rows = re.findall(r"<tr class=\"bdk-history-(\w+)\"><td[^>]*>([\d-]+)</td>", html)
    assert rows == [("owner", "2026-01-05"), ("facilitator", "2026-01-20"), ("owner", "2026-03-02")]
    assert "2026-03-02" in html.split("<table", 1)[0]  # the date on the axis, readable


def _a(id_, checklist, day, filled_by="owner"):
    return SimpleNamespace(
        id=id_,
        checklist_id=checklist,
        status="submitted",
        filled_by=filled_by,
        verified_at=None,
        submitted_at=None,
        updated_at=day,
        answers={},
        result={},
    )


def test_comparison_opens_on_the_two_latest_of_the_same_checklist():
    from datetime import datetime

    done = [
        _a(1, "cppb-irt", datetime(2026, 1, 1)),
        _a(2, "cppb-irt", datetime(2026, 2, 1)),
        _a(3, "cppb-irt", datetime(2026, 3, 1), "facilitator"),
        _a(4, "pkp", datetime(2026, 4, 1)),
    ]
    assert mentoring.latest_pair(done) == (2, 3)


def test_visit_form_offers_open_findings_in_words_and_saves_the_picked_item(world):
    store, d = world
    app = _app(store)
    app.go("visit", umkm_id=d["u1"].id)
    box = one(app.root, "bdk-action-item-0")
    c = load(CPPOB)
    first = c.items[0]  # the seeded owner answered every item yes but the first
    assert box.description and box.options, "the field has a label and a list"
    assert all(first.id not in o for o in box.options)  # words, not IDs
    wanted = next(o for o in box.options if first.requirement.get("id") in o)
    assert wanted.startswith(f"{c.title.get('id')} · 1. ")
    assert len(box.options) == 1  # only what is not met yet
    box.value = wanted
    one(app.root, "bdk-action-title-0").value = "Perbaiki"
    one(app.root, "bdk-visit-findings").value = "Kunjungan"
    click(app.root, "bdk-visit-save")
    actions = Service(store, identity(store, "pendamping.a")).actions(d["u1"].id)
    assert [(a.title, a.item_id) for a in actions if a.title == "Perbaiki"] == [
        ("Perbaiki", first.id)
    ]


def test_every_visit_form_field_has_a_visible_label(world):
    store, d = world
    app = _app(store)
    app.go("visit", umkm_id=d["u1"].id)
    for css in ("bdk-visit-date", "bdk-visit-kind", "bdk-visit-met", "bdk-visit-findings"):
        assert one(app.root, css).description, css
    for n in range(3):
        for part in ("item", "title", "due"):
            assert one(app.root, f"bdk-action-{part}-{n}").description


def _report_args(store, d):
    svc = Service(store, identity(store, "pendamping.a"))
    u = d["u1"].id
    svc.record_visit(u, date.today(), "Lantai bersih.", "site", met_with="Ibu Sari")
    items = load(CPPOB).items
    svc.add_action(u, "Pasang sabun", date(2030, 1, 1), items[0].id)
    svc.add_action(u, "Tanpa tenggat", None, None)
    um = svc.umkm(u)
    return (um, svc.visits(u)[0], svc.actions(u), svc.milestones(u), "id", svc.assessments(u))


def test_visit_pdf_is_left_aligned_with_header_result_and_signature_lines(world, monkeypatch):
    from fpdf import FPDF

    store, d = world
    args = _report_args(store, d)
    written: list[tuple[str, str]] = []
    cell, multi = FPDF.cell, FPDF.multi_cell

    def record_multi(self, w, h, text="", *a, align="J", **k):
        written.append((text, str(align)))
        return multi(self, w, h, text, *a, align=align, **k)

    def record_cell(self, w=None, h=None, text="", *a, **k):
        written.append((text, "cell"))
        return cell(self, w, h, text, *a, **k)

    monkeypatch.setattr(FPDF, "multi_cell", record_multi)
    monkeypatch.setattr(FPDF, "cell", record_cell)
    pdf = visit_report.visit_report_pdf(*args)
    assert pdf.startswith(b"%PDF-")
    texts = [t for t, _ in written]
    assert texts[0] == "Balai Besar POM di Palangka Raya"
    assert {a for _t, a in written if a != "cell"} == {"L"}  # never justified
    assert "Pendamping" in texts and "Pemilik UMKM" in texts  # the two signature blocks
    assert args[0].owner_name in texts and args[1].facilitator in texts
    result = [t for t in texts if t.startswith(load(CPPOB).title.get("id") + ":")]
    assert result and "penilaian mandiri pemilik pada" in result[0]
    assert not any("tenggat tanpa tenggat" in t or "PKP-" in t for t in texts)


def test_visit_html_lists_carry_one_marker(world):
    store, d = world
    html = visit_report.visit_report_html(*_report_args(store, d))
    items = re.findall(r"<li>([^<]*)</li>", html)
    assert items and not any(re.match(r"\s*([•✓]|\d+\.)", text) for text in items)
    assert "<ol><li>Pasang sabun" in html
    assert html.count('class="space"') == 2


def test_umkm_page_labels_whose_result_it_is(world):
    store, d = world
    app = _app(store)
    app.go("umkm", umkm_id=d["u1"].id)
    html = all_html(one(app.root, "bdk-history"))
    assert "Penilaian mandiri terakhir: " in html
    for css in ("bdk-ms-kind", "bdk-ms-date", "bdk-ms-number", "bdk-ms-note"):
        assert one(app.root, css).description, css
    assert load_all()  # the catalogue loaded


def test_verify_form_and_comparison_show_question_numbers_not_item_ids(world):
    store, d = world
    svc = Service(store, identity(store, "pendamping.a"))
    c = load(CPPOB)
    app = _app(store)
    app.go("verify", umkm_id=d["u1"].id, assessment_id=d["submitted"])
    verify_html = all_html(app.root)
    svc.verify_assessment(d["submitted"], {c.items[0].id: ("yes", "Sudah diperbaiki")})
    app.go("umkm", umkm_id=d["u1"].id)
    compare = all_html(one(app.root, "bdk-compare"))
    assert "bdk-improved" in compare and f"1. {c.items[0].question.get('id')}" in compare
    for html in (verify_html, compare):
        assert not [i.id for i in c.items if i.id in html]
