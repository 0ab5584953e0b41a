"""Server-side web sessions (berdikari.store.sessions) on SQLite and PostgreSQL: a token opens
exactly its own kind of session, the table holds no token in clear, sign-out and a PIN reset end
sessions at once, expiry follows the last visit, and two instances accept each other's sessions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from berdikari.store import open_store
from berdikari.store import sessions as ss
from berdikari.store.models import WebSession, utcnow
from berdikari.store.service import Service


def _rows(store):
    """Every row of the sessions table as a plain dict (column -> value)."""
    with store.read() as s:
        return [dict(r._mapping) for r in s.execute(select(WebSession.__table__))]


def test_owner_token_opens_the_owner_session_and_nothing_else(world):
    store = world.store
    token = ss.create_session(store, world.owner1.identity, remember=True)
    who = ss.identity_for_token(store, token, "owner")
    assert who is not None and who.role == "owner" and who.umkm_id == world.u1.id
    assert ss.identity_for_token(store, token, "staff") is None
    assert ss.identity_for_token(store, token + "x", "owner") is None
    assert ss.identity_for_token(store, "", "owner") is None
    assert ss.identity_for_token(store, None, "owner") is None
    assert ss.identity_for_token(store, "a" * 5000, "owner") is None


def test_staff_token_gives_the_staff_identity(world):
    store = world.store
    token = ss.create_session(store, world.fa.identity)
    who = ss.identity_for_token(store, token, "staff")
    assert who is not None and who.role == "facilitator" and who.user_id == world.fac_a.id
    assert ss.identity_for_token(store, token, "owner") is None


def test_the_table_holds_no_token_in_clear(world):
    store = world.store
    tokens = [
        ss.create_session(store, world.owner1.identity, remember=True),
        ss.create_session(store, world.manager.identity),
    ]
    rows = _rows(store)
    assert len(rows) == 2
    dumped = repr(rows)
    for token in tokens:
        assert len(token) >= 43  # 32 random bytes
        assert token not in dumped
        assert ss.token_digest(token) in dumped


def test_signed_out_token_is_refused(world):
    store = world.store
    token = ss.create_session(store, world.owner1.identity)
    assert ss.delete_session(store, token) is True
    assert ss.identity_for_token(store, token, "owner") is None
    assert ss.delete_session(store, token) is False


def test_pin_reset_ends_every_session_of_that_umkm_only(world):
    store = world.store
    phone = ss.create_session(store, world.owner1.identity, remember=True)
    laptop = ss.create_session(store, world.owner1.identity)
    other = ss.create_session(store, world.owner2.identity, remember=True)
    world.fa.reset_owner_pin(world.u1.id)
    assert ss.identity_for_token(store, phone, "owner") is None
    assert ss.identity_for_token(store, laptop, "owner") is None
    assert ss.identity_for_token(store, other, "owner") is not None
    assert {r["umkm_id"] for r in _rows(store)} == {world.u2.id}


def test_a_new_pin_ends_a_session_even_without_revoking_rows(world):
    """The credential digest: a PIN changed behind the sessions' back still ends them."""
    from sqlalchemy import update

    from berdikari.store.auth import hash_secret
    from berdikari.store.models import Umkm

    store = world.store
    token = ss.create_session(store, world.owner1.identity, remember=True)
    with store.write() as s:
        s.execute(update(Umkm).where(Umkm.id == world.u1.id).values(pin_hash=hash_secret("1")))
    assert len(_rows(store)) == 1
    assert ss.identity_for_token(store, token, "owner") is None


def test_disabled_staff_account_ends_its_sessions(world):
    store = world.store
    token = ss.create_session(store, world.fa.identity)
    other = ss.create_session(store, world.fb.identity)
    world.admin.set_staff_active(world.fac_a.id, False)
    assert ss.identity_for_token(store, token, "staff") is None
    assert [r["account_id"] for r in _rows(store)] == [world.fac_b.id]  # rows deleted
    world.admin.set_staff_active(world.fac_a.id, True)
    assert ss.identity_for_token(store, token, "staff") is None  # re-enabling revives nothing
    assert ss.identity_for_token(store, other, "staff") is not None


def test_an_inactive_account_is_refused_even_with_its_row(world):
    """identity_for_token checks the account itself, not only the row."""
    from sqlalchemy import update

    from berdikari.store.models import Account

    store = world.store
    token = ss.create_session(store, world.fa.identity)
    with store.write() as s:
        s.execute(update(Account).where(Account.id == world.fac_a.id).values(active=False))
    assert ss.identity_for_token(store, token, "staff") is None
    assert ss.revoke_staff_sessions(store, world.fac_a.id) == 1


def test_expiry_follows_the_last_visit(world):
    store = world.store
    t0 = utcnow()
    remembered = ss.create_session(store, world.owner1.identity, remember=True, now=t0)
    browser = ss.create_session(store, world.owner1.identity, remember=False, now=t0)
    staff = ss.create_session(store, world.fa.identity, now=t0)
    later = t0 + timedelta(hours=13)
    assert ss.identity_for_token(store, staff, "staff", now=later) is None
    assert ss.identity_for_token(store, browser, "owner", now=later) is not None
    assert ss.identity_for_token(store, browser, "owner", now=later + timedelta(days=1)) is None
    # a visit every 20 days keeps a remembered owner signed in well past 30 days
    t = t0
    for _ in range(4):
        t += timedelta(days=20)
        assert ss.identity_for_token(store, remembered, "owner", now=t) is not None
    assert ss.identity_for_token(store, remembered, "owner", now=t + timedelta(days=31)) is None
    assert ss.purge_expired(store, now=t + timedelta(days=31)) == 3
    assert _rows(store) == []


def test_two_instances_accept_each_others_sessions(world, store_url):
    other = open_store(store_url)
    try:
        token = ss.create_session(world.store, world.owner1.identity, remember=True)
        assert ss.identity_for_token(other, token, "owner").umkm_id == world.u1.id
        staff = ss.create_session(other, world.manager.identity)
        assert ss.identity_for_token(world.store, staff, "staff").role == "manager"
        assert ss.delete_session(other, token)
        assert ss.identity_for_token(world.store, token, "owner") is None
        Service(other, world.fa.identity).reset_owner_pin(world.u1.id)
    finally:
        other.close()
