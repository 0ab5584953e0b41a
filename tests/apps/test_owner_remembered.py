"""The owner app with "stay signed in": the kernel reads the page request's cookie and resumes
a remembered owner only when the store confirms the token (real SQLite store, no browser)."""

from __future__ import annotations

import json
import re
import threading
from html import unescape

import pytest

from berdikari import owner_sessions
from berdikari.apps import page_request
from berdikari.apps import session as session_module
from berdikari.apps.owner import OwnerApp, OwnerState, app
from berdikari.apps.session import sign_in
from berdikari.checklists import load

CPPOB = "cppob-irtp"


@pytest.fixture(autouse=True)
def clean_env(tmp_path, monkeypatch):
    monkeypatch.setenv("BERDIKARI_SECRET_KEY", "test-key-" + "q" * 40)
    for name in (
        "HTTP_COOKIE",
        "QUERY_STRING",
        "VOILA_PREHEAT",
        "VOILA_KERNEL_ID",
        "VOILA_BASE_URL",
    ):
        # set, then delete: monkeypatch then restores the variable's absence after the test, even
        # when wait_for_request wrote it into os.environ
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.fixture
def store(tmp_path, monkeypatch):
    from berdikari.store import open_store

    s = open_store(f"sqlite:///{tmp_path / 'owner.db'}")
    monkeypatch.setattr(session_module, "_STORE", s)  # the kernel's default store
    yield s
    s.engine.dispose()


@pytest.fixture
def owner(store):
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    admin = Service(store, system_identity())
    umkm, pin = admin.add_umkm(
        name="Amplang <Sari>",
        owner_name="Ibu Sari",
        regency="Kota Palangka Raya",
        categories=["pangan-olahan"],
    )
    return {"umkm": umkm, "pin": pin, "admin": admin}


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _walk(child)


def _find(app_, cls):
    return [x for x in _walk(app_.root) if cls in getattr(x, "_dom_classes", ())]


def _grant_in(html: str) -> str | None:
    found = re.search(r'data-grant="([^"]+)"', html)
    return unescape(found.group(1)) if found else None


def _cookie_for(store, owner) -> str:
    """What the browser holds after the page traded its grant."""
    signed = sign_in(owner["umkm"].code, owner["pin"], store=store)
    return owner_sessions.session_from_grant(signed.remember_grant())


def test_sign_in_with_stay_ticked_puts_a_grant_for_this_owner_into_the_page(store, owner):
    app_ = OwnerApp(OwnerState(view="signin"))
    _find(app_, "bdk-code")[0].value = owner["umkm"].code
    _find(app_, "bdk-pin")[0].value = owner["pin"]
    assert _find(app_, "bdk-stay-choice")[0].value is True  # ticked unless the owner unticks it
    _find(app_, "bdk-signin")[0].click()
    assert app_.session.signed_in
    grant = _grant_in(app_.stay.value)
    assert grant is not None and 'data-url="/masuk/sesi"' in app_.stay.value
    assert "30 hari" in app_.stay.value and "Keluar" in app_.stay.value
    token = owner_sessions.session_from_grant(grant)
    assert owner_sessions.verify(store, token).umkm_id == owner["umkm"].id
    assert owner["pin"] not in app_.stay.value
    # the message shows on the first screen after sign-in; the grant stays when the owner moves on
    app_.go("start")
    assert _grant_in(app_.stay.value) == grant and "30 hari" not in app_.stay.value


def test_sign_in_with_stay_unticked_puts_nothing_into_the_page(store, owner):
    app_ = OwnerApp(OwnerState(view="signin"))
    _find(app_, "bdk-code")[0].value = owner["umkm"].code
    _find(app_, "bdk-pin")[0].value = owner["pin"]
    _find(app_, "bdk-stay-choice")[0].value = False
    _find(app_, "bdk-signin")[0].click()
    assert app_.session.signed_in and app_.stay.value == ""


def test_a_valid_cookie_resumes_where_the_owner_was_and_renews_itself(store, owner):
    c = load(CPPOB)
    saver = sign_in(owner["umkm"].code, owner["pin"], store=store)
    for item in c.sections[0].items + c.sections[1].items[:1]:
        saver.save_answer(CPPOB, item.id, "yes", None)
    token = _cookie_for(store, owner)

    app_ = OwnerApp(OwnerState())
    assert app_.resume_remembered(token) is True
    assert app_.session.signed_in and app_.session.umkm_id == owner["umkm"].id
    assert app_.state.view == "section" and app_.state.section_id == c.sections[1].id
    assert app_.questions[c.sections[1].items[0].id].choices.value == "yes"
    assert "Amplang &lt;Sari&gt;" in app_.saved.value
    assert 'href="/keluar"' in app_.sign_out.value
    # a quiet renewal: a fresh grant, no message
    assert _grant_in(app_.stay.value) is not None and "bdk-stay-ok" not in app_.stay.value
    # every save still goes through the service with the identity the store confirmed
    box = app_.questions[c.sections[1].items[1].id]
    box.choices.value = "no"
    assert "Tersimpan" in box.status.value
    assert saver.open_checklist(CPPOB).answers[c.sections[1].items[1].id] == "no"


def test_a_cookie_that_no_longer_holds_opens_the_sign_in_page(store, owner):
    token = _cookie_for(store, owner)
    owner["admin"].reset_owner_pin(owner["umkm"].id)
    for bad in (token, token[:-3] + "AAA", "rubbish"):
        app_ = OwnerApp(OwnerState())
        assert app_.resume_remembered(bad) is False
        assert not app_.session.signed_in
        assert app_.state.view == "signin"
        assert _find(app_, "bdk-pin")  # the normal sign-in form
        assert app_.stay.value == "" and app_.sign_out.value == ""


def test_no_cookie_keeps_the_welcome_page(store):
    app_ = OwnerApp(OwnerState())
    assert app_.resume_remembered(None) is False
    assert app_.state.view == "welcome" and not app_.session.signed_in


def test_app_reads_the_cookie_from_the_page_request(store, owner, monkeypatch):
    token = _cookie_for(store, owner)
    monkeypatch.setenv("HTTP_COOKIE", f"_xsrf=2|ab|cd|1; {owner_sessions.COOKIE_NAME}={token}")
    root = app()
    shown = " ".join(getattr(x, "value", "") or "" for x in _walk(root) if hasattr(x, "value"))
    assert "Amplang &lt;Sari&gt;" in shown
    monkeypatch.setenv("HTTP_COOKIE", "_xsrf=2|ab|cd|1")
    root = app()
    assert not any("bdk-pin" in getattr(x, "_dom_classes", ()) for x in _walk(root))


def test_cookie_parsing_and_base_url(monkeypatch):
    assert page_request.cookie("bdk_owner") is None
    monkeypatch.setenv("HTTP_COOKIE", 'a=1; bdk_owner=abc.def; b="x y"')
    assert page_request.cookie("bdk_owner") == "abc.def"
    assert page_request.cookie("missing") is None
    assert page_request.base_url() == "/"
    monkeypatch.setenv("VOILA_BASE_URL", "/prefix")
    assert page_request.base_url() == "/prefix/"


def test_outside_a_preheated_kernel_nothing_waits(monkeypatch):
    assert page_request.query_url() is None
    assert page_request.wait_for_request() is False
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k")
    assert page_request.wait_for_request() is False


def test_a_preheated_kernel_gets_the_request_info_from_voilas_websocket(monkeypatch):
    """Voila's protocol: the kernel opens /voila/query/<kernel id>; one JSON message follows."""
    from websockets.sync.server import serve

    seen = []

    def handler(ws):
        seen.append(ws.request.path)
        ws.send(json.dumps({"HTTP_COOKIE": "bdk_owner=t.s", "QUERY_STRING": ""}))

    with serve(handler, "127.0.0.1", 0) as server:
        port = server.socket.getsockname()[1]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        monkeypatch.setenv("VOILA_PREHEAT", "True")
        monkeypatch.setenv("VOILA_KERNEL_ID", "1234-abcd")
        monkeypatch.setenv("VOILA_APP_PORT", str(port))
        monkeypatch.setenv("VOILA_SERVER_URL", "/")
        monkeypatch.setenv("HTTP_COOKIE", "bdk_owner=inherited.from-the-server")
        assert page_request.wait_for_request() is True
        server.shutdown()
    assert seen == ["/voila/query/1234-abcd"]
    assert page_request.cookie("bdk_owner") == "t.s"


def test_an_unreachable_voila_means_no_cookie_not_a_broken_page(monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "1234-abcd")
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    assert page_request.wait_for_request() is False
    assert session_module.remembered_token() is None


def test_a_request_without_cookies_leaves_no_inherited_cookie(monkeypatch):
    from websockets.sync.server import serve

    def handler(ws):
        ws.send(json.dumps({"QUERY_STRING": ""}))  # Voila sends HTTP_COOKIE only if sent to it

    with serve(handler, "127.0.0.1", 0) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        monkeypatch.setenv("VOILA_PREHEAT", "True")
        monkeypatch.setenv("VOILA_KERNEL_ID", "k")
        monkeypatch.setenv("VOILA_APP_PORT", str(server.socket.getsockname()[1]))
        monkeypatch.setenv("HTTP_COOKIE", "bdk_owner=inherited.from-the-server")
        assert page_request.wait_for_request() is True
        server.shutdown()
    assert page_request.cookie("bdk_owner") is None
