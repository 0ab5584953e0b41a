"""Who may see which UMKM: the one place the access rules live.

- an owner sees only their own UMKM;
- a facilitator sees only the UMKM currently assigned to them (access ends with the assignment);
- a manager, and the CLI's system identity, see all.

Every :class:`berdikari.store.service.Service` method starts here. The identity is re-checked
against the database on every call, so a disabled account or a changed role loses access at once.
This module never writes.
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from berdikari.store.auth import Identity
from berdikari.store.db import Store
from berdikari.store.errors import AccessDenied, NotFound
from berdikari.store.models import Account, Assignment, AuditLog, Umkm
from berdikari.store.validate import an_id

STAFF = ("facilitator", "manager")
ALL_SEEING = ("manager", "system")


class Guarded:
    """Base of the service: holds the store and identity, and the checks every method uses."""

    def __init__(self, store: Store, identity: Identity):
        if not isinstance(identity, Identity):
            raise AccessDenied("no identity: sign in first", key="sign-in-again")
        self.store = store
        self.identity = identity

    # --- who is acting ---------------------------------------------------------------------------
    def _check_identity(self, s: Session) -> None:
        i = self.identity
        if i.role == "system":
            return
        if i.role == "owner":
            if i.umkm_id is None or s.get(Umkm, i.umkm_id) is None:
                raise AccessDenied("this UMKM no longer exists; sign in again", key="sign-in-again")
            return
        if i.role in STAFF:
            account = s.get(Account, i.user_id) if i.user_id else None
            if account is None or not account.active or account.role != i.role:
                raise AccessDenied(
                    "this account is disabled or its role changed; sign in again",
                    key="sign-in-again",
                )
            return
        raise AccessDenied(f"unknown role {i.role!r}")

    def _require(self, s: Session, *roles: str, doing: str) -> None:
        self._check_identity(s)
        if self.identity.role not in roles:
            allowed = ", ".join(r for r in roles if r != "system") or "administrators"
            raise AccessDenied(f"{doing}: only {allowed} may do this")

    def _missing(self, s: Session, thing: str, record_id: int, doing: str) -> NoReturn:
        """A record that is not there: only those who may see everything learn that it does not
        exist (NotFound); everyone else gets AccessDenied, so ids reveal nothing."""
        self._check_identity(s)
        params = {"thing": thing, "id": record_id}
        if self.identity.role not in ALL_SEEING:
            raise AccessDenied(
                f"{thing} {record_id} is not yours to {doing}", key="not-yours", params=params
            )
        raise NotFound(f"{thing} {record_id} does not exist", params=params)

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

    def _umkm(self, s: Session, umkm_id: int, *, roles=("owner", "facilitator", *ALL_SEEING)):
        """The UMKM row if the identity may see it (and has one of ``roles``), else raise."""
        self._check_identity(s)
        umkm_id = an_id("umkm_id", umkm_id)
        i = self.identity
        if i.role not in roles:
            raise AccessDenied(f"a {i.role} may not do this")
        if i.role == "owner" and umkm_id != i.umkm_id:
            raise AccessDenied("owners see only their own UMKM", key="not-your-umkm")
        if i.role == "facilitator" and not self._is_assigned(s, umkm_id):
            raise AccessDenied("this UMKM is not assigned to you", key="not-assigned")
        row = s.get(Umkm, umkm_id)
        if row is None:
            raise NotFound(
                f"UMKM {umkm_id} does not exist", params={"thing": "umkm", "id": umkm_id}
            )
        return row

    def _visible_umkm_ids(self, s: Session):
        """A select of the UMKM ids the identity may see (for list queries)."""
        self._check_identity(s)
        i = self.identity
        if i.role == "owner":
            return select(Umkm.id).where(Umkm.id == i.umkm_id)
        if i.role == "facilitator":
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
