"""The facilitator app in Debian's headless Chromium against a real ``berdikari serve``.

Facilitator A signs in and sees only A's UMKM, verifies a submitted self-assessment, records a
visit with an action item (checked in the database). Text the owner typed with HTML and script in
it shows as text (no dialog opens, no tag is rendered).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from berdikari.checklists import load
from berdikari.i18n import t
from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from tests.apps.staff_seed import CPPOB, EVIL_NAME, PASSWORD
from tests.e2e.conftest import external_requests
from tests.e2e.server_fixture import staff_programme
from tests.e2e.staff_helpers import sign_in_staff

APP = "/voila/render/pendamping.ipynb"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with staff_programme(tmp_path_factory.mktemp("staff")) as s:
        yield s


def _sign_in(page, base: str, username: str) -> None:
    sign_in_staff(page, base, username, PASSWORD, APP)


def _case(page, code: str):
    return page.locator(f'[class~="bdk-case-{code.lower()}"]')


def test_facilitator_verifies_and_records_a_visit_with_an_action(server, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    u1, u2, u3 = server["u1"], server["u2"], server["u3"]
    _sign_in(page, server["base"], "pendamping.a")
    _case(page, u1.code).wait_for()
    # only A's UMKM, most urgent (a self-assessment waiting) first
    assert _case(page, u3.code).count() == 1
    assert _case(page, u2.code).count() == 0
    first = page.locator(".bdk-case").first.get_attribute("class")
    assert f"bdk-case-{u1.code.lower()}" in first
    # the owner-typed name is text on the page, not markup
    assert EVIL_NAME in _case(page, u1.code).inner_text()
    assert page.locator(".bdk-case script").count() == 0
    assert page.locator(".bdk-case b").count() == 0
    # a facilitator's phone: nothing wider than the 360 px screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # verify the submitted self-assessment: agree with every answer
    _case(page, u1.code).locator("button.bdk-open-case").click()
    page.locator(f"button.bdk-verify-{server['submitted']}").click()
    page.locator("button.bdk-verify-save").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator(".bdk-app img").count() == 0  # the owner's note held an <img>
    page.locator("button.bdk-verify-save").click()
    page.get_by_text("Terverifikasi dengan 0 koreksi", exact=False).wait_for()

    # record a visit with one action for an open finding, picked from the list in words
    item = load(CPPOB).items[0].id  # the owner answered every item yes but the first
    due = (date.today() + timedelta(days=14)).isoformat()
    page.locator("button.bdk-new-visit").click()
    page.locator(".bdk-visit-met input").fill("Ibu Sari <pemilik>")
    page.locator(".bdk-visit-findings textarea").fill("Tempat cuci tangan belum ada.")
    offered = page.locator(".bdk-action-item-0 datalist option").evaluate_all(
        "os => os.map(o => o.value)"
    )
    assert len(offered) == 1 and item not in offered[0] and " · 1. " in offered[0], offered
    page.locator(".bdk-action-item-0 input").fill(offered[0])
    page.locator(".bdk-action-title-0 input").fill("Pasang wastafel <cuci tangan>")
    page.locator(".bdk-action-due-0 input").fill(due)
    page.locator("button.bdk-visit-save").click()
    page.get_by_text("Kunjungan tersimpan dengan 1 tindakan", exact=False).wait_for()
    assert "Pasang wastafel <cuci tangan>" in page.locator(".bdk-action").first.inner_text()

    store = open_store(server["url"])
    try:
        svc = Service(store, system_identity())
        verified = [a for a in svc.assessments(u1.id) if a.verifies_id]
        assert len(verified) == 1 and verified[0].verifies_id == server["submitted"]
        [action] = svc.actions(u1.id)
        assert action.item_id == item and action.due_date.isoformat() == due
        [visit] = svc.visits(u1.id)
        assert visit.met_with == "Ibu Sari <pemilik>"
    finally:
        store.close()
    assert dialogs == []
    assert external_requests(page) == []


def test_the_owner_sees_the_action_the_facilitator_set(server, page, browser_context_factory):
    """Facilitator A records a visit with an action; the owner, signed in on a phone in the owner
    web app, reads it (escaped) with its due date on the checklist page."""
    u1 = server["u1"]
    item = load(CPPOB).items[7].id
    due = (date.today() + timedelta(days=21)).isoformat()
    title = "Catat suhu <lemari> es"
    _sign_in(page, server["base"], "pendamping.a")
    _case(page, u1.code).locator("button.bdk-open-case").click()
    page.locator("button.bdk-new-visit").click()
    page.locator(".bdk-visit-met input").fill("Ibu Sari")
    page.locator(".bdk-visit-findings textarea").fill("Suhu lemari es belum dicatat.")
    page.locator(".bdk-action-item-0 input").fill(item)
    page.locator(".bdk-action-title-0 input").fill(title)
    page.locator(".bdk-action-due-0 input").fill(due)
    page.locator("button.bdk-visit-save").click()
    page.get_by_text("Kunjungan tersimpan dengan 1 tindakan", exact=False).wait_for()

    ctx = browser_context_factory(viewport={"width": 360, "height": 740}, locale="id-ID")
    owner = ctx.new_page()
    owner.requested_urls = []
    owner.on("request", lambda req: owner.requested_urls.append(req.url))
    owner.goto(server["base"] + "/penilaian/masuk")
    owner.locator(".bdk-code input").fill(u1.code)
    owner.locator(".bdk-pin input").fill(server["pin1"])
    with owner.expect_navigation():
        owner.locator("button.bdk-signin").click()
    owner.goto(server["base"] + f"/penilaian/daftar/{CPPOB}")
    plan = owner.locator(".bdk-owner-actions").first
    plan.wait_for()
    row = plan.locator(".bdk-owner-action", has_text=title)
    assert row.count() == 1, plan.inner_text()
    # the question's number, not the item's ID; the due date written out in Indonesian
    from berdikari.owner_report import long_date

    text = row.inner_text()
    assert "Pertanyaan 8" in text and item not in text, text
    assert long_date(date.fromisoformat(due), "id") in text, text
    assert owner.locator(".bdk-owner-actions script, .bdk-owner-actions lemari").count() == 0
    assert owner.evaluate("document.documentElement.scrollWidth") <= 360
    assert external_requests(owner) == []


def _umkm_page(page, server, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    _sign_in(page, server["base"], "pendamping.a")
    _case(page, server["u1"].code).locator("button.bdk-open-case").click()
    page.locator(".bdk-history").wait_for()
    page.locator(".bdk-history-chart svg").first.wait_for()


def _labels_above_fields(page) -> list[str]:
    """The fields whose label is missing, hidden, or not above the field."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              '.bdk-app select, .bdk-app input:not([type=file]), .bdk-app textarea')]
          .filter(e => e.offsetHeight > 0)
          .filter(e => { const l = e.closest('.widget-inline-hbox, .widget-textarea, .widget-datepicker, .widget-combobox')
                           ?.querySelector(':scope > label');
            if (!l || l.offsetHeight === 0 || !l.innerText.trim()) return true;
            return l.getBoundingClientRect().bottom > e.getBoundingClientRect().top + 1; })
          .map(e => e.outerHTML.slice(0, 100))"""
    )


@pytest.mark.parametrize("width", [1280, 360])
def test_umkm_page_and_visit_form_read_at_desktop_and_phone_width(server, page, width):
    """Issue 16: on the UMKM page and the visit form no control covers another, every field has
    a label above it, no table heading breaks a word, the progress chart has a legend with the
    owner's and the facilitator's series and alt text, and axe finds nothing critical or serious."""
    from tests.e2e.axe import assert_no_serious
    from tests.e2e.test_programme_app import BROKEN_WORDS, OVERLAPS, SHOTS

    _umkm_page(page, server, width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    tall = page.evaluate("() => document.querySelector('.bdk-app').scrollHeight") + 200
    page.set_viewport_size({"width": width, "height": tall})
    page.screenshot(path=str(SHOTS / f"facilitator-umkm-{width}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": 800})
    assert page.evaluate(OVERLAPS) == []
    assert _labels_above_fields(page) == []
    assert page.evaluate(BROKEN_WORDS, ".bdk-app th") == []
    chart = page.locator(".bdk-history-chart").first
    legend = chart.locator("svg .legends text").evaluate_all("els => els.map(e => e.textContent)")
    assert legend == [t("Owner's self-assessment", "id"), t("Verified by the facilitator", "id")]
    series = chart.locator("svg g.series").evaluate_all(
        "els => [...new Set(els.map(e => e.getAttribute('class').match(/serie-\\d+/)[0]))]"
    )
    assert sorted(series) == ["serie-0", "serie-1"]  # two separate lines, as the legend says
    assert "Kesiapan dari waktu ke waktu" in (
        chart.locator("svg").get_attribute("aria-label") or ""
    )
    assert chart.locator("table.bdk-history-table tbody tr").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_serious(page, where=f"facilitator UMKM page at {width} px")

    page.locator("button.bdk-new-visit").click()
    page.locator(".bdk-action-item-0 input").wait_for()
    assert page.evaluate(OVERLAPS) == []
    assert _labels_above_fields(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_serious(page, where=f"visit form at {width} px")


@pytest.mark.parametrize("width", [1280, 360])
def test_my_umkm_list_reads_at_desktop_and_phone_width(server, page, width):
    from tests.e2e.axe import assert_no_serious
    from tests.e2e.test_programme_app import BROKEN_WORDS, OVERLAPS

    page.set_viewport_size({"width": width, "height": 800})
    _sign_in(page, server["base"], "pendamping.a")
    _case(page, server["u1"].code).wait_for()
    assert page.evaluate(OVERLAPS) == []
    assert _labels_above_fields(page) == []
    assert page.evaluate(BROKEN_WORDS, ".bdk-case") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_serious(page, where=f"facilitator list at {width} px")
