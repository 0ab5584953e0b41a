"""The access matrix: every role × every service operation, allowed and denied.

The target is UMKM 1 (``u1``), owned by ``owner1`` and assigned to facilitator A. Roles:
``owner`` (its owner), ``other-owner``, ``facilitator`` (A), ``other-facilitator`` (B),
``manager``. A denied call raises AccessDenied and changes nothing.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from berdikari.store.errors import AccessDenied
from berdikari.store.models import AuditLog

ROLES = ("owner", "other-owner", "facilitator", "other-facilitator", "manager")
OW, FA, MG = "owner", "facilitator", "manager"


def _svc(w, role):
    return {
        "owner": w.owner1,
        "other-owner": w.owner2,
        "facilitator": w.fa,
        "other-facilitator": w.fb,
        "manager": w.manager,
    }[role]


def _all_answers(w):
    return {
        i: ("yes", None) for i in [f"UJI-{s:02d}.{n:02d}" for s in (1, 2, 3) for n in range(1, 9)]
    }


def _draft(w):
    return w.owner1.start_or_resume_assessment(w.u1.id, "uji-irtp").id


def _submitted(w):
    a = _draft(w)
    w.owner1.save_answers(a, _all_answers(w))
    w.owner1.submit_assessment(a)
    return a


def _action(w):
    return w.fa.add_action(w.u1.id, "Perbaiki label", date(2026, 12, 31)).id


# operation name -> (setup(w) -> arg, call(svc, w, arg), roles allowed)
OPS = {
    "umkm": (None, lambda s, w, _: s.umkm(w.u1.id), {OW, FA, MG}),
    "umkm_id_for_code": (None, lambda s, w, _: s.umkm_id_for_code(w.u1.code), {OW, FA, MG}),
    "assessments": (None, lambda s, w, _: s.assessments(w.u1.id), {OW, FA, MG}),
    "assessment": (_draft, lambda s, w, a: s.assessment(a), {OW, FA, MG}),
    "start_or_resume_assessment": (
        None,
        lambda s, w, _: s.start_or_resume_assessment(w.u1.id, "uji-irtp"),
        {OW, FA},
    ),
    "save_answer (owner's draft)": (
        _draft,
        lambda s, w, a: s.save_answer(a, "UJI-01.01", "yes", "catatan"),
        {OW},
    ),
    "save_answers (owner's draft)": (
        _draft,
        lambda s, w, a: s.save_answers(a, {"UJI-01.01": ("no", None)}),
        {OW},
    ),
    "submit_assessment (owner's draft)": (
        lambda w: w.owner1.save_answers(_draft(w), _all_answers(w)).id,
        lambda s, w, a: s.submit_assessment(a),
        {OW},
    ),
    "verify_assessment": (
        _submitted,
        lambda s, w, a: s.verify_assessment(a, {"UJI-01.01": "no"}),
        {FA},
    ),
    "actions": (None, lambda s, w, _: s.actions(w.u1.id), {OW, FA, MG}),
    "add_action": (
        None,
        lambda s, w, _: s.add_action(w.u1.id, "Cuci tangan", None, "UJI-01.02"),
        {FA},
    ),
    "set_action_status done": (_action, lambda s, w, a: s.set_action_status(a, "done"), {OW, FA}),
    "set_action_status dropped": (_action, lambda s, w, a: s.set_action_status(a, "dropped"), {FA}),
    "record_visit": (
        None,
        lambda s, w, _: s.record_visit(w.u1.id, date(2026, 11, 1), "Kunjungan"),
        {FA},
    ),
    "visits": (None, lambda s, w, _: s.visits(w.u1.id), {OW, FA, MG}),
    "add_milestone": (
        None,
        lambda s, w, _: s.add_milestone(w.u1.id, "nib", date(2026, 10, 1), "1234567890123"),
        {FA, MG},
    ),
    "milestones": (None, lambda s, w, _: s.milestones(w.u1.id), {OW, FA, MG}),
    "update_umkm": (None, lambda s, w, _: s.update_umkm(w.u1.id, address="Jl. Baru 1"), {FA, MG}),
    "add_product": (
        None,
        lambda s, w, _: s.add_product(w.u1.id, "Amplang", "pangan-olahan"),
        {FA, MG},
    ),
    "reset_owner_pin": (None, lambda s, w, _: s.reset_owner_pin(w.u1.id), {FA, MG}),
    "set_owner_pin": (None, lambda s, w, _: s.set_owner_pin(w.u1.id, "246810"), {FA, MG}),
    "assignments": (None, lambda s, w, _: s.assignments(w.u1.id), {FA, MG}),
    "audit_log (one UMKM)": (None, lambda s, w, _: s.audit_log(w.u1.id), {FA, MG}),
    "audit_log (all)": (None, lambda s, w, _: s.audit_log(), {MG}),
    "assign": (None, lambda s, w, _: s.assign(w.u1.id, w.fac_b.id), {MG}),
    "add_umkm": (
        None,
        lambda s, w, _: s.add_umkm("Madu Uji", "Pak Tiga", "Katingan", ["pangan-olahan"]),
        {MG},
    ),
    "add_staff": (
        None,
        lambda s, w, _: s.add_staff("baru", "Baru", "facilitator", "sandi-baru-123"),
        {MG},
    ),
    "add_organisation": (
        None,
        lambda s, w, _: s.add_organisation("Pramuka Uji", "komunitas"),
        {MG},
    ),
    "staff": (None, lambda s, w, _: s.staff(), {MG}),
    "set_staff_active": (None, lambda s, w, _: s.set_staff_active(w.fac_b.id, True), {MG}),
    "add_region": (
        None,
        lambda s, w, _: s.add_region("Kalimantan Selatan", "Banjarmasin", "kota", "BJM"),
        {MG},
    ),
    "standing (a list: everyone, scoped)": (None, lambda s, w, _: s.standing(), set(ROLES)),
    "my_umkm (a list: everyone, scoped)": (None, lambda s, w, _: s.my_umkm(), set(ROLES)),
    "add_evidence": (
        None,
        lambda s, w, _: s.add_evidence(w.u1.id, "foto.png", b"\x89PNG\r\n\x1a\n0000"),
        {FA},
    ),
    "evidence": (None, lambda s, w, _: s.evidence(w.u1.id), {OW, FA, MG}),
}


def _expected(op: str, role: str) -> bool:
    return role in OPS[op][2]


def _audit_rows(w) -> int:
    with w.store.read() as s:
        return s.execute(select(func.count(AuditLog.id))).scalar_one()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op", sorted(OPS))
def test_access_matrix(world, op, role):
    setup, call, _ = OPS[op]
    arg = setup(world) if setup else None
    svc = _svc(world, role)
    if _expected(op, role):
        call(svc, world, arg)
    else:
        before = _audit_rows(world)
        with pytest.raises(AccessDenied):
            call(svc, world, arg)
        assert _audit_rows(world) == before, "a denied call wrote something"


def test_lists_are_scoped_to_the_role(world):
    assert [c.id for c in world.owner1.my_umkm()] == [world.u1.id]
    assert [c.id for c in world.fa.my_umkm()] == [world.u1.id]
    assert [c.id for c in world.fb.my_umkm()] == [world.u2.id]
    assert {c.id for c in world.manager.my_umkm()} == {world.u1.id, world.u2.id}
    for svc, seen in (
        (world.owner2, {world.u2.id}),
        (world.fa, {world.u1.id}),
        (world.manager, {world.u1.id, world.u2.id}),
    ):
        rows = svc.export_rows()
        assert {r["umkm_id"] for r in rows["umkm"]} == seen
        assert {r.umkm_id for r in svc.standing()} == seen


def test_facilitator_loses_access_when_reassigned(world):
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    world.fa.record_visit(world.u1.id, date(2026, 11, 2), "Kunjungan pertama")
    world.manager.assign(world.u1.id, world.fac_b.id)
    for call in (
        lambda s: s.umkm(world.u1.id),
        lambda s: s.assessment(a.id),
        lambda s: s.visits(world.u1.id),
        lambda s: s.record_visit(world.u1.id, date(2026, 11, 3), "x"),
    ):
        with pytest.raises(AccessDenied):
            call(world.fa)
        call(world.fb)
    assert world.fa.my_umkm() == []
    history = world.manager.assignments(world.u1.id)
    assert [(h.facilitator, h.active) for h in history] == [
        ("Fasilitator A", False),
        ("Fasilitator B", True),
    ]
    assert history[0].ended_at is not None


def test_unknown_ids_do_not_reveal_existence_to_owners_and_facilitators(world):
    for svc in (world.owner1, world.fa):
        with pytest.raises(AccessDenied):
            svc.assessment(999_999)
        with pytest.raises(AccessDenied):
            svc.umkm(999_999)
