"""The live schema's CHECK constraints hold exactly the vocabularies of :mod:`berdikari.vocab`,
on SQLite and on PostgreSQL.

Alembic's ``compare_metadata`` (``test_migrations.py``) ignores CHECK constraints, so a value
added to a vocabulary (and so to the models, which are built from it) without a migration
would pass there and fail at the first insert in production. Here the database is migrated to
head and its constraints are read back (``sqlite_master`` / ``pg_constraint`` through
SQLAlchemy's inspector); the sets of values are compared, since each engine writes the same
constraint in its own form (``kind IN ('site', ...)`` / ``kind = ANY (ARRAY['site', ...])``).
"""

from __future__ import annotations

import re

from sqlalchemy import inspect

from berdikari import vocab
from berdikari.store import db
from berdikari.store.models import Base

COLUMNS = {
    ("region", "kind"): vocab.RegionKind,
    ("organisation", "kind"): vocab.OrganisationKind,
    ("account", "role"): vocab.STAFF_ROLES,
    ("umkm", "size"): vocab.Size,
    ("product", "category"): vocab.ProductCategory,
    ("assessment", "status"): vocab.AssessmentStatus,
    ("assessment", "filled_by"): vocab.PARTIES,
    ("answer", "value"): vocab.Answer,
    ("visit", "kind"): vocab.VisitKind,
    ("action_item", "status"): vocab.ActionStatus,
    ("action_item", "responsible"): vocab.PARTIES,
    ("milestone", "kind"): vocab.MilestoneKind,
    ("milestone", "recorded_by_role"): vocab.Role,
    ("evidence", "mime"): vocab.EvidenceType,
    ("web_session", "kind"): vocab.SessionKind,
    ("showcase_term", "kind"): vocab.ShowcaseTermKind,
    ("showcase_photo", "mime"): vocab.SHOWCASE_PHOTO_TYPES,
    ("showcase_listing", "state"): vocab.ListingState,
    ("showcase_listing", "consent_by_role"): vocab.PARTIES,
    ("handover_entry", "kind"): vocab.HandoverKind,
}
"""Every column that holds a vocabulary, and the vocabulary (or named subset) it holds."""

QUOTED = re.compile(r"'((?:[^']|'')*)'")
LIST_CHECK = re.compile(r"\bIN\s*\(|=\s*ANY\s*\(", re.IGNORECASE)


def live_checks(engine) -> dict[tuple[str, str], str]:
    """(table, constraint name without the ``ck_<table>_`` prefix) → its SQL text, as stored."""
    insp = inspect(engine)
    out = {}
    for table in insp.get_table_names():
        for ck in insp.get_check_constraints(table):
            name = ck["name"] or ""
            out[(table, name.removeprefix(f"ck_{table}_"))] = ck["sqltext"]
    return out


def values_of(sqltext: str) -> set[str]:
    return {v.replace("''", "'") for v in QUOTED.findall(sqltext)}


def test_every_vocabulary_column_is_checked_with_exactly_its_values(store_url):
    engine = db.make_engine(store_url)
    try:
        db.upgrade(engine)
        checks = live_checks(engine)
    finally:
        engine.dispose()
    wrong = {}
    for (table, column), members in COLUMNS.items():
        assert (table, column) in checks, f"{table}.{column}: no CHECK constraint in the database"
        live = values_of(checks[(table, column)])
        if live != {str(m) for m in members}:
            wrong[f"{table}.{column}"] = sorted(live ^ {str(m) for m in members})
    assert wrong == {}, (
        f"the vocabulary and the migrated schema differ (write a migration): {wrong}"
    )
    # a list-of-values CHECK the table above does not know is a vocabulary outside vocab.py
    unknown = [key for key, sql in checks.items() if LIST_CHECK.search(sql) and key not in COLUMNS]
    assert unknown == []


def test_the_models_build_the_same_constraints():
    """The models' CHECKs come from the vocabularies too (what a fresh ``create_all`` makes)."""
    for table in Base.metadata.sorted_tables:
        for ck in table.constraints:
            key = (table.name, str(ck.name or "").removeprefix(f"ck_{table.name}_"))
            if key in COLUMNS:
                assert values_of(str(ck.sqltext)) == {str(m) for m in COLUMNS[key]}
    named = {
        (t.name, str(c.name).removeprefix(f"ck_{t.name}_"))
        for t in Base.metadata.sorted_tables
        for c in t.constraints
    }
    assert set(COLUMNS) <= named
