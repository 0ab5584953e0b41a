"""Settings from the environment: the sign-in lockout numbers (BERDIKARI_LOCKOUT_TRIES and
BERDIKARI_LOCKOUT_MINUTES), their defaults, and a clear error that names a bad variable."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from berdikari.cli import app
from berdikari.config import ConfigError, settings
from berdikari.store import LockoutPolicy, open_store
from berdikari.store.auth import sign_in_staff, system_identity
from berdikari.store.errors import AuthError
from berdikari.store.service import Service


@pytest.fixture(autouse=True)
def _no_lockout_env(monkeypatch):
    monkeypatch.delenv("BERDIKARI_LOCKOUT_TRIES", raising=False)
    monkeypatch.delenv("BERDIKARI_LOCKOUT_MINUTES", raising=False)


def test_defaults_are_five_tries_and_fifteen_minutes():
    s = settings()
    assert (s.lockout_tries, s.lockout_minutes) == (5, 15)
    assert LockoutPolicy.from_settings() == LockoutPolicy(max_failures=5, minutes=15)
    assert LockoutPolicy() == LockoutPolicy.from_settings()


def test_values_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("BERDIKARI_LOCKOUT_TRIES", " 3 ")
    monkeypatch.setenv("BERDIKARI_LOCKOUT_MINUTES", "60")
    assert (settings().lockout_tries, settings().lockout_minutes) == (3, 60)
    monkeypatch.setenv("BERDIKARI_LOCKOUT_TRIES", "")  # empty means unset
    assert settings().lockout_tries == 5


LIMITS = {"BERDIKARI_LOCKOUT_TRIES": 1000, "BERDIKARI_LOCKOUT_MINUTES": 10080}


@pytest.mark.parametrize("name", sorted(LIMITS))
@pytest.mark.parametrize("value", ["0", "-2", "five", "2.5", "1e3", "99999999999", "١٢", "9" * 30])
def test_an_unusable_value_is_an_error_that_names_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as e:
        settings()
    assert str(e.value) == (
        f"{name} must be a whole number from 1 to {LIMITS[name]} (got {value[:40]!r})"
    )


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_the_largest_allowed_value_is_accepted_and_one_more_refused(monkeypatch, name):
    monkeypatch.setenv(name, str(LIMITS[name]))
    s = settings()
    assert LIMITS[name] in (s.lockout_tries, s.lockout_minutes)
    monkeypatch.setenv(name, str(LIMITS[name] + 1))
    with pytest.raises(ConfigError, match=f"^{name} must be a whole number from 1 to"):
        settings()


def test_a_lockout_of_a_week_still_locks(monkeypatch):
    """99999999999 minutes overflowed the date arithmetic (OverflowError), so nothing locked;
    the largest value the settings allow must still work end to end."""
    monkeypatch.setenv("BERDIKARI_LOCKOUT_TRIES", "1")
    monkeypatch.setenv("BERDIKARI_LOCKOUT_MINUTES", str(LIMITS["BERDIKARI_LOCKOUT_MINUTES"]))
    store = open_store("sqlite://")
    try:
        Service(store, system_identity()).add_staff("rina", "Rina", "facilitator", "sandi-benar-1")
        with pytest.raises(AuthError):
            sign_in_staff(store, "rina", "salah-sekali-1")
        with pytest.raises(AuthError) as e:
            sign_in_staff(store, "rina", "sandi-benar-1")
        assert e.value.key in ("locked", "throttled")
    finally:
        store.close()


def test_open_store_locks_after_the_configured_tries(monkeypatch):
    monkeypatch.setenv("BERDIKARI_LOCKOUT_TRIES", "2")
    monkeypatch.setenv("BERDIKARI_LOCKOUT_MINUTES", "7")
    store = open_store("sqlite://")
    try:
        assert store.lockout == LockoutPolicy(max_failures=2, minutes=7)
        admin = Service(store, system_identity())
        admin.add_staff("rina", "Rina", "facilitator", "sandi-yang-benar")
        with pytest.raises(AuthError) as first:
            sign_in_staff(store, "rina", "salah-sekali-1")
        assert first.value.key == "bad-credentials"
        with pytest.raises(AuthError) as second:
            sign_in_staff(store, "rina", "salah-sekali-2")
        assert second.value.key == "locked"
        minutes = (second.value.locked_until - _now()).total_seconds() / 60
        assert 6 < minutes <= 7
    finally:
        store.close()


def test_the_cli_stops_with_the_variable_named_and_no_traceback(monkeypatch, fixture_dirs):
    monkeypatch.setenv("BERDIKARI_LOCKOUT_MINUTES", "soon")
    r = CliRunner().invoke(app, ["checklists", "list"])
    assert r.exit_code == 2
    assert "BERDIKARI_LOCKOUT_MINUTES must be a whole number from 1 to 10080" in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    monkeypatch.delenv("BERDIKARI_LOCKOUT_MINUTES")
    assert CliRunner().invoke(app, ["checklists", "list"]).exit_code == 0


def _now():
    from berdikari.store.models import utcnow

    return utcnow()
