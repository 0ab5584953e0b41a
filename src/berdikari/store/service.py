"""The service layer: the only way apps read or write Berdikari data.

Every method takes the acting :class:`~berdikari.store.auth.Identity` (given to ``Service``) and
checks its rights first (:mod:`berdikari.store.access`); each write is one transaction with an
audit-log row, so nothing is half-written. Apps never open a session or write SQL.

Usage::

    from berdikari.store import open_store
    from berdikari.store.auth import sign_in_owner, sign_in_staff   # -> Identity, or AuthError
    from berdikari.store.service import Service, AccessDenied, InvalidInput

    store = open_store()                      # BERDIKARI_DATABASE_URL; migrates on first use
    # lockout: BERDIKARI_LOCKOUT_TRIES / _MINUTES (5, 15), or open_store(url, lockout=LockoutPolicy(...))
    me = sign_in_owner(store, "PKY-0001", "123456")
    svc = Service(store, me)

Errors (all subclasses of ``StoreError``, each with ``.message``, a stable ``.key`` and ``.params``):
``AccessDenied`` (not your data or role), ``InvalidInput`` (``.field`` names the field or
checklist item ID), ``NotFound`` (managers only; others get AccessDenied), ``Conflict`` (a
colliding concurrent write; nothing saved), ``AuthError`` (sign-in: ``bad-format``,
``bad-credentials``, ``locked`` with ``.locked_until``).

Rights: O = owner (own UMKM), F = facilitator (UMKM assigned to them now), M = manager and the
CLI's system identity (everything).

Owner app (stable):
    umkm(umkm_id) -> UmkmView                                   O F M
    assessments(umkm_id) -> list[AssessmentView]  (oldest first) O F M
    assessment(assessment_id) -> AssessmentView                 O F M
    start_or_resume_assessment(umkm_id, checklist_id) -> AssessmentView   O F (own drafts)
    save_answer(assessment_id, item_id, value, note=None) -> AnswerView   O F (own drafts)
        value in scoring.ANSWERS (yes, no, partial, unknown, na); note <= 2000 characters;
        returns after a durable commit; the stored result is recomputed.
    save_answers(assessment_id, {item_id: (value, note)}) -> AssessmentView   all or nothing
    submit_assessment(assessment_id) -> AssessmentView          O F; every item answered
    actions(umkm_id) -> list[ActionView]  (open first, by due date)   O F M
    set_action_status(action_id, status) -> ActionView   F (any status), O (in-progress, done)
    milestones(umkm_id) -> list[MilestoneView]                  O F M
    visits(umkm_id) -> list[VisitView]                          O F M

Facilitator app:
    my_umkm() -> list[CaseView]  caseload with latest level/readiness, open/overdue actions,
        days since last visit, submissions waiting             O (own) F (assigned) M (all)
    verify_assessment(assessment_id, corrections=None, note=None) -> AssessmentView    F
        new 'verified' assessment (verifies_id = original) with corrections applied;
        the original keeps its answers and becomes 'verified'
    record_visit(umkm_id, visited_on, summary, kind='site') -> VisitView    F
    add_action(umkm_id, title, due_date=None, item_id=None, responsible='owner') -> ActionView  F
    add_milestone(umkm_id, kind, achieved_on, number=None, product_id=None, note=None)   F M
    update_umkm(umkm_id, **fields), add_product(umkm_id, name, category)    F M
    reset_owner_pin(umkm_id) -> str  (shown once)               F M
    set_owner_pin(umkm_id, pin)  (exactly 6 digits 0-9)          F M
    assignments(umkm_id) -> list[AssignmentView]                F M
    audit_log(umkm_id=None, limit=200) -> list[dict]            F (one assigned UMKM) M

Managers (and CLI):
    add_umkm(name, owner_name, regency, categories, size='mikro', owner_phone=None,
             address=None, nib=None) -> (UmkmView, pin)          M
    add_staff(username, name, role, password, organisation_id=None, phone=None, email=None,
              organisation=None)  (organisation=(name, kind): added if new, same transaction)
    add_organisation(name, kind) -> id, organisations() (F M), staff(role=None),
    set_staff_active(account_id, active), staff_id_for_username(username)       M
    assign(umkm_id, facilitator_id) -> AssignmentView                           M
    programme_overview() -> dict                                                M
    regions() (anyone), add_region(province, name, kind, code) (M), umkm_id_for_code(code)
    export_rows() -> {table: [rows]} scoped to the identity; see berdikari.data.frames

Facilitator and programme apps:
    standing() -> list[StandingView]  one row per visible UMKM: enrolled, assessed, verified,
        meets the standard now (berdikari.standard), permits, actions, visits, current gaps  O F M
    record_visit(..., met_with=None, files=(), actions=()): who the facilitator met, the files
        ((filename, bytes), as add_evidence) and action items (add_action's keyword arguments)
        of the visit: all checked first, then one transaction (all or nothing)
    key_in_paper(umkm_id, checklist_id, {item_id: value}, verified=False, note=None)   F
        a paper checklist typed in: draft, answers, submission (and verification) in one
        transaction
    add_evidence(umkm_id, filename, content, visit_id=None) -> EvidenceView   F
        JPEG/PNG/PDF by their first bytes, at most 2 MB
    evidence(umkm_id) -> list[EvidenceView], evidence_content(evidence_id) -> (view, bytes)  O F M

Untrusted text (names, notes, summaries) is stored exactly as typed and length-limited; the
display must escape it.
"""

from __future__ import annotations

from berdikari.store.admin import AdminOps
from berdikari.store.assessments import AssessmentOps
from berdikari.store.casework import CaseworkOps
from berdikari.store.errors import (
    AccessDenied,
    AuthError,
    Conflict,
    InvalidInput,
    NotFound,
    StoreError,
)
from berdikari.store.evidence import EvidenceOps
from berdikari.store.exports import ExportOps
from berdikari.store.standing import StandingOps

__all__ = [
    "Service",
    "AccessDenied",
    "AuthError",
    "Conflict",
    "InvalidInput",
    "NotFound",
    "StoreError",
]


class Service(AssessmentOps, CaseworkOps, AdminOps, ExportOps, StandingOps, EvidenceOps):
    """``Service(store, identity)``: every read and write of one acting identity."""
