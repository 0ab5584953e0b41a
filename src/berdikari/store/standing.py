"""Where each UMKM stands: one row per UMKM for the programme screen, exports and benchmarks.

Part of the service layer: a manager gets every UMKM, a facilitator their caseload, an owner their
own. Built with a few column queries (no ORM objects per assessment) and the stored results of the
*current* assessments only, so it stays quick for thousands of UMKM with many assessments each.
"Meets the standard" comes from :mod:`berdikari.standard`, the one definition. Never writes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from berdikari import standard
from berdikari.store.access import Guarded
from berdikari.store.casework import today
from berdikari.store.models import (
    Account,
    ActionItem,
    Assessment,
    Assignment,
    Milestone,
    Organisation,
    Region,
    Umkm,
    Visit,
)
from berdikari.store.reference import PERMIT_MILESTONES

CHUNK = 900


@dataclass(frozen=True)
class StandingView:
    """One UMKM's standing in the programme."""

    umkm_id: int
    code: str
    name: str
    owner_name: str
    regency: str
    categories: tuple[str, ...]
    facilitator: str | None
    facilitator_id: int | None
    organisation: str | None
    """The facilitator's organisation."""
    enrolled_on: date
    assessed: bool
    """Submitted at least one self-assessment (or has a verified one)."""
    verified: bool
    """Has at least one assessment a facilitator verified (counted)."""
    level: str | None
    """IRTP level of the current CPPB-IRT assessment (verified first, else submitted)."""
    readiness: int | None
    """Readiness (%) of the most recent current assessment."""
    meets_standard: bool
    standard_since: datetime | None
    standard_checklists: tuple[str, ...]
    permits: tuple[tuple[str, str | None, date], ...]
    """``(kind, number, achieved_on)`` of permit milestones (P-IRT, MD, TR, NA)."""
    milestones: tuple[str, ...]
    open_actions: int
    overdue_actions: int
    last_visit: date | None
    days_since_visit: int | None
    submissions_waiting: int
    gaps: tuple[str, ...]
    """Item IDs not met in the current assessments (verified first, else submitted)."""
    current: tuple[int, ...] = ()
    """The current assessment of each checklist: the latest verified, else the latest
    submitted."""


def _chunks(ids: list[int]):
    for n in range(0, len(ids), CHUNK):
        yield ids[n : n + CHUNK]


class StandingOps(Guarded):
    def standing(self) -> list[StandingView]:
        """One :class:`StandingView` per visible UMKM, ordered by code."""
        now = today()
        with self.store.read() as s:
            visible = self._visible_umkm_ids(s)
            regions = {r.id: r.name for r in s.execute(select(Region)).scalars()}
            umkms = s.execute(
                select(
                    Umkm.id,
                    Umkm.code,
                    Umkm.name,
                    Umkm.owner_name,
                    Umkm.region_id,
                    Umkm.categories,
                    Umkm.created_at,
                )
                .where(Umkm.id.in_(visible))
                .order_by(Umkm.code)
            ).all()
            assigned = {
                row.umkm_id: row
                for row in s.execute(
                    select(
                        Assignment.umkm_id,
                        Assignment.facilitator_id,
                        Account.name,
                        Organisation.name.label("organisation"),
                    )
                    .join(Account, Account.id == Assignment.facilitator_id)
                    .outerjoin(Organisation, Organisation.id == Account.organisation_id)
                    .where(Assignment.active.is_(True), Assignment.umkm_id.in_(visible))
                )
            }
            # Every assessment's header (no answers, no result): who, what, status, when.
            heads = s.execute(
                select(
                    Assessment.id,
                    Assessment.umkm_id,
                    Assessment.checklist_id,
                    Assessment.status,
                    Assessment.verifies_id,
                    Assessment.created_at,
                    Assessment.verified_at,
                ).where(Assessment.umkm_id.in_(visible), Assessment.status != "draft")
            ).all()
            waiting: Counter = Counter()
            assessed: set[int] = set()
            verified: set[int] = set()
            counted: dict[tuple[int, str], tuple] = {}
            submitted: dict[tuple[int, str], tuple] = {}
            for h in heads:
                assessed.add(h.umkm_id)
                key = (h.umkm_id, h.checklist_id)
                if h.status == "submitted":
                    waiting[h.umkm_id] += 1
                    if key not in submitted or (h.created_at, h.id) > submitted[key][:2]:
                        submitted[key] = (h.created_at, h.id)
                if standard.counts(h.status, h.verifies_id):
                    verified.add(h.umkm_id)
                    when = (h.verified_at or h.created_at, h.id)
                    if key not in counted or when > counted[key][:2]:
                        counted[key] = when
            # The current assessment of each (UMKM, checklist): the latest verified one, else
            # the latest submitted one. Only their stored results are read.
            current = {k: v[1] for k, v in submitted.items()} | {
                k: v[1] for k, v in counted.items()
            }
            results: dict[int, dict] = {}
            ids = sorted(current.values())
            for part in _chunks(ids):
                for aid, res in s.execute(
                    select(Assessment.id, Assessment.result).where(Assessment.id.in_(part))
                ):
                    results[aid] = res or {}
            open_: Counter = Counter()
            overdue: Counter = Counter()
            for umkm_id, due in s.execute(
                select(ActionItem.umkm_id, ActionItem.due_date).where(
                    ActionItem.umkm_id.in_(visible),
                    ActionItem.status.in_(("open", "in-progress")),
                )
            ):
                open_[umkm_id] += 1
                if due and due < now:
                    overdue[umkm_id] += 1
            last_visit: dict[int, date] = {}
            for umkm_id, on in s.execute(
                select(Visit.umkm_id, Visit.visited_on).where(Visit.umkm_id.in_(visible))
            ):
                if umkm_id not in last_visit or on > last_visit[umkm_id]:
                    last_visit[umkm_id] = on
            permits: dict[int, list] = defaultdict(list)
            kinds: dict[int, list[str]] = defaultdict(list)
            for umkm_id, kind, number, on in s.execute(
                select(Milestone.umkm_id, Milestone.kind, Milestone.number, Milestone.achieved_on)
                .where(Milestone.umkm_id.in_(visible))
                .order_by(Milestone.achieved_on, Milestone.id)
            ):
                kinds[umkm_id].append(kind)
                if kind in PERMIT_MILESTONES:
                    permits[umkm_id].append((kind, number, on))

        by_umkm: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for (umkm_id, checklist_id), aid in current.items():
            by_umkm[umkm_id].append((checklist_id, aid))
        out = []
        for u in umkms:
            a = assigned.get(u.id)
            rows = []
            level = None
            newest: tuple | None = None
            gaps: list[str] = []
            for checklist_id, aid in sorted(by_umkm.get(u.id, [])):
                res = results.get(aid, {})
                is_counted = counted.get((u.id, checklist_id), (None, None))[1] == aid
                rows.append(
                    {
                        "assessment_id": aid,
                        "checklist_id": checklist_id,
                        "status": "verified" if is_counted else "submitted",
                        "verifies_id": aid if is_counted else None,
                        "verified_at": counted[(u.id, checklist_id)][0] if is_counted else None,
                        "passed": res.get("passed"),
                    }
                )
                if res.get("level"):
                    level = res["level"]
                if newest is None or aid > newest[0]:
                    newest = (aid, res.get("readiness"))
                gaps.extend(g.get("item_id") for g in res.get("gaps", []) if g.get("item_id"))
            meets, since, which = standard.umkm_meets_now(rows)
            lv = last_visit.get(u.id)
            out.append(
                StandingView(
                    umkm_id=u.id,
                    code=u.code,
                    name=u.name,
                    owner_name=u.owner_name,
                    regency=regions[u.region_id],
                    categories=tuple(u.categories),
                    facilitator=a.name if a else None,
                    facilitator_id=a.facilitator_id if a else None,
                    organisation=a.organisation if a else None,
                    enrolled_on=u.created_at.date(),
                    assessed=u.id in assessed,
                    verified=u.id in verified,
                    level=level,
                    readiness=newest[1] if newest else None,
                    meets_standard=meets,
                    standard_since=since,
                    standard_checklists=tuple(which),
                    permits=tuple(permits.get(u.id, ())),
                    milestones=tuple(dict.fromkeys(kinds.get(u.id, ()))),
                    open_actions=open_[u.id],
                    overdue_actions=overdue[u.id],
                    last_visit=lv,
                    days_since_visit=(now - lv).days if lv else None,
                    submissions_waiting=waiting[u.id],
                    gaps=tuple(gaps),
                    current=tuple(aid for _c, aid in sorted(by_umkm.get(u.id, []))),
                )
            )
        return out
