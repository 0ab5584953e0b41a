"""The programme app in Debian's headless Chromium against a real ``berdikari serve``.

A manager signs in, reads the headline, exports Excel with a filter applied, and the workbook
(read with openpyxl) holds exactly the counts on screen. Owner-typed text with HTML and script
shows as text. A facilitator is refused. The analysts' example notebook shows no data on the
server (it waits for a sign-in a web page cannot give).
"""

from __future__ import annotations

import urllib.request

import pytest
from openpyxl import load_workbook

from berdikari import reports
from berdikari.checklists import load
from berdikari.i18n import t
from berdikari.store import open_store
from berdikari.store.service import Service
from tests.apps.staff_seed import CPPOB, EVIL_NAME, PASSWORD, identity
from tests.e2e.axe import assert_no_serious
from tests.e2e.conftest import external_requests
from tests.e2e.layout import BROKEN_WORDS, OVERLAPS, SHOTS, screenshot  # noqa: F401  SHOTS: H5
from tests.e2e.server_fixture import staff_programme
from tests.e2e.staff_helpers import sign_in_staff

APP = "/voila/render/program.ipynb"
KPIS = ("enrolled", "assessed", "verified", "meets-standard", "with-permit", "stuck")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with staff_programme(tmp_path_factory.mktemp("programme")) as s:
        # A verifies u1 (one correction): u1 meets the standard; it gets a P-IRT
        store = open_store(s["url"])
        fa = Service(store, identity(store, "pendamping.a"))
        fa.verify_assessment(s["submitted"], {load(CPPOB).items[0].id: ("yes", "dicek")})
        fa.add_milestone(s["u1"].id, "p-irt", "2026-11-02", "P-IRT 2156271010001-29")
        store.close()
        yield s


def _sign_in(page, base: str, username: str) -> None:
    sign_in_staff(page, base, username, PASSWORD, APP)


def _kpis(page) -> dict[str, int]:
    return {k: int(page.locator(f".bdk-kpi-{k}").get_attribute("data-value")) for k in KPIS}


def test_manager_exports_excel_that_matches_the_screen(server, page, tmp_path):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _sign_in(page, server["base"], "manajer")
    page.locator(".bdk-kpis").wait_for()
    everything = _kpis(page)
    assert everything["enrolled"] == 3 and everything["meets-standard"] == 1
    # the regency table and the stuck list show owner-typed text as text
    assert "Universitas <Palangka> Raya" in page.locator(".bdk-workload").inner_text()
    assert page.locator(".bdk-app script, .bdk-app b").count() == 0

    page.locator(".bdk-filter-regency select").select_option("Palangka Raya")
    page.locator('.bdk-kpi-enrolled[data-value="1"]').wait_for()
    shown = _kpis(page)
    assert shown["enrolled"] == 1 and shown["meets-standard"] == 1
    page.locator("button.bdk-export-excel").click()
    link = page.locator("a.bdk-download-excel")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    wb = load_workbook(path)
    umkm = list(wb["UMKM"].iter_rows(values_only=True))
    head, rows = umkm[0], umkm[1:]
    assert head == tuple(reports.header("umkm", "id"))  # Indonesian words, not keys
    col = {key: n for n, key in enumerate(reports.COLUMNS["umkm"])}
    assert len(rows) == shown["enrolled"]
    assert sum(1 for r in rows if r[col["assessed"]] == "Ya") == shown["assessed"]
    assert sum(1 for r in rows if r[col["verified"]] == "Ya") == shown["verified"]
    assert sum(1 for r in rows if r[col["meets_standard"]] == "Ya") == shown["meets-standard"]
    assert sum(1 for r in rows if r[col["permits"]]) == shown["with-permit"]
    assert sum(1 for r in rows if r[col["stuck"]] == "Ya") == shown["stuck"]
    assert rows[0][col["name"]] == EVIL_NAME
    summary = list(wb["Ringkasan"].iter_rows(values_only=True))
    total = dict(zip(summary[0], summary[1], strict=True))
    assert total[reports.label("headline", "enrolled", "id")] == shown["enrolled"]
    assert total[reports.label("headline", "meets_standard", "id")] == shown["meets-standard"]
    # every sheet holds only the filtered UMKM
    ids = {r[col["umkm_id"]] for r in rows}
    for sheet in ("Penilaian", "Jawaban", "Tindakan", "Capaian", "Kunjungan"):
        data = list(wb[sheet].iter_rows(values_only=True))
        if not data:  # an empty table (no actions yet, say) is an empty sheet
            continue
        k = data[0].index(t(reports.HEADERS["umkm_id"], "id"))
        assert {r[k] for r in data[1:]} <= ids, sheet
    assert dialogs == []
    assert external_requests(page) == []


def test_a_facilitator_is_refused_and_sees_no_figures(server, page):
    _sign_in(page, server["base"], "pendamping.a")
    page.get_by_text("untuk pengelola program", exact=False).wait_for()
    assert page.locator(".bdk-kpis").count() == 0
    # told where to go instead, on the sign-in page (no kernel was started for the refusal)
    assert page.url.startswith(server["base"] + "/masuk/staf")
    page.locator("a.bdk-own-app").click()
    page.locator(".bdk-case").first.wait_for(timeout=90_000)  # the facilitator's caseload


def test_the_analysis_example_shows_no_data_on_the_server(server):
    try:
        with urllib.request.urlopen(
            server["base"] + "/voila/render/analisis-contoh.ipynb", timeout=120
        ) as r:
            body = r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        body = err.read().decode("utf-8", "replace")
    assert server["u1"].code not in body and "Jamu Sehat Budi" not in body


def _overview(page, server, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    _sign_in(page, server["base"], "manajer")
    page.locator(".bdk-kpis").wait_for()
    page.locator(".bdk-workload").wait_for()


@pytest.mark.parametrize("width", [1280, 360])
def test_dashboard_reads_at_desktop_and_phone_width(server, page, width):
    """Issue 16: no control covers another, no word broken in a heading or a name, the headline
    as cards that say what they count, tables as lists on a phone, axe 0 critical/serious."""
    _overview(page, server, width)
    screenshot(page, "programme", width)
    assert page.evaluate(OVERLAPS) == []
    cards = page.locator(".bdk-kpi-card")
    assert cards.count() >= 6
    for n in range(cards.count()):  # each card: its number, its name, what it counts, a button
        card = cards.nth(n)
        assert card.locator(".bdk-kpi-def").inner_text().strip()
        assert card.locator("button.bdk-kpi-show").is_visible()
    # the cards stand apart (a grid), not run together as one line of numbers
    tops = {round(cards.nth(n).bounding_box()["y"]) for n in range(cards.count())}
    lefts = {round(cards.nth(n).bounding_box()["x"]) for n in range(cards.count())}
    assert len(tops) > 1 or width == 1280 and len(lefts) == cards.count()
    widest = "() => Math.max(...[...document.querySelectorAll('body, body *')].map(e => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX !== 'visible' && !e.closest('.bdk-table-wrap') ? e.scrollWidth : 0))"
    assert page.evaluate(widest) <= width  # nothing but a wide table scrolls sideways
    if width == 1280:
        # the desktop's width: the app is wider than the old 736 px column
        assert page.locator(".bdk-app").bounding_box()["width"] > 1000
        assert page.evaluate(BROKEN_WORDS, ".bdk-list-table th") == []
        assert page.evaluate(BROKEN_WORDS, ".bdk-list-table td") == []
    else:
        # a table is a list: each row a block as wide as the screen, each value with its heading
        row = page.locator(".bdk-workload tbody tr").first
        assert row.bounding_box()["width"] <= width
        cell = row.locator("td").first
        label = cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert t("Facilitator", "id") in label
        assert page.locator(".bdk-workload thead").bounding_box()["height"] <= 1
        assert page.evaluate(BROKEN_WORDS, ".bdk-list-table td") == []
    for field in page.locator(".bdk-app select, .bdk-app input[type=text]").all():
        if field.is_visible():  # every field has a visible label above it
            label = field.evaluate(  # shown, and above the field (not squeezed beside it)
                "e => { const l = e.parentElement.querySelector('label');"
                " if (!l || l.offsetHeight === 0) return '';"
                " const a = l.getBoundingClientRect(), b = e.getBoundingClientRect();"
                " return a.bottom <= b.top + 1 ? l.innerText : ''; }"
            )
            assert label.strip(), field.evaluate("e => e.outerHTML.slice(0, 120)")
    assert_no_serious(page, where=f"programme dashboard at {width} px")


def test_a_headline_card_lists_the_umkm_behind_it(server, page):
    _overview(page, server, 1280)
    stuck = int(page.locator(".bdk-kpi-stuck").get_attribute("data-value"))
    page.locator("button.bdk-kpi-show-stuck").click()
    rows = page.locator(".bdk-figure-rows tbody tr")
    rows.first.wait_for()
    assert rows.count() == stuck
    assert t("Stuck", "id") in page.locator(".bdk-figure-rows caption").inner_text()
    assert page.evaluate(OVERLAPS) == []
