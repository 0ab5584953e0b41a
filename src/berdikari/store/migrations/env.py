"""Alembic environment: runs on the connection :mod:`berdikari.store.db` hands over.

The caller owns the transaction (and, on PostgreSQL, the advisory lock); this file never opens a
connection of its own, so migrations run only through ``berdikari.store.db.upgrade/downgrade``.
"""

from alembic import context

from berdikari.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - guard against `alembic` run by hand
    raise SystemExit("run migrations with `berdikari db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite: ALTER TABLE through copy-and-move
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
