"""Migrations: up from an empty database and down again, on SQLite and PostgreSQL; the models
and the migrations agree; SQLite runs in WAL mode with a busy timeout and foreign keys."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from berdikari.store import db, open_store
from berdikari.store.models import Base
from berdikari.store.reference import KALTENG_REGENCIES

TABLES = {t.name for t in Base.metadata.sorted_tables}


def test_upgrade_from_empty_then_down_to_base_and_up_again(empty_url):
    engine = db.make_engine(empty_url)
    try:
        assert db.current_revision(engine) is None
        assert not set(inspect(engine).get_table_names()) & TABLES
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision()
        assert TABLES <= set(inspect(engine).get_table_names())
        db.downgrade(engine, "base")
        assert db.current_revision(engine) is None
        assert not set(inspect(engine).get_table_names()) & TABLES
        db.upgrade(engine)
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM region")).scalar_one() == 14
    finally:
        engine.dispose()


def test_open_store_creates_and_migrates_on_first_use(empty_url):
    store = open_store(empty_url)
    try:
        assert db.current_revision(store.engine) == db.head_revision()
        with store.engine.connect() as c:
            names = {r[0] for r in c.execute(text("SELECT name FROM region"))}
        assert names == {name for _code, name, _kind in KALTENG_REGENCIES}
        assert "Palangka Raya" in names and "Murung Raya" in names and len(names) == 14
    finally:
        store.close()


def test_models_match_the_migrations(store):
    with store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    assert diff == [], f"models changed without a migration: {diff}"


def test_sqlite_runs_in_wal_mode_with_busy_timeout_and_foreign_keys(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'data' / 'x.db'}")
    try:
        assert (tmp_path / "data" / "x.db").exists()
        with store.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()


def test_default_database_is_a_file_under_data(monkeypatch, tmp_path):
    monkeypatch.delenv("BERDIKARI_DATABASE_URL", raising=False)
    monkeypatch.setenv("BERDIKARI_DATA_DIR", str(tmp_path / "data"))
    store = open_store()
    try:
        assert store.url == f"sqlite:///{tmp_path / 'data' / 'berdikari.db'}"
        assert (tmp_path / "data" / "berdikari.db").exists()
    finally:
        store.close()


def test_postgres_urls_use_psycopg3():
    assert db.normalise_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert db.normalise_url("sqlite:///x.db") == "sqlite:///x.db"
