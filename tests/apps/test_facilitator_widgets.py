"""The facilitator app built and driven in plain pytest on a real (in-memory SQLite) store."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from berdikari.apps import mentoring
from berdikari.apps.facilitator import FacilitatorApp
from berdikari.apps.staff import StaffSession
from berdikari.checklists import load
from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from tests.apps.staff_helpers import all_html, click, find, one
from tests.apps.staff_seed import CPPOB, EVIL_NAME, EVIL_NOTE, cheap_hashing, identity, seed  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _file(name: str, content: bytes, mime: str) -> tuple:
    return (
        {
            "name": name,
            "type": mime,
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime(2026, 1, 1, tzinfo=UTC),
        },
    )


@pytest.fixture
def world():
    store = open_store("sqlite://")
    data = seed(store)
    yield store, data
    store.close()


def _app(store, username="pendamping.a") -> FacilitatorApp:
    return FacilitatorApp(session=StaffSession(store, identity(store, username)))


def test_list_shows_only_my_umkm_most_urgent_first_and_escapes_names(world):
    store, d = world
    app = _app(store)
    cards = find(app.root, "bdk-case")
    codes = [next(c for c in x._dom_classes if c.startswith("bdk-case-")) for x in cards]
    # u1 has a self-assessment waiting, u3 has nothing: u1 first; u2 is B's
    assert codes == [f"bdk-case-{d['u1'].code.lower()}", f"bdk-case-{d['u3'].code.lower()}"]
    html = all_html(app.root)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert d["u2"].name not in html


def test_urgency_puts_overdue_actions_first(world):
    store, d = world
    fa = Service(store, identity(store, "pendamping.a"))
    fa.add_action(d["u3"].id, "Bersihkan dapur", date.today() - timedelta(days=3))
    cases = mentoring.sort_cases(fa.my_umkm(), "urgency")
    assert [c.id for c in cases] == [d["u3"].id, d["u1"].id]


def test_verify_item_by_item_keeps_the_owner_original(world):
    store, d = world
    app = _app(store)
    app.go("umkm", umkm_id=d["u1"].id)
    assert EVIL_NAME not in all_html(app.root)  # escaped
    click(app.root, f"bdk-verify-{d['submitted']}")
    first = load(CPPOB).items[0].id
    box = one(app.root, f"bdk-item-{first.lower()}")
    assert "&lt;img src=x" in all_html(box) and "<img" not in all_html(box)
    choice = next(x for x in box.children if hasattr(x, "options"))
    assert choice.value == "no"  # the owner's answer, preselected
    choice.value = "yes"
    click(app.root, "bdk-verify-save")
    assert "tulis alasan" in all_html(app.root)  # a correction needs a reason; nothing saved
    svc = Service(store, system_identity())
    assert [a.status for a in svc.assessments(d["u1"].id)] == ["submitted"]
    note = next(x for x in box.children if "bdk-note" in x._dom_classes)
    note.value = "Sudah diperbaiki, saya lihat sendiri"
    click(app.root, "bdk-verify-save")
    assert app.state.view == "umkm"
    original, verified = svc.assessments(d["u1"].id)
    assert original.answers[first].value == "no" and original.answers[first].note == EVIL_NOTE
    assert verified.verifies_id == original.id and verified.status == "verified"
    assert verified.answers[first].value == "yes"
    assert verified.result["passed"] is True
    # the comparison shows the corrected item as improved
    assert "bdk-improved" in all_html(one(app.root, "bdk-compare"))
    assert "bdk-history-svg" in all_html(one(app.root, "bdk-history"))


def test_record_visit_checks_everything_first_then_saves_visit_files_and_actions(world):
    store, d = world
    app = _app(store)
    app.go("umkm", umkm_id=d["u1"].id)
    click(app.root, "bdk-new-visit")
    one(app.root, "bdk-visit-met").value = "Ibu <Sari> dan anaknya"
    one(app.root, "bdk-visit-findings").value = "Lantai <b>retak</b>"
    one(app.root, "bdk-action-item-0").value = "NOT-AN-ITEM"
    one(app.root, "bdk-action-title-0").value = "Perbaiki lantai"
    click(app.root, "bdk-visit-save")
    assert "NOT-AN-ITEM bukan ID butir daftar periksa" in all_html(app.root)
    svc = Service(store, system_identity())
    assert svc.visits(d["u1"].id) == []  # nothing written
    item = load(CPPOB).items[1].id
    one(app.root, "bdk-action-item-0").value = item
    one(app.root, "bdk-action-due-0").value = date.today() + timedelta(days=14)
    upload = one(app.root, "bdk-visit-files")
    upload.value = _file("dapur.png", PNG, "image/png")
    click(app.root, "bdk-visit-save")
    assert app.state.view == "umkm"
    [visit] = svc.visits(d["u1"].id)
    assert visit.met_with == "Ibu <Sari> dan anaknya"
    [action] = svc.actions(d["u1"].id)
    assert action.item_id == item and action.checklist_id == CPPOB
    [ev] = svc.evidence(d["u1"].id)
    assert ev.visit_id == visit.id and ev.mime == "image/png"
    html = all_html(app.root)
    assert "Lantai &lt;b&gt;retak&lt;/b&gt;" in html and "<b>retak" not in html
    click(app.root, f"bdk-action-done-{action.id}")
    assert svc.actions(d["u1"].id)[0].status == "done"


def test_a_file_that_is_not_jpeg_png_or_pdf_is_refused_before_saving(world):
    store, d = world
    app = _app(store)
    app.go("visit", umkm_id=d["u3"].id)
    one(app.root, "bdk-visit-findings").value = "Kunjungan pertama"
    bad = b"MZ\x90\x00 not a photo"
    one(app.root, "bdk-visit-files").value = _file("foto.jpg", bad, "image/jpeg")
    assert "foto.jpg bukan foto JPEG atau PNG" in all_html(app.root)
    click(app.root, "bdk-visit-save")
    assert app.state.view == "visit"
    assert Service(store, system_identity()).visits(d["u3"].id) == []


def test_paper_checklist_keyed_in_becomes_a_verified_assessment(world):
    store, d = world
    app = _app(store)
    app.go("paper", umkm_id=d["u3"].id)
    c = load(CPPOB)
    pick = one(app.root, "bdk-paper-checklist")
    pick.value = CPPOB
    typed = one(app.root, "bdk-paper-input")
    typed.value = "y" * 3 + "x"
    assert "bukan salah satu dari y t s b -" in all_html(app.root)
    typed.value = "Y y t\n" + "b" * (len(c.items) - 3)  # '-' only where N/A is allowed
    assert f"{len(c.items)} dari {len(c.items)} terisi" in all_html(
        one(app.root, "bdk-paper-preview")
    )
    click(app.root, "bdk-paper-save")
    assert app.state.view == "umkm"
    done = Service(store, system_identity()).assessments(d["u3"].id)
    assert [(a.status, a.verifies_id is not None) for a in done] == [
        ("verified", False),
        ("verified", True),
    ]
    answers = {k: v.value for k, v in done[1].answers.items()}
    assert answers[c.items[2].id] == "no" and answers[c.items[3].id] == "unknown"


def test_parse_paper_reports_position_and_next_item():
    c = load(CPPOB)
    e = mentoring.parse_paper(c, "ys", "en")
    assert e.error is None and e.next_item == c.items[2].id and len(e.answers) == 2
    e = mentoring.parse_paper(c, "y" * (len(c.items) + 1), "en")
    assert e.error and "More letters" in e.error


def test_another_facilitators_umkm_is_refused_with_a_message(world):
    store, d = world
    app = _app(store)
    app.go("umkm", umkm_id=d["u2"].id)
    html = all_html(app.root)
    assert "UMKM ini bukan dampingan Anda." in html and "Jamu Sehat Budi" not in html
    assert "This UMKM is not assigned to you" not in html  # the Indonesian UI speaks Indonesian


def test_milestone_and_printable_report(world):
    store, d = world
    app = _app(store)
    app.go("umkm", umkm_id=d["u1"].id)
    one(app.root, "bdk-ms-kind").value = "p-irt"
    one(app.root, "bdk-ms-number").value = "P-IRT 2156271010001-29"
    click(app.root, "bdk-ms-add")
    assert "P-IRT 2156271010001-29" in all_html(one(app.root, "bdk-milestones"))
    assert one(app.root, "bdk-report-pdf").value == ""  # made on request
    click(app.root, "bdk-report-pdf-make")
    pdf = one(app.root, "bdk-report-pdf").value
    assert 'download="laporan-' in pdf and "data:application/pdf;base64," in pdf


def test_a_manager_cannot_use_the_facilitator_app(world):
    store, _d = world
    app = FacilitatorApp(store=store)
    one(app.root, "bdk-staff-user").value = "manajer"
    one(app.root, "bdk-staff-password").value = "rahasia-pendamping-1"
    click(app.root, "bdk-staff-signin")
    assert app.session is None
    assert "untuk pendamping" in all_html(app.root)


def test_owner_side_action_plan_is_escaped_and_marks_overdue(world):
    from berdikari.apps import widgets as ui

    store, d = world
    fa = Service(store, identity(store, "pendamping.a"))
    fa.add_action(d["u1"].id, "<script>x()</script> label", date.today() - timedelta(days=1))
    box = ui.action_plan(Service(store, system_identity()).actions(d["u1"].id), "id")
    assert "&lt;script&gt;x()&lt;/script&gt; label" in box.value and "<script>" not in box.value
    assert "lewat tenggat" in box.value


def test_pin_card_shows_a_lock_and_a_confirmed_new_pin_once(world):
    from berdikari.store.auth import sign_in_owner
    from berdikari.store.errors import AuthError

    store, d = world
    u3 = d["u3"]
    app = _app(store)
    app.go("umkm", umkm_id=u3.id)
    card = one(app.root, "bdk-pin-card")
    assert "Pemilik bisa masuk" in all_html(card) and "terkunci" not in all_html(card)
    for _ in range(5):  # open_store's policy: locked after 5 wrong PINs
        with pytest.raises(AuthError):
            sign_in_owner(store, u3.code, "000000")
    app.go("umkm", umkm_id=u3.id)
    card = one(app.root, "bdk-pin-card")
    assert "Masuk terkunci" in all_html(card) and " WIB" in all_html(card)
    # the first button only asks; cancel leaves everything as it was
    click(app.root, "bdk-new-pin")
    assert find(app.root, "bdk-new-pin-confirm") and "PIN lama langsung" in all_html(card)
    click(app.root, "bdk-new-pin-cancel")
    assert not find(app.root, "bdk-new-pin-confirm")
    assert Service(store, system_identity()).umkm(u3.id).pin_locked_until is not None
    click(app.root, "bdk-new-pin")
    click(app.root, "bdk-new-pin-confirm")
    shown = re.search(r">([0-9]{6})</p>", one(app.root, "bdk-new-pin-shown").value)
    assert shown, one(app.root, "bdk-new-pin-shown").value
    pin = shown.group(1)
    assert "tidak ditampilkan lagi" in all_html(card) and "Pemilik bisa masuk" in all_html(card)
    assert sign_in_owner(store, u3.code, pin).umkm_id == u3.id  # lock lifted, new PIN works
    click(app.root, "bdk-new-pin-done")
    assert pin not in all_html(app.root) and find(app.root, "bdk-new-pin")


def test_pin_card_shows_the_service_error_when_the_umkm_was_taken_away(world):
    from html import escape

    from berdikari.apps.staff import error_text
    from berdikari.store.errors import AccessDenied

    store, d = world
    u3 = d["u3"]
    app = _app(store)
    app.go("umkm", umkm_id=u3.id)
    admin = Service(store, system_identity())
    admin.assign(u3.id, d["fb"].id)  # while A's page is open
    click(app.root, "bdk-new-pin")
    click(app.root, "bdk-new-pin-confirm")
    card = one(app.root, "bdk-pin-card")
    with pytest.raises(AccessDenied) as refused:  # what the service says to A now
        Service(store, identity(store, "pendamping.a")).reset_owner_pin(u3.id)
    said = escape(error_text(refused.value, "id"))
    assert f'<p class="bdk-error">{said}</p>' in all_html(card)
    assert not find(app.root, "bdk-new-pin-shown")
    assert find(app.root, "bdk-new-pin")
    assert [r for r in admin.audit_log(u3.id) if r["action"] == "pin-reset"] == []


def test_the_umkm_page_shows_words_not_stored_keys(world):
    """Size, product category, visit kind and milestone kind in Indonesian (issue 13 point 7:
    the page showed 'pangan-olahan', 'training' and 'PKP')."""
    store, d = world
    fa = Service(store, identity(store, "pendamping.a"))
    fa.add_product(d["u1"].id, "Kerupuk", "pangan-olahan")
    fa.record_visit(d["u1"].id, date.today(), "Pelatihan label", kind="training")
    fa.add_milestone(d["u1"].id, "pkp-training", date.today())
    app = _app(store)
    app.go("umkm", umkm_id=d["u1"].id)
    html = all_html(app.root)
    for words in ("Mikro", "Makanan atau minuman olahan", "Pelatihan", "Sertifikat PKP"):
        assert words in html
    shown = re.sub(r'class="[^"]*"|value="[^"]*"', "", html)
    for key in ("mikro", "pangan-olahan", "training", "pkp-training"):
        assert not re.search(rf"(?<![\w-]){key}(?![\w-])", shown), key
