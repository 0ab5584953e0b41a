"""Remembered owner sessions: a signed, expiring token so a signed-in owner stays signed in on
their phone across reloads, dropped connections and closed browsers.

A token is ``<payload>.<signature>``: the payload (base64url JSON) names the UMKM, an expiry, a
purpose and a fingerprint of the UMKM's current PIN hash; the signature is HMAC-SHA256 with the
server's key. Tokens are stateless, so any server instance sharing the key and the database
accepts them. Two purposes:

- ``grant``: issued by the owner app in the kernel right after a sign-in with the PIN, valid
  :data:`GRANT_SECONDS` (2 minutes). The page trades it once at ``POST /masuk/sesi``
  (:mod:`berdikari.owner_session_web`) for a session token in an HttpOnly cookie.
- ``session``: the cookie ``bdk_owner``, valid :data:`SESSION_SECONDS` (30 days) from the last
  visit (each visit renews it).

:func:`verify` returns an :class:`~berdikari.store.auth.Identity` only when the signature, purpose
and expiry are right *and* the store still holds that UMKM with the same PIN hash: a PIN reset or
a new PIN set by the facilitator ends every remembered session at once. (So does the rare
automatic re-hash of a PIN after a change of the Argon2 parameters: the owner signs in again.)
A lockout after wrong PIN attempts does not end a valid session: the session proves the PIN was
known. The identity then goes to the service layer, which checks rights at every call.

Key: ``BERDIKARI_SECRET_KEY`` when set (use it when server instances do not share a data
folder), else a random key created once in ``<data_dir>/secret_key`` (mode 0600).

This module must never store a PIN or a token, never log a token, and never grant anything a
sign-in with the PIN would not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path

from berdikari.config import settings

COOKIE_NAME = "bdk_owner"
SESSION_SECONDS = 30 * 24 * 3600
"""A remembered session lasts 30 days after the owner's last visit."""
GRANT_SECONDS = 120
"""The page has 2 minutes to trade a grant for the cookie."""
PURPOSES = ("grant", "session")
KEY_FILE = "secret_key"
MAX_TOKEN_LENGTH = 512

_key_cache: dict[str, bytes] = {}


def secret_key() -> bytes:
    """The signing key: ``settings().secret_key``, else the data folder's key file (made once)."""
    configured = settings().secret_key
    if configured:
        return configured.encode("utf-8")
    path = settings().data_dir / KEY_FILE
    cached = _key_cache.get(str(path))
    if cached is None:
        cached = _key_cache[str(path)] = _read_or_create_key(path)
    return cached


def _read_or_create_key(path: Path) -> bytes:
    """Read the key file; create it atomically (0600) when missing, so two servers agree."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48) + "\n")
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, path)  # atomic; fails if another process made the key first
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path}: the session key is too short; delete the file to renew it")
    return key.encode("utf-8")


def pin_fingerprint(pin_hash: str, key: bytes | None = None) -> str:
    """A short keyed digest of the PIN hash: changes whenever the PIN changes, reveals nothing."""
    key = key if key is not None else secret_key()
    digest = hmac.new(key, b"pin:" + pin_hash.encode("utf-8"), hashlib.sha256).digest()
    return _b64(digest[:12])


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, key: bytes) -> str:
    return _b64(hmac.new(key, b"bdk-owner:" + payload.encode("ascii"), hashlib.sha256).digest())


def make_token(
    umkm_id: int,
    fingerprint: str,
    purpose: str,
    seconds: int,
    *,
    now: float | None = None,
    key: bytes | None = None,
) -> str:
    """A signed token for ``umkm_id`` with this PIN fingerprint, valid ``seconds`` from ``now``."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    now = time.time() if now is None else now
    claims = {"p": purpose, "u": int(umkm_id), "f": fingerprint, "e": int(now) + int(seconds)}
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_sign(payload, key if key is not None else secret_key())}"


def read_token(
    token: str | None, purpose: str, *, now: float | None = None, key: bytes | None = None
) -> dict | None:
    """The claims of a well-signed, unexpired token of ``purpose``; None for anything else."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    payload, dot, signature = token.partition(".")
    if not dot or not payload or not signature:
        return None
    try:
        expected = _sign(payload, key if key is not None else secret_key())
        if not hmac.compare_digest(expected, signature):
            return None
        claims = json.loads(_unb64(payload))
    except (ValueError, UnicodeError):
        return None
    if not isinstance(claims, dict) or claims.get("p") != purpose:
        return None
    umkm_id, fingerprint, expires = claims.get("u"), claims.get("f"), claims.get("e")
    if not isinstance(umkm_id, int) or not isinstance(fingerprint, str):
        return None
    if not isinstance(expires, int) or expires <= (time.time() if now is None else now):
        return None
    return claims


def issue(store, identity, purpose: str = "grant", *, now: float | None = None) -> str | None:
    """A token for a signed-in owner (a 2-minute ``grant`` by default, or a 30-day ``session``);
    None when the identity is not an owner whose UMKM has a PIN in the store."""
    if identity.role != "owner":
        return None
    fingerprint = _current_fingerprint(store, identity.umkm_id)
    if fingerprint is None:
        return None
    seconds = GRANT_SECONDS if purpose == "grant" else SESSION_SECONDS
    return make_token(identity.umkm_id, fingerprint, purpose, seconds, now=now)


def session_from_grant(grant: str, *, now: float | None = None) -> str | None:
    """Trade a valid grant for a 30-day session token (no database: the kernel checked the PIN)."""
    claims = read_token(grant, "grant", now=now)
    if claims is None:
        return None
    return make_token(claims["u"], claims["f"], "session", SESSION_SECONDS, now=now)


def verify(store, token: str | None, *, now: float | None = None):
    """The owner's :class:`~berdikari.store.auth.Identity` for a valid session token, else None.

    Valid means: signed with this server's key, purpose ``session``, not expired, and the UMKM
    still exists with the PIN the token was issued for.
    """
    from sqlalchemy import select

    from berdikari.store.auth import Identity
    from berdikari.store.models import Umkm

    claims = read_token(token, "session", now=now)
    if claims is None:
        return None
    with store.read() as s:
        row = s.execute(
            select(Umkm.id, Umkm.owner_name, Umkm.pin_hash).where(Umkm.id == claims["u"])
        ).one_or_none()
    if row is None or not row.pin_hash:
        return None
    if not hmac.compare_digest(pin_fingerprint(row.pin_hash), claims["f"]):
        return None
    return Identity("owner", None, row.id, row.owner_name)


def _current_fingerprint(store, umkm_id: int | None) -> str | None:
    from sqlalchemy import select

    from berdikari.store.models import Umkm

    if umkm_id is None:
        return None
    with store.read() as s:
        pin_hash = s.execute(select(Umkm.pin_hash).where(Umkm.id == umkm_id)).scalar_one_or_none()
    return pin_fingerprint(pin_hash) if pin_hash else None
