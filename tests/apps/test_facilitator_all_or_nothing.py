"""The facilitator's visit and paper forms save all or nothing, and say so (issue 12, item 5).

A visit with its files and actions, and a paper checklist with its answers, submission and
verification, are each one service call in one transaction. On success the screen says what was
saved; when any part fails, it says that nothing was saved, nothing is in the database, and what
was typed is still in the form. Driven in plain pytest on a real (in-memory SQLite) store.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError

from berdikari.apps.facilitator import FacilitatorApp, FacilitatorState
from berdikari.apps.staff import StaffSession
from berdikari.checklists import load
from berdikari.store import open_store
from berdikari.store.assessments import AssessmentOps
from berdikari.store.auth import system_identity
from berdikari.store.casework import CaseworkOps
from berdikari.store.errors import Conflict
from berdikari.store.service import Service
from tests.apps.staff_helpers import all_html, click, one
from tests.apps.staff_seed import CPPOB, cheap_hashing, identity, seed  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 64
PDF = b"%PDF-1.4\n" + b"\x02" * 64
NOTHING_SAVED = "Tidak ada yang tersimpan. Isian Anda masih ada di formulir."


@pytest.fixture
def world():
    store = open_store("sqlite://")
    data = seed(store)
    yield store, data
    store.close()


def _upload(*files: tuple[str, bytes, str]) -> tuple:
    return tuple(
        {
            "name": name,
            "type": mime,
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime(2026, 1, 1, tzinfo=UTC),
        }
        for name, content, mime in files
    )


def _fill_visit(app, item_ids):
    one(app.root, "bdk-visit-met").value = "Ibu Sari"
    one(app.root, "bdk-visit-findings").value = "Lantai dapur retak"
    one(app.root, "bdk-visit-files").value = _upload(
        ("dapur.png", PNG, "image/png"),
        ("gudang.jpg", JPEG, "image/jpeg"),
        ("izin.pdf", PDF, "application/pdf"),
    )
    for n, item in enumerate(item_ids):
        one(app.root, f"bdk-action-item-{n}").value = item
        one(app.root, f"bdk-action-title-{n}").value = f"Tindakan uji {n + 1}"
        one(app.root, f"bdk-action-due-{n}").value = date.today() + timedelta(days=14)


def _saved(store, umkm_id):
    svc = Service(store, system_identity())
    return svc.visits(umkm_id), svc.evidence(umkm_id), svc.actions(umkm_id)


def _app(store) -> FacilitatorApp:
    return FacilitatorApp(session=StaffSession(store, identity(store, "pendamping.a")))


def test_a_visit_with_three_files_and_two_actions_is_saved_and_the_screen_says_what(world):
    store, d = world
    app = _app(store)
    app.go("visit", umkm_id=d["u3"].id)
    items = [i.id for i in load(CPPOB).items[:2]]
    _fill_visit(app, items)
    click(app.root, "bdk-visit-save")
    assert app.state.view == "umkm"
    assert "Kunjungan tersimpan dengan 2 tindakan dan 3 berkas." in all_html(app.root)
    [visit], evidence, actions = _saved(store, d["u3"].id)
    assert sorted(e.filename for e in evidence) == ["dapur.png", "gudang.jpg", "izin.pdf"]
    assert {e.visit_id for e in evidence} == {visit.id}
    assert sorted(a.item_id for a in actions) == sorted(items)


def test_a_failure_in_the_last_action_saves_nothing_and_keeps_the_form(world, monkeypatch):
    store, d = world
    app = _app(store)
    app.go("visit", umkm_id=d["u3"].id)
    _fill_visit(app, [i.id for i in load(CPPOB).items[:2]])
    real = CaseworkOps._insert_action
    calls = []

    def second_fails(self, s, umkm_id, checked):
        calls.append(checked["title"])
        if len(calls) == 2:  # the visit, its three files and the first action are in already
            raise OperationalError("INSERT INTO action_item", {}, Exception("disk I/O error"))
        return real(self, s, umkm_id, checked)

    monkeypatch.setattr(CaseworkOps, "_insert_action", second_fails)
    click(app.root, "bdk-visit-save")
    assert calls == ["Tindakan uji 1", "Tindakan uji 2"]
    status = app.body.children[-1].value
    assert "Nothing was saved" not in status  # the Indonesian UI says it in Indonesian
    assert NOTHING_SAVED in status
    assert "Ada yang tidak beres." in status and "disk I/O" not in status
    assert app.state.view == "visit"
    assert _saved(store, d["u3"].id) == ([], [], [])
    # what was typed is still there, so saving again needs no retyping
    assert one(app.root, "bdk-visit-findings").value == "Lantai dapur retak"
    assert len(one(app.root, "bdk-visit-files").value) == 3
    assert one(app.root, "bdk-action-title-1").value == "Tindakan uji 2"
    monkeypatch.setattr(CaseworkOps, "_insert_action", real)
    click(app.root, "bdk-visit-save")
    visits, evidence, actions = _saved(store, d["u3"].id)
    assert (len(visits), len(evidence), len(actions)) == (1, 3, 2)


def test_a_second_click_after_saving_does_not_save_the_visit_twice(world):
    store, d = world
    app = _app(store)
    app.go("visit", umkm_id=d["u3"].id)
    _fill_visit(app, [])
    save = one(app.root, "bdk-visit-save")
    save.click()
    save.click()  # the old form's button, clicked again before the page changed
    visits, evidence, _ = _saved(store, d["u3"].id)
    assert (len(visits), len(evidence)) == (1, 3)


def test_the_english_ui_says_nothing_was_saved_in_english(world, monkeypatch):
    store, d = world
    app = FacilitatorApp(
        FacilitatorState(lang="en"), session=StaffSession(store, identity(store, "pendamping.a"))
    )
    app.go("visit", umkm_id=d["u3"].id)
    _fill_visit(app, [])

    def broken(*_a, **_k):
        raise Conflict("another visit was saved at the same moment")

    monkeypatch.setattr("berdikari.store.casework.insert_evidence", broken)
    click(app.root, "bdk-visit-save")
    assert "Nothing was saved. What you typed is still in the form." in app.body.children[-1].value
    assert _saved(store, d["u3"].id) == ([], [], [])


def test_a_paper_checklist_that_fails_at_verification_leaves_no_submitted_copy(world, monkeypatch):
    store, d = world
    app = _app(store)
    app.go("paper", umkm_id=d["u3"].id)
    c = load(CPPOB)
    one(app.root, "bdk-paper-checklist").value = CPPOB
    typed = "y" * (len(c.items) - 1) + "t"
    one(app.root, "bdk-paper-input").value = typed

    def refuse(*_a, **_k):
        raise Conflict("a colliding write")

    real = AssessmentOps._verify
    monkeypatch.setattr(AssessmentOps, "_verify", refuse)
    click(app.root, "bdk-paper-save")
    assert NOTHING_SAVED in app.body.children[-1].value
    assert app.state.view == "paper"
    assert one(app.root, "bdk-paper-input").value == typed
    assert Service(store, system_identity()).assessments(d["u3"].id) == []
    monkeypatch.setattr(AssessmentOps, "_verify", real)
    click(app.root, "bdk-paper-save")
    assert f"Daftar periksa kertas tersimpan ({len(c.items)} jawaban)." in all_html(app.root)
    done = Service(store, system_identity()).assessments(d["u3"].id)
    assert [a.status for a in done] == ["verified", "verified"]


def test_a_verification_that_fails_says_nothing_was_saved(world, monkeypatch):
    store, d = world
    app = _app(store)
    app.go("umkm", umkm_id=d["u1"].id)
    click(app.root, f"bdk-verify-{d['submitted']}")
    real = AssessmentOps._verify

    def refuse(*_a, **_k):
        raise OperationalError("INSERT INTO answer", {}, Exception("disk I/O error"))

    monkeypatch.setattr(AssessmentOps, "_verify", refuse)
    click(app.root, "bdk-verify-save")
    assert NOTHING_SAVED in app.body.children[-1].value and app.state.view == "verify"
    svc = Service(store, system_identity())
    assert [a.status for a in svc.assessments(d["u1"].id)] == ["submitted"]
    monkeypatch.setattr(AssessmentOps, "_verify", real)
    click(app.root, "bdk-verify-save")
    assert app.state.view == "umkm"
    assert [a.status for a in svc.assessments(d["u1"].id)] == ["verified", "verified"]
