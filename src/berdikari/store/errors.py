"""The errors the store raises. Apps catch these and show them; nothing else.

An error carries a message KEY of the one catalogue (:data:`berdikari.messages.MESSAGES`), the
field at fault (``field``: a store field name; ``item``: the checklist item ID it belongs to;
``row``: the n-th entry of a form) and the values its sentence needs (``params``) — never a
finished sentence, never a field packed into a string. :func:`berdikari.messages.error_text`
says it in ``id`` or ``en``; ``str(error)`` and ``.message`` are its English sentence (the
command line and the logs), ``repr`` shows key, field and values for developers. A key that is
not in the catalogue is refused when the error is made (``ValueError``), so no raise site can
pass a sentence instead of a key. No error ever holds a secret (PIN, password, hash).
"""

from __future__ import annotations

from datetime import datetime

from berdikari.messages import MESSAGES


class StoreError(Exception):
    """Base class of every error the store raises on purpose.

    ``StoreError(key, field=..., item=..., row=..., **params)``; without a key, the class's
    own (``invalid-input``, ``not-found`` …)."""

    key = "store-error"

    def __init__(
        self,
        key: str | None = None,
        /,
        *,
        field: str | None = None,
        item: str | None = None,
        row: int | None = None,
        **params: object,
    ):
        if stale := {"key", "message", "params"} & params.keys():
            raise TypeError(f"{sorted(stale)}: pass the key first and the values as keywords")
        if key is not None:
            self.key = key
        self.field = field
        self.item = item
        self.row = row
        self.params: dict = params
        if self.message_key not in MESSAGES:
            raise ValueError(f"{self.message_key!r} is not a key of berdikari.messages.MESSAGES")
        super().__init__(self.key)

    @property
    def message_key(self) -> str:
        """The catalogue entry that says it (the key itself, unless a subclass picks a variant)."""
        return self.key

    @property
    def message(self) -> str:
        """The English sentence (command line, logs)."""
        from berdikari.messages import error_text

        return error_text(self, "en")

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        where = {k: v for k in ("field", "item", "row") if (v := getattr(self, k)) is not None}
        return f"{type(self).__name__}({self.key!r}, {where | self.params})"


class AccessDenied(StoreError):
    """The acting identity may not read or write this."""

    key = "access-denied"


class InvalidInput(StoreError):
    """Input that does not fit; ``field`` (and ``item`` or ``row``) says which."""

    key = "invalid-input"


class NotFound(StoreError):
    """A record that does not exist (shown only to callers allowed to know it would exist)."""

    key = "not-found"


class Conflict(StoreError):
    """A write that collided with another one; nothing was saved, try again."""

    key = "conflict"


class AuthError(StoreError):
    """Sign-in failed. ``key`` says why: ``bad-credentials``, ``locked``, ``bad-format`` or
    ``throttled`` (the web's rate limit); ``who`` (``owner`` or ``staff``) picks the words of
    ``bad-credentials`` (UMKM code and PIN, or username and password). ``locked_until`` is set
    when the account is locked (UTC)."""

    def __init__(
        self, key: str, *, who: str = "owner", locked_until: datetime | None = None, **params
    ):
        self.who = who
        self.locked_until = locked_until
        super().__init__(key, **params)

    @property
    def message_key(self) -> str:
        variant = f"{self.key}-{self.who}"
        return variant if variant in MESSAGES else self.key
