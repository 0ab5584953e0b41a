"""Signing in and out on the light web pages: the session cookies of owners and staff.

A sign-in (:func:`sign_in_owner`, :func:`sign_in_staff`) first asks the client's limiter
(:mod:`berdikari.web.limits`) whether this client may try this code or username now, then checks
the secret with :mod:`berdikari.store.auth`, and on success opens a server-side session
(:mod:`berdikari.store.sessions`) whose random token goes into a cookie:

- ``bdk_owner`` (:data:`OWNER_COOKIE`): an owner. With "stay signed in" the cookie lasts 30 days
  and is set again whenever a visit moves the server's expiry (:func:`owner_identity`), so 30
  days from the last visit; without, it is a browser-session cookie and the server forgets it
  after a day without visits.
- ``bdk_staff`` (:data:`STAFF_COOKIE`): a facilitator or manager, a browser-session cookie; the
  server ends it 12 hours after the last visit.

Both are HttpOnly, SameSite=Lax, ``Path`` = the server's base URL, and Secure when the request
came over https (directly or as the proxy's ``X-Forwarded-Proto`` says). :func:`owner_identity`
and :func:`staff_identity` read the cookie and check it in the store at every request (a
signed-out, expired or revoked session, a new PIN or password, a disabled account: None).

:func:`sign_out` ends the session on the server (the row is deleted, so a copied cookie stops
working at once) and clears the cookies; it accepts only a POST that carries the XSRF token, so
another site cannot sign anyone out (the owner app and the staff sign-in page each have such a
POST; they call it).

Errors are :class:`berdikari.store.errors.AuthError` with ``key`` ``bad-format``,
``bad-credentials``, ``locked`` or ``throttled``; a made-up code or username gets exactly the
answers a real one gets (the limiter counts the text typed, not database rows).

This module must never log or store a token, PIN or password, and never say whether a code or
username exists.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from tornado import web

from berdikari.store import sessions as store_sessions
from berdikari.store.auth import PIN_LENGTH, PIN_PATTERN, Identity
from berdikari.store.auth import sign_in_owner as _store_sign_in_owner
from berdikari.store.auth import sign_in_staff as _store_sign_in_staff
from berdikari.store.errors import AuthError
from berdikari.store.models import utcnow
from berdikari.web.limits import client_address, limit_key, limiter, web_lockout

OWNER_COOKIE = "bdk_owner"
STAFF_COOKIE = "bdk_staff"
STORE_SETTING = "berdikari_store"
"""A tornado application setting holding the :class:`~berdikari.store.Store` (tests set it);
without it the server's default store is opened once."""

ACCOUNT_KEY_MAX = 64
"""The limiter counts at most this many characters of what was typed as a code or username."""

_default_store = None
_default_store_lock = threading.Lock()


def store_for(handler):
    """The store the pages of this application use."""
    found = handler.settings.get(STORE_SETTING)
    if found is not None:
        return found
    global _default_store
    with _default_store_lock:  # pages may call this from worker threads
        if _default_store is None:
            from berdikari.store import open_store

            _default_store = open_store()
        return _default_store


def cookie_path(handler) -> str:
    base = handler.settings.get("base_url") or "/"
    return base if base.endswith("/") else base + "/"


def is_https(handler) -> bool:
    forwarded = handler.request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
    return handler.request.protocol == "https" or forwarded.lower() == "https"


def _set(handler, name: str, token: str, max_age: int | None) -> None:
    handler.set_cookie(
        name,
        token,
        path=cookie_path(handler),
        max_age=max_age,
        httponly=True,
        secure=is_https(handler),
        samesite="Lax",
    )


def _clear(handler, name: str) -> None:
    handler.clear_cookie(
        name, path=cookie_path(handler), httponly=True, secure=is_https(handler), samesite="Lax"
    )


def owner_identity(handler) -> Identity | None:
    """The signed-in owner of this request (cookie checked in the store), or None.

    A remembered owner's cookie is renewed when the session's expiry moves forward, so it
    lasts 30 days from the last visit, not from the sign-in."""
    token = handler.get_cookie(OWNER_COOKIE)
    if not token:
        return None
    found = store_sessions.find_session(store_for(handler), token, "owner")
    if found is None:
        return None
    if found.remember and found.renewed and not handler._headers_written:
        _set(handler, OWNER_COOKIE, token, int(store_sessions.OWNER_REMEMBERED.total_seconds()))
    return found.identity


def staff_identity(handler) -> Identity | None:
    """The signed-in facilitator or manager of this request, or None."""
    token = handler.get_cookie(STAFF_COOKIE)
    if not token:
        return None
    return store_sessions.identity_for_token(store_for(handler), token, "staff")


def _refused(key: str, retry_after: float, who: str) -> AuthError:
    """The refusal of a limit or a lock: one message whatever the cause (no minutes, which would
    differ between a real code's database lock and the limiter's), the end in ``locked_until``."""
    until = utcnow() + timedelta(seconds=max(0.0, retry_after))
    return AuthError(key, who=who, locked_until=until)


async def _off_loop(fn, *args, **kwargs):
    """Run a blocking store call (a hash check, a commit) in the loop's worker threads."""
    return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(*args, **kwargs))


async def _attempt(handler, kind: str, account: str, check):
    """Ask the limiter, then ``check(lockout, ignore_lock)`` (the store's sign-in); count it.

    The check (Argon2, on purpose slow: ~0.1 s of CPU) runs in a worker thread, so a hall of
    owners signing in at once does not stall every other page; the limiter stays on the event
    loop's thread, so its counters need no lock.
    """
    client = limit_key(client_address(handler))
    account = account[:ACCOUNT_KEY_MAX]  # no code or username is longer; memory stays bounded
    lim = limiter(kind)
    refusal = lim.check(client, account)
    if refusal is not None:
        raise _refused(refusal.key, refusal.retry_after, kind)
    lockout = web_lockout(store_for(handler).lockout)
    try:
        trusted = lim.trusted(client, account)
        identity = await _off_loop(check, lockout, trusted)
    except AuthError as exc:
        if exc.key not in ("bad-credentials", "locked"):
            raise
        lim.failed(client, account)
        after = lim.check(client, account)
        if exc.key == "bad-credentials" and after is not None and after.key == "locked":
            # the failure that locks says so, as the store's own lock does; a made-up code
            # (which the store never locks) answers exactly like a real one
            raise _refused("locked", after.retry_after, kind) from None
        if exc.key == "locked":  # the store's lock, in the same words as the limiter's
            until = exc.locked_until or utcnow()
            raise _refused("locked", (until - utcnow()).total_seconds(), kind) from None
        raise
    lim.succeeded(client, account)
    return identity


async def sign_in_owner(handler, code: str, pin: str, remember: bool) -> Identity:
    """Sign an owner in with the UMKM code and PIN; set the cookie; return the identity.

    Raises :class:`AuthError` (``bad-format``, ``bad-credentials``, ``locked``, ``throttled``).
    """
    code = (code or "").strip().upper()
    if not isinstance(pin, str) or not PIN_PATTERN.fullmatch(pin):
        raise AuthError("bad-format", who="owner", digits=PIN_LENGTH)
    store = store_for(handler)
    identity = await _attempt(
        handler,
        "owner",
        code,
        lambda lockout, trusted: _store_sign_in_owner(
            store, code, pin, lockout=lockout, ignore_lock=trusted
        ),
    )
    token = await _off_loop(store_sessions.create_session, store, identity, remember=remember)
    max_age = int(store_sessions.OWNER_REMEMBERED.total_seconds()) if remember else None
    _set(handler, OWNER_COOKIE, token, max_age)
    return identity


async def sign_in_staff(handler, username: str, password: str) -> Identity:
    """Sign a facilitator or manager in; set the cookie; return the identity (same errors)."""
    username = (username or "").strip().lower()
    store = store_for(handler)
    identity = await _attempt(
        handler,
        "staff",
        username,
        lambda lockout, trusted: _store_sign_in_staff(
            store, username, password or "", lockout=lockout, ignore_lock=trusted
        ),
    )
    token = await _off_loop(store_sessions.create_session, store, identity)
    _set(handler, STAFF_COOKIE, token, None)
    return identity


def sign_out(handler) -> None:
    """End this browser's owner and staff sessions on the server and clear their cookies.

    Only a POST with a valid XSRF token (form field ``_xsrf`` or header ``X-XSRFToken``) may do
    this; anything else raises ``tornado.web.HTTPError`` (405 or 403) and ends nothing.
    """
    if handler.request.method != "POST":
        raise web.HTTPError(405)
    handler.check_xsrf_cookie()
    tokens = [handler.get_cookie(name) for name in (OWNER_COOKIE, STAFF_COOKIE)]
    for name, token in zip((OWNER_COOKIE, STAFF_COOKIE), tokens, strict=True):
        if token is not None:
            _clear(handler, name)  # first: the browser forgets it even if the store fails below
    store = store_for(handler)
    for token in tokens:
        if token:
            store_sessions.delete_session(store, token)
