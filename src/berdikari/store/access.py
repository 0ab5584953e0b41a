"""Who may do what: the one place the access rules live, declared on each service method.

Every public :class:`berdikari.store.service.Service` method carries ``@rights(...)``, which says,
for each role, what it may do:

- ``owner``: ``False``, ``"own"`` (their own UMKM only) or ``True`` (no UMKM involved);
- ``facilitator``: ``False``, ``"assigned"`` (only the UMKM assigned to them now: access ends with
  the assignment) or ``True`` (no UMKM involved);
- ``manager``: ``False`` or ``True`` (every UMKM); the CLI's system identity has the manager's
  rights;
- ``own_drafts``: a draft is changed only by the role that fills it (an owner's draft by its owner,
  a facilitator's by the facilitator);
- ``owner_values``: the values an owner may pass, e.g. ``{"status": ("in-progress", "done")}``.

The method applies its declared rule through one check, :meth:`Guarded._check` (``umkm_id`` given:
that UMKM; ``umkm_id=None``: no particular UMKM, which only an unrestricted grant covers), or for
lists :meth:`Guarded._visible_umkm_ids`, and :meth:`Guarded._missing` for an id that is not there.
A method that returns without having run its check raises :class:`RightsNotChecked`, and
:func:`check_declared` refuses (at import of the service) a public method without ``@rights``.
The identity is re-checked against the database on every call, so a disabled account or a changed
role loses access at once. This module never writes, except the audit row a method asks for.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from berdikari import vocab
from berdikari.store import reference
from berdikari.store.auth import Identity
from berdikari.store.db import Store
from berdikari.store.errors import AccessDenied, NotFound
from berdikari.store.models import Account, Assignment, AuditLog, Umkm
from berdikari.store.validate import an_id

STAFF = reference.STAFF_ROLES
ALL_SEEING = ("manager", "system")
ROLES = vocab.Role.values()
SCOPES = {vocab.Role.OWNER.value: "own", vocab.Role.FACILITATOR.value: "assigned"}

Grant = bool | Literal["own", "assigned"]


class RightsNotChecked(RuntimeError):
    """A service method returned without running its declared check: a programming error."""


@dataclass(frozen=True)
class Rights:
    """The declared rights of one service method (see the module docstring)."""

    owner: Grant = False
    facilitator: Grant = False
    manager: bool = False
    own_drafts: bool = False
    owner_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self):
        for role, scope in SCOPES.items():
            if getattr(self, role) not in (False, True, scope):
                raise TypeError(f"@rights({role}=...) is False, True or {scope!r}")
        if self.manager not in (False, True):
            raise TypeError("@rights(manager=...) is False or True")
        if not (self.owner or self.facilitator or self.manager):
            raise TypeError("@rights(...) allows nobody")
        if self.owner_values and not self.owner:
            raise TypeError("@rights(owner_values=...) needs owner rights")

    def grant(self, role: str) -> Grant:
        """What ``role`` may do: False, True (unrestricted) or its scope ("own", "assigned")."""
        if role in ALL_SEEING:
            return self.manager
        return getattr(self, role, False) if role in SCOPES else False

    def allowed_roles(self) -> tuple[str, ...]:
        return tuple(r for r in ("owner", "facilitator", "manager") if self.grant(r))

    def summary(self) -> str:
        """The rights in a few words, for the index: ``O(own) F(assigned) M``."""
        parts = []
        for role, letter in (("owner", "O"), ("facilitator", "F"), ("manager", "M")):
            g = self.grant(role)
            if g:
                parts.append(letter if g is True else f"{letter}({g})")
        if self.own_drafts:
            parts.append("own drafts only")
        for arg, values in self.owner_values.items():
            parts.append(f"owner {arg}: {'/'.join(values)}")
        return " ".join(parts)


@dataclass
class _Call:
    name: str
    rule: Rights
    arguments: dict
    parent: _Call | None = None
    checked: bool = False

    def mark_checked(self) -> None:
        # A method that only delegates to a public method with the same rights is checked by it.
        call: _Call | None = self
        while call is not None and call.rule == self.rule:
            call.checked = True
            call = call.parent


_current: ContextVar[_Call | None] = ContextVar("berdikari_rights_call", default=None)


def rights(
    *,
    owner: Grant = False,
    facilitator: Grant = False,
    manager: bool = False,
    own_drafts: bool = False,
    owner_values: Mapping[str, tuple[str, ...]] | None = None,
) -> Callable:
    """Declare who may call a service method; the method applies it with ``self._check``."""
    rule = Rights(owner, facilitator, manager, own_drafts, dict(owner_values or {}))

    def declare(fn: Callable) -> Callable:
        sig = inspect.signature(fn)
        for arg in rule.owner_values:
            if arg not in sig.parameters:
                raise TypeError(f"{fn.__name__}: owner_values names {arg!r}, not an argument")

        @functools.wraps(fn)
        def guarded(self, *args, **kwargs):
            arguments = {}
            if rule.owner_values:
                bound = sig.bind(self, *args, **kwargs)
                bound.apply_defaults()
                arguments = bound.arguments
            call = _Call(fn.__name__, rule, arguments, _current.get())
            token = _current.set(call)
            try:
                result = fn(self, *args, **kwargs)
            finally:
                _current.reset(token)
            if not call.checked:
                raise RightsNotChecked(f"{fn.__name__} returned without checking its rights")
            return result

        guarded.__rights__ = rule  # type: ignore[attr-defined]
        return guarded

    return declare


def public_methods(cls: type) -> dict[str, Callable]:
    """The public methods of a service class, by name."""
    return {
        n: getattr(cls, n)
        for n in dir(cls)
        if not n.startswith("_") and inspect.isfunction(getattr(cls, n))
    }


def declared(cls: type) -> dict[str, Rights]:
    """``{method name: Rights}`` of every public method; TypeError names the undeclared ones."""
    methods = public_methods(cls)
    missing = sorted(
        n for n, m in methods.items() if not isinstance(getattr(m, "__rights__", None), Rights)
    )
    if missing:
        raise TypeError(f"{cls.__name__}: public methods without @rights: {', '.join(missing)}")
    return {n: m.__rights__ for n, m in methods.items()}


check_declared = declared


def rights_index(cls: type) -> str:
    """The rights of every public method as an indented text table (for the service docstring)."""
    rows = []
    for name, rule in declared(cls).items():
        fn = inspect.unwrap(getattr(cls, name))
        params = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
        sig = ", ".join(p.name for p in params if p.kind is not p.VAR_KEYWORD)
        if any(p.kind is p.VAR_KEYWORD for p in params):
            sig += (", " if sig else "") + "**fields"
        module = fn.__module__.rsplit(".", 1)[-1]
        rows.append((module, f"{name}({sig})", rule.summary()))
    width = max(len(r[1]) for r in rows)
    out = []
    for module in dict.fromkeys(r[0] for r in sorted(rows)):
        out.append(f"{module}:")
        out.extend(f"    {call:<{width}}  {who}" for m, call, who in sorted(rows) if m == module)
    return "\n".join(out)


class Guarded:
    """Base of the service: holds the store and identity, and the checks every method uses."""

    def __init__(self, store: Store, identity: Identity):
        if not isinstance(identity, Identity):
            raise AccessDenied("sign-in-again", reason="no identity")
        self.store = store
        self.identity = identity

    # --- who is acting ---------------------------------------------------------------------------
    def _check_identity(self, s: Session) -> None:
        i = self.identity
        if i.role == "system":
            return
        if i.role == "owner":
            if i.umkm_id is None or s.get(Umkm, i.umkm_id) is None:
                raise AccessDenied("sign-in-again", reason="the UMKM no longer exists")
            return
        if i.role in STAFF:
            account = s.get(Account, i.user_id) if i.user_id else None
            if account is None or not account.active or account.role != i.role:
                raise AccessDenied("sign-in-again", reason="account disabled or role changed")
            return
        raise AccessDenied(role=i.role)

    # --- the one check of the declared rule --------------------------------------------------
    def _grant(self, s: Session) -> Grant:
        """The identity checked, then what the running method's ``@rights`` grants its role."""
        call = _current.get()
        if call is None:
            raise RightsNotChecked("a rights check outside a method declared with @rights")
        self._check_identity(s)
        call.mark_checked()
        role = self.identity.role
        grant = call.rule.grant(role)
        doing = call.name.replace("_", " ")
        if not grant:
            allowed = ", ".join(call.rule.allowed_roles())
            raise AccessDenied(doing=doing, allowed=allowed)
        if role == "owner":
            for arg, values in call.rule.owner_values.items():
                if call.arguments.get(arg) not in values:
                    raise AccessDenied(doing=doing, argument=arg, allowed=" or ".join(values))
        return grant

    def _check(self, s: Session, umkm_id: int | None = None, *, filled_by: str | None = None):
        """Apply the running method's declared rights; with ``umkm_id``, to that UMKM (its row is
        returned, or NotFound for those who may see every UMKM), without, to no particular UMKM
        (only an unrestricted grant covers that). ``filled_by``: the role filling the draft."""
        grant = self._grant(s)
        i = self.identity
        if umkm_id is None:
            if grant is not True:
                raise AccessDenied("not-your-umkm" if i.role == "owner" else "not-assigned")
            return None
        umkm_id = an_id("umkm_id", umkm_id)
        if grant == "own" and umkm_id != i.umkm_id:
            raise AccessDenied("not-your-umkm", umkm_id=umkm_id)
        if grant == "assigned" and not self._is_assigned(s, umkm_id):
            raise AccessDenied("not-assigned", umkm_id=umkm_id)
        call = _current.get()
        if call is not None and call.rule.own_drafts and filled_by not in (None, i.role):
            raise AccessDenied(
                "verify-instead" if i.role == "facilitator" else "not-your-draft",
                filled_by=filled_by,
            )
        row = s.get(Umkm, umkm_id)
        if row is None:
            raise NotFound(thing="umkm", id=umkm_id)
        return row

    def _umkm(self, s: Session, umkm_id: int, *, filled_by: str | None = None) -> Umkm:
        """The UMKM row if the running method's rights cover it, else raise (see _check)."""
        return self._check(s, an_id("umkm_id", umkm_id), filled_by=filled_by)

    def _missing(
        self, s: Session, thing: str, record_id, doing: str, *, key: str = "not-found"
    ) -> NoReturn:
        """A record that is not there: only a role whose grant is unrestricted (every UMKM)
        learns that it does not exist (NotFound, message ``key``); everyone else gets
        AccessDenied, so ids reveal nothing."""
        grant = self._grant(s)
        if grant is not True:
            raise AccessDenied("not-yours", thing=thing, id=record_id, doing=doing)
        raise NotFound(key, thing=thing, id=record_id)

    # --- which UMKM ------------------------------------------------------------------------------
    def _is_assigned(self, s: Session, umkm_id: int) -> bool:
        return (
            s.execute(
                select(Assignment.id).where(
                    Assignment.umkm_id == umkm_id,
                    Assignment.facilitator_id == self.identity.user_id,
                    Assignment.active.is_(True),
                )
            ).first()
            is not None
        )

    def _visible_umkm_ids(self, s: Session):
        """A select of the UMKM ids the running method's rights let the identity list: its own
        ("own"), those assigned to it ("assigned"), or every UMKM (True)."""
        grant = self._grant(s)
        i = self.identity
        if grant == "own":
            return select(Umkm.id).where(Umkm.id == i.umkm_id)
        if grant == "assigned":
            return select(Assignment.umkm_id).where(
                Assignment.facilitator_id == i.user_id, Assignment.active.is_(True)
            )
        return select(Umkm.id)

    # --- the audit log ---------------------------------------------------------------------------
    def _audit(
        self,
        s: Session,
        action: str,
        entity: str,
        entity_id: int | None,
        umkm_id: int | None,
        detail: dict | None = None,
    ) -> None:
        i = self.identity
        s.add(
            AuditLog(
                actor_role=i.role,
                actor_id=i.user_id if i.role in STAFF else i.umkm_id,
                actor_name=i.name[:120],
                action=action,
                entity=entity,
                entity_id=entity_id,
                umkm_id=umkm_id,
                detail=detail,
            )
        )
