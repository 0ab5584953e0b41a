"""Fixtures for the storage tests: the ``store`` fixture runs each test on SQLite and on a real
PostgreSQL server (see ``pgserver.py``).

Without Debian's PostgreSQL binaries, outside CI, the PostgreSQL variants are deselected and the
terminal summary says so in plain words; with ``CI=true`` they fail instead. The tests use their
own small checklists (``fixtures/checklists``) so that they do not change when the real ones do.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from berdikari.store import LockoutPolicy, open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from tests.store import pgserver

HERE = Path(__file__).parent
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
_MISSING = "PostgreSQL tests did not run: no server binary; install Debian's postgresql"
_deselected = pytest.StashKey[int]()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(config, items):
    if pgserver.bin_dir() is not None or _in_ci():
        return
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        uses_pg = callspec is not None and "postgresql" in callspec.params.values()
        (drop if uses_pg else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        config.stash[_deselected] = len(drop)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    n = config.stash.get(_deselected, 0)
    if n:
        terminalreporter.section("PostgreSQL", sep="=", red=True, bold=True)
        terminalreporter.write_line(f"{_MISSING} ({n} test(s) not run).", red=True, bold=True)


@pytest.fixture(autouse=True)
def _test_checklists(monkeypatch):
    monkeypatch.setenv("BERDIKARI_CHECKLISTS_DIR", str(HERE / "fixtures" / "checklists"))
    monkeypatch.setenv("BERDIKARI_GUIDES_DIR", str(HERE.parent / "fixtures" / "guides"))


@pytest.fixture(scope="session")
def pg_server():
    bindir = pgserver.bin_dir()
    if bindir is None:
        pytest.fail(f"{_MISSING} (CI is set, so this is an error)")
    server = pgserver.PgServer(bindir).start()
    try:
        server.execute(f'CREATE DATABASE "{pgserver.TEMPLATE}"')
        open_store(server.url(pgserver.TEMPLATE)).close()  # migrate the template once
        yield server
    finally:
        server.stop()


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture
def empty_url(engine_name, request, tmp_path):
    """A URL of an empty database (no tables) on the engine under test."""
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'empty.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.new_database(template="template0")
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def store_url(engine_name, request, tmp_path):
    """A URL of a migrated, empty-of-data database on the engine under test."""
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'berdikari.db'}"
        return
    server = request.getfixturevalue("pg_server")
    name = server.new_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def store(store_url):
    s = open_store(store_url, lockout=LockoutPolicy(max_failures=3, minutes=15))
    yield s
    s.close()


@pytest.fixture
def admin(store) -> Service:
    return Service(store, system_identity("test admin"))


class World:
    """Two UMKM, two facilitators (one assigned to each), a manager, and their sign-ins."""

    def __init__(self, store):
        from berdikari.store.auth import sign_in_owner, sign_in_staff

        self.store = store
        adm = Service(store, system_identity("test admin"))
        org = adm.add_organisation("BBPOM di Palangka Raya", "bbpom")
        uni = adm.add_organisation("Kampus Uji", "perguruan-tinggi")
        self.fac_a = adm.add_staff("fas.a", "Fasilitator A", "facilitator", "sandi-uji-123", org)
        self.fac_b = adm.add_staff("fas.b", "Fasilitator B", "facilitator", "sandi-uji-456", uni)
        self.mgr = adm.add_staff("manajer", "Manajer Uji", "manager", "sandi-uji-789", org)
        self.u1, self.pin1 = adm.add_umkm(
            "Kerupuk Uji", "Ibu Satu", "Palangka Raya", ["pangan-olahan"]
        )
        self.u2, self.pin2 = adm.add_umkm("Jamu Uji", "Ibu Dua", "Kapuas", ["obat-tradisional"])
        adm.assign(self.u1.id, self.fac_a.id)
        adm.assign(self.u2.id, self.fac_b.id)
        self.admin = adm
        self.owner1 = Service(store, sign_in_owner(store, self.u1.code, self.pin1))
        self.owner2 = Service(store, sign_in_owner(store, self.u2.code, self.pin2))
        self.fa = Service(store, sign_in_staff(store, "fas.a", "sandi-uji-123"))
        self.fb = Service(store, sign_in_staff(store, "fas.b", "sandi-uji-456"))
        self.manager = Service(store, sign_in_staff(store, "manajer", "sandi-uji-789"))


@pytest.fixture
def world(store) -> World:
    return World(store)


@pytest.fixture(autouse=True)
def _cheap_hashing(monkeypatch, request):
    """Argon2id with small parameters, so that the many sign-ins of the access matrix stay fast.

    The hash format and the code path are the production ones; only time and memory costs are
    lowered. ``test_auth.py::test_production_hasher_*`` checks the real parameters.
    """
    if request.node.get_closest_marker("real_hasher"):
        return
    from argon2 import PasswordHasher

    from berdikari.store import auth

    monkeypatch.setattr(
        auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "real_hasher: use the production Argon2 parameters")
