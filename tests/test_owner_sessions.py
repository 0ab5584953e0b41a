"""Remembered owner sessions: signed, expiring tokens checked against a real SQLite store."""

from __future__ import annotations

import json
import os
import stat
import time

import pytest

from berdikari import owner_sessions as os_
from berdikari.store.auth import Identity, sign_in_owner, system_identity


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Each test has its own data folder (its own key file) and no configured key."""
    monkeypatch.setenv("BERDIKARI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BERDIKARI_SECRET_KEY", raising=False)
    return tmp_path / "data"


@pytest.fixture
def store(tmp_path):
    from berdikari.store import open_store

    s = open_store(f"sqlite:///{tmp_path / 'sessions.db'}")
    yield s
    s.engine.dispose()


@pytest.fixture
def owner(store):
    from berdikari.store.service import Service

    admin = Service(store, system_identity())
    umkm, pin = admin.add_umkm(
        name="Amplang <Sari>",
        owner_name="Ibu Sari",
        regency="Kota Palangka Raya",
        categories=["pangan-olahan"],
    )
    other, other_pin = admin.add_umkm(
        name="Jamu Lain",
        owner_name="Pak Budi",
        regency="Kota Palangka Raya",
        categories=["obat-tradisional"],
    )
    return {
        "identity": sign_in_owner(store, umkm.code, pin),
        "umkm": umkm,
        "other": sign_in_owner(store, other.code, other_pin),
        "admin": admin,
    }


def _session(store, identity, now=None) -> str:
    grant = os_.issue(store, identity, "grant", now=now)
    assert grant is not None
    token = os_.session_from_grant(grant, now=now)
    assert token is not None
    return token


def test_grant_becomes_a_session_that_names_the_same_owner(store, owner):
    token = _session(store, owner["identity"])
    assert os_.verify(store, token) == Identity("owner", None, owner["umkm"].id, "Ibu Sari")
    other = _session(store, owner["other"])
    assert os_.verify(store, other).umkm_id == owner["other"].umkm_id != owner["umkm"].id


def test_purposes_do_not_mix(store, owner):
    grant = os_.issue(store, owner["identity"], "grant")
    token = os_.session_from_grant(grant)
    assert os_.verify(store, grant) is None  # a grant is not a session
    assert os_.session_from_grant(token) is None  # a session cannot mint another session
    with pytest.raises(ValueError):
        os_.make_token(1, "x", "admin", 60)


def test_only_owners_with_a_pin_get_a_token(store, owner):
    assert os_.issue(store, system_identity(), "grant") is None
    assert os_.issue(store, Identity("owner", None, 999_999, "nobody"), "grant") is None


def test_grants_expire_after_two_minutes_and_sessions_after_thirty_days(store, owner):
    now = time.time()
    grant = os_.issue(store, owner["identity"], "grant", now=now)
    assert os_.session_from_grant(grant, now=now + os_.GRANT_SECONDS - 1) is not None
    assert os_.session_from_grant(grant, now=now + os_.GRANT_SECONDS + 1) is None
    token = _session(store, owner["identity"], now=now)
    assert os_.SESSION_SECONDS == 30 * 24 * 3600
    assert os_.verify(store, token, now=now + os_.SESSION_SECONDS - 60) is not None
    assert os_.verify(store, token, now=now + os_.SESSION_SECONDS + 1) is None


def test_tampered_tokens_are_refused(store, owner):
    token = _session(store, owner["identity"])
    payload, signature = token.split(".")
    claims = json.loads(os_._unb64(payload))
    # another UMKM, a later expiry: the signature no longer fits
    for change in ({"u": owner["other"].umkm_id}, {"e": claims["e"] + 3600}):
        forged = os_._b64(json.dumps({**claims, **change}).encode())
        assert os_.verify(store, f"{forged}.{signature}") is None
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    for bad in (
        f"{payload}.{flipped}",
        payload,
        f"{payload}.",
        f".{signature}",
        "",
        None,
        "x" * 5000,
        "!!!.???",
        token + "x",
    ):
        assert os_.verify(store, bad) is None, bad


def test_a_key_from_another_server_is_refused(store, owner, monkeypatch):
    token = _session(store, owner["identity"])
    monkeypatch.setenv("BERDIKARI_SECRET_KEY", "another-server-key-" + "x" * 40)
    assert os_.verify(store, token) is None
    # and a token made with that key is refused once the key is back
    other_key_token = _session(store, owner["identity"])
    monkeypatch.delenv("BERDIKARI_SECRET_KEY")
    assert os_.verify(store, other_key_token) is None
    assert os_.verify(store, token) is not None


def test_a_new_pin_ends_every_remembered_session(store, owner):
    token = _session(store, owner["identity"])
    grant = os_.issue(store, owner["identity"], "grant")
    owner["admin"].reset_owner_pin(owner["umkm"].id)
    assert os_.verify(store, token) is None
    # a grant issued before the reset still trades, but the session it gives is refused
    assert os_.verify(store, os_.session_from_grant(grant)) is None
    owner["admin"].set_owner_pin(owner["umkm"].id, "246813")
    assert os_.verify(store, token) is None
    fresh = _session(store, sign_in_owner(store, owner["umkm"].code, "246813"))
    assert os_.verify(store, fresh) is not None
    # the other owner's session is untouched
    assert os_.verify(store, _session(store, owner["other"])) is not None


def test_the_key_file_is_made_once_private_and_shared(store, owner, data_dir):
    os_._key_cache.clear()
    token = _session(store, owner["identity"])
    key_file = data_dir / os_.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 32
    # another process (empty cache) reads the same key and accepts the token
    os_._key_cache.clear()
    assert os_.verify(store, token) is not None
    assert [p.name for p in data_dir.iterdir()] == [os_.KEY_FILE]  # no temporary files left


def test_a_configured_key_is_used_and_no_file_is_written(store, owner, data_dir, monkeypatch):
    monkeypatch.setenv("BERDIKARI_SECRET_KEY", "configured-" + "k" * 40)
    token = _session(store, owner["identity"])
    assert os_.verify(store, token) is not None
    assert not (data_dir / os_.KEY_FILE).exists()


def test_a_truncated_key_file_is_an_error_not_a_weak_key(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / os_.KEY_FILE).write_text("short\n")
    os.chmod(data_dir / os_.KEY_FILE, 0o600)
    os_._key_cache.clear()
    with pytest.raises(RuntimeError, match="too short"):
        os_.secret_key()


def test_the_token_holds_no_pin_and_no_pin_hash(store, owner):
    from sqlalchemy import select

    from berdikari.store.models import Umkm

    token = _session(store, owner["identity"])
    with store.read() as s:
        pin_hash = s.execute(select(Umkm.pin_hash).where(Umkm.id == owner["umkm"].id)).scalar()
    claims = json.loads(os_._unb64(token.split(".")[0]))
    assert set(claims) == {"p", "u", "f", "e"}
    assert pin_hash not in token and claims["f"] not in pin_hash
