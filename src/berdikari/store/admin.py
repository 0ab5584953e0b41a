"""Administration: regions, organisations, staff accounts, enrolling UMKM, PINs, assignments.

Part of the service layer. Managers (and the CLI's system identity) run these; a facilitator may
only reset the PIN of a UMKM assigned to them. Secrets are hashed before they reach a session and
never go into the audit log.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from berdikari.checklists import PRODUCT_CATEGORIES
from berdikari.store.access import Guarded, rights
from berdikari.store.auth import check_password, check_pin, hash_secret, new_pin
from berdikari.store.errors import Conflict, InvalidInput, NotFound
from berdikari.store.models import (
    Account,
    Assignment,
    AuditLog,
    Organisation,
    Product,
    Region,
    Umkm,
    utcnow,
)
from berdikari.store.reference import ORGANISATION_KINDS, REGION_KINDS, SIZES, STAFF_ROLES
from berdikari.store.sessions import revoke_owner_sessions, revoke_staff_sessions
from berdikari.store.validate import NAME_MAX, PHONE_MAX, an_id, one_of, text
from berdikari.store.views import (
    AssignmentView,
    ProductView,
    StaffView,
    UmkmView,
    assignment_view,
    product_view,
    staff_view,
)

USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,39}$")
REGION_CODE = re.compile(r"^[A-Z]{2,5}$")
UMKM_FIELDS = ("name", "owner_name", "owner_phone", "address", "size", "nib", "categories")


def _organisation_fields(name: object, kind: object) -> tuple[str, str]:
    return text("organisation", name, 160), one_of("organisation_kind", kind, ORGANISATION_KINDS)


def _categories(value) -> list[str]:
    if isinstance(value, str) or not value:
        raise InvalidInput("categories-required", field="categories")
    return [one_of("categories", c, PRODUCT_CATEGORIES) for c in dict.fromkeys(value)]


class AdminOps(Guarded):
    # --- reference data ----------------------------------------------------------------------
    @rights(owner=True, facilitator=True, manager=True)
    def regions(self) -> list[dict]:
        """Every regency/city (anyone signed in may read the list)."""
        with self.store.read() as s:
            self._check(s)
            rows = s.execute(select(Region).order_by(Region.province, Region.name)).scalars()
            return [
                {"id": r.id, "code": r.code, "name": r.name, "kind": r.kind, "province": r.province}
                for r in rows
            ]

    @rights(manager=True)
    def add_region(self, province: str, name: str, kind: str, code: str) -> int:
        """Add a kabupaten/kota of another province (manager). ``code`` prefixes UMKM codes."""
        province = text("province", province, 80)
        name = text("name", name, 80)
        kind = one_of("kind", kind, REGION_KINDS)
        if not isinstance(code, str) or not REGION_CODE.match(code):
            raise InvalidInput("region-code-format", field="code")
        with self.store.write() as s:
            self._check(s)
            if s.execute(select(Region.id).where(Region.code == code)).first():
                raise InvalidInput("region-code-taken", field="code", code=code)
            r = Region(province=province, name=name, kind=kind, code=code)
            s.add(r)
            s.flush()
            self._audit(s, "region-add", "region", r.id, None, {"name": name, "code": code})
            return r.id

    def _region(self, s: Session, regency: str | int) -> Region:
        if isinstance(regency, int):
            r = s.get(Region, regency)
        else:
            key = (regency or "").strip().lower()
            r = next(
                (
                    x
                    for x in s.execute(select(Region)).scalars()
                    if key in (x.name.lower(), x.code.lower(), f"{x.kind} {x.name}".lower())
                ),
                None,
            )
        if r is None:
            known = ", ".join(
                x.name for x in s.execute(select(Region).order_by(Region.name)).scalars()
            )
            raise InvalidInput("unknown-regency", field="regency", regency=regency, known=known)
        return r

    @rights(manager=True)
    def add_organisation(self, name: str, kind: str) -> int:
        """The id of the organisation ``name`` (of ``kind``), added if new (manager or CLI)."""
        name, kind = _organisation_fields(name, kind)
        with self.store.write() as s:
            self._check(s)
            return self._organisation(s, name, kind)

    def _organisation(self, s: Session, name: str, kind: str) -> int:
        found = s.execute(select(Organisation).where(Organisation.name == name)).scalar()
        if found:
            if found.kind != kind:
                raise InvalidInput(
                    "organisation-kind-clash", field="organisation_kind", name=name, kind=found.kind
                )
            return found.id
        o = Organisation(name=name, kind=kind)
        s.add(o)
        s.flush()
        self._audit(s, "organisation-add", "organisation", o.id, None, {"name": name})
        return o.id

    @rights(facilitator=True, manager=True)
    def organisations(self) -> list[dict]:
        with self.store.read() as s:
            self._check(s)
            rows = s.execute(select(Organisation).order_by(Organisation.name)).scalars()
            return [{"id": o.id, "name": o.name, "kind": o.kind} for o in rows]

    # --- staff -------------------------------------------------------------------------------
    @rights(manager=True)
    def add_staff(
        self,
        username: str,
        name: str,
        role: str,
        password: str,
        organisation_id: int | None = None,
        phone: str | None = None,
        email: str | None = None,
        *,
        organisation: tuple[str, str] | None = None,
    ) -> StaffView:
        """Create a facilitator or manager account (manager or CLI).

        ``organisation`` = ``(name, kind)`` names it instead of ``organisation_id``, added if new
        in the same transaction as the account: a refused account adds no organisation."""
        username = (username or "").strip().lower()
        if not USERNAME.match(username):
            raise InvalidInput("username-format", field="username")
        name = text("name", name, NAME_MAX)
        role = one_of("role", role, STAFF_ROLES)
        check_password(password)
        phone = text("phone", phone, PHONE_MAX, required=False)
        email = text("email", email, 120, required=False)
        if organisation is not None:
            org_fields = _organisation_fields(*organisation)
        hashed = hash_secret(password)
        with self.store.write() as s:
            self._check(s)
            if s.execute(select(Account.id).where(Account.username == username)).first():
                raise InvalidInput("username-taken", field="username", username=username)
            if organisation is not None:
                organisation_id = self._organisation(s, *org_fields)
            if organisation_id is not None and s.get(Organisation, organisation_id) is None:
                raise NotFound(thing="organisation", id=organisation_id)
            a = Account(
                username=username,
                name=name,
                role=role,
                password_hash=hashed,
                organisation_id=organisation_id,
                phone=phone,
                email=email,
                active=True,
                failed_attempts=0,
            )
            s.add(a)
            s.flush()
            self._audit(s, "staff-add", "account", a.id, None, {"username": username, "role": role})
            return staff_view(a)

    @rights(manager=True)
    def staff(self, role: str | None = None) -> list[StaffView]:
        """Staff accounts (manager), optionally only one role."""
        with self.store.read() as s:
            self._check(s)
            q = select(Account).order_by(Account.name)
            if role:
                q = q.where(Account.role == one_of("role", role, STAFF_ROLES))
            return [staff_view(a) for a in s.execute(q).scalars()]

    @rights(manager=True)
    def set_staff_active(self, account_id: int, active: bool) -> StaffView:
        with self.store.write() as s:
            self._check(s)
            a = s.get(Account, an_id("account_id", account_id))
            if a is None:
                raise NotFound(thing="account", id=account_id)
            a.active = bool(active)
            self._audit(s, "staff-active", "account", a.id, None, {"active": a.active})
            view = staff_view(a)
        if not active:
            revoke_staff_sessions(self.store, account_id)  # its browsers are signed out for good
        return view

    @rights(manager=True)
    def staff_id_for_username(self, username: str) -> int:
        with self.store.read() as s:
            self._check(s)
            found = s.execute(
                select(Account.id).where(Account.username == (username or "").strip().lower())
            ).scalar()
            if found is None:
                raise NotFound("no-staff-account", thing="account", username=username)
            return found

    # --- UMKM --------------------------------------------------------------------------------
    @rights(manager=True)
    def add_umkm(
        self,
        name: str,
        owner_name: str,
        regency: str | int,
        categories: list[str],
        size: str = "mikro",
        owner_phone: str | None = None,
        address: str | None = None,
        nib: str | None = None,
    ) -> tuple[UmkmView, str]:
        """Enrol a UMKM (manager or CLI). Returns its view and the owner's new PIN, shown once."""
        name = text("name", name, 160)
        owner_name = text("owner_name", owner_name, NAME_MAX)
        cats = _categories(categories)
        size = one_of("size", size, SIZES)
        owner_phone = text("owner_phone", owner_phone, PHONE_MAX, required=False)
        address = text("address", address, 300, required=False)
        nib = text("nib", nib, 20, required=False)
        pin = new_pin()
        hashed = hash_secret(pin)
        try:
            with self.store.write() as s:
                self._check(s)
                region = self._region(s, regency)
                n = s.execute(
                    select(func.count(Umkm.id)).where(Umkm.code.like(f"{region.code}-%"))
                ).scalar_one()
                code = f"{region.code}-{n + 1:04d}"
                u = Umkm(
                    code=code,
                    name=name,
                    owner_name=owner_name,
                    owner_phone=owner_phone,
                    region_id=region.id,
                    address=address,
                    size=size,
                    nib=nib,
                    categories=cats,
                    pin_hash=hashed,
                    failed_attempts=0,
                )
                s.add(u)
                s.flush()
                self._audit(s, "umkm-add", "umkm", u.id, u.id, {"code": code, "name": name})
                view_id = u.id
        except IntegrityError:
            raise Conflict(doing="enrol a UMKM") from None
        return self._read_umkm(view_id), pin

    def _read_umkm(self, umkm_id: int) -> UmkmView:
        return self.umkm(umkm_id)  # type: ignore[attr-defined]  (CaseworkOps)

    @rights(facilitator="assigned", manager=True)
    def update_umkm(self, umkm_id: int, **changes) -> UmkmView:
        """Change profile fields (assigned facilitator or manager): name, owner_name,
        owner_phone, address, size, nib, categories."""
        unknown = set(changes) - set(UMKM_FIELDS)
        if unknown:
            raise InvalidInput(
                "unknown-umkm-field", field=sorted(unknown)[0], fields=", ".join(UMKM_FIELDS)
            )
        limits = {"name": 160, "owner_name": NAME_MAX, "owner_phone": PHONE_MAX, "address": 300}
        clean = {}
        for k, v in changes.items():
            if k in limits:
                clean[k] = text(k, v, limits[k], required=k in ("name", "owner_name"))
            elif k == "size":
                clean[k] = one_of("size", v, SIZES)
            elif k == "nib":
                clean[k] = text("nib", v, 20, required=False)
            else:
                clean[k] = _categories(v)
        with self.store.write() as s:
            u = self._umkm(s, umkm_id)
            old = {k: getattr(u, k) for k in clean}
            for k, v in clean.items():
                setattr(u, k, v)
            u.updated_at = utcnow()
            self._audit(s, "umkm-update", "umkm", u.id, u.id, {"old": old, "new": clean})
        return self._read_umkm(umkm_id)

    @rights(facilitator="assigned", manager=True)
    def add_product(self, umkm_id: int, name: str, category: str) -> ProductView:
        name = text("product_name", name, 160)
        category = one_of("category", category, PRODUCT_CATEGORIES)
        with self.store.write() as s:
            u = self._umkm(s, umkm_id)
            p = Product(umkm_id=u.id, name=name, category=category)
            s.add(p)
            s.flush()
            self._audit(s, "product-add", "product", p.id, u.id, {"name": name})
            return product_view(p)

    @rights(facilitator="assigned", manager=True)
    def reset_owner_pin(self, umkm_id: int) -> str:
        """A new PIN for the owner (assigned facilitator or manager); returned once, never stored
        in clear. Also lifts a lockout."""
        pin = new_pin()
        hashed = hash_secret(pin)
        with self.store.write() as s:
            u = self._umkm(s, umkm_id)
            u.pin_hash, u.failed_attempts, u.locked_until = hashed, 0, None
            self._audit(s, "pin-reset", "umkm", u.id, u.id)
        revoke_owner_sessions(self.store, umkm_id)  # signed-in browsers sign in again
        return pin

    @rights(facilitator="assigned", manager=True)
    def set_owner_pin(self, umkm_id: int, pin: str) -> None:
        """Set a PIN the facilitator agreed with the owner (assigned facilitator or manager):
        exactly 6 digits. Also lifts a lockout. The PIN is hashed; never stored in clear."""
        hashed = hash_secret(check_pin(pin))
        with self.store.write() as s:
            u = self._umkm(s, umkm_id)
            u.pin_hash, u.failed_attempts, u.locked_until = hashed, 0, None
            self._audit(s, "pin-set", "umkm", u.id, u.id)
        revoke_owner_sessions(self.store, umkm_id)  # signed-in browsers sign in again

    @rights(owner="own", facilitator="assigned", manager=True)
    def umkm_id_for_code(self, code: str) -> int:
        """The id of the UMKM with this code, if the identity may see it."""
        with self.store.read() as s:
            found = s.execute(
                select(Umkm.id).where(Umkm.code == (code or "").strip().upper())
            ).scalar()
            if found is None:
                self._missing(s, "umkm", code, "see", key="no-umkm-code")
            self._umkm(s, found)
            return found

    # --- assignments -------------------------------------------------------------------------
    @rights(manager=True)
    def assign(self, umkm_id: int, facilitator_id: int) -> AssignmentView:
        """Make ``facilitator_id`` the one active facilitator of a UMKM (manager or CLI).

        The previous assignment ends (kept as history) and its facilitator loses access. The
        database itself refuses a second active assignment (partial unique index).
        """
        try:
            with self.store.write() as s:
                self._check(s)
                u = s.execute(
                    select(Umkm).where(Umkm.id == an_id("umkm_id", umkm_id)).with_for_update()
                ).scalar_one_or_none()
                if u is None:
                    raise NotFound(thing="umkm", id=umkm_id)
                f = s.get(Account, an_id("facilitator_id", facilitator_id))
                if f is None or f.role != "facilitator" or not f.active:
                    raise InvalidInput(
                        "not-a-facilitator", field="facilitator_id", id=facilitator_id
                    )
                now = utcnow()
                current = s.execute(
                    select(Assignment).where(
                        Assignment.umkm_id == u.id, Assignment.active.is_(True)
                    )
                ).scalar_one_or_none()
                if current is not None and current.facilitator_id == f.id:
                    return assignment_view(current)
                if current is not None:
                    current.active, current.ended_at = False, now
                    s.flush()
                a = Assignment(
                    umkm_id=u.id,
                    facilitator_id=f.id,
                    active=True,
                    started_at=now,
                    assigned_by=self.identity.name[:120],
                )
                s.add(a)
                s.flush()
                self._audit(
                    s,
                    "assign",
                    "assignment",
                    a.id,
                    u.id,
                    {
                        "facilitator": f.username,
                        "previous": current.facilitator_id if current else None,
                    },
                )
                return assignment_view(a)
        except IntegrityError:
            raise Conflict(doing="assign a facilitator") from None

    @rights(facilitator="assigned", manager=True)
    def assignments(self, umkm_id: int) -> list[AssignmentView]:
        """The assignment history of a UMKM, oldest first (facilitator: own caseload only)."""
        with self.store.read() as s:
            self._umkm(s, umkm_id)
            rows = s.execute(
                select(Assignment)
                .where(Assignment.umkm_id == umkm_id)
                .order_by(Assignment.started_at, Assignment.id)
            ).scalars()
            return [assignment_view(a) for a in rows]

    # --- audit log ---------------------------------------------------------------------------
    @rights(facilitator="assigned", manager=True)
    def audit_log(self, umkm_id: int | None = None, limit: int = 200) -> list[dict]:
        """Latest audit-log rows, newest first (manager; the assigned facilitator for one UMKM)."""
        with self.store.read() as s:
            self._check(s, umkm_id)  # no UMKM: all of them, for managers only
            q = select(AuditLog).order_by(AuditLog.id.desc()).limit(max(1, min(limit, 5000)))
            if umkm_id is not None:
                q = q.where(AuditLog.umkm_id == umkm_id)
            return [
                {
                    "at": r.at,
                    "actor_role": r.actor_role,
                    "actor_name": r.actor_name,
                    "action": r.action,
                    "entity": r.entity,
                    "entity_id": r.entity_id,
                    "umkm_id": r.umkm_id,
                    "detail": r.detail,
                }
                for r in s.execute(q).scalars()
            ]
