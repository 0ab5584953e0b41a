"""The facilitator app in Debian's headless Chromium against a real ``berdikari serve``.

Facilitator A signs in and sees only A's UMKM, verifies a submitted self-assessment, records a
visit with an action item (checked in the database). Text the owner typed with HTML and script in
it shows as text (no dialog opens, no tag is rendered).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from berdikari.checklists import load
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

    # record a visit with one action for a checklist item
    item = load(CPPOB).items[4].id
    due = (date.today() + timedelta(days=14)).isoformat()
    page.locator("button.bdk-new-visit").click()
    page.locator(".bdk-visit-met input").fill("Ibu Sari <pemilik>")
    page.locator(".bdk-visit-findings textarea").fill("Tempat cuci tangan belum ada.")
    page.locator(".bdk-action-item-0 input").fill(item)
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
