"""Input checks of the service layer, as pydantic types: lengths, choices, dates, record ids.

Every check is a pydantic type (``Annotated`` with constraints; the vocabularies of
:mod:`berdikari.vocab` are the choice types), used one value at a time (:func:`text`,
:func:`one_of`, :func:`a_date`, :func:`an_id`) or several fields of a form at once (the models
below, through :func:`validated`). pydantic's errors are mapped onto the keys of the one message
catalogue (:mod:`berdikari.messages`), the error's location onto the field, so a bad visit date
reads "Tanggal kunjungan tidak boleh di masa depan" and never pydantic's own English.

Untrusted text is kept exactly as typed apart from surrounding spaces (no escaping here; the
display escapes), but it must fit its length limit and hold no NUL character. No I/O here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from berdikari import vocab
from berdikari.store.errors import InvalidInput

NAME_MAX = 120
TITLE_MAX = 300
NOTE_MAX = 2000
SUMMARY_MAX = 5000
PHONE_MAX = 30
MET_WITH_MAX = 200


def today() -> date:
    """Today in UTC (the day a visit may not be later than)."""
    return datetime.now(UTC).date()


# --- the types ---------------------------------------------------------------------------------


def _present(required: bool):
    def check(value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise PydanticCustomError("required" if value is None else "blank", "empty")
            return None
        return value

    return check


def _no_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise PydanticCustomError("nul", "NUL character")
    return value


@cache
def Text(max_len: int, required: bool = True) -> Any:  # noqa: N802  (a type)
    """Text of at most ``max_len`` characters, stripped; optional text is None when blank."""
    core = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, max_length=max_len)]
    return Annotated[
        core if required else core | None,
        BeforeValidator(_present(required)),
        AfterValidator(_no_nul),
    ]


def _iso_date(value: object) -> object:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("not_a_date", "not a date") from None
    if isinstance(value, datetime):
        return value.date()
    return value


def _not_future(value: date) -> date:
    if value > today():
        raise PydanticCustomError("date_in_future", "in the future")
    return value


ADate = Annotated[date, Strict(), BeforeValidator(_iso_date)]
"""A date, or its ISO text (``2026-10-01``)."""
NotFuture = Annotated[ADate, AfterValidator(_not_future)]
"""A date no later than today (UTC)."""
RecordId = Annotated[int, Strict(), Field(ge=1)]
"""A record id: a positive whole number (not True)."""


Summary = Text(SUMMARY_MAX)
MetWith = Text(MET_WITH_MAX, required=False)
Title = Text(TITLE_MAX)
OptionalDate = Annotated[ADate | None, BeforeValidator(_present(False))]
Party = Literal[tuple(str(p) for p in vocab.PARTIES)]
"""Who does an action: one of :data:`berdikari.vocab.PARTIES`."""


class _Form(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VisitInput(_Form):
    """What a facilitator types for a visit (:meth:`CaseworkOps.record_visit`)."""

    visited_on: NotFuture
    summary: Summary
    kind: vocab.VisitKind
    met_with: MetWith = None


class ActionInput(_Form):
    """One action item (:meth:`CaseworkOps.add_action`, each action of ``record_visit``)."""

    title: Title
    due_date: OptionalDate = None
    responsible: Party = "owner"


# --- pydantic's errors as the catalogue's keys ----------------------------------------------------


def _invalid(err: dict, field: str | None, **where) -> InvalidInput:
    """The catalogue's error for one pydantic error; ``field`` defaults to its location."""
    if field is None and err.get("loc"):
        field = str(err["loc"][0])
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind in ("required", "missing"):
        return InvalidInput(
            "date-required" if field in _DATES else "required", field=field, **where
        )
    if kind in ("blank", "string_too_short"):
        return InvalidInput("blank", field=field, **where)
    if kind == "nul":
        return InvalidInput("nul", field=field, **where)
    if kind == "string_type":
        return InvalidInput("not-text", field=field, type=type(value).__name__, **where)
    if kind == "string_too_long":
        length = len(value.strip()) if isinstance(value, str) else 0
        return InvalidInput(
            "too-long", field=field, max=ctx.get("max_length"), length=length, **where
        )
    if kind in ("literal_error", "enum"):
        return InvalidInput("not-one-of", field=field, value=value, **where)
    if kind == "date_in_future":
        return InvalidInput("date-in-future", field=field, date=str(_iso_date(value)), **where)
    if kind.startswith("date_") or kind == "not_a_date":
        if value is None or not isinstance(value, str):
            return InvalidInput("date-required", field=field, **where)
        return InvalidInput("not-a-date", field=field, value=value, **where)
    if kind.startswith("int_") or kind == "greater_than_equal":
        return InvalidInput("not-an-id", field=field, value=value, **where)
    return InvalidInput("invalid-input", field=field, **where)


_DATES = {"visited_on", "achieved_on", "due_date"}


def _one(adapter: TypeAdapter, field: str, value: object, **where):
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise _invalid(exc.errors()[0], field, **where) from None


def validated(form: type[_Form], /, **values) -> Any:
    """``form`` filled from ``values``, or the catalogue's :class:`InvalidInput` for its first
    field at fault (named by pydantic's location)."""
    try:
        return form.model_validate(values)
    except ValidationError as exc:
        raise _invalid(exc.errors()[0], None) from None


# --- one value at a time (the service's existing calls) -------------------------------------------


@cache
def _adapter(tp: Any) -> TypeAdapter:
    return TypeAdapter(tp)


def text(
    field: str, value: object, max_len: int, *, required: bool = True, item: str | None = None
) -> str | None:
    """``value`` stripped of surrounding spaces; None when empty and not required. ``item``: the
    checklist item the field belongs to (a note on an answer)."""
    where = {"item": item} if item is not None else {}
    return _one(_adapter(Text(max_len, required)), field, value, **where)


def one_of(
    field: str,
    value: object,
    choices: type[vocab.Vocabulary] | Iterable[str],
    *,
    item: str | None = None,
) -> str:
    """``value`` if it is one of ``choices`` (a vocabulary of :mod:`berdikari.vocab`, or its
    values), as the plain stored string; ``item``: the checklist item it answers."""
    if isinstance(choices, type) and issubclass(choices, vocab.Vocabulary):
        tp: Any = choices
    else:
        tp = Literal[tuple(str(c) for c in choices)]
    where = {"item": item} if item is not None else {}
    return str(_one(_adapter(tp), field, value, **where))


def a_date(field: str, value: object, *, required: bool = True) -> date | None:
    """A date (or ISO text) ; None when absent and not required."""
    if value is None and not required:
        return None
    return _one(_adapter(ADate), field, value)


def an_id(field: str, value: object) -> int:
    return _one(_adapter(RecordId), field, value)
