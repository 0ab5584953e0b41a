"""Sign-in and secrets: owners with their UMKM code and a 6-digit PIN, staff with a password.

Secrets are hashed with Argon2id (argon2-cffi); they are never stored, logged or put in an error
message in clear. After ``LockoutPolicy.max_failures`` wrong attempts in a row an account is locked
for ``LockoutPolicy.minutes`` (``BERDIKARI_LOCKOUT_TRIES`` and ``BERDIKARI_LOCKOUT_MINUTES``,
5 and 15 unless set; :mod:`berdikari.config`); while locked, even the right secret is refused.
Failed attempts and lockouts go to the audit log (without the secret tried).

That account-wide lock is what a caller who cannot tell clients apart gets (the CLI, a kernel's
fallback sign-in form). The web sign-in (:mod:`berdikari.web.sessions`) knows the client: it
locks one client out of one account in memory (:mod:`berdikari.web.limits`) and passes a
``lockout`` policy here whose account-wide lock needs many times more failures (from many
addresses), so that nobody can lock a real owner or staff member out of their own account by
guessing wrong; ``ignore_lock`` lets a client that signed in to the account recently past that
lock (it has proved it knows the secret).

A made-up code or username costs the same Argon2 verification as a real one (a dummy hash), so
the answer and its timing do not say which exist.

The only way to get an :class:`Identity` for a person is :func:`sign_in_owner` or
:func:`sign_in_staff`, or a server-side session opened after one of them
(:func:`berdikari.store.sessions.identity_for_token`); :func:`system_identity` is for
administrators' CLI commands. This module never decides what an identity may see: that is
:mod:`berdikari.store.service`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from berdikari import vocab
from berdikari.store.db import LockoutPolicy, Store
from berdikari.store.errors import AuthError, InvalidInput
from berdikari.store.models import Account, AuditLog, Umkm, utcnow

Role = vocab.Role.literal()

PIN_LENGTH = 6
PIN_PATTERN = re.compile(r"[0-9]{6}")  # fullmatch; ASCII only: \d also matches other digits
PASSWORD_MIN = 10
PASSWORD_MAX = 200

_hasher = PasswordHasher()  # Argon2id, RFC 9106 low-memory profile (argon2-cffi defaults)
_DUMMY_HASH = _hasher.hash("not-a-real-secret")


@dataclass(frozen=True)
class Identity:
    """Who is acting. ``user_id`` is the staff account id; ``umkm_id`` is set for owners."""

    role: Role
    user_id: int | None
    umkm_id: int | None
    name: str


def system_identity(name: str = "admin (CLI)") -> Identity:
    """The identity of an administrator at the server's command line (full rights)."""
    return Identity("system", None, None, name)


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def _verify(hashed: str | None, secret: str) -> bool:
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, secret) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def check_pin(pin: str) -> str:
    """Return ``pin`` if it is exactly 6 digits, else raise :class:`InvalidInput` (no echo)."""
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
        raise InvalidInput("pin-format", field="pin", digits=PIN_LENGTH)
    return pin


def check_password(password: str) -> str:
    if not isinstance(password, str) or not (PASSWORD_MIN <= len(password) <= PASSWORD_MAX):
        raise InvalidInput("password-length", field="password", min=PASSWORD_MIN, max=PASSWORD_MAX)
    return password


def new_pin() -> str:
    """A random 6-digit PIN (from the OS's secure random source)."""
    return f"{secrets.randbelow(10**PIN_LENGTH):0{PIN_LENGTH}d}"


@dataclass(frozen=True)
class _Who:
    id: int
    name: str
    role: str
    hashed: str | None


def _attempt(
    store: Store,
    model,
    key_column,
    key: str,
    secret: str,
    who: str,
    policy: LockoutPolicy | None = None,
    ignore_lock: bool = False,
) -> _Who:
    """Check ``secret`` for the row whose ``key_column`` equals ``key``; count failures."""
    now = utcnow()
    found: _Who | None = None
    with store.read() as s:
        row = s.execute(select(model).where(key_column == key)).scalar_one_or_none()
        if row is not None:
            if row.locked_until and row.locked_until > now and not ignore_lock:
                raise AuthError("locked", who=who, locked_until=row.locked_until)
            if model is Umkm:
                found = _Who(row.id, row.owner_name, "owner", row.pin_hash)
            else:
                found = _Who(row.id, row.name, row.role, row.password_hash if row.active else None)
    ok = _verify(found.hashed if found else None, secret)  # slow on purpose; outside any txn
    if found is None:
        raise AuthError("bad-credentials", who=who)
    policy = policy or store.lockout
    where = model.id == found.id
    with store.write() as s:
        if ok:
            s.execute(update(model).where(where).values(failed_attempts=0, locked_until=None))
            if _hasher.check_needs_rehash(found.hashed):
                field = "pin_hash" if model is Umkm else "password_hash"
                s.execute(update(model).where(where).values({field: hash_secret(secret)}))
            return found
        s.execute(update(model).where(where).values(failed_attempts=model.failed_attempts + 1))
        fails = s.execute(select(model.failed_attempts).where(where)).scalar_one()
        until = None
        if fails >= policy.max_failures:
            until = now + timedelta(minutes=policy.minutes)
            s.execute(update(model).where(where).values(failed_attempts=0, locked_until=until))
        s.add(
            AuditLog(
                actor_role="anonymous",
                actor_name="(sign-in attempt)",
                action="sign-in-locked" if until else "sign-in-failed",
                entity=model.__tablename__,
                entity_id=found.id,
                umkm_id=found.id if model is Umkm else None,
                detail={"failures": fails},
            )
        )
    if until:
        raise AuthError("locked", who=who, locked_until=until)
    raise AuthError("bad-credentials", who=who)


def sign_in_owner(
    store: Store,
    code: str,
    pin: str,
    *,
    lockout: LockoutPolicy | None = None,
    ignore_lock: bool = False,
) -> Identity:
    """An owner signs in with the UMKM code (case-insensitive) and the PIN from the facilitator.

    Raises :class:`AuthError` (``bad-format``, ``bad-credentials`` or ``locked``). ``lockout``
    replaces the store's policy for this attempt; ``ignore_lock`` skips a current lock (both for
    the web sign-in, see the module docstring).
    """
    code = (code or "").strip().upper()
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
        raise AuthError("bad-format", who="owner", digits=PIN_LENGTH)
    who = _attempt(store, Umkm, Umkm.code, code, pin, "owner", lockout, ignore_lock)
    return Identity("owner", None, who.id, who.name)


def sign_in_staff(
    store: Store,
    username: str,
    password: str,
    *,
    lockout: LockoutPolicy | None = None,
    ignore_lock: bool = False,
) -> Identity:
    """A facilitator or manager signs in with username and password.

    Raises :class:`AuthError` (``bad-credentials`` or ``locked``); ``lockout`` and
    ``ignore_lock`` as for :func:`sign_in_owner`.
    """
    username = (username or "").strip().lower()
    who = _attempt(
        store, Account, Account.username, username, password or "", "staff", lockout, ignore_lock
    )
    return Identity(who.role, who.id, None, who.name)
