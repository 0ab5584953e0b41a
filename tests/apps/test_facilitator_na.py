"""The facilitator sees every owner *Tidak berlaku* flagged while verifying (issue 11).

An allowed one shows the item's ``when`` text so the facilitator can check it on site; one the
checklist refuses (saved before the rule, or by a crafted request) is flagged as applying to every
producer, is not preselected, and must be corrected with a reason before the verification saves.
"""

from __future__ import annotations

import re

import pytest

from berdikari.apps.facilitator import FacilitatorApp
from berdikari.apps.staff import StaffSession
from berdikari.checklists import load
from berdikari.store import open_store
from berdikari.store.auth import sign_in_owner, system_identity
from berdikari.store.service import Service
from tests.apps.staff_helpers import all_html, click, find, one
from tests.apps.staff_seed import CPPOB, cheap_hashing, identity, seed  # noqa: F401

ALLOWED = ("CPPOB-IRTP-09.04", "CPPOB-IRTP-09.05")  # the additive rows: no BTP used
REFUSED = "CPPOB-IRTP-05.04"  # lidded waste bins: applies to every producer


@pytest.fixture
def world():
    store = open_store("sqlite://")
    data = seed(store)
    admin = Service(store, system_identity())
    u, pin = admin.add_umkm(
        name="Kerupuk Basir", owner_name="Pak Basir", regency="Kapuas", categories=["pangan-olahan"]
    )
    admin.assign(u.id, data["fa"].id)
    owner = Service(store, sign_in_owner(store, u.code, pin))
    draft = owner.start_or_resume_assessment(u.id, CPPOB)
    answers = {i.id: ("yes", None) for i in load(CPPOB).items}
    answers |= {i: ("na", None) for i in (*ALLOWED, REFUSED)}
    owner.save_answers(draft.id, answers)  # the store keeps what it is given …
    owner.submit_assessment(draft.id)
    yield store, u, draft.id
    store.close()


def _verify(store, u, assessment_id) -> FacilitatorApp:
    app = FacilitatorApp(session=StaffSession(store, identity(store, "pendamping.a")))
    app.go("umkm", umkm_id=u.id)
    click(app.root, f"bdk-verify-{assessment_id}")
    return app


def _number(item_id: str) -> int:
    return [i.id for i in load(CPPOB).items].index(item_id) + 1


def test_every_owner_na_is_flagged_with_when_it_may_not_apply(world):
    store, u, assessment_id = world
    app = _verify(store, u, assessment_id)
    c = load(CPPOB)
    flagged = find(app.root, "bdk-na-owner")
    assert len(flagged) == 3
    summary = re.search(r'<p class="bdk-na-summary">(.*?)</p>', all_html(app.root)).group(1)
    assert "3 pertanyaan" in summary
    for item_id in (*ALLOWED, REFUSED):
        assert str(_number(item_id)) in summary
    for item_id in ALLOWED:
        box = one(app.root, f"bdk-item-{item_id.lower()}")
        assert "bdk-na-owner" in box._dom_classes
        html = all_html(box)
        assert "bdk-na-flag" in html and "bdk-na-refused" not in html
        assert c.item(item_id).not_applicable.when.id in html  # what to check on site
        choice = next(x for x in box.children if hasattr(x, "options"))
        assert choice.value == "na"
    box = one(app.root, f"bdk-item-{REFUSED.lower()}")
    html = all_html(box)
    assert "bdk-na-refused" in html and "berlaku untuk semua produsen" in html
    choice = next(x for x in box.children if hasattr(x, "options"))
    assert "na" not in [v for _, v in choice.options] and choice.value is None
    # an answer that was not "na" carries no flag
    plain = one(app.root, f"bdk-item-{c.items[0].id.lower()}")
    assert "bdk-na-owner" not in plain._dom_classes and "bdk-na-flag" not in all_html(plain)


def test_a_refused_na_must_be_corrected_with_a_reason_before_saving(world):
    store, u, assessment_id = world
    app = _verify(store, u, assessment_id)
    click(app.root, "bdk-verify-save")  # the refused "na" is not preselected: nothing saves
    assert f"{REFUSED}: pilih jawaban." in all_html(app.root) and app.state.view == "verify"
    assert [a.status for a in Service(store, system_identity()).assessments(u.id)] == ["submitted"]
    box = one(app.root, f"bdk-item-{REFUSED.lower()}")
    choice = next(x for x in box.children if hasattr(x, "options"))
    choice.value = "yes"
    next(x for x in box.children if "bdk-note" in x._dom_classes).value = "Tempat sampah bertutup"
    click(app.root, "bdk-verify-save")
    assert app.state.view == "umkm"
    svc = Service(store, system_identity())
    verified = svc.assessments(u.id)[-1]
    assert verified.status == "verified" and verified.answers[REFUSED].value == "yes"
    assert verified.result["na_refused"] == [] and verified.result["eligible"] is True


def test_na_on_one_of_two_items_that_apply_together_is_refused_on_save(world):
    store, u, assessment_id = world
    app = _verify(store, u, assessment_id)
    box = one(app.root, f"bdk-item-{REFUSED.lower()}")
    next(x for x in box.children if hasattr(x, "options")).value = "yes"
    next(x for x in box.children if "bdk-note" in x._dom_classes).value = "Sudah dilihat"
    box = one(app.root, f"bdk-item-{ALLOWED[0].lower()}")  # BTP is used after all: one row only
    next(x for x in box.children if hasattr(x, "options")).value = "yes"
    next(x for x in box.children if "bdk-note" in x._dom_classes).value = "Ada pengawet"
    click(app.root, "bdk-verify-save")
    assert f"Pertanyaan {_number(ALLOWED[1])}: jawaban “Tidak berlaku”" in all_html(app.root)
    assert app.state.view == "verify"


def test_the_stored_owner_result_never_counts_the_refused_na_as_met(world):
    store, u, assessment_id = world
    original = Service(store, system_identity()).assessment(assessment_id)
    assert original.result["na_refused"] == [REFUSED]
    assert REFUSED in original.result["unanswered"]
    assert original.result["eligible"] is False and original.result["readiness"] < 100


def test_paper_entry_refuses_a_dash_where_na_is_not_allowed():
    from berdikari.apps import mentoring

    c = load(CPPOB)
    e = mentoring.parse_paper(c, "y-", "id")
    assert e.error and c.items[1].id in e.error and "berlaku untuk semua produsen" in e.error
    assert e.next_item == c.items[1].id and list(e.answers) == [c.items[0].id]
    allowed = [i.id for i in c.items]
    typed = "".join("-" if i in ALLOWED else "y" for i in allowed)
    assert mentoring.parse_paper(c, typed).error is None
    typed = "".join("-" if i == ALLOWED[0] else "y" for i in allowed)  # one BTP row only
    e = mentoring.parse_paper(c, typed, "id")
    assert e.error and ALLOWED[0] in e.error and "berlaku bersama" in e.error
