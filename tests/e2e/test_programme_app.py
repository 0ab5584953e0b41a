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
from tests.e2e.conftest import external_requests
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
