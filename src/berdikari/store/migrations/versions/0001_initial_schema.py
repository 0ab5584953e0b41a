"""Initial schema, and the regencies of Kalimantan Tengah as reference data.

DateTime columns hold naive UTC (the models read them back as aware UTC).

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Frozen copy of berdikari.store.reference.KALTENG_REGENCIES at the time of this migration.
KALTENG_REGENCIES = (
    ("KBR", "Kotawaringin Barat", "kabupaten"),
    ("KTM", "Kotawaringin Timur", "kabupaten"),
    ("KPS", "Kapuas", "kabupaten"),
    ("BSL", "Barito Selatan", "kabupaten"),
    ("BUT", "Barito Utara", "kabupaten"),
    ("SKM", "Sukamara", "kabupaten"),
    ("LMD", "Lamandau", "kabupaten"),
    ("SRY", "Seruyan", "kabupaten"),
    ("KTG", "Katingan", "kabupaten"),
    ("PPS", "Pulang Pisau", "kabupaten"),
    ("GMS", "Gunung Mas", "kabupaten"),
    ("BTM", "Barito Timur", "kabupaten"),
    ("MRY", "Murung Raya", "kabupaten"),
    ("PKY", "Palangka Raya", "kota"),
)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_role", sa.String(length=12), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("umkm_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_umkm_id"), ["umkm_id"], unique=False)

    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "kind IN ('bbpom', 'pemerintah-daerah', 'perguruan-tinggi', 'swasta', 'komunitas')",
            name=op.f("ck_organisation_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("province", sa.String(length=80), nullable=False),
        sa.CheckConstraint("kind IN ('kabupaten', 'kota')", name=op.f("ck_region_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region")),
        sa.UniqueConstraint("code", name=op.f("uq_region_code")),
        sa.UniqueConstraint("province", "name", name="uq_region_province_name"),
    )
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("email", sa.String(length=120), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('facilitator', 'manager')", name=op.f("ck_account_role")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_account_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("username", name=op.f("uq_account_username")),
    )
    op.create_table(
        "umkm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("owner_name", sa.String(length=120), nullable=False),
        sa.Column("owner_phone", sa.String(length=30), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("size", sa.String(length=8), nullable=False),
        sa.Column("nib", sa.String(length=20), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("size IN ('mikro', 'kecil')", name=op.f("ck_umkm_size")),
        sa.ForeignKeyConstraint(
            ["region_id"], ["region.id"], name=op.f("fk_umkm_region_id_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_umkm")),
        sa.UniqueConstraint("code", name=op.f("uq_umkm_code")),
    )
    op.create_table(
        "action_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("checklist_id", sa.String(length=60), nullable=True),
        sa.Column("item_id", sa.String(length=40), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("responsible", sa.String(length=12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "responsible IN ('owner', 'facilitator')", name=op.f("ck_action_item_responsible")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in-progress', 'done', 'dropped')",
            name=op.f("ck_action_item_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["account.id"], name=op.f("fk_action_item_created_by_id_account")
        ),
        sa.ForeignKeyConstraint(["umkm_id"], ["umkm.id"], name=op.f("fk_action_item_umkm_id_umkm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item")),
    )
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_umkm_id"), ["umkm_id"], unique=False)

    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.String(length=60), nullable=False),
        sa.Column("checklist_version", sa.String(length=20), nullable=False),
        sa.Column("filled_by", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("verifies_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "filled_by IN ('owner', 'facilitator')", name=op.f("ck_assessment_filled_by")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'verified')", name=op.f("ck_assessment_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["account.id"], name=op.f("fk_assessment_created_by_id_account")
        ),
        sa.ForeignKeyConstraint(["umkm_id"], ["umkm.id"], name=op.f("fk_assessment_umkm_id_umkm")),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["account.id"], name=op.f("fk_assessment_verified_by_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["verifies_id"], ["assessment.id"], name=op.f("fk_assessment_verifies_id_assessment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_umkm_id"), ["umkm_id"], unique=False)

    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("assigned_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "(active AND ended_at IS NULL) OR (NOT active AND ended_at IS NOT NULL)",
            name=op.f("ck_assignment_active_has_no_end"),
        ),
        sa.ForeignKeyConstraint(
            ["facilitator_id"], ["account.id"], name=op.f("fk_assignment_facilitator_id_account")
        ),
        sa.ForeignKeyConstraint(["umkm_id"], ["umkm.id"], name=op.f("fk_assignment_umkm_id_umkm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
    )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignment_facilitator_id"), ["facilitator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignment_umkm_id"), ["umkm_id"], unique=False)
        batch_op.create_index(
            "uq_assignment_one_active",
            ["umkm_id"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("permit_kind", sa.String(length=10), nullable=True),
        sa.Column("permit_number", sa.String(length=60), nullable=True),
        sa.Column("permit_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "category IN ('pangan-olahan', 'obat-tradisional', 'kosmetik', 'suplemen-kesehatan')",
            name=op.f("ck_product_category"),
        ),
        sa.ForeignKeyConstraint(["umkm_id"], ["umkm.id"], name=op.f("fk_product_umkm_id_umkm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_product_umkm_id"), ["umkm_id"], unique=False)

    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('site', 'phone', 'online', 'training')", name=op.f("ck_visit_kind")
        ),
        sa.ForeignKeyConstraint(
            ["facilitator_id"], ["account.id"], name=op.f("fk_visit_facilitator_id_account")
        ),
        sa.ForeignKeyConstraint(["umkm_id"], ["umkm.id"], name=op.f("fk_visit_umkm_id_umkm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_umkm_id"), ["umkm_id"], unique=False)

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("set_by_role", sa.String(length=12), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_name", sa.String(length=120), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "value IN ('yes', 'no', 'partial', 'unknown', 'na')", name=op.f("ck_answer_value")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], name=op.f("fk_answer_assessment_id_assessment")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["account.id"], name=op.f("fk_answer_set_by_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
        sa.UniqueConstraint("assessment_id", "item_id", name="uq_answer_assessment_item"),
    )
    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("umkm_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=14), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('nib', 'pkp-training', 'p-irt', 'bpom-md', 'bpom-tr', 'bpom-na', 'halal', 'award')",
            name=op.f("ck_milestone_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_milestone_product_id_product")
        ),
        sa.ForeignKeyConstraint(["umkm_id"], ["umkm.id"], name=op.f("fk_milestone_umkm_id_umkm")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestone_umkm_id"), ["umkm_id"], unique=False)

    region = sa.table(
        "region",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("province", sa.String),
    )
    op.bulk_insert(
        region,
        [
            {"code": code, "name": name, "kind": kind, "province": "Kalimantan Tengah"}
            for code, name, kind in KALTENG_REGENCIES
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_umkm_id"))

    op.drop_table("milestone")
    op.drop_table("answer")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_umkm_id"))

    op.drop_table("visit")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_umkm_id"))

    op.drop_table("product")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assignment_one_active",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )
        batch_op.drop_index(batch_op.f("ix_assignment_umkm_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_facilitator_id"))

    op.drop_table("assignment")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_umkm_id"))

    op.drop_table("assessment")
    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_umkm_id"))

    op.drop_table("action_item")
    op.drop_table("umkm")
    op.drop_table("account")
    op.drop_table("region")
    op.drop_table("organisation")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_umkm_id"))

    op.drop_table("audit_log")
