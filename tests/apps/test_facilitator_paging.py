"""The facilitator's list shows one page of the caseload at a time (50 UMKM), with page controls,
so that a caseload of hundreds renders as fast as one of fifty."""

from __future__ import annotations

import pytest

from berdikari.apps.facilitator import PAGE_SIZE, FacilitatorApp
from berdikari.apps.staff import StaffSession
from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from tests.apps.staff_helpers import all_html, click, find
from tests.apps.staff_seed import cheap_hashing, identity, seed  # noqa: F401


@pytest.fixture
def store():
    store = open_store("sqlite://")
    seed(store)
    yield store
    store.close()


def test_a_long_caseload_is_shown_a_page_at_a_time(store):
    adm = Service(store, system_identity())
    me = identity(store, "pendamping.a")
    for n in range(PAGE_SIZE + 5):
        u, _pin = adm.add_umkm(f"Usaha Halaman {n}", "Ibu", "Kapuas", ["pangan-olahan"])
        adm.assign(u.id, me.user_id)
    total = len(Service(store, me).my_umkm())
    app = FacilitatorApp(session=StaffSession(store, me))
    first = {c._dom_classes[-1] for c in find(app.root, "bdk-case")}
    assert len(first) == PAGE_SIZE and "Halaman 1 dari 2" in all_html(app.root)
    assert not find(app.root, "bdk-prev")
    click(app.root, "bdk-next")
    second = {c._dom_classes[-1] for c in find(app.root, "bdk-case")}
    assert len(second) == total - PAGE_SIZE and not first & second
    assert "Halaman 2 dari 2" in all_html(app.root) and not find(app.root, "bdk-next")
    click(app.root, "bdk-prev")
    assert {c._dom_classes[-1] for c in find(app.root, "bdk-case")} == first
