"""Alembic migrations of the Berdikari schema (run them with ``berdikari db upgrade``)."""
