"""The errors the store raises. Apps catch these and show their message; nothing else.

Messages are plain English sentences that name the field or checklist item at fault. They never
contain a secret (PIN, password, hash). ``key`` is a stable identifier the apps may translate.
"""

from __future__ import annotations

from datetime import datetime


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""

    key = "store-error"

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class AccessDenied(StoreError):
    """The acting identity may not read or write this."""

    key = "access-denied"


class InvalidInput(StoreError):
    """Input that does not fit: ``field`` names the field or checklist item ID at fault."""

    key = "invalid-input"

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


class NotFound(StoreError):
    """A record that does not exist (shown only to callers allowed to know it would exist)."""

    key = "not-found"


class Conflict(StoreError):
    """A write that collided with another one; nothing was saved, try again."""

    key = "conflict"


class AuthError(StoreError):
    """Sign-in failed. ``key`` says why: ``bad-credentials``, ``locked`` or ``bad-format``.

    ``locked_until`` is set when the account is locked (UTC).
    """

    def __init__(self, key: str, message: str, locked_until: datetime | None = None):
        self.key = key
        self.locked_until = locked_until
        super().__init__(message)
