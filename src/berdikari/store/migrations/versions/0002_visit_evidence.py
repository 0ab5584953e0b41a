"""Visits record who was met; photos and documents attached to visits as evidence.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("met_with", sa.String(length=200), nullable=True))
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "mime IN ('image/jpeg', 'image/png', 'application/pdf')",
            name=op.f("ck_evidence_mime"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["account.id"], name=op.f("fk_evidence_created_by_id_account")
        ),
        sa.ForeignKeyConstraint(["umkm_id"], ["umkm.id"], name=op.f("fk_evidence_umkm_id_umkm")),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit.id"], name=op.f("fk_evidence_visit_id_visit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_umkm_id"), ["umkm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_visit_id"), ["visit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_visit_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_umkm_id"))
    op.drop_table("evidence")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("met_with")
