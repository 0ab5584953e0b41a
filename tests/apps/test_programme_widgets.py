"""The programme app built and driven in plain pytest on a real (in-memory SQLite) store."""

from __future__ import annotations

import base64
import io
import re
from datetime import date
from html import escape

import pytest
from openpyxl import load_workbook

from berdikari import reports, stats
from berdikari.apps.programme import ProgrammeApp, dimension_label
from berdikari.apps.staff import StaffSession
from berdikari.checklists import load
from berdikari.store import open_store
from berdikari.store.service import Service
from tests.apps.staff_helpers import all_html, click, find, one
from tests.apps.staff_seed import CPPOB, cheap_hashing, identity, seed  # noqa: F401


@pytest.fixture
def world():
    store = open_store("sqlite://")
    data = seed(store)
    # A verifies u1 with the first item corrected to yes: u1 meets the standard (level I)
    fa = Service(store, identity(store, "pendamping.a"))
    fa.verify_assessment(data["submitted"], {load(CPPOB).items[0].id: ("yes", "dilihat")})
    fa.add_milestone(data["u1"].id, "p-irt", "2026-11-01", "P-IRT 123")
    yield store, data
    store.close()


def _app(store) -> ProgrammeApp:
    return ProgrammeApp(session=StaffSession(store, identity(store, "manajer")))


def _kpi(app, key: str) -> int:
    html = all_html(app.root)
    return int(re.search(rf'bdk-kpi-{key}" data-value="(\d+)"', html).group(1))


def test_headline_and_regency_table_answer_who_meets_the_standard(world):
    store, d = world
    app = _app(store)
    assert _kpi(app, "enrolled") == 3
    assert _kpi(app, "assessed") == 1
    assert _kpi(app, "verified") == 1
    assert _kpi(app, "meets-standard") == 1
    assert _kpi(app, "with-permit") == 1
    by = all_html(one(app.root, "bdk-by-widget"))
    assert "Palangka Raya" in by and "Kapuas" in by
    # u2 and u3 were never visited and do not meet the standard: stuck
    stuck = all_html(one(app.root, "bdk-stuck-widget"))
    assert d["u2"].code in stuck and d["u3"].code in stuck and d["u1"].code not in stuck


def test_filters_narrow_every_figure(world):
    store, _d = world
    app = _app(store)
    one(app.root, "bdk-filter-regency").value = "Kapuas"
    assert _kpi(app, "enrolled") == 2 and _kpi(app, "meets-standard") == 0


def test_month_dimension_counts_permits_and_standard_reached(world):
    store, _d = world
    app = _app(store)
    one(app.root, "bdk-dimension").value = "month"
    html = all_html(one(app.root, "bdk-by-widget"))
    assert "2026-11" in html


def test_category_dimension_names_the_categories_in_words(world):
    store, _d = world
    app = _app(store)
    one(app.root, "bdk-dimension").value = "category"
    html = all_html(one(app.root, "bdk-by-widget"))
    assert "Makanan atau minuman olahan" in html
    assert not re.search(r"(?<![\w-])pangan-olahan(?![\w-])", re.sub(r'class="[^"]*"', "", html))


def test_common_gaps_and_workload_show_escaped_text(world):
    store, _d = world
    app = _app(store)
    html = all_html(app.root)
    assert "Universitas &lt;Palangka&gt; Raya" in html and "<Palangka>" not in html
    assert "Pendamping Ani" in all_html(one(app.root, "bdk-workload-widget"))


def test_assign_and_reassign(world):
    store, d = world
    app = _app(store)
    one(app.root, "bdk-assign-code").value = d["u3"].code.lower()
    one(app.root, "bdk-assign-facilitator").value = d["fb"].id
    click(app.root, "bdk-assign")
    assert Service(store, identity(store, "manajer")).umkm(d["u3"].id).facilitator_id == d["fb"].id
    one(app.root, "bdk-assign-code").value = "XXX-9999"
    click(app.root, "bdk-assign")
    assert "Tidak ada UMKM dengan kode XXX-9999" in all_html(app.root)


def test_excel_export_matches_the_screen_with_filters(world):
    store, _d = world
    app = _app(store)
    one(app.root, "bdk-filter-regency").value = "Palangka Raya"
    click(app.root, "bdk-export-excel")
    href = re.search(r'href="data:[^;]+;base64,([^"]+)"', app.exports.value).group(1)
    wb = load_workbook(io.BytesIO(base64.b64decode(href)))
    assert wb.sheetnames == [
        "Ringkasan",
        "Promosi",
        "UMKM",
        "Penilaian",
        "Jawaban",
        "Tindakan",
        "Capaian",
        "Kunjungan",
    ]
    umkm = list(wb["UMKM"].iter_rows(values_only=True))
    head = umkm[0]
    assert head == tuple(reports.header("umkm", "id"))  # in Indonesian, the app's language
    col = {key: n for n, key in enumerate(reports.COLUMNS["umkm"])}
    assert len(umkm) - 1 == _kpi(app, "enrolled") == 1
    meets = sum(1 for r in umkm[1:] if r[col["meets_standard"]] == "Ya")
    assert meets == _kpi(app, "meets-standard")
    summary = list(wb["Ringkasan"].iter_rows(values_only=True))
    total = dict(zip(summary[0], summary[1], strict=True))
    enrolled, met = (reports.label("headline", k, "id") for k in ("enrolled", "meets_standard"))
    assert total[enrolled] == 1 and total[met] == 1
    # the owner's name with HTML is a plain cell value
    assert "<script>" in umkm[1][col["name"]]


def test_csv_export_gives_one_file_per_table(world):
    store, _d = world
    app = _app(store)
    click(app.root, "bdk-export-csv")
    assert app.exports.value.count("download=") == 6


def test_a_facilitator_cannot_use_the_programme_app(world):
    store, _d = world
    app = ProgrammeApp(store=store)
    one(app.root, "bdk-staff-user").value = "pendamping.a"
    one(app.root, "bdk-staff-password").value = "rahasia-pendamping-1"
    click(app.root, "bdk-staff-signin")
    assert app.session is None and "untuk pengelola program" in all_html(app.root)
    assert not find(app.root, "bdk-kpis")


def test_stuck_rule():
    class R:
        meets_standard = False
        overdue_actions = 0
        days_since_visit = 10

    assert not stats.is_stuck(R())
    R.days_since_visit = None
    assert stats.is_stuck(R())


def test_both_staff_apps_navigate_only_through_their_view_registry(world):
    """One shell (apps/shell.py): an unknown view is refused at once, never looked up by a
    method name built from a string; each app's registry names exactly its screens."""
    from pathlib import Path

    from berdikari.apps import facilitator, programme
    from berdikari.apps.facilitator import FacilitatorApp

    store, _d = world
    app = _app(store)
    assert set(app.views()) == {"signin", "opening", "overview"}
    with pytest.raises(KeyError):
        app.go("stuck", dimension="month")  # refused before anything changes
    assert app.state.view == "overview" and app.state.dimension == "regency"
    fac = FacilitatorApp(session=StaffSession(store, identity(store, "pendamping.a")))
    assert set(fac.views()) == {"signin", "opening", "list", "umkm", "verify", "visit", "paper"}
    assert fac.state.view == "list" and app.state.view == "overview"
    for module in (facilitator, programme):
        text = Path(module.__file__).read_text(encoding="utf-8")
        assert 'f"view_' not in text and "def render(" not in text and "def go(" not in text


def _rows(app) -> list[dict[str, str]]:
    """The UMKM listed under the headline cards, one dict of column → text per row."""
    html = all_html(one(app.root, "bdk-figure-rows-widget"))
    return [
        dict(re.findall(r'<td data-col="([^"]+)"[^>]*>([^<]*)</td>', tr))
        for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        if "<td" in tr
    ]


def test_each_headline_card_says_what_it_counts_and_lists_the_umkm_behind_it(world):
    from berdikari.apps.programme import FIGURE_ROWS, headline_definitions

    store, _d = world
    app = _app(store)
    counted_in_umkm = [k for k in FIGURE_ROWS if k not in ("permits", "overdue_actions")]
    for key in counted_in_umkm:
        css = key.replace("_", "-")
        card = all_html(one(app.root, f"bdk-kpi-card-{css}"))
        assert escape(headline_definitions("id")[key]) in card
        click(app.root, f"bdk-kpi-show-{css}")
        assert app.state.show == key
        assert len(_rows(app)) == _kpi(app, css), key
    click(app.root, "bdk-kpi-show-unassigned")  # pressed again: the list closes
    assert app.state.show is None and not find(app.root, "bdk-figure-rows-widget")


def test_where_self_assessed_and_verified_differ_both_are_shown(world):
    from berdikari.apps.programme import level_key

    store, d = world
    app = _app(store)
    click(app.root, "bdk-kpi-show-assessed")
    standing = {r.code: r for r in Service(store, identity(store, "manajer")).standing()}
    rows = _rows(app)
    assert rows
    differ = 0
    for row in rows:
        r = standing[row["code"]]
        assert row["verified"] == escape(level_key(r.verified_level or "—", "id"))
        if (r.self_level or "—") != (r.verified_level or "—"):
            differ += 1
            assert row["self"] == escape(level_key(r.self_level or "—", "id"))
        else:
            assert row["self"] == "Sama dengan hasil verifikasi"
    assert differ  # the seed's owner said level III, the facilitator found level I


def test_no_level_yet_is_said_in_words_and_empty_months_show_zero(world):
    from berdikari.apps.programme import fill_months

    store, _d = world
    app = _app(store)
    levels = all_html(one(app.root, "bdk-distributions"))
    assert "Belum ada level" in levels and "—:" not in levels and "Level I:" in levels
    lines = fill_months(
        [
            {"key": "2026-11", "enrolled": 1, "meets_standard": 0, "permits": 2},
            {"key": "2027-02", "enrolled": 3, "meets_standard": 1, "permits": 0},
        ]
    )
    assert [x["key"] for x in lines] == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert lines[1] == {"key": "2026-12", "enrolled": 0, "meets_standard": 0, "permits": 0}
    assert lines[3]["enrolled"] == 3
    # up to this month: the months since the last event are counted too, as zeros
    later = fill_months(lines[:1], until=date(2027, 1, 15))
    assert [x["key"] for x in later] == ["2026-11", "2026-12", "2027-01"]
    assert later[-1]["permits"] == 0


def test_export_is_in_the_readers_language_with_the_filters(world):
    from berdikari.apps.programme import ProgrammeState

    store, _d = world
    app = ProgrammeApp(
        ProgrammeState(lang="en"), session=StaffSession(store, identity(store, "manajer"))
    )
    one(app.root, "bdk-filter-regency").value = "Kapuas"
    click(app.root, "bdk-export-excel")
    href = re.search(r'href="data:[^;]+;base64,([^"]+)"', app.exports.value).group(1)
    wb = load_workbook(io.BytesIO(base64.b64decode(href)))
    assert wb.sheetnames[:3] == [
        reports.t(reports.SHEETS[k], "en") for k in ("summary", "promotion", "umkm")
    ]
    umkm = list(wb["UMKM"].iter_rows(values_only=True))
    assert umkm[0] == tuple(reports.header("umkm", "en")) != tuple(reports.header("umkm", "id"))
    col = reports.COLUMNS["umkm"].index("regency")
    assert len(umkm) - 1 == _kpi(app, "enrolled") == 2
    assert {r[col] for r in umkm[1:]} == {"Kapuas"}
    click(app.root, "bdk-export-csv")
    first = re.search(r'href="data:[^;]+;base64,([^"]+)"', app.exports.value).group(1)
    text = base64.b64decode(first).decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[0] == reports.header("umkm", "en")[0]


def test_common_gaps_name_the_item_as_people_know_it_not_its_id():
    from berdikari.apps.programme import gaps_html

    checklist = load(CPPOB)
    item = checklist.items[1]
    html = gaps_html([(item.id, 2)], "id")
    shown = re.sub(r"<[^>]+>", "", html)  # the text people read, without tags and attributes
    assert checklist.title.get("id") in shown and "Pertanyaan 2" in shown
    assert escape(item.requirement.get("id")) in html
    assert item.id not in shown


def test_a_group_without_organisation_or_facilitator_is_named_in_words():
    from berdikari.apps.programme import by_table_html

    line = {"key": "—", "enrolled": 2, "assessed": 0, "verified": 0, "meets_standard": 0}
    line |= {"with_permit": 0, "stuck": 2}
    for dimension, words in (
        ("organisation", "Tanpa lembaga"),
        ("facilitator", "Belum ada pendamping"),
        ("category", "Belum ada jenis produk"),
    ):
        html = by_table_html([line], dimension, "id")
        assert (
            f'data-col="key" data-label="{escape(dimension_label(dimension, "id"))}">{words}<'
            in html
        )
        assert ">—<" not in html
