"""A new PIN for an owner, in Debian's headless Chromium against a real ``berdikari serve``.

The owner of UMKM 1 signs in on a phone (the owner web app, ``/penilaian/``) and stays signed in,
then locks the sign-in with wrong PINs. Facilitator A sees the lock on the UMKM's PIN card, asks for a new PIN, confirms, and reads
it once. The lock is gone, the old PIN no longer signs in, the phone that stayed signed in is
signed out, and the new PIN signs in in the owner app. A's list holds no UMKM of facilitator B,
so there is nothing of B's to reset (the service refuses it too: tests/store/test_access.py).
"""

from __future__ import annotations

import re

import pytest

from berdikari.store import open_store
from berdikari.store.auth import sign_in_owner, system_identity
from berdikari.store.errors import AuthError
from berdikari.store.service import Service
from berdikari.web.sessions import OWNER_COOKIE
from tests.apps.staff_seed import PASSWORD
from tests.e2e.conftest import external_requests
from tests.e2e.server_fixture import staff_programme
from tests.e2e.staff_helpers import sign_in_staff

APP = "/voila/render/pendamping.ipynb"
OWNER_APP = "/penilaian/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with staff_programme(tmp_path_factory.mktemp("pin")) as s:
        yield s


def _owner_signs_in(page, base: str, code: str, pin: str) -> None:
    page.goto(base + OWNER_APP + "masuk")
    page.locator(".bdk-code input").fill(code)
    page.locator(".bdk-pin input").fill(pin)
    assert page.locator(".bdk-stay-choice input[type=checkbox]").is_checked()
    with page.expect_navigation():
        page.locator("button.bdk-signin").click()
    assert "/masuk" not in page.url, page.inner_text("body")[:500]


def _owner_cookie(page) -> list:
    return [c for c in page.context.cookies() if c["name"] == OWNER_COOKIE]


def test_facilitator_makes_a_new_pin_that_lifts_the_lock_and_ends_the_old_one(
    server, page, browser_context_factory
):
    base, u1, u2 = server["base"], server["u1"], server["u2"]
    old = server["pin1"]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # the owner signs in on a phone and stays signed in
    ctx = browser_context_factory(viewport={"width": 360, "height": 740}, locale="id-ID")
    phone = ctx.new_page()
    _owner_signs_in(phone, base, u1.code, old)
    assert len(_owner_cookie(phone)) == 1

    # then (someone on the owner's behalf) types wrong PINs until the sign-in locks
    store = open_store(server["url"])  # the default policy: locked after 5 wrong PINs
    try:
        wrong = "000000" if old != "000000" else "111111"
        for _ in range(5):
            with pytest.raises(AuthError):
                sign_in_owner(store, u1.code, wrong)
        with pytest.raises(AuthError) as e:
            sign_in_owner(store, u1.code, old)
        assert e.value.key == "locked"

        # facilitator A: only A's UMKM are listed, so B's UMKM has no PIN button anywhere
        sign_in_staff(page, base, "pendamping.a", PASSWORD, APP)
        case = page.locator(f'[class~="bdk-case-{u1.code.lower()}"]')
        case.wait_for()
        assert page.locator(f'[class~="bdk-case-{u2.code.lower()}"]').count() == 0
        assert page.locator("button.bdk-new-pin").count() == 0

        # A opens UMKM 1: the card says the owner is locked out
        case.locator("button.bdk-open-case").click()
        card = page.locator(".bdk-pin-card")
        card.locator(".bdk-pin-locked").wait_for()
        assert "Masuk terkunci" in card.inner_text() and "WIB" in card.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # the first button only asks; nothing changes until A confirms
        card.locator("button.bdk-new-pin").click()
        card.locator("button.bdk-new-pin-confirm").wait_for()
        assert "PIN lama langsung tidak berlaku" in card.inner_text()
        with pytest.raises(AuthError) as e:
            sign_in_owner(store, u1.code, old)
        assert e.value.key == "locked"
        card.locator("button.bdk-new-pin-confirm").click()
        shown = card.locator(".bdk-new-pin-value")
        shown.wait_for()
        pin = shown.inner_text().strip()
        assert re.fullmatch(r"[0-9]{6}", pin), pin
        text = card.inner_text()
        assert "tidak ditampilkan lagi" in text and "Pemilik bisa masuk" in text
        assert card.locator(".bdk-pin-locked").count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # the old PIN no longer signs in; the lock is gone (the next right PIN would pass)
        if pin != old:
            with pytest.raises(AuthError) as e:
                sign_in_owner(store, u1.code, old)
            assert e.value.key == "bad-credentials"
        # done as the signed-in facilitator, whatever the page sent
        log = Service(store, system_identity()).audit_log(u1.id)
        resets = [r for r in log if r["action"] == "pin-reset"]
        assert [(r["actor_role"], r["actor_name"]) for r in resets] == [
            ("facilitator", "Pendamping Ani")
        ]
    finally:
        store.close()

    # the phone that stayed signed in is signed out (its cookie names no session any more);
    # the new PIN signs in in the owner app
    phone.goto(base + OWNER_APP)
    assert phone.url == base + OWNER_APP  # the welcome page: a signed-in owner goes on to /mulai
    phone.locator(".bdk-start-signin").wait_for()
    _owner_signs_in(phone, base, u1.code, pin)
    assert phone.url.startswith(base + OWNER_APP)
    phone.goto(base + OWNER_APP)
    assert phone.url != base + OWNER_APP  # signed in: the welcome page sends them on
    assert len(_owner_cookie(phone)) == 1

    # "Selesai" drops the PIN from the facilitator's page
    page.locator("button.bdk-new-pin-done").click()
    page.locator("button.bdk-new-pin").wait_for()
    assert page.locator(".bdk-new-pin-value").count() == 0
    assert pin not in page.locator(".bdk-app").inner_text()
    assert dialogs == []
    assert external_requests(page) == []
