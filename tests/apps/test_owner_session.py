"""The owner app's sessions against a real SQLite store: sign-in, durable saves, resume, rights."""

from __future__ import annotations

import pytest

from berdikari.apps import widgets as ui
from berdikari.apps.owner import OwnerApp, OwnerState
from berdikari.apps.session import AnonymousSession, sign_in
from berdikari.checklists import load

CPPOB = "cppob-irtp"


@pytest.fixture
def store(tmp_path):
    from berdikari.store import open_store

    s = open_store(f"sqlite:///{tmp_path / 'owner.db'}")
    yield s
    s.engine.dispose()


@pytest.fixture
def owners(store):
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    admin = Service(store, system_identity())
    a, pin_a = admin.add_umkm(
        name="Amplang <Sari>",
        owner_name="Ibu Sari",
        regency="Kota Palangka Raya",
        categories=["pangan-olahan"],
    )
    b, pin_b = admin.add_umkm(
        name="Jamu Lain",
        owner_name="Pak Budi",
        regency="Kota Palangka Raya",
        categories=["obat-tradisional"],
    )
    return {"a": (a, pin_a), "b": (b, pin_b)}


def test_sign_in_gives_name_category_and_saves_durably(store, owners):
    umkm, pin = owners["a"]
    session = sign_in(umkm.code, pin, store=store)
    assert session.signed_in and session.display_name == "Amplang <Sari>"
    assert session.category == "pangan-olahan"
    item = load(CPPOB).items[0]
    assert session.save_answer(CPPOB, item.id, "partial", "lantai retak") is True
    again = sign_in(umkm.code.lower(), pin, store=store)
    loaded = again.open_checklist(CPPOB)
    assert loaded.answers == {item.id: "partial"}
    assert loaded.notes == {item.id: "lantai retak"}
    assert loaded.last_item == item.id
    assert again.latest_draft() == CPPOB


def test_wrong_pin_raises_auth_error_and_keeps_nothing(store, owners):
    from berdikari.store.errors import AuthError

    umkm, pin = owners["a"]
    wrong = "000000" if pin != "000000" else "111111"
    with pytest.raises(AuthError) as err:
        sign_in(umkm.code, wrong, store=store)
    assert err.value.key == "bad-credentials"
    with pytest.raises(AuthError) as err:
        sign_in(umkm.code, "12", store=store)
    assert err.value.key == "bad-format"


def test_a_session_reaches_only_its_own_umkm(store, owners):
    from berdikari.store.errors import AccessDenied

    umkm_a, pin_a = owners["a"]
    umkm_b, _ = owners["b"]
    session = sign_in(umkm_a.code, pin_a, store=store)
    session.umkm_id = umkm_b.id  # even if the kernel's state were changed, the service refuses
    with pytest.raises(AccessDenied):
        session.open_checklist(CPPOB)


def test_signed_in_app_resumes_at_the_section_after_the_last_answer(store, owners):
    umkm, pin = owners["a"]
    c = load(CPPOB)
    session = sign_in(umkm.code, pin, store=store)
    for item in c.sections[0].items + c.sections[1].items[:1]:
        session.save_answer(CPPOB, item.id, "yes", None)
    app = OwnerApp(OwnerState(), session=sign_in(umkm.code, pin, store=store))
    app.resume()
    assert app.state.view == "section"
    assert app.state.section_id == c.sections[1].id
    box = app.questions[c.sections[1].items[0].id]
    assert box.choices.value == "yes"
    # a new answer is saved and confirmed
    box2 = app.questions[c.sections[1].items[1].id]
    box2.choices.value = "no"
    assert "Tersimpan" in box2.status.value
    assert (
        sign_in(umkm.code, pin, store=store)
        .open_checklist(CPPOB)
        .answers[c.sections[1].items[1].id]
        == "no"
    )
    assert ui.item_class(c.sections[1].items[1].id) in box2._dom_classes


def test_anonymous_session_stores_nothing():
    s = AnonymousSession()
    assert s.open_checklist(CPPOB).answers == {}
    assert s.save_answer(CPPOB, load(CPPOB).items[0].id, "yes", None) is False
    assert s.latest_draft() is None
