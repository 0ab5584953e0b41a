"""What the service layer hands out: frozen dataclasses, detached from the database.

Apps read these; they never see a session or a model object. Text fields hold exactly what a user
typed (escaping is the display's job). This module builds views from rows and checks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from berdikari import vocab
from berdikari.store import models as m


@dataclass(frozen=True)
class ProductView:
    id: int
    name: str
    category: str
    permit_kind: str | None
    permit_number: str | None
    permit_date: date | None


@dataclass(frozen=True)
class UmkmView:
    id: int
    code: str
    name: str
    owner_name: str
    owner_phone: str | None
    regency: str
    province: str
    address: str | None
    size: str
    nib: str | None
    categories: tuple[str, ...]
    products: tuple[ProductView, ...]
    facilitator: str | None
    """Name of the active facilitator (None when unassigned)."""
    facilitator_id: int | None
    facilitator_phone: str | None
    has_pin: bool
    pin_locked_until: datetime | None = None
    """Until when the owner's sign-in is locked after wrong PINs; None when it is not locked now."""
    pin_failed_attempts: int = 0
    """Wrong PINs in a row since the owner's last sign-in (or the last lockout)."""


@dataclass(frozen=True)
class AnswerView:
    item_id: str
    value: str
    note: str | None
    set_at: datetime
    set_by: str
    """Display name of who set it."""
    set_by_role: str


@dataclass(frozen=True)
class AssessmentView:
    id: int
    umkm_id: int
    checklist_id: str
    checklist_version: str
    status: str
    filled_by: str
    answers: dict[str, AnswerView]
    result: dict | None
    """``berdikari.report_text.result_json`` of the answers, stored with the assessment."""
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    verified_at: datetime | None
    verified_by: str | None
    verifies_id: int | None
    """For a facilitator's verification: the owner's assessment it verifies."""
    note: str | None

    @property
    def ref(self) -> str:
        """The checklist as cited: ``id@version``."""
        return f"{self.checklist_id}@{self.checklist_version}"


@dataclass(frozen=True)
class ActionView:
    id: int
    umkm_id: int
    title: str
    checklist_id: str | None
    item_id: str | None
    due_date: date | None
    status: str
    responsible: str
    created_at: datetime
    done_at: datetime | None

    def overdue(self, today: date) -> bool:
        return (
            self.status in vocab.OPEN_ACTION_STATUSES
            and bool(self.due_date)
            and (self.due_date < today)
        )


@dataclass(frozen=True)
class VisitView:
    id: int
    umkm_id: int
    facilitator: str
    visited_on: date
    kind: str
    summary: str
    met_with: str | None = None
    """Who the facilitator met, as typed."""


@dataclass(frozen=True)
class MilestoneView:
    id: int
    umkm_id: int
    kind: str
    achieved_on: date
    number: str | None
    product_id: int | None
    note: str | None
    recorded_by: str


@dataclass(frozen=True)
class EvidenceView:
    """A photo or document attached to a visit (metadata; the bytes come from
    ``Service.evidence_content``)."""

    id: int
    umkm_id: int
    visit_id: int | None
    filename: str
    mime: str
    size: int
    created_at: datetime


@dataclass(frozen=True)
class StaffView:
    id: int
    username: str
    name: str
    role: str
    organisation: str | None
    organisation_kind: str | None
    phone: str | None
    email: str | None
    active: bool


@dataclass(frozen=True)
class AssignmentView:
    id: int
    umkm_id: int
    facilitator_id: int
    facilitator: str
    active: bool
    started_at: datetime
    ended_at: datetime | None
    assigned_by: str


def product_view(p: m.Product) -> ProductView:
    return ProductView(p.id, p.name, p.category, p.permit_kind, p.permit_number, p.permit_date)


def answer_view(a: m.Answer) -> AnswerView:
    return AnswerView(a.item_id, a.value, a.note, a.set_at, a.set_by_name, a.set_by_role)


def assessment_view(a: m.Assessment, answers: list[m.Answer], verified_by: str | None):
    return AssessmentView(
        id=a.id,
        umkm_id=a.umkm_id,
        checklist_id=a.checklist_id,
        checklist_version=a.checklist_version,
        status=a.status,
        filled_by=a.filled_by,
        answers={x.item_id: answer_view(x) for x in answers},
        result=a.result,
        created_at=a.created_at,
        updated_at=a.updated_at,
        submitted_at=a.submitted_at,
        verified_at=a.verified_at,
        verified_by=verified_by,
        verifies_id=a.verifies_id,
        note=a.note,
    )


def action_view(a: m.ActionItem) -> ActionView:
    return ActionView(
        a.id,
        a.umkm_id,
        a.title,
        a.checklist_id,
        a.item_id,
        a.due_date,
        a.status,
        a.responsible,
        a.created_at,
        a.done_at,
    )


def milestone_view(x: m.Milestone) -> MilestoneView:
    return MilestoneView(
        x.id, x.umkm_id, x.kind, x.achieved_on, x.number, x.product_id, x.note, x.recorded_by
    )


def staff_view(a: m.Account) -> StaffView:
    org = a.organisation
    return StaffView(
        a.id,
        a.username,
        a.name,
        a.role,
        org.name if org else None,
        org.kind if org else None,
        a.phone,
        a.email,
        a.active,
    )


def assignment_view(x: m.Assignment) -> AssignmentView:
    return AssignmentView(
        x.id,
        x.umkm_id,
        x.facilitator_id,
        x.facilitator.name,
        x.active,
        x.started_at,
        x.ended_at,
        x.assigned_by,
    )
