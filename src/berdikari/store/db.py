"""The engine, the one session factory, and schema migrations (Alembic, run from Python).

``BERDIKARI_DATABASE_URL`` (via :func:`berdikari.config.settings`) selects the database. The default
is an SQLite file under ``data/`` in WAL mode with a busy timeout and foreign keys on; it is created
and migrated on first use. PostgreSQL (``postgresql+psycopg://user@host/db``) is the engine for
deployments with several app servers; it is migrated on first use too, under an advisory lock.

Write transactions on SQLite begin with ``BEGIN IMMEDIATE`` so that concurrent writers queue on the
busy timeout instead of failing when a read lock cannot be upgraded. This module never checks who
may do what: that is :mod:`berdikari.store.service`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from berdikari.config import LOCKOUT_MINUTES, LOCKOUT_TRIES, settings

BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).parent / "migrations"
_PG_MIGRATION_LOCK = 0x6265726469  # "berdi": one migrator at a time across app servers


@dataclass(frozen=True)
class LockoutPolicy:
    """How many wrong PINs/passwords lock an account, and for how long."""

    max_failures: int = LOCKOUT_TRIES
    minutes: int = LOCKOUT_MINUTES

    @classmethod
    def from_settings(cls) -> LockoutPolicy:
        """``BERDIKARI_LOCKOUT_TRIES`` and ``BERDIKARI_LOCKOUT_MINUTES`` (default 5 and 15)."""
        s = settings()
        return cls(max_failures=s.lockout_tries, minutes=s.lockout_minutes)


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 (the driver we ship)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    memory = u.database in (None, "", ":memory:")
    if not memory:
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        poolclass=StaticPool if memory else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")  # a saved answer survives power loss
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("berdikari_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _run(engine: Engine, fn, revision: str) -> None:
    cfg = alembic_config()
    with engine.connect() as conn:
        conn = conn.execution_options(berdikari_begin="IMMEDIATE")
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            cfg.attributes["connection"] = conn
            fn(cfg, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema up (in one transaction; a failed step leaves it as it was)."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the schema down to ``revision`` (``base`` drops every table)."""
    _run(engine, command.downgrade, revision)


@dataclass
class Store:
    """A database: the engine and the one session factory. Get one with :func:`open_store`.

    Apps never use :meth:`read`/:meth:`write` themselves; they call
    :class:`berdikari.store.service.Service`, which does.
    """

    url: str
    engine: Engine
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy.from_settings)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(berdikari_begin="IMMEDIATE")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on error."""
        with self._sessions(bind=self._write_engine) as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(
    url: str | None = None, *, migrate: bool = True, lockout: LockoutPolicy | None = None
) -> Store:
    """Open the database at ``url`` (default: ``settings().database_url``).

    With ``migrate`` (the default) the schema is brought to the latest migration first, so a new
    SQLite file is created and ready on first use. ``lockout`` defaults to the configured policy
    (:meth:`LockoutPolicy.from_settings`).
    """
    url = normalise_url(url or settings().database_url)
    engine = make_engine(url)
    if migrate and current_revision(engine) != head_revision():
        upgrade(engine)
    return Store(url=url, engine=engine, lockout=lockout or LockoutPolicy.from_settings())
