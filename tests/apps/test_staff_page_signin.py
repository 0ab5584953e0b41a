"""The staff apps' kernel side of signing in on the web page (no kernel, no browser).

The kernel reads the ``bdk_staff`` cookie of the page request it serves (``HTTP_COOKIE``, as Voila
hands it over), checks it in the store and opens at the first screen; in a Voila kernel without a
valid cookie it shows a link to ``/masuk/staf`` and never the in-app form, which stays only for
kernels that serve no page (JupyterLab, nbval).
"""

from __future__ import annotations

import pytest

from berdikari.apps import staff
from berdikari.apps.facilitator import FacilitatorApp, FacilitatorState
from berdikari.apps.programme import ProgrammeApp, ProgrammeState
from berdikari.store import open_store
from berdikari.store import sessions as store_sessions
from tests.apps.staff_helpers import all_html, find
from tests.apps.staff_seed import cheap_hashing, identity, seed  # noqa: F401


@pytest.fixture
def world(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    data = seed(store)
    yield {"store": store, **data}
    store.close()


@pytest.fixture
def page_request(monkeypatch):
    """Pretend to be a non-preheated Voila kernel whose request carried ``cookies``."""

    def set_cookies(**cookies):
        monkeypatch.setenv("VOILA_PREHEAT", "False")
        monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
        monkeypatch.setenv("HTTP_COOKIE", "; ".join(f"{k}={v}" for k, v in cookies.items()))

    monkeypatch.delenv("HTTP_COOKIE", raising=False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    return set_cookies


def token(store, username: str) -> str:
    return store_sessions.create_session(store, identity(store, username))


def test_a_valid_cookie_opens_the_facilitator_app_at_the_caseload(world, page_request):
    store = world["store"]
    page_request(bdk_staff=token(store, "pendamping.a"), _xsrf="2|ab|cd|1")
    page = staff.from_page_request(store)
    assert page.served and page.session is not None and page.session.role == "facilitator"
    app = FacilitatorApp(FacilitatorState(view="opening"))
    app.open_from_page(page)
    assert app.state.view == "list"
    assert find(app.root, f"bdk-case-{world['u1'].code.lower()}")
    assert not find(app.root, "bdk-staff-user")
    # sign-out: a form posting the page's XSRF token to the server
    header = app.header.value
    assert 'action="/masuk/staf/keluar"' in header and 'value="2|ab|cd|1"' in header


@pytest.mark.parametrize("cookie", [None, "forged-token", "signed-out"])
def test_in_a_voila_kernel_without_a_valid_cookie_there_is_no_form_and_no_data(
    world, page_request, cookie
):
    store = world["store"]
    if cookie == "signed-out":
        cookie = token(store, "pendamping.a")
        assert store_sessions.delete_session(store, cookie)
    page_request(**({"bdk_staff": cookie} if cookie else {}))
    page = staff.from_page_request(store)
    assert page.served and page.session is None
    app = FacilitatorApp(FacilitatorState(view="opening"))
    app.open_from_page(page)
    assert not find(app.root, "bdk-staff-user") and not find(app.root, "bdk-staff-password")
    text = all_html(app.root)
    assert "/masuk/staf?next=%2Fvoila%2Frender%2Fpendamping.ipynb" in text
    assert world["u1"].code not in text


def test_the_wrong_role_in_the_kernel_is_told_and_sees_no_figures(world, page_request):
    store = world["store"]
    page_request(bdk_staff=token(store, "pendamping.a"))
    app = ProgrammeApp(ProgrammeState(view="opening"))
    app.open_from_page(staff.from_page_request(store))
    assert app.session is None
    text = all_html(app.root)
    assert "untuk pengelola program" in text and "bdk-kpis" not in text
    assert "/masuk/staf?next=%2Fvoila%2Frender%2Fprogram.ipynb" in text


def test_a_manager_cookie_opens_the_programme_overview(world, page_request):
    store = world["store"]
    page_request(bdk_staff=token(store, "manajer"))
    app = ProgrammeApp(ProgrammeState(view="opening"))
    app.open_from_page(staff.from_page_request(store))
    assert app.state.view == "overview" and "bdk-kpis" in all_html(app.root)
    # no _xsrf cookie in the request: sign-out is a link to the sign-in page (it has the button)
    assert 'href="/masuk/staf"' in app.header.value and "<form" not in app.header.value


def test_without_a_page_request_the_in_app_form_stays(world, page_request):
    page = staff.from_page_request(world["store"])
    assert not page.served and page.session is None
    app = FacilitatorApp(FacilitatorState(view="opening"), store=world["store"])
    app.open_from_page(page)
    assert find(app.root, "bdk-staff-user") and find(app.root, "bdk-staff-signin")


def test_signing_out_elsewhere_ends_the_open_app_too(world, page_request, monkeypatch):
    """The app was opened with a web session; once that session is gone (a sign-out in another
    tab), the next screen is the sign-in link and the service refuses, so nothing more is read."""
    store = world["store"]
    cookie = token(store, "pendamping.a")
    page_request(bdk_staff=cookie, _xsrf="2|ab|cd|1")
    app = FacilitatorApp(FacilitatorState(view="opening"))
    app.open_from_page(staff.from_page_request(store))
    assert app.state.view == "list"
    session = app.session
    assert store_sessions.delete_session(store, cookie)
    monkeypatch.setattr(staff, "RECHECK_SECONDS", 0.0)  # the next check asks the store
    with pytest.raises(Exception) as refused:
        session.service()
    assert getattr(refused.value, "key", "") == "session-ended"
    app.go("list")
    assert app.session is None
    text = all_html(app.root)
    assert "Sesi Anda sudah berakhir" in text and world["u1"].code not in text
    assert "/masuk/staf?next=" in text and 'action="/masuk/staf/keluar"' not in text


def test_an_in_app_sign_in_has_no_web_session_to_check(world):
    session = staff.StaffSession(world["store"], identity(world["store"], "manajer"))
    assert session.still_signed_in() and session.service() is not None
