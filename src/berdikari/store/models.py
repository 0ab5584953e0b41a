"""The database tables (SQLAlchemy 2 typed declarative). Schema changes go through Alembic.

Every change here needs a new migration in ``migrations/versions/`` (``alembic revision
--autogenerate`` against a database at head, then read and fix the script). This module defines
tables only: no queries, no access rules (those are in :mod:`berdikari.store.service`).

Timestamps are stored as naive UTC and read back as timezone-aware UTC on both engines.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from berdikari import vocab

# Stable constraint names, so migrations can refer to them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime, stored naive (UTC) so both engines agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def _in(column: str, values: Iterable[str]) -> str:
    """A CHECK that ``column`` holds one of ``values`` (a vocabulary of :mod:`berdikari.vocab`)."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    """A kabupaten or kota. Kalimantan Tengah's are reference data from the first migration."""

    __tablename__ = "region"
    __table_args__ = (
        UniqueConstraint("province", "name", name="uq_region_province_name"),
        CheckConstraint(_in("kind", vocab.RegionKind), name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(12))
    province: Mapped[str] = mapped_column(String(80))


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(_in("kind", vocab.OrganisationKind), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(20))


class Account(Base):
    """A staff account: a facilitator (pendamping) or a programme manager."""

    __tablename__ = "account"
    __table_args__ = (CheckConstraint(_in("role", vocab.STAFF_ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(12))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()


class Umkm(Base):
    """A business in the programme. The owner signs in with ``code`` and a 6-digit PIN."""

    __tablename__ = "umkm"
    __table_args__ = (CheckConstraint(_in("size", vocab.Size), name="size"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    owner_name: Mapped[str] = mapped_column(String(120))
    owner_phone: Mapped[str | None] = mapped_column(String(30))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    address: Mapped[str | None] = mapped_column(String(300))
    size: Mapped[str] = mapped_column(String(8))
    nib: Mapped[str | None] = mapped_column(String(20))
    categories: Mapped[list] = mapped_column(JSON)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship()
    products: Mapped[list[Product]] = relationship(order_by="Product.id")


class Product(Base):
    __tablename__ = "product"
    __table_args__ = (CheckConstraint(_in("category", vocab.ProductCategory), name="category"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    category: Mapped[str] = mapped_column(String(24))
    permit_kind: Mapped[str | None] = mapped_column(String(10))
    permit_number: Mapped[str | None] = mapped_column(String(60))
    permit_date: Mapped[date | None] = mapped_column(Date)


class Assignment(Base):
    """Who facilitates a UMKM. At most one active row per UMKM: a partial unique index."""

    __tablename__ = "assignment"
    __table_args__ = (
        Index(
            "uq_assignment_one_active",
            "umkm_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
        CheckConstraint(
            "(active AND ended_at IS NULL) OR (NOT active AND ended_at IS NOT NULL)",
            name="active_has_no_end",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_by: Mapped[str] = mapped_column(String(120))

    facilitator: Mapped[Account] = relationship()


class Assessment(Base):
    """One filling of one checklist at one version. ``result`` is the stored score (JSON)."""

    __tablename__ = "assessment"
    __table_args__ = (
        CheckConstraint(_in("status", vocab.AssessmentStatus), name="status"),
        CheckConstraint(_in("filled_by", vocab.PARTIES), name="filled_by"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    checklist_id: Mapped[str] = mapped_column(String(60))
    checklist_version: Mapped[str] = mapped_column(String(20))
    filled_by: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    verifies_id: Mapped[int | None] = mapped_column(ForeignKey("assessment.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)

    answers: Mapped[list[Answer]] = relationship(order_by="Answer.id")
    verified_by: Mapped[Account | None] = relationship(foreign_keys=[verified_by_id])
    verifies: Mapped[Assessment | None] = relationship(remote_side=[id], foreign_keys=[verifies_id])


class Answer(Base):
    """The current answer to one item of one assessment; earlier values are in the audit log."""

    __tablename__ = "answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "item_id", name="uq_answer_assessment_item"),
        CheckConstraint(_in("value", vocab.Answer), name="value"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"))
    item_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    set_by_role: Mapped[str] = mapped_column(String(12))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    set_by_name: Mapped[str] = mapped_column(String(120))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Visit(Base):
    __tablename__ = "visit"
    __table_args__ = (CheckConstraint(_in("kind", vocab.VisitKind), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    visited_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    met_with: Mapped[str | None] = mapped_column(String(200))
    """Who the facilitator met (names or roles, as typed); migration 0002."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facilitator: Mapped[Account] = relationship()


class ActionItem(Base):
    """A step on the action plan, optionally tied to a checklist item ID."""

    __tablename__ = "action_item"
    __table_args__ = (
        CheckConstraint(_in("status", vocab.ActionStatus), name="status"),
        CheckConstraint(_in("responsible", vocab.PARTIES), name="responsible"),
        # the overdue actions of the whole programme (the standing's one time-bound count)
        Index("ix_action_item_status_due_date", "status", "due_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    checklist_id: Mapped[str | None] = mapped_column(String(60))
    item_id: Mapped[str | None] = mapped_column(String(40))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    responsible: Mapped[str] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Milestone(Base):
    """NIB, PKP training, a permit number (P-IRT, MD, TR, NA), halal certificate, award."""

    __tablename__ = "milestone"
    __table_args__ = (
        CheckConstraint(_in("kind", vocab.MilestoneKind), name="kind"),
        CheckConstraint(_in("recorded_by_role", vocab.Role), name="recorded_by_role"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    kind: Mapped[str] = mapped_column(String(14))
    achieved_on: Mapped[date] = mapped_column(Date)
    number: Mapped[str | None] = mapped_column(String(60))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_by_role: Mapped[str | None] = mapped_column(String(12))
    """The role of who recorded it (migration 0005): the showcase shows a permit number only
    when a facilitator recorded it."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(Base):
    """A photo or document a facilitator attached to a visit (JPEG, PNG or PDF; size-limited).

    The bytes live in the database so that a backup holds everything; migration 0002.
    """

    __tablename__ = "evidence"
    __table_args__ = (CheckConstraint(_in("mime", vocab.EvidenceType), name="mime"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mime: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditLog(Base):
    """Who changed what. Written in the same transaction as the change; never holds a secret."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_role: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    umkm_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict | None] = mapped_column(JSON)


class WebSession(Base):
    """A signed-in browser (:mod:`berdikari.store.sessions`): only the token's SHA-256 is kept.

    ``credential`` is a digest of the PIN or password hash the session was opened with, so a
    new PIN or password ends it; ``expires_at`` moves forward with each visit.
    """

    __tablename__ = "web_session"
    __table_args__ = (
        CheckConstraint(_in("kind", vocab.SessionKind), name="kind"),
        CheckConstraint(
            "(kind = 'owner' AND umkm_id IS NOT NULL AND account_id IS NULL)"
            " OR (kind = 'staff' AND account_id IS NOT NULL AND umkm_id IS NULL)",
            name="one_subject",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    umkm_id: Mapped[int | None] = mapped_column(
        ForeignKey("umkm.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    credential: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class UmkmStanding(Base):
    """Where one UMKM stands, kept (:mod:`berdikari.store.standing`): written in the same
    transaction as every write that changes it, rebuilt from the other tables by
    ``berdikari standing rebuild``. Never the source of a fact: only a copy of what
    :func:`berdikari.store.standing.compute` derives. What depends on today's date (overdue
    actions, days since the last visit) is not kept: it is counted when read.
    """

    __tablename__ = "umkm_standing"
    umkm_id: Mapped[int] = mapped_column(
        ForeignKey("umkm.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    owner_name: Mapped[str] = mapped_column(String(120))
    regency: Mapped[str] = mapped_column(String(80), index=True)
    categories: Mapped[list] = mapped_column(JSON)
    facilitator_id: Mapped[int | None] = mapped_column(Integer, index=True)
    facilitator: Mapped[str | None] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(200), index=True)
    enrolled_on: Mapped[date] = mapped_column(Date)
    assessed: Mapped[bool] = mapped_column(Boolean)
    verified: Mapped[bool] = mapped_column(Boolean)
    verified_level: Mapped[str | None] = mapped_column(String(4))
    verified_readiness: Mapped[int | None] = mapped_column(Integer)
    self_level: Mapped[str | None] = mapped_column(String(4))
    self_readiness: Mapped[int | None] = mapped_column(Integer)
    self_newer: Mapped[bool] = mapped_column(Boolean)
    meets_standard: Mapped[bool] = mapped_column(Boolean, index=True)
    standard_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    standard_checklists: Mapped[list] = mapped_column(JSON)
    permits: Mapped[list] = mapped_column(JSON)
    """``[kind, number, "YYYY-MM-DD"]`` of each permit milestone."""
    permit_count: Mapped[int] = mapped_column(Integer)
    milestones: Mapped[list] = mapped_column(JSON)
    open_actions: Mapped[int] = mapped_column(Integer)
    last_visit: Mapped[date | None] = mapped_column(Date, index=True)
    submissions_waiting: Mapped[int] = mapped_column(Integer)
    gaps: Mapped[list] = mapped_column(JSON)
    current: Mapped[list] = mapped_column(JSON)


# --- the Etalase (public showcase): migration 0005 -------------------------------------------------


class ShowcaseTerm(Base):
    """One local speciality or award of the programme; seeded from :mod:`berdikari.showcase`,
    extended by the manager. Labels are data (the manager types both), not catalogue msgids."""

    __tablename__ = "showcase_term"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_showcase_term_kind_key"),
        CheckConstraint(_in("kind", vocab.ShowcaseTermKind), name="kind"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    key: Mapped[str] = mapped_column(String(40))
    label_id: Mapped[str] = mapped_column(String(80))
    label_en: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShowcasePhoto(Base):
    """The original photo of a showcase product (JPEG or PNG, decoded with Pillow, size-bounded);
    the public pages serve resized copies. Bytes in the database, so a backup holds them."""

    __tablename__ = "showcase_photo"
    __table_args__ = (CheckConstraint(_in("mime", vocab.SHOWCASE_PHOTO_TYPES), name="mime"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    mime: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShowcaseListing(Base):
    """One product's showcase page: the owner's consent and choices, and the manager's curation.

    Public only when ``state`` is approved and ``consent`` stands; revoking consent or a
    take-down removes it at once. ``show_permits`` lists the milestone kinds (of
    ``vocab.SHOWABLE_PERMITS``) whose recorded numbers the owner chose to show."""

    __tablename__ = "showcase_listing"
    __table_args__ = (
        CheckConstraint(_in("state", vocab.ListingState), name="state"),
        CheckConstraint(_in("consent_by_role", vocab.PARTIES), name="consent_by_role"),
        CheckConstraint("NOT consent OR consent_at IS NOT NULL", name="consent_has_time"),
        Index("ix_showcase_listing_public", "state", "consent"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    speciality_id: Mapped[int | None] = mapped_column(ForeignKey("showcase_term.id"))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("showcase_photo.id"))
    state: Mapped[str] = mapped_column(String(12), default="draft")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_by_role: Mapped[str | None] = mapped_column(String(12))
    consent_by_name: Mapped[str | None] = mapped_column(String(120))
    owner_present: Mapped[bool] = mapped_column(Boolean, default=False)
    show_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    show_whatsapp: Mapped[bool] = mapped_column(Boolean, default=False)
    show_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    show_permits: Mapped[list] = mapped_column(JSON, default=list)
    order_whatsapp: Mapped[str | None] = mapped_column(String(30))
    order_phone: Mapped[str | None] = mapped_column(String(30))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    taken_down_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken_down_by: Mapped[str | None] = mapped_column(String(120))
    take_down_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class HandoverEvent(Base):
    """A hand-over day (penyerahan): where and when permits, awards and certificates are given."""

    __tablename__ = "handover_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entries: Mapped[list[HandoverEntry]] = relationship(order_by="HandoverEntry.position")


class HandoverEntry(Base):
    """What one UMKM receives at an event: a recorded permit (``milestone_id``), an award
    (``award_id``, shown on the showcase once the event has taken place) or the certificate of
    programme completion. ``position`` is the order the master of ceremonies calls them."""

    __tablename__ = "handover_entry"
    __table_args__ = (
        CheckConstraint(_in("kind", vocab.HandoverKind), name="kind"),
        CheckConstraint(
            f"(kind = '{vocab.HandoverKind.PERMIT}') = (milestone_id IS NOT NULL)",
            name="permit_has_milestone",
        ),
        CheckConstraint(
            f"(kind = '{vocab.HandoverKind.AWARD}') = (award_id IS NOT NULL)",
            name="award_has_term",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("handover_event.id"), index=True)
    umkm_id: Mapped[int] = mapped_column(ForeignKey("umkm.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestone.id"))
    award_id: Mapped[int | None] = mapped_column(ForeignKey("showcase_term.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
