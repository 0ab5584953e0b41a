"""Input checks shared by the service layer: lengths, choices, dates. Clear messages, no I/O.

Untrusted text is kept exactly as typed (no escaping here; the display escapes), but it must fit
its length limit and hold no NUL character. Every message names the field at fault, and every
error carries a stable ``key`` with its ``params`` (see :mod:`berdikari.store.errors`) that the
apps translate: required, not-text, blank, nul, too-long, not-one-of, not-a-date, date-required,
not-an-id.
"""

from __future__ import annotations

from datetime import date

from berdikari.store.errors import InvalidInput

NAME_MAX = 120
TITLE_MAX = 300
NOTE_MAX = 2000
SUMMARY_MAX = 5000
PHONE_MAX = 30


def text(field: str, value: object, max_len: int, *, required: bool = True) -> str | None:
    """``value`` stripped of surrounding spaces; None when empty and not required."""
    if value is None:
        if required:
            raise InvalidInput(field, "is required", key="required")
        return None
    if not isinstance(value, str):
        raise InvalidInput(
            field,
            f"must be text, got {type(value).__name__}",
            key="not-text",
            params={"type": type(value).__name__},
        )
    value = value.strip()
    if not value:
        if required:
            raise InvalidInput(field, "is required and may not be blank", key="blank")
        return None
    if "\x00" in value:
        raise InvalidInput(field, "contains a NUL character, which cannot be stored", key="nul")
    if len(value) > max_len:
        raise InvalidInput(
            field,
            f"is {len(value)} characters long; at most {max_len} are allowed",
            key="too-long",
            params={"max": max_len, "length": len(value)},
        )
    return value


def one_of(field: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidInput(
            field,
            f"{value!r} is not one of {', '.join(choices)}",
            key="not-one-of",
            params={"value": value, "choices": list(choices)},
        )
    return value  # type: ignore[return-value]


def a_date(field: str, value: object, *, required: bool = True) -> date | None:
    if value is None and not required:
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput(
                field,
                f"{value!r} is not a date (YYYY-MM-DD)",
                key="not-a-date",
                params={"value": value},
            ) from None
    if not isinstance(value, date):
        raise InvalidInput(field, "is required (a date, YYYY-MM-DD)", key="date-required")
    return value


def an_id(field: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(
            field,
            f"{value!r} is not a record id (a positive whole number)",
            key="not-an-id",
            params={"value": value},
        )
    return value
