"""The errors the store raises. Apps catch these and show them; nothing else.

Messages are plain English sentences that name the field or checklist item at fault. They never
contain a secret (PIN, password, hash). ``key`` is a stable identifier and ``params`` the values
its sentence needs: the apps turn both into a sentence in the user's language
(:func:`berdikari.apps.messages.error_text`), while the CLI and logs keep the English ``message``.
An error raised without a key has its class's key (``invalid-input``, ``not-found`` …).
"""

from __future__ import annotations

from datetime import datetime


class StoreError(Exception):
    """Base class of every error the store raises on purpose."""

    key = "store-error"

    def __init__(self, message: str, *, key: str | None = None, params: dict | None = None):
        self.message = message
        if key is not None:
            self.key = key
        self.params: dict = dict(params or {})
        super().__init__(message)


class AccessDenied(StoreError):
    """The acting identity may not read or write this."""

    key = "access-denied"


class InvalidInput(StoreError):
    """Input that does not fit: ``field`` names the field or checklist item ID at fault."""

    key = "invalid-input"

    def __init__(
        self, field: str, message: str, *, key: str | None = None, params: dict | None = None
    ):
        self.field = field
        super().__init__(f"{field}: {message}", key=key, params=params)


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
