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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
OPEN_ACTIONS = ("open", "in-progress")


@dataclass(frozen=True)
class StandingView:
    """One UMKM's standing in the programme: the one answer to "where does it stand", which the
    facilitator's caseload, the programme screen, the export and the DataFrames all show.

    Where the owner's latest self-assessment and the facilitator's latest verification differ,
    both are here, labelled (``self_*`` and ``verified_*``); :attr:`level` and :attr:`readiness`
    are the verified ones when there are any, else the self-assessed ones, and a screen that
    shows them also shows :attr:`self_newer`.
    """

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
    verified_level: str | None
    """IRTP level of the latest verified CPPB-IRT assessment."""
    verified_readiness: int | None
    """Readiness (%) of the latest verified assessment (any checklist)."""
    self_level: str | None
    """IRTP level of the owner's latest self-assessment of CPPB-IRT (submitted, verified or not)."""
    self_readiness: int | None
    """Readiness (%) of the owner's latest self-assessment (any checklist)."""
    self_newer: bool
    """The latest self-assessment came after the latest verification (or nothing is verified):
    the self-assessed figures are news the verified ones do not show yet."""
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

    @property
    def id(self) -> int:
        """The UMKM's id (the caseload's name for :attr:`umkm_id`)."""
        return self.umkm_id

    @property
    def level(self) -> str | None:
        """The verified IRTP level, else the self-assessed one (see :attr:`self_newer`)."""
        return self.verified_level if self.verified else self.self_level

    @property
    def readiness(self) -> int | None:
        """The verified readiness, else the self-assessed one (see :attr:`self_newer`)."""
        return self.verified_readiness if self.verified else self.self_readiness


def _chunks(ids: list[int]):
    for n in range(0, len(ids), CHUNK):
        yield ids[n : n + CHUNK]


def _newest(rows: dict[tuple[int, str], tuple], umkm_id: int, checklists) -> tuple | None:
    """Of one UMKM's per-checklist ``(when, id)``, the newest, as ``(id, checklist_id)``."""
    found = [(rows[(umkm_id, c)], c) for c in checklists if (umkm_id, c) in rows]
    if not found:
        return None
    (_when, aid), checklist_id = max(found)
    return aid, checklist_id


def compute(s: Session, visible, now: date) -> list[StandingView]:
    """The standing of the UMKM ``visible`` selects (a select of ids, or a list of ids),
    ordered by code: the one computation every view of the standing comes from."""
    if isinstance(visible, list | tuple | set):
        visible = sorted(visible)
        if not visible:
            return []
    where_u = Umkm.id.in_(visible)

    def of(col):
        return col.in_(visible)

    regions = {r.id: r.name for r in s.execute(select(Region.id, Region.name))}
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
        .where(where_u)
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
            .where(Assignment.active.is_(True), of(Assignment.umkm_id))
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
        ).where(of(Assessment.umkm_id), Assessment.status != "draft")
    ).all()
    waiting: Counter = Counter()
    assessed: set[int] = set()
    verified: set[int] = set()
    counted: dict[tuple[int, str], tuple] = {}
    submitted: dict[tuple[int, str], tuple] = {}
    selfs: dict[tuple[int, str], tuple] = {}
    checklists: dict[int, set[str]] = defaultdict(set)
    for h in heads:
        assessed.add(h.umkm_id)
        key = (h.umkm_id, h.checklist_id)
        checklists[h.umkm_id].add(h.checklist_id)
        if h.status == "submitted":
            waiting[h.umkm_id] += 1
            if key not in submitted or (h.created_at, h.id) > submitted[key]:
                submitted[key] = (h.created_at, h.id)
        if standard.counts(h.status, h.verifies_id):
            verified.add(h.umkm_id)
            when = (h.verified_at or h.created_at, h.id)
            if key not in counted or when > counted[key]:
                counted[key] = when
        elif key not in selfs or (h.created_at, h.id) > selfs[key]:
            # a self-assessment: submitted, or the owner's original a facilitator verified
            selfs[key] = (h.created_at, h.id)
    # The current assessment of each (UMKM, checklist): the latest verified one, else the
    # latest submitted one. Only the stored results of these and of the latest
    # self-assessments are read.
    current = {k: v[1] for k, v in submitted.items()} | {k: v[1] for k, v in counted.items()}
    results: dict[int, dict] = {}
    ids = sorted(set(current.values()) | {v[1] for v in selfs.values()})
    for part in _chunks(ids):
        for aid, res in s.execute(
            select(Assessment.id, Assessment.result).where(Assessment.id.in_(part))
        ):
            results[aid] = res or {}
    open_: Counter = Counter()
    overdue: Counter = Counter()
    for umkm_id, due in s.execute(
        select(ActionItem.umkm_id, ActionItem.due_date).where(
            of(ActionItem.umkm_id), ActionItem.status.in_(OPEN_ACTIONS)
        )
    ):
        open_[umkm_id] += 1
        if due and due < now:
            overdue[umkm_id] += 1
    last_visit: dict[int, date] = {}
    for umkm_id, on in s.execute(
        select(Visit.umkm_id, func.max(Visit.visited_on))
        .where(of(Visit.umkm_id))
        .group_by(Visit.umkm_id)
    ):
        last_visit[umkm_id] = on
    permits: dict[int, list] = defaultdict(list)
    kinds: dict[int, list[str]] = defaultdict(list)
    for umkm_id, kind, number, on in s.execute(
        select(Milestone.umkm_id, Milestone.kind, Milestone.number, Milestone.achieved_on)
        .where(of(Milestone.umkm_id))
        .order_by(Milestone.achieved_on, Milestone.id)
    ):
        kinds[umkm_id].append(kind)
        if kind in PERMIT_MILESTONES:
            permits[umkm_id].append((kind, number, on))

    def level_of(per_checklist, umkm_id):
        """The level of the newest assessment with one (CPPB-IRT) among ``per_checklist``."""
        found = [
            (per_checklist[(umkm_id, c)], results.get(per_checklist[(umkm_id, c)][1], {}))
            for c in checklists.get(umkm_id, ())
            if (umkm_id, c) in per_checklist
        ]
        found = [(when, res["level"]) for when, res in found if res.get("level")]
        return max(found)[1] if found else None

    by_umkm: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for (umkm_id, checklist_id), aid in current.items():
        by_umkm[umkm_id].append((checklist_id, aid))
    out = []
    for u in umkms:
        a = assigned.get(u.id)
        rows = []
        gaps: list[str] = []
        mine = sorted(by_umkm.get(u.id, ()))
        for checklist_id, aid in mine:
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
            gaps.extend(g.get("item_id") for g in res.get("gaps", []) if g.get("item_id"))
        meets, since, which = standard.umkm_meets_now(rows)
        lists = checklists.get(u.id, ())
        newest_verified = _newest(counted, u.id, lists)
        newest_self = _newest(selfs, u.id, lists)
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
                verified_level=level_of(counted, u.id),
                verified_readiness=(
                    results.get(newest_verified[0], {}).get("readiness")
                    if newest_verified
                    else None
                ),
                self_level=level_of(selfs, u.id),
                self_readiness=(
                    results.get(newest_self[0], {}).get("readiness") if newest_self else None
                ),
                self_newer=newest_self is not None
                and (newest_verified is None or newest_self[0] > newest_verified[0]),
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
                current=tuple(aid for _c, aid in mine),
            )
        )
    return out


class StandingOps(Guarded):
    def standing(self) -> list[StandingView]:
        """One :class:`StandingView` per visible UMKM, ordered by code."""
        with self.store.read() as s:
            return compute(s, self._visible_umkm_ids(s), today())
