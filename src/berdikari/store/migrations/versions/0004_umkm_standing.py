"""Each UMKM's standing kept in a table (read by the screens and exports instead of being
recomputed from every assessment), and the index the overdue-actions count needs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "umkm_standing",
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("owner_name", sa.String(length=120), nullable=False),
        sa.Column("regency", sa.String(length=80), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("facilitator", sa.String(length=120), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("assessed", sa.Boolean(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("verified_level", sa.String(length=4), nullable=True),
        sa.Column("verified_readiness", sa.Integer(), nullable=True),
        sa.Column("self_level", sa.String(length=4), nullable=True),
        sa.Column("self_readiness", sa.Integer(), nullable=True),
        sa.Column("self_newer", sa.Boolean(), nullable=False),
        sa.Column("meets_standard", sa.Boolean(), nullable=False),
        sa.Column("standard_since", sa.DateTime(), nullable=True),
        sa.Column("standard_checklists", sa.JSON(), nullable=False),
        sa.Column("permits", sa.JSON(), nullable=False),
        sa.Column("permit_count", sa.Integer(), nullable=False),
        sa.Column("milestones", sa.JSON(), nullable=False),
        sa.Column("open_actions", sa.Integer(), nullable=False),
        sa.Column("last_visit", sa.Date(), nullable=True),
        sa.Column("submissions_waiting", sa.Integer(), nullable=False),
        sa.Column("gaps", sa.JSON(), nullable=False),
        sa.Column("current", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["umkm_id"],
            ["umkm.id"],
            name=op.f("fk_umkm_standing_umkm_id_umkm"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("umkm_id", name=op.f("pk_umkm_standing")),
        sa.UniqueConstraint("code", name=op.f("uq_umkm_standing_code")),
    )
    with op.batch_alter_table("umkm_standing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_umkm_standing_facilitator_id"), ["facilitator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_umkm_standing_regency"), ["regency"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_umkm_standing_organisation"), ["organisation"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_umkm_standing_meets_standard"), ["meets_standard"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_umkm_standing_last_visit"), ["last_visit"], unique=False
        )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_action_item_status_due_date", ["status", "due_date"], unique=False
        )
    # Existing programmes: the standing of every UMKM, computed once here (new writes keep it).
    from berdikari.store.standing import rebuild_on

    rebuild_on(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index("ix_action_item_status_due_date")
    with op.batch_alter_table("umkm_standing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_umkm_standing_last_visit"))
        batch_op.drop_index(batch_op.f("ix_umkm_standing_meets_standard"))
        batch_op.drop_index(batch_op.f("ix_umkm_standing_organisation"))
        batch_op.drop_index(batch_op.f("ix_umkm_standing_regency"))
        batch_op.drop_index(batch_op.f("ix_umkm_standing_facilitator_id"))
    op.drop_table("umkm_standing")
