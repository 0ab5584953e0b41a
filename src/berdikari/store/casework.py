"""Casework: the UMKM profile, visits, action items, milestones and caseloads.

Part of the service layer (see :mod:`berdikari.store.service` for the rights of each role). Every
write adds an audit-log row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from berdikari.store.access import Guarded, rights
from berdikari.store.assessments import find_item
from berdikari.store.errors import InvalidInput
from berdikari.store.evidence import check_evidence, insert_evidence
from berdikari.store.models import (
    ActionItem,
    Assignment,
    Milestone,
    Product,
    Region,
    Umkm,
    Visit,
    utcnow,
)
from berdikari.store.reference import (
    ACTION_STATUSES,
    MILESTONE_KINDS,
    PERMIT_MILESTONES,
)
from berdikari.store.validate import (
    ActionInput,
    VisitInput,
    a_date,
    an_id,
    one_of,
    text,
    today,  # noqa: F401  (the day the standing counts from: standing.py and tests read it here)
    validated,
)
from berdikari.store.views import (
    ActionView,
    MilestoneView,
    UmkmView,
    VisitView,
    action_view,
    milestone_view,
    product_view,
)


def _check_action(
    title: object,
    due_date: date | str | None = None,
    item_id: str | None = None,
    responsible: str = "owner",
    *,
    row: int | None = None,
) -> dict:
    """The columns of a new action item, or :class:`InvalidInput`; ``row`` (2 for the second)
    is set on the error when the action is one of several, so the message says which one."""
    try:
        form = validated(ActionInput, title=title, due_date=due_date, responsible=responsible)
        title, due, responsible = form.title, form.due_date, form.responsible
        checklist_id = None
        if item_id is not None:
            try:
                checklist_id = find_item(item_id).id
            except InvalidInput:
                if row is None:
                    raise
                raise InvalidInput("not-a-checklist-item", field="item_id", item=item_id) from None
    except InvalidInput as exc:
        exc.row = row if row is not None else exc.row
        raise
    return {
        "title": title,
        "due_date": due,
        "item_id": item_id,
        "checklist_id": checklist_id,
        "responsible": responsible,
    }


class CaseworkOps(Guarded):
    # --- the UMKM ----------------------------------------------------------------------------
    def _active_assignment(self, s: Session, umkm_id: int) -> Assignment | None:
        return s.execute(
            select(Assignment).where(Assignment.umkm_id == umkm_id, Assignment.active.is_(True))
        ).scalar_one_or_none()

    def _umkm_view(self, s: Session, u: Umkm) -> UmkmView:
        a = self._active_assignment(s, u.id)
        region = s.get(Region, u.region_id)
        return UmkmView(
            id=u.id,
            code=u.code,
            name=u.name,
            owner_name=u.owner_name,
            owner_phone=u.owner_phone,
            regency=region.name,
            province=region.province,
            address=u.address,
            size=u.size,
            nib=u.nib,
            categories=tuple(u.categories),
            products=tuple(product_view(p) for p in u.products),
            facilitator=a.facilitator.name if a else None,
            facilitator_id=a.facilitator_id if a else None,
            facilitator_phone=a.facilitator.phone if a else None,
            has_pin=u.pin_hash is not None,
            pin_locked_until=(
                u.locked_until if u.locked_until and u.locked_until > utcnow() else None
            ),
            pin_failed_attempts=u.failed_attempts or 0,
        )

    @rights(owner="own", facilitator="assigned", manager=True)
    def umkm(self, umkm_id: int) -> UmkmView:
        """The profile of one UMKM, with its products and active facilitator."""
        with self.store.read() as s:
            return self._umkm_view(s, self._umkm(s, umkm_id))

    # --- visits ------------------------------------------------------------------------------
    @rights(facilitator="assigned")
    def record_visit(
        self,
        umkm_id: int,
        visited_on: date | str,
        summary: str,
        kind: str = "site",
        met_with: str | None = None,
        *,
        files: Sequence[tuple[str, bytes]] = (),
        actions: Sequence[Mapping[str, Any]] = (),
    ) -> VisitView:
        """The assigned facilitator logs a visit (``kind``: site, phone, online, training), who
        they met (``met_with``, optional, at most 200 characters), the photos or documents
        taken there (``files``: ``(filename, bytes)``, as :meth:`add_evidence`) and the action
        items agreed (``actions``: keyword arguments of :meth:`add_action`).

        All or nothing: every file and action is checked before anything is written, and the
        visit, its files, its actions and their audit rows are one transaction. An error in
        the n-th action has ``row`` n; nothing is saved then."""
        form = validated(
            VisitInput, visited_on=visited_on, summary=summary, kind=kind, met_with=met_with
        )
        visited_on, summary, kind, met_with = (
            form.visited_on,
            form.summary,
            str(form.kind),
            form.met_with,
        )
        checked_files = [check_evidence(name, content) for name, content in files]
        checked_actions = [_check_action(**dict(a), row=n) for n, a in enumerate(actions, 1)]
        with self.store.write() as s:
            u = self._umkm(s, umkm_id)
            v = Visit(
                umkm_id=umkm_id,
                facilitator_id=self.identity.user_id,
                visited_on=visited_on,
                kind=kind,
                summary=summary,
                met_with=met_with,
            )
            s.add(v)
            s.flush()
            self._audit(
                s,
                "visit-add",
                "visit",
                v.id,
                umkm_id,
                {
                    "visited_on": str(visited_on),
                    "files": len(checked_files),
                    "actions": len(checked_actions),
                },
            )
            for checked in checked_files:
                insert_evidence(self, s, u, checked, v.id)
            for checked in checked_actions:
                self._insert_action(s, umkm_id, checked)
            return VisitView(v.id, umkm_id, self.identity.name, visited_on, kind, summary, met_with)

    @rights(owner="own", facilitator="assigned", manager=True)
    def visits(self, umkm_id: int) -> list[VisitView]:
        """Visits to a UMKM, newest first."""
        with self.store.read() as s:
            self._umkm(s, umkm_id)
            rows = s.execute(
                select(Visit)
                .where(Visit.umkm_id == umkm_id)
                .order_by(Visit.visited_on.desc(), Visit.id.desc())
            ).scalars()
            return [
                VisitView(
                    v.id,
                    v.umkm_id,
                    v.facilitator.name,
                    v.visited_on,
                    v.kind,
                    v.summary,
                    v.met_with,
                )
                for v in rows
            ]

    # --- action items ------------------------------------------------------------------------
    @rights(owner="own", facilitator="assigned", manager=True)
    def actions(self, umkm_id: int) -> list[ActionView]:
        """The action plan of a UMKM: open ones first by due date, then the rest."""
        with self.store.read() as s:
            self._umkm(s, umkm_id)
            rows = s.execute(select(ActionItem).where(ActionItem.umkm_id == umkm_id)).scalars()
            views = [action_view(a) for a in rows]
        closed = ("done", "dropped")
        return sorted(views, key=lambda a: (a.status in closed, a.due_date or date.max, a.id))

    @rights(facilitator="assigned")
    def add_action(
        self,
        umkm_id: int,
        title: str,
        due_date: date | str | None = None,
        item_id: str | None = None,
        responsible: str = "owner",
    ) -> ActionView:
        """The assigned facilitator adds a step to the action plan, optionally for an item ID."""
        checked = _check_action(title, due_date, item_id, responsible)
        with self.store.write() as s:
            self._umkm(s, umkm_id)
            return action_view(self._insert_action(s, umkm_id, checked))

    def _insert_action(self, s: Session, umkm_id: int, checked: dict) -> ActionItem:
        a = ActionItem(
            umkm_id=umkm_id,
            status="open",
            created_by_id=self.identity.user_id,
            **checked,
        )
        s.add(a)
        s.flush()
        self._audit(s, "action-add", "action_item", a.id, umkm_id, {"item_id": a.item_id})
        return a

    @rights(owner="own", facilitator="assigned", owner_values={"status": ("in-progress", "done")})
    def set_action_status(self, action_id: int, status: str) -> ActionView:
        """Change an action's status. Owners may mark their own actions in progress or done."""
        status = one_of("status", status, ACTION_STATUSES)
        with self.store.write() as s:
            a = s.get(ActionItem, an_id("action_id", action_id))
            if a is None:
                self._missing(s, "action", action_id, "change")
            self._umkm(s, a.umkm_id)
            old = a.status
            a.status = status
            a.updated_at = utcnow()
            a.done_at = a.updated_at if status == "done" else None
            self._audit(
                s, "action-status", "action_item", a.id, a.umkm_id, {"old": old, "new": status}
            )
            return action_view(a)

    # --- milestones --------------------------------------------------------------------------
    @rights(owner="own", facilitator="assigned", manager=True)
    def milestones(self, umkm_id: int) -> list[MilestoneView]:
        """Milestones of a UMKM in the order they were reached."""
        with self.store.read() as s:
            self._umkm(s, umkm_id)
            rows = s.execute(
                select(Milestone)
                .where(Milestone.umkm_id == umkm_id)
                .order_by(Milestone.achieved_on, Milestone.id)
            ).scalars()
            return [milestone_view(x) for x in rows]

    @rights(facilitator="assigned", manager=True)
    def add_milestone(
        self,
        umkm_id: int,
        kind: str,
        achieved_on: date | str,
        number: str | None = None,
        product_id: int | None = None,
        note: str | None = None,
    ) -> MilestoneView:
        """Record a milestone (assigned facilitator or manager).

        A permit (``p-irt``, ``bpom-md``, ``bpom-tr``, ``bpom-na``) needs its number, and with
        ``product_id`` the number is also set on that product. ``nib`` with a number sets the
        UMKM's NIB.
        """
        kind = one_of("kind", kind, MILESTONE_KINDS)
        achieved_on = a_date("achieved_on", achieved_on)
        number = text("number", number, 60, required=kind in PERMIT_MILESTONES)
        note = text("note", note, 500, required=False)
        with self.store.write() as s:
            u = self._umkm(s, umkm_id)
            product = None
            if product_id is not None:
                product = s.get(Product, an_id("product_id", product_id))
                if product is None or product.umkm_id != u.id:
                    raise InvalidInput("product-of-other-umkm", field="product_id")
            x = Milestone(
                umkm_id=u.id,
                kind=kind,
                achieved_on=achieved_on,
                number=number,
                product_id=product_id,
                note=note,
                recorded_by=self.identity.name[:120],
                recorded_by_role=self.identity.role,
            )
            s.add(x)
            if kind in PERMIT_MILESTONES and product is not None:
                product.permit_kind, product.permit_number = kind, number
                product.permit_date = achieved_on
            if kind == "nib" and number:
                u.nib = number[:20]
                u.updated_at = utcnow()
            s.flush()
            self._audit(
                s, "milestone-add", "milestone", x.id, u.id, {"kind": kind, "number": number}
            )
            return milestone_view(x)

    # --- caseload ---------------------------------------------------------------------------
    @rights(owner="own", facilitator="assigned", manager=True)
    def my_umkm(self) -> list:
        """The caseload: an owner's own UMKM, a facilitator's assigned ones, everything for a
        manager, as :class:`berdikari.store.standing.StandingView` rows (the one standing:
        verified and latest self-assessed figures, open/overdue actions, days since the last
        visit, the submissions waiting for verification)."""
        return self.standing()
