"""The Etalase (public showcase): product listings with the owner's consent and the manager's
approval, their photos, the programme's specialities and awards (seeded from
:mod:`berdikari.showcase`; the manager adds more), and the hand-over events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handover_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_event")),
    )
    with op.batch_alter_table("handover_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_event_held_on"), ["held_on"], unique=False)

    op.create_table(
        "showcase_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("label_id", sa.String(length=80), nullable=False),
        sa.Column("label_en", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('speciality', 'award')", name=op.f("ck_showcase_term_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_showcase_term")),
        sa.UniqueConstraint("kind", "key", name="uq_showcase_term_kind_key"),
    )
    op.create_table(
        "showcase_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "mime IN ('image/jpeg', 'image/png')", name=op.f("ck_showcase_photo_mime")
        ),
        sa.ForeignKeyConstraint(
            ["umkm_id"], ["umkm.id"], name=op.f("fk_showcase_photo_umkm_id_umkm")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_showcase_photo")),
    )
    with op.batch_alter_table("showcase_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_showcase_photo_umkm_id"), ["umkm_id"], unique=False)

    op.create_table(
        "showcase_listing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("speciality_id", sa.Integer(), nullable=True),
        sa.Column("photo_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.Column("consent_by_role", sa.String(length=12), nullable=True),
        sa.Column("consent_by_name", sa.String(length=120), nullable=True),
        sa.Column("owner_present", sa.Boolean(), nullable=False),
        sa.Column("show_photo", sa.Boolean(), nullable=False),
        sa.Column("show_whatsapp", sa.Boolean(), nullable=False),
        sa.Column("show_phone", sa.Boolean(), nullable=False),
        sa.Column("show_permits", sa.JSON(), nullable=False),
        sa.Column("order_whatsapp", sa.String(length=30), nullable=True),
        sa.Column("order_phone", sa.String(length=30), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(length=120), nullable=True),
        sa.Column("taken_down_at", sa.DateTime(), nullable=True),
        sa.Column("taken_down_by", sa.String(length=120), nullable=True),
        sa.Column("take_down_reason", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "consent_by_role IN ('owner', 'facilitator')",
            name=op.f("ck_showcase_listing_consent_by_role"),
        ),
        sa.CheckConstraint(
            "state IN ('draft', 'approved', 'taken-down')", name=op.f("ck_showcase_listing_state")
        ),
        sa.CheckConstraint(
            "NOT consent OR consent_at IS NOT NULL",
            name=op.f("ck_showcase_listing_consent_has_time"),
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"],
            ["showcase_photo.id"],
            name=op.f("fk_showcase_listing_photo_id_showcase_photo"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_showcase_listing_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["speciality_id"],
            ["showcase_term.id"],
            name=op.f("fk_showcase_listing_speciality_id_showcase_term"),
        ),
        sa.ForeignKeyConstraint(
            ["umkm_id"], ["umkm.id"], name=op.f("fk_showcase_listing_umkm_id_umkm")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_showcase_listing")),
        sa.UniqueConstraint("product_id", name=op.f("uq_showcase_listing_product_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_showcase_listing_slug")),
    )
    with op.batch_alter_table("showcase_listing", schema=None) as batch_op:
        batch_op.create_index("ix_showcase_listing_public", ["state", "consent"], unique=False)
        batch_op.create_index(batch_op.f("ix_showcase_listing_umkm_id"), ["umkm_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_showcase_listing_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "handover_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("milestone_id", sa.Integer(), nullable=True),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'award') = (award_id IS NOT NULL)",
            name=op.f("ck_handover_entry_award_has_term"),
        ),
        sa.CheckConstraint(
            "(kind = 'permit') = (milestone_id IS NOT NULL)",
            name=op.f("ck_handover_entry_permit_has_milestone"),
        ),
        sa.CheckConstraint(
            "kind IN ('permit', 'award', 'completion')", name=op.f("ck_handover_entry_kind")
        ),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["showcase_term.id"],
            name=op.f("fk_handover_entry_award_id_showcase_term"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["handover_event.id"],
            name=op.f("fk_handover_entry_event_id_handover_event"),
        ),
        sa.ForeignKeyConstraint(
            ["milestone_id"],
            ["milestone.id"],
            name=op.f("fk_handover_entry_milestone_id_milestone"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_handover_entry_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["umkm_id"], ["umkm.id"], name=op.f("fk_handover_entry_umkm_id_umkm")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_entry")),
    )
    with op.batch_alter_table("handover_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_entry_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handover_entry_umkm_id"), ["umkm_id"], unique=False)

    # Who recorded each milestone, by role: the showcase shows only facilitator-recorded permits.
    # Earlier milestones take the role from their audit row.
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recorded_by_role", sa.String(length=12), nullable=True))
        batch_op.create_check_constraint(
            "recorded_by_role",
            "recorded_by_role IN ('owner', 'facilitator', 'manager', 'system')",
        )
    op.execute(
        "UPDATE milestone SET recorded_by_role = (SELECT a.actor_role FROM audit_log a"
        " WHERE a.action = 'milestone-add' AND a.entity = 'milestone'"
        " AND a.entity_id = milestone.id ORDER BY a.id LIMIT 1)"
    )

    # The programme's own vocabularies as they stood when the Etalase began.
    from berdikari.showcase import AWARDS, SPECIALITIES

    term = sa.table(
        "showcase_term",
        sa.column("kind", sa.String),
        sa.column("key", sa.String),
        sa.column("label_id", sa.String),
        sa.column("label_en", sa.String),
        sa.column("active", sa.Boolean),
        sa.column("created_at", sa.DateTime),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        term,
        [
            {
                "kind": kind,
                "key": key,
                "label_id": id_,
                "label_en": en,
                "active": True,
                "created_at": now,
            }
            for kind, rows in (("speciality", SPECIALITIES), ("award", AWARDS))
            for key, id_, en in rows
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("handover_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_entry_umkm_id"))
        batch_op.drop_index(batch_op.f("ix_handover_entry_event_id"))

    op.drop_table("handover_entry")
    # milestone is rebuilt on SQLite (batch): nothing may reference it any more
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_constraint("recorded_by_role", type_="check")
        batch_op.drop_column("recorded_by_role")
    with op.batch_alter_table("showcase_listing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_showcase_listing_updated_at"))
        batch_op.drop_index(batch_op.f("ix_showcase_listing_umkm_id"))
        batch_op.drop_index("ix_showcase_listing_public")

    op.drop_table("showcase_listing")
    with op.batch_alter_table("showcase_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_showcase_photo_umkm_id"))

    op.drop_table("showcase_photo")
    op.drop_table("showcase_term")
    with op.batch_alter_table("handover_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_event_held_on"))

    op.drop_table("handover_event")
