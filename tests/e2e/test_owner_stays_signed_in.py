"""A signed-in owner stays signed in on their phone: Debian's Chromium against a real
``berdikari serve`` (preheated kernels, temporary SQLite database).

Sign in with "Tetap masuk di ponsel ini" ticked, answer, reload: the answers are back without the
PIN. The cookie is HttpOnly, SameSite=Lax and limited to the owner app's path. A forged cookie or
no cookie shows the normal pages. "Keluar" forgets the cookie: a reload shows the welcome page.
"""

from __future__ import annotations

import pytest

from berdikari import owner_sessions
from berdikari.checklists import load
from tests.e2e.conftest import external_requests
from tests.e2e.owner_helpers import APP
from tests.e2e.server_fixture import running_server
from tests.e2e.test_owner_app import ANSWER_LABELS, CPPOB, _answer, _choose_cppob, _item


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from berdikari.store import open_store
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    tmp = tmp_path_factory.mktemp("stay")
    url = f"sqlite:///{tmp / 'berdikari.db'}"
    store = open_store(url)
    umkm, pin = Service(store, system_identity()).add_umkm(
        name="Keripik <Maju> Jaya",
        owner_name="Ibu Sari",
        regency="Kota Palangka Raya",
        categories=["pangan-olahan"],
    )
    store.engine.dispose()
    with running_server(tmp, url) as base:
        yield {"base": base, "code": umkm.code, "pin": pin, "tmp": tmp}


def _wait_for_app(page) -> None:
    page.locator(".bdk-app").wait_for(timeout=90_000)


def _owner_cookie(page):
    return [c for c in page.context.cookies() if c["name"] == owner_sessions.COOKIE_NAME]


def test_owner_stays_signed_in_across_reloads_until_keluar(server, page):
    checklist = load(CPPOB)
    section_a, section_b = checklist.sections[0], checklist.sections[1]
    answered = section_a.items + section_b.items[:2]  # B keeps an open question
    given = {item.id: v for item, v in zip(answered, ["yes", "no", "partial"], strict=True)}

    page.goto(server["base"] + APP)
    _wait_for_app(page)
    page.locator("button.bdk-start-signin").click()
    page.locator(".bdk-code input").fill(server["code"])
    page.locator(".bdk-pin input").fill(server["pin"])
    stay = page.locator(".bdk-stay-choice input[type=checkbox]")
    assert stay.is_checked()  # ticked unless the owner unticks it on a shared phone
    page.locator("button.bdk-signin").click()
    page.get_by_text("Keripik <Maju> Jaya", exact=False).wait_for()
    # the page traded its grant for the cookie and says so
    page.locator('.bdk-stay[data-state="ok"] .bdk-stay-ok').wait_for()
    assert page.locator(".bdk-stay-ok").is_visible()
    assert not page.locator(".bdk-stay-failed").is_visible()
    cookies = _owner_cookie(page)
    assert len(cookies) == 1
    cookie = cookies[0]
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert cookie["path"] == APP
    assert page.evaluate("document.cookie").find(owner_sessions.COOKIE_NAME) == -1  # HttpOnly

    _choose_cppob(page)
    page.locator(f"button.bdk-open-{section_a.id.lower()}").click()
    for item in answered:
        if item is section_b.items[0]:
            page.locator("button.bdk-next").click()
        _item(page, item.id).wait_for()
        _answer(page, item.id, given[item.id])
        _item(page, item.id).locator(".bdk-saved").wait_for()

    # reload: back in section B (its open question) with the answers, no code or PIN typed
    page.reload()
    _wait_for_app(page)
    _item(page, section_b.items[2].id).wait_for()
    assert _item(page, section_b.items[2].id).locator("button.mod-active").count() == 0
    for item in section_b.items[:2]:
        active = _item(page, item.id).locator("button.mod-active")
        assert active.inner_text().strip() == ANSWER_LABELS[given[item.id]]
    page.locator("button", has_text="Kembali ke daftar tugas").click()
    page.locator(f"button.bdk-open-{section_a.id.lower()}").click()
    active = _item(page, section_a.items[0].id).locator("button.mod-active")
    assert active.inner_text().strip() == ANSWER_LABELS[given[section_a.items[0].id]]
    assert page.locator(".bdk-pin").count() == 0
    assert page.locator("button.bdk-start-signin").count() == 0
    page.get_by_text("Keripik <Maju> Jaya", exact=False).wait_for()
    # the cookie was renewed quietly: still there, no message this time
    page.locator('.bdk-stay[data-state="ok"]').wait_for(state="attached")
    assert page.locator(".bdk-stay-ok").count() == 0
    assert len(_owner_cookie(page)) == 1

    # Keluar forgets the cookie; the fresh page is the welcome page, and stays so after a reload
    page.locator("a.bdk-signout-link").click()
    page.locator("button.bdk-start-anon").wait_for(timeout=90_000)
    assert _owner_cookie(page) == []
    assert page.get_by_text("Keripik <Maju> Jaya", exact=False).count() == 0
    page.reload()
    page.locator("button.bdk-start-anon").wait_for(timeout=90_000)
    assert page.locator("button.bdk-start-signin").is_visible()
    assert external_requests(page) == []


def test_a_forged_cookie_opens_the_sign_in_page(server, browser_context_factory):
    ctx = browser_context_factory(viewport={"width": 360, "height": 740}, locale="id-ID")
    forged = owner_sessions.make_token(1, "fingerprint", "session", 3600, key=b"k" * 48)
    host = server["base"].split("//")[1].split(":")[0]
    ctx.add_cookies(
        [{"name": owner_sessions.COOKIE_NAME, "value": forged, "domain": host, "path": APP}]
    )
    page = ctx.new_page()
    page.goto(server["base"] + APP)
    _wait_for_app(page)
    page.locator(".bdk-pin input").wait_for()
    page.get_by_text("tidak lagi membuat Anda tetap masuk", exact=False).wait_for()
    assert page.get_by_text("Keripik <Maju> Jaya", exact=False).count() == 0
    assert page.locator("a.bdk-signout-link").count() == 0
    page.close()


def test_unticked_the_phone_does_not_remember(server, page):
    page.goto(server["base"] + APP)
    _wait_for_app(page)
    page.locator("button.bdk-start-signin").click()
    page.locator(".bdk-code input").fill(server["code"])
    page.locator(".bdk-pin input").fill(server["pin"])
    page.locator(".bdk-stay-choice input[type=checkbox]").uncheck()
    page.locator("button.bdk-signin").click()
    page.get_by_text("Keripik <Maju> Jaya", exact=False).wait_for()
    assert page.locator(".bdk-stay").count() == 0
    assert _owner_cookie(page) == []
    page.reload()
    page.locator("button.bdk-start-signin").wait_for(timeout=90_000)
    assert _owner_cookie(page) == []
