"""The access matrix, generated from the ``@rights`` declarations: every public service method ×
every role, allowed or refused exactly as the method declares.

The target is UMKM 1 (``u1``), owned by ``owner1`` and assigned to facilitator A. Roles:
``owner`` (its owner), ``other-owner``, ``facilitator`` (A), ``other-facilitator`` (B),
``manager`` and ``system`` (the CLI). ``CASES`` only builds each method's arguments and says what
the call is about (one UMKM, no UMKM, or a list); whether a role may make the call comes from the
declaration. A method without a case fails :func:`test_every_public_method_has_a_case`. A refused
call raises AccessDenied and changes nothing; an allowed list holds exactly the UMKM the grant
covers.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from berdikari.store import access, service
from berdikari.store.access import Guarded, Rights, RightsNotChecked, declared, rights
from berdikari.store.errors import AccessDenied
from berdikari.store.models import AuditLog
from berdikari.store.service import Service

ROLES = ("owner", "other-owner", "facilitator", "other-facilitator", "manager", "system")
ACTS_AS = {  # the role whose grant applies, and whether u1 is theirs (own / assigned to them)
    "owner": ("owner", True),
    "other-owner": ("owner", False),
    "facilitator": ("facilitator", True),
    "other-facilitator": ("facilitator", False),
    "manager": ("manager", True),
    "system": ("manager", True),
}
ITEMS = [f"UJI-{s:02d}.{n:02d}" for s in (1, 2, 3) for n in range(1, 9)]


def _svc(w, role):
    return {
        "owner": w.owner1,
        "other-owner": w.owner2,
        "facilitator": w.fa,
        "other-facilitator": w.fb,
        "manager": w.manager,
        "system": w.admin,
    }[role]


def _draft(w):
    return w.owner1.start_or_resume_assessment(w.u1.id, "uji-irtp").id


def _facilitator_draft(w):
    return w.fa.start_or_resume_assessment(w.u1.id, "uji-irtp").id


def _answered(w):
    return w.owner1.save_answers(_draft(w), {i: ("yes", None) for i in ITEMS}).id


def _submitted(w):
    a = _answered(w)
    w.owner1.submit_assessment(a)
    return a


def _action(w):
    return w.fa.add_action(w.u1.id, "Perbaiki label", date(2026, 12, 31)).id


def _evidence(w):
    return w.fa.add_evidence(w.u1.id, "foto.png", b"\x89PNG\r\n\x1a\n0000").id


def _product(w):
    return w.admin.add_product(w.u1.id, "Amplang Uji", "pangan-olahan").id


def _listing(w):
    product_id = _product(w)
    return w.owner1.set_showcase_choices(w.u1.id, product_id, description="Renyah").listing_id


def _consented_product(w):
    product_id = _product(w)
    w.owner1.set_showcase_choices(w.u1.id, product_id, description="Renyah")
    return product_id


def _showcase_photo(w):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(buf, "PNG")
    product_id = _product(w)
    return w.owner1.set_showcase_choices(
        w.u1.id, product_id, photo=buf.getvalue(), show_photo=True
    ).photo_id


def _handover(w):
    return w.admin.record_handover_event(
        "Penyerahan", date(2026, 11, 1), "Aula", [{"umkm_id": w.u1.id, "kind": "completion"}]
    )


def _showcase_term(w):
    return w.admin.add_showcase_term("award", "Penghargaan Uji", "Test award").id


PNG = b"\x89PNG\r\n\x1a\n0000"
U1 = "u1"  # the call is about UMKM 1
NONE = None  # about no particular UMKM (or all of them at once)
LIST = "list"  # a list scoped to the caller


@dataclass(frozen=True)
class Case:
    method: str
    args: object  # (w, x) -> keyword arguments
    about: str | None = U1
    setup: object = None  # (w) -> x
    draft_of: str | None = None  # the role filling the assessment the call changes
    ids: object = None  # for lists: result -> the UMKM ids it holds
    label: str = ""

    @property
    def name(self) -> str:
        return f"{self.method} ({self.label})" if self.label else self.method


CASES = [
    Case("umkm", lambda w, _: {"umkm_id": w.u1.id}),
    Case("umkm_id_for_code", lambda w, _: {"code": w.u1.code}),
    Case("assessments", lambda w, _: {"umkm_id": w.u1.id}),
    Case("assessment", lambda w, a: {"assessment_id": a}, setup=_draft),
    Case(
        "start_or_resume_assessment",
        lambda w, _: {"umkm_id": w.u1.id, "checklist_id": "uji-irtp"},
    ),
    Case(
        "save_answer",
        lambda w, a: {"assessment_id": a, "item_id": "UJI-01.01", "value": "yes", "note": "n"},
        setup=_draft,
        draft_of="owner",
        label="owner's draft",
    ),
    Case(
        "save_answer",
        lambda w, a: {"assessment_id": a, "item_id": "UJI-01.01", "value": "no"},
        setup=_facilitator_draft,
        draft_of="facilitator",
        label="facilitator's draft",
    ),
    Case(
        "save_answers",
        lambda w, a: {"assessment_id": a, "answers": {"UJI-01.01": ("no", None)}},
        setup=_draft,
        draft_of="owner",
        label="owner's draft",
    ),
    Case(
        "submit_assessment",
        lambda w, a: {"assessment_id": a},
        setup=_answered,
        draft_of="owner",
        label="owner's draft",
    ),
    Case(
        "verify_assessment",
        lambda w, a: {"assessment_id": a, "corrections": {"UJI-01.01": "no"}},
        setup=_submitted,
    ),
    Case(
        "key_in_paper",
        lambda w, _: {
            "umkm_id": w.u1.id,
            "checklist_id": "uji-irtp",
            "answers": {i: "yes" for i in ITEMS},
            "verified": True,
        },
    ),
    Case("actions", lambda w, _: {"umkm_id": w.u1.id}),
    Case(
        "add_action",
        lambda w, _: {"umkm_id": w.u1.id, "title": "Cuci tangan", "item_id": "UJI-01.02"},
    ),
    Case(
        "set_action_status",
        lambda w, a: {"action_id": a, "status": "done"},
        setup=_action,
        label="done",
    ),
    Case(
        "set_action_status",
        lambda w, a: {"action_id": a, "status": "dropped"},
        setup=_action,
        label="dropped",
    ),
    Case(
        "record_visit",
        lambda w, _: {"umkm_id": w.u1.id, "visited_on": date(2026, 11, 1), "summary": "Kunjungan"},
    ),
    Case("visits", lambda w, _: {"umkm_id": w.u1.id}),
    Case(
        "add_milestone",
        lambda w, _: {
            "umkm_id": w.u1.id,
            "kind": "nib",
            "achieved_on": date(2026, 10, 1),
            "number": "1234567890123",
        },
    ),
    Case("milestones", lambda w, _: {"umkm_id": w.u1.id}),
    Case("update_umkm", lambda w, _: {"umkm_id": w.u1.id, "address": "Jl. Baru 1"}),
    Case(
        "add_product",
        lambda w, _: {"umkm_id": w.u1.id, "name": "Amplang", "category": "pangan-olahan"},
    ),
    Case("reset_owner_pin", lambda w, _: {"umkm_id": w.u1.id}),
    Case("set_owner_pin", lambda w, _: {"umkm_id": w.u1.id, "pin": "246810"}),
    Case("assignments", lambda w, _: {"umkm_id": w.u1.id}),
    Case("audit_log", lambda w, _: {"umkm_id": w.u1.id}, label="one UMKM"),
    Case("audit_log", lambda w, _: {}, about=NONE, label="all"),
    Case("assign", lambda w, _: {"umkm_id": w.u1.id, "facilitator_id": w.fac_b.id}),
    Case(
        "add_umkm",
        lambda w, _: {
            "name": "Madu Uji",
            "owner_name": "Pak Tiga",
            "regency": "Katingan",
            "categories": ["pangan-olahan"],
        },
        about=NONE,
    ),
    Case(
        "add_staff",
        lambda w, _: {
            "username": "baru",
            "name": "Baru",
            "role": "facilitator",
            "password": "sandi-baru-123",
        },
        about=NONE,
    ),
    Case("add_organisation", lambda w, _: {"name": "Pramuka Uji", "kind": "komunitas"}, about=NONE),
    Case("organisations", lambda w, _: {}, about=NONE),
    Case("staff", lambda w, _: {}, about=NONE),
    Case("staff_id_for_username", lambda w, _: {"username": "fas.a"}, about=NONE),
    Case("set_staff_active", lambda w, _: {"account_id": w.fac_b.id, "active": True}, about=NONE),
    Case("regions", lambda w, _: {}, about=NONE),
    Case(
        "add_region",
        lambda w, _: {
            "province": "Kalimantan Selatan",
            "name": "Banjarmasin",
            "kind": "kota",
            "code": "BJM",
        },
        about=NONE,
    ),
    Case("standing", lambda w, _: {}, about=LIST, ids=lambda r: {x.umkm_id for x in r}),
    Case("my_umkm", lambda w, _: {}, about=LIST, ids=lambda r: {x.id for x in r}),
    Case(
        "export_rows",
        lambda w, _: {},
        about=LIST,
        ids=lambda r: {row["umkm_id"] for row in r["umkm"]},
    ),
    Case("programme_figures", lambda w, _: {}, about=LIST),
    Case(
        "export_stream",
        lambda w, _: {},
        about=LIST,
        ids=lambda r: {row["umkm_id"] for table, row in r if table == "umkm"},
    ),
    Case(
        "add_evidence",
        lambda w, _: {"umkm_id": w.u1.id, "filename": "foto.png", "content": PNG},
    ),
    Case("evidence", lambda w, _: {"umkm_id": w.u1.id}),
    Case("evidence_content", lambda w, e: {"evidence_id": e}, setup=_evidence),
    # the Etalase (berdikari.store.showcase)
    Case("showcase_terms", lambda w, _: {"kind": "speciality"}, about=NONE),
    Case(
        "add_showcase_term",
        lambda w, _: {"kind": "speciality", "label_id": "Kue lam", "label_en": "Lam cake"},
        about=NONE,
    ),
    Case(
        "set_showcase_term_active",
        lambda w, t: {"term_id": t, "active": False},
        setup=_showcase_term,
        about=NONE,
    ),
    Case("showcase_of", lambda w, _: {"umkm_id": w.u1.id}),
    Case(
        "set_showcase_choices",
        lambda w, p: {
            "umkm_id": w.u1.id,
            "product_id": p,
            "description": "x",
            "owner_present": True,
        },
        setup=_product,
    ),
    Case(
        "revoke_showcase_consent",
        lambda w, p: {"umkm_id": w.u1.id, "product_id": p},
        setup=_consented_product,
    ),
    Case(
        "showcase_queue",
        lambda w, _: {},
        about=LIST,
        setup=lambda w: (
            _listing(w),
            w.owner2.set_showcase_choices(
                w.u2.id, w.admin.add_product(w.u2.id, "Jamu", "obat-tradisional").id
            ),
        ),
        ids=lambda r: {x.umkm_id for x in r},
    ),
    Case("preview_listing", lambda w, x: {"listing_id": x}, setup=_listing),
    Case("approve_listing", lambda w, x: {"listing_id": x}, setup=_listing),
    Case("take_down_listing", lambda w, x: {"listing_id": x, "reason": "uji"}, setup=_listing),
    Case("showcase_photo", lambda w, x: {"photo_id": x}, setup=_showcase_photo),
    Case(
        "record_handover_event",
        lambda w, _: {
            "title": "Penyerahan",
            "held_on": date(2026, 11, 1),
            "place": "Aula",
            "entries": [{"umkm_id": w.u1.id, "kind": "completion"}],
        },
        about=NONE,
    ),
    Case(
        "add_handover_entries",
        lambda w, ev: {"event_id": ev.id, "entries": [{"umkm_id": w.u1.id, "kind": "completion"}]},
        setup=_handover,
        about=NONE,
    ),
    Case(
        "remove_handover_entry",
        lambda w, ev: {"entry_id": ev.entries[0].id},
        setup=_handover,
        about=NONE,
    ),
    Case("handover_events", lambda w, _: {}, about=NONE),
    Case("handover_event", lambda w, ev: {"event_id": ev.id}, setup=_handover, about=NONE),
    Case("handover_candidates", lambda w, _: {}, about=NONE),
    Case("showcase_figures", lambda w, _: {}, about=LIST),
]
BY_NAME = {c.name: c for c in CASES}


def expected(rule: Rights, role: str, case: Case, kwargs: dict) -> bool:
    """Whether the declaration lets ``role`` make this call (read straight off the fields)."""
    acts_as, theirs = ACTS_AS[role]
    grant = getattr(rule, acts_as)
    if not grant:
        return False
    if case.about == LIST:
        return True
    if case.about is NONE:
        return grant is True
    if grant in ("own", "assigned") and not theirs:
        return False
    if rule.own_drafts and case.draft_of not in (None, acts_as):
        return False
    if acts_as == "owner":
        return all(kwargs.get(arg) in values for arg, values in rule.owner_values.items())
    return True


def _scope(rule: Rights, role: str, w) -> set[int]:
    """The UMKM a list may hold for ``role``: its own one for a scoped grant, else all."""
    acts_as, theirs = ACTS_AS[role]
    if getattr(rule, acts_as) is True:
        return {w.u1.id, w.u2.id}
    return {w.u1.id} if theirs else {w.u2.id}


def _audit_rows(w) -> int:
    with w.store.read() as s:
        return s.execute(select(func.count(AuditLog.id))).scalar_one()


RULES = declared(Service)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", sorted(BY_NAME))
def test_access_matrix(world, case, role):
    c = BY_NAME[case]
    x = c.setup(world) if c.setup else None
    kwargs = c.args(world, x)
    method = getattr(_svc(world, role), c.method)
    rule = RULES[c.method]
    if expected(rule, role, c, kwargs):
        result = method(**kwargs)
        if c.ids is not None:
            assert c.ids(result) == _scope(rule, role, world)
    else:
        before = _audit_rows(world)
        with pytest.raises(AccessDenied):
            method(**kwargs)
        assert _audit_rows(world) == before, "a refused call wrote something"


def test_every_public_method_has_a_case():
    assert sorted(RULES) == sorted({c.method for c in CASES})


def test_a_method_about_one_umkm_never_grants_owners_or_facilitators_more_than_theirs():
    """Owners and facilitators get an unrestricted grant only where no UMKM or record is named:
    every method taking an id or code is "own" / "assigned" for them (or refused)."""
    for name, rule in RULES.items():
        params = inspect.signature(inspect.unwrap(getattr(Service, name))).parameters
        if any(p.endswith("_id") or p == "code" for p in params):
            assert rule.owner in (False, "own"), name
            assert rule.facilitator in (False, "assigned"), name


def test_each_role_is_refused_somewhere_and_allowed_somewhere():
    for role in ("owner", "facilitator", "manager"):
        grants = [rule.grant(role) for rule in RULES.values()]
        assert any(grants) and not all(grants), role


def test_the_documented_index_is_the_declarations():
    doc = service.__doc__
    assert "{rights}" not in doc
    for name, rule in RULES.items():
        line = next(ln for ln in doc.splitlines() if ln.strip().startswith(f"{name}("))
        assert line.rstrip().endswith(rule.summary()), line


def test_a_public_method_without_rights_is_refused():
    class Leaky(Service):
        def peek(self):
            return 1

    with pytest.raises(TypeError, match="without @rights: peek"):
        declared(Leaky)


def test_a_declared_method_that_skips_its_check_fails(world):
    class Forgetful(Guarded):
        @rights(manager=True)
        def peek(self):
            return 1

        @rights(manager=True)
        def looks(self):
            with self.store.read() as s:
                self._check(s)
            return 2

    svc = Forgetful(world.store, world.admin.identity)
    with pytest.raises(RightsNotChecked):
        svc.peek()
    assert svc.looks() == 2
    with pytest.raises(RightsNotChecked):
        with world.store.read() as s:
            svc._check(s)  # outside any declared method


def test_declarations_refuse_what_the_checks_cannot_mean():
    for bad in (
        {"owner": "assigned"},
        {"facilitator": "own"},
        {"manager": "all"},
        {},
        {"facilitator": "assigned", "owner_values": {"status": ("done",)}},
    ):
        with pytest.raises(TypeError):
            rights(**bad)
    with pytest.raises(TypeError, match="not an argument"):
        rights(owner="own", owner_values={"state": ("done",)})(lambda self, status: None)
    assert access.Rights(owner="own").summary() == "O(own)"


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
        with pytest.raises(AccessDenied):
            svc.umkm_id_for_code("PKY-9999")


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
