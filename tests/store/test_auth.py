"""Sign-in: owners with UMKM code and PIN, staff with a password; hashing; lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from berdikari.store import auth
from berdikari.store.auth import sign_in_owner, sign_in_staff
from berdikari.store.errors import AccessDenied, AuthError, InvalidInput
from berdikari.store.models import Account, Umkm, utcnow
from berdikari.store.service import Service


def test_owner_signs_in_with_code_and_pin(world):
    me = sign_in_owner(world.store, world.u1.code.lower(), world.pin1)
    assert (me.role, me.umkm_id, me.user_id, me.name) == ("owner", world.u1.id, None, "Ibu Satu")
    assert len(world.pin1) == 6 and world.pin1.isdigit()


def test_staff_sign_in_gives_role_and_account(world):
    me = sign_in_staff(world.store, " FAS.A ", "sandi-uji-123")
    assert (me.role, me.user_id, me.umkm_id) == ("facilitator", world.fac_a.id, None)
    assert sign_in_staff(world.store, "manajer", "sandi-uji-789").role == "manager"


@pytest.mark.parametrize("pin", ["12a456", "12345", "1234567", "", "١٢٣٤٥٦", "123456\n"])
def test_pin_with_letters_or_wrong_length_is_refused_before_any_lookup(world, pin):
    with pytest.raises(AuthError) as e:
        sign_in_owner(world.store, world.u1.code, pin)
    assert e.value.key == "bad-format" and "6 digits" in e.value.message
    with world.store.read() as s:
        assert s.get(Umkm, world.u1.id).failed_attempts == 0


def test_wrong_secret_and_unknown_user_get_the_same_message(world):
    with pytest.raises(AuthError) as wrong:
        sign_in_staff(world.store, "fas.a", "salah-sandi-000")
    with pytest.raises(AuthError) as unknown:
        sign_in_staff(world.store, "tidak.ada", "salah-sandi-000")
    assert wrong.value.key == unknown.value.key == "bad-credentials"
    assert wrong.value.message == unknown.value.message


def test_repeated_failures_lock_the_owner_even_against_the_right_pin(world):
    wrong = "000000" if world.pin1 != "000000" else "111111"
    for _ in range(2):
        with pytest.raises(AuthError, match="The UMKM code or the PIN is not right"):
            sign_in_owner(world.store, world.u1.code, wrong)
    with pytest.raises(AuthError) as e:  # third failure (policy in conftest: 3)
        sign_in_owner(world.store, world.u1.code, wrong)
    assert e.value.key == "locked" and e.value.locked_until > utcnow() + timedelta(minutes=14)
    with pytest.raises(AuthError) as e:
        sign_in_owner(world.store, world.u1.code, world.pin1)
    assert e.value.key == "locked"
    # the other owner is not affected
    assert sign_in_owner(world.store, world.u2.code, world.pin2).umkm_id == world.u2.id
    # a facilitator's new PIN lifts the lock
    pin = world.fa.reset_owner_pin(world.u1.id)
    assert sign_in_owner(world.store, world.u1.code, pin).umkm_id == world.u1.id
    with pytest.raises(AuthError):
        sign_in_owner(world.store, world.u1.code, world.pin1)  # the old PIN no longer works


def test_lock_expires(world):
    for _ in range(3):
        with pytest.raises(AuthError):
            sign_in_staff(world.store, "fas.b", "salah-sandi-000")
    with world.store.write() as s:
        s.get(Account, world.fac_b.id).locked_until = utcnow() - timedelta(seconds=1)
    assert sign_in_staff(world.store, "fas.b", "sandi-uji-456").user_id == world.fac_b.id


def test_success_resets_the_failure_count(world):
    for _ in range(2):
        with pytest.raises(AuthError):
            sign_in_staff(world.store, "fas.a", "salah-sandi-000")
    sign_in_staff(world.store, "fas.a", "sandi-uji-123")
    for _ in range(2):
        with pytest.raises(AuthError, match="The username or the password is not right"):
            sign_in_staff(world.store, "fas.a", "salah-sandi-000")


def test_secrets_are_hashed_and_never_in_the_database_or_audit_log(world):
    with pytest.raises(AuthError):
        sign_in_owner(world.store, world.u1.code, "999999" if world.pin1 != "999999" else "888888")
    with world.store.read() as s:
        u = s.get(Umkm, world.u1.id)
        a = s.execute(select(Account).where(Account.username == "fas.a")).scalar_one()
        assert u.pin_hash.startswith("$argon2id$") and world.pin1 not in u.pin_hash
        assert a.password_hash.startswith("$argon2id$")
        hashes = (u.pin_hash, a.password_hash)
        dump = " ".join(
            str(r)
            for t in ("audit_log", "umkm", "account")
            for r in s.execute(text(f"SELECT * FROM {t}"))
        )
    for secret in (world.pin1, world.pin2, "sandi-uji-123", "sandi-uji-456", "sandi-uji-789"):
        assert secret not in dump.replace(hashes[0], "").replace(hashes[1], "")
    assert "sign-in-failed" in dump


def test_disabled_account_cannot_sign_in_and_its_identity_loses_access(world):
    world.admin.set_staff_active(world.fac_a.id, False)
    with pytest.raises(AuthError):
        sign_in_staff(world.store, "fas.a", "sandi-uji-123")
    with pytest.raises(AccessDenied) as e:
        world.fa.umkm(world.u1.id)
    assert e.value.key == "sign-in-again" and "disabled" in e.value.params["reason"]


def test_forged_identity_with_a_wrong_role_is_refused(world):
    forged = auth.Identity("manager", world.fac_a.id, None, "Fasilitator A")
    with pytest.raises(AccessDenied):
        Service(world.store, forged).umkm(world.u2.id)


def test_short_password_is_refused_with_a_clear_message(admin):
    with pytest.raises(InvalidInput) as e:
        admin.add_staff("pendek", "Pendek", "facilitator", "123")
    assert e.value.field == "password" and "10 to 200" in e.value.message


@pytest.mark.real_hasher
def test_production_hasher_is_argon2id_with_rfc9106_low_memory_parameters():
    h = auth.hash_secret("123456")
    assert h.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert auth._verify(h, "123456") and not auth._verify(h, "123457")
    pins = {auth.new_pin() for _ in range(50)}
    assert all(len(p) == 6 and p.isdigit() for p in pins) and len(pins) > 40


@pytest.mark.parametrize("pin", ["12345a", "abcdef", "12 456", "1234567", "٢٣٤٥٦٧"])
def test_a_pin_with_letters_is_not_set_and_the_old_pin_still_works(world, pin):
    with pytest.raises(InvalidInput) as e:
        world.fa.set_owner_pin(world.u1.id, pin)
    assert e.value.field == "pin" and "A PIN has 6 digits (0-9)" in e.value.message
    assert pin not in e.value.message
    assert sign_in_owner(world.store, world.u1.code, world.pin1).umkm_id == world.u1.id


def test_a_pin_agreed_with_the_owner_replaces_the_old_one(world):
    world.fa.set_owner_pin(world.u1.id, "024680")
    assert sign_in_owner(world.store, world.u1.code, "024680").umkm_id == world.u1.id
    with pytest.raises(AuthError):
        sign_in_owner(world.store, world.u1.code, world.pin1)


def test_the_umkm_view_says_whether_the_owner_is_locked_now(world):
    """The facilitator's PIN card reads this: failed tries, and a lock only while it holds."""
    wrong = "000000" if world.pin1 != "000000" else "111111"
    with pytest.raises(AuthError):
        sign_in_owner(world.store, world.u1.code, wrong)
    u = world.fa.umkm(world.u1.id)
    assert (u.pin_locked_until, u.pin_failed_attempts) == (None, 1)
    for _ in range(2):  # third failure locks (policy in conftest: 3)
        with pytest.raises(AuthError):
            sign_in_owner(world.store, world.u1.code, wrong)
    u = world.fa.umkm(world.u1.id)
    assert u.pin_locked_until > utcnow() + timedelta(minutes=14)
    assert world.fb.umkm(world.u2.id).pin_locked_until is None  # the other owner is not locked
    # a lock that has run out is not shown as one
    with world.store.write() as s:
        s.get(Umkm, world.u1.id).locked_until = utcnow() - timedelta(seconds=1)
    assert world.fa.umkm(world.u1.id).pin_locked_until is None
    # locked again, then a new PIN from the facilitator lifts it
    with world.store.write() as s:
        s.get(Umkm, world.u1.id).locked_until = utcnow() + timedelta(minutes=15)
    assert world.fa.umkm(world.u1.id).pin_locked_until is not None
    world.fa.reset_owner_pin(world.u1.id)
    u = world.fa.umkm(world.u1.id)
    assert (u.pin_locked_until, u.pin_failed_attempts) == (None, 0)
