"""Server-side sessions of signed-in browsers: owners (UMKM code + PIN) and staff (password).

A session is a random token (``secrets.token_urlsafe(32)``, 256 bits) that the browser keeps in a
cookie (:mod:`berdikari.web.sessions`); the database keeps only its SHA-256 in ``web_session``,
with the kind (``owner`` or ``staff``), the UMKM or staff account, when it was made, when it was
last used and when it ends. Every server instance on the same database accepts every session,
and deleting the row ends it at once everywhere (sign-out, PIN reset).

Lifetimes, counted from the last visit (each visit moves ``expires_at`` forward, written at most
once every :data:`TOUCH_EVERY` so that reading a page is not a write each time):

- an owner who ticked "stay signed in": :data:`OWNER_REMEMBERED` (30 days);
- an owner who did not: :data:`OWNER_BROWSER` (1 day; the cookie itself ends with the browser);
- staff: :data:`STAFF` (12 hours).

:func:`identity_for_token` checks the store at every call: the row exists and has not expired,
the UMKM or account still exists, a staff account is still active, and the PIN or password hash
is still the one the session was opened with (``credential``, a SHA-256 of that hash: a new PIN
or password ends every older session even where the caller forgot :func:`revoke_owner_sessions`).

This module never stores or logs a token in clear, never decides what an identity may see (that
is :mod:`berdikari.store.service`), and never creates a session without an identity that a
sign-in function of :mod:`berdikari.store.auth` returned.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from berdikari import vocab
from berdikari.store.auth import Identity
from berdikari.store.db import Store
from berdikari.store.models import Account, Umkm, WebSession, utcnow

Kind = vocab.SessionKind.literal()
KINDS: tuple[str, ...] = vocab.SessionKind.values()

OWNER_REMEMBERED = timedelta(days=30)
"""A remembered owner stays signed in 30 days after the last visit."""
OWNER_BROWSER = timedelta(days=1)
"""An owner who did not tick "stay signed in": the cookie ends with the browser, the row in 1 day."""
STAFF = timedelta(hours=12)
"""A facilitator or manager: 12 hours after the last visit."""
TOUCH_EVERY = timedelta(minutes=5)
"""``last_seen``/``expires_at`` are written at most this often per session."""
MAX_TOKEN_LENGTH = 128
"""Longer cookie values are refused without a database query."""


def token_digest(token: str) -> str:
    """The SHA-256 (hex) of a token: what the table keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def credential_digest(secret_hash: str | None) -> str:
    """A digest of the stored PIN/password hash: changes when the PIN or password changes."""
    return hashlib.sha256(b"bdk-credential:" + (secret_hash or "").encode("utf-8")).hexdigest()


def lifetime(kind: str, remember: bool) -> timedelta:
    """How long a session of this kind lives after its last visit."""
    if kind == "staff":
        return STAFF
    return OWNER_REMEMBERED if remember else OWNER_BROWSER


def create_session(
    store: Store, identity: Identity, *, remember: bool = False, now: datetime | None = None
) -> str:
    """Open a session for a signed-in owner or staff member; return the token (for the cookie).

    The token is returned once and never stored. Raises ``ValueError`` for an identity that is
    neither an owner nor a facilitator/manager, or whose record has gone. Rows of sessions that
    have ended are deleted on the way (so the table holds only live sessions and a day's worth).
    """
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    if identity.role == "owner" and identity.umkm_id is not None:
        kind, model, key = "owner", Umkm, identity.umkm_id
    elif identity.role in vocab.STAFF_ROLES and identity.user_id is not None:
        kind, model, key, remember = "staff", Account, identity.user_id, False
    else:
        raise ValueError(f"no web session for a {identity.role!r} identity")
    with store.write() as s:
        s.execute(delete(WebSession).where(WebSession.expires_at <= now))  # indexed; keeps it small
        row = s.get(model, key)
        if row is None:
            raise ValueError(f"the {kind} record of this identity is gone")
        secret_hash = row.pin_hash if kind == "owner" else row.password_hash
        s.add(
            WebSession(
                token_sha256=token_digest(token),
                kind=kind,
                umkm_id=key if kind == "owner" else None,
                account_id=key if kind == "staff" else None,
                remember=bool(remember),
                credential=credential_digest(secret_hash),
                created_at=now,
                last_seen=now,
                expires_at=now + lifetime(kind, remember),
            )
        )
    return token


def _usable(token) -> bool:
    return isinstance(token, str) and 0 < len(token) <= MAX_TOKEN_LENGTH and token.isascii()


@dataclass(frozen=True)
class Found:
    """A valid session: who, whether the owner chose "stay signed in", and whether this visit
    moved its expiry forward (then a remembered cookie is renewed too)."""

    identity: Identity
    remember: bool
    renewed: bool


def identity_for_token(
    store: Store, token: str | None, kind: str, *, now: datetime | None = None
) -> Identity | None:
    """The identity a session token stands for, checked in the store now; None when not valid.

    ``kind`` is ``"owner"`` or ``"staff"``: an owner's token never opens a staff session and the
    other way round. A valid session's expiry moves forward (see :data:`TOUCH_EVERY`).
    """
    found = find_session(store, token, kind, now=now)
    return found.identity if found is not None else None


def find_session(
    store: Store, token: str | None, kind: str, *, now: datetime | None = None
) -> Found | None:
    """:func:`identity_for_token` with what the cookie code needs besides the identity."""
    if kind not in KINDS or not _usable(token):
        return None
    now = now or utcnow()
    digest = token_digest(token)
    with store.read() as s:
        ws = s.execute(
            select(WebSession).where(WebSession.token_sha256 == digest, WebSession.kind == kind)
        ).scalar_one_or_none()
        if ws is None or ws.expires_at <= now:
            return None
        if kind == "owner":
            u = s.get(Umkm, ws.umkm_id)
            if u is None or not u.pin_hash:
                return None
            secret_hash, identity = u.pin_hash, Identity("owner", None, u.id, u.owner_name)
        else:
            a = s.get(Account, ws.account_id)
            if a is None or not a.active:
                return None
            secret_hash, identity = a.password_hash, Identity(a.role, a.id, None, a.name)
        if not hmac.compare_digest(ws.credential, credential_digest(secret_hash)):
            return None
        session_id, remember, last_seen = ws.id, ws.remember, ws.last_seen
    renewed = now - last_seen >= TOUCH_EVERY
    if renewed:
        with store.write() as s:
            s.execute(
                update(WebSession)
                .where(WebSession.id == session_id)
                .values(last_seen=now, expires_at=now + lifetime(kind, remember))
            )
    return Found(identity, remember, renewed)


def delete_session(store: Store, token: str | None) -> bool:
    """End the session of this token (sign-out). True when a row was deleted."""
    if not _usable(token):
        return False
    with store.write() as s:
        result = s.execute(delete(WebSession).where(WebSession.token_sha256 == token_digest(token)))
    return bool(result.rowcount)


def revoke_owner_sessions(store: Store, umkm_id: int) -> int:
    """End every session of this UMKM's owner (PIN reset); return how many ended."""
    with store.write() as s:
        result = s.execute(delete(WebSession).where(WebSession.umkm_id == umkm_id))
    return int(result.rowcount or 0)


def revoke_staff_sessions(store: Store, account_id: int) -> int:
    """End every session of this staff account (account disabled, password changed)."""
    with store.write() as s:
        result = s.execute(delete(WebSession).where(WebSession.account_id == account_id))
    return int(result.rowcount or 0)


def purge_expired(store: Store, *, now: datetime | None = None) -> int:
    """Delete the rows of sessions that have ended; return how many."""
    now = now or utcnow()
    with store.write() as s:
        result = s.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return int(result.rowcount or 0)
