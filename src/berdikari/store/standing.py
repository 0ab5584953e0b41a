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

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from berdikari import standard, stats
from berdikari.checklists import PRODUCT_CATEGORIES
from berdikari.store.access import Guarded, rights
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
    UmkmStanding,
    Visit,
)
from berdikari.store.reference import PERMIT_MILESTONES
from berdikari.vocab import OPEN_ACTION_STATUSES, Level

CHUNK = 900
REBUILD_CHUNK = 2000
OPEN_ACTIONS = tuple(str(s) for s in OPEN_ACTION_STATUSES)


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
    """Item IDs not met in the current assessments (verified first, else submitted), as they
    were asked (the programme's figures name them as the current versions do:
    :func:`berdikari.stats.current_items`)."""
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


# --- the kept standing ------------------------------------------------------------------------
# Each write transaction that touches a UMKM's assessments, visits, actions, milestones,
# assignment or profile (or a facilitator's name or organisation) recomputes that UMKM's row of
# ``umkm_standing`` just before it commits: the row is never older than the facts, and a read is
# one indexed query instead of a pass over every assessment.

_BY_UMKM = (Assessment, Visit, ActionItem, Milestone, Assignment)
_PENDING = "berdikari_standing"


def _pending(session: Session) -> dict[str, set[int]]:
    return session.info.setdefault(
        _PENDING, {k: set() for k in ("umkm", "account", "org", "region")}
    )


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _flush_context) -> None:
    """Note which UMKM the flushed objects change (resolved to rows before the commit)."""
    found = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _BY_UMKM):
            umkm_id = obj.umkm_id
        elif isinstance(obj, Umkm):
            umkm_id = obj.id
        elif isinstance(obj, Account):
            found = found or _pending(session)
            found["account"].add(obj.id)
            continue
        elif isinstance(obj, Organisation):
            found = found or _pending(session)
            found["org"].add(obj.id)
            continue
        elif isinstance(obj, Region):
            found = found or _pending(session)
            found["region"].add(obj.id)
            continue
        else:
            continue
        if umkm_id is not None:
            found = found or _pending(session)
            found["umkm"].add(umkm_id)


@event.listens_for(Session, "before_commit")
def _keep_standing(session: Session) -> None:
    """Recompute the noted UMKM's standing inside the transaction that is about to commit."""
    session.flush()  # the commit's own flush comes after this hook: note its changes now
    noted = session.info.pop(_PENDING, None)
    if not noted:
        return
    ids = set(noted["umkm"])
    accounts = set(noted["account"])
    if noted["org"]:
        accounts |= set(
            session.execute(
                select(Account.id).where(Account.organisation_id.in_(sorted(noted["org"])))
            ).scalars()
        )
    if accounts:
        ids |= set(
            session.execute(
                select(Assignment.umkm_id).where(
                    Assignment.active.is_(True), Assignment.facilitator_id.in_(sorted(accounts))
                )
            ).scalars()
        )
    if noted["region"]:
        ids |= set(
            session.execute(
                select(Umkm.id).where(Umkm.region_id.in_(sorted(noted["region"])))
            ).scalars()
        )
    if ids:
        refresh(session, ids)


def _row(v: StandingView) -> dict:
    return {
        "umkm_id": v.umkm_id,
        "code": v.code,
        "name": v.name,
        "owner_name": v.owner_name,
        "regency": v.regency,
        "categories": list(v.categories),
        "facilitator_id": v.facilitator_id,
        "facilitator": v.facilitator,
        "organisation": v.organisation,
        "enrolled_on": v.enrolled_on,
        "assessed": v.assessed,
        "verified": v.verified,
        "verified_level": v.verified_level,
        "verified_readiness": v.verified_readiness,
        "self_level": v.self_level,
        "self_readiness": v.self_readiness,
        "self_newer": v.self_newer,
        "meets_standard": v.meets_standard,
        "standard_since": v.standard_since,
        "standard_checklists": list(v.standard_checklists),
        "permits": [[k, n, on.isoformat()] for k, n, on in v.permits],
        "permit_count": len(v.permits),
        "milestones": list(v.milestones),
        "open_actions": v.open_actions,
        "last_visit": v.last_visit,
        "submissions_waiting": v.submissions_waiting,
        "gaps": list(v.gaps),
        "current": list(v.current),
    }


def refresh(s: Session, ids) -> None:
    """Write the standing of ``ids`` from the other tables, in the caller's transaction.

    The UMKM rows are locked first (PostgreSQL), so that two transactions changing one UMKM at
    once recompute one after the other, the second from what the first committed."""
    ids = sorted(ids)
    for part in _chunks(ids):
        if s.bind.dialect.name != "sqlite":
            s.execute(select(Umkm.id).where(Umkm.id.in_(part)).order_by(Umkm.id).with_for_update())
        views = compute(s, part, today())
        s.execute(delete(UmkmStanding).where(UmkmStanding.umkm_id.in_(part)))
        if views:
            s.execute(insert(UmkmStanding), [_row(v) for v in views])


def rebuild_on(bind) -> int:
    """Recompute every UMKM's standing on ``bind`` (a connection in a transaction); returns how
    many rows were written."""
    with Session(bind=bind) as s:
        s.execute(delete(UmkmStanding))
        ids = list(s.execute(select(Umkm.id).order_by(Umkm.id)).scalars())
        for n in range(0, len(ids), REBUILD_CHUNK):
            part = ids[n : n + REBUILD_CHUNK]
            views = compute(s, part, today())
            if views:
                s.execute(insert(UmkmStanding), [_row(v) for v in views])
        s.flush()
        return len(ids)


def rebuild(store) -> int:
    """``berdikari standing rebuild``: the kept standing recomputed from scratch, in one
    transaction (readers see the old rows until it commits)."""
    with store.write() as s:
        return rebuild_on(s.connection())


def kept(s: Session, visible, now: date) -> list[StandingView]:
    """The kept standing of the UMKM ``visible`` selects, ordered by code, with what depends on
    today (overdue actions, days since the last visit) counted now."""
    overdue = (
        select(ActionItem.umkm_id, func.count().label("n"))
        .where(ActionItem.status.in_(OPEN_ACTIONS), ActionItem.due_date < now)
        .group_by(ActionItem.umkm_id)
        .subquery()
    )
    k = UmkmStanding
    rows = s.execute(
        select(*k.__table__.c, func.coalesce(overdue.c.n, 0).label("n_overdue"))
        .outerjoin(overdue, overdue.c.umkm_id == k.umkm_id)
        .where(k.umkm_id.in_(visible))
        .order_by(k.code)
    ).all()
    out = []
    for r in rows:  # plain rows, not ORM objects: 50,000 of them are read for an export
        n_overdue = r.n_overdue
        lv = r.last_visit
        out.append(
            StandingView(
                umkm_id=r.umkm_id,
                code=r.code,
                name=r.name,
                owner_name=r.owner_name,
                regency=r.regency,
                categories=tuple(r.categories),
                facilitator=r.facilitator,
                facilitator_id=r.facilitator_id,
                organisation=r.organisation,
                enrolled_on=r.enrolled_on,
                assessed=r.assessed,
                verified=r.verified,
                verified_level=r.verified_level,
                verified_readiness=r.verified_readiness,
                self_level=r.self_level,
                self_readiness=r.self_readiness,
                self_newer=r.self_newer,
                meets_standard=r.meets_standard,
                standard_since=r.standard_since,
                standard_checklists=tuple(r.standard_checklists),
                permits=tuple((kd, nb, date.fromisoformat(on)) for kd, nb, on in r.permits),
                milestones=tuple(r.milestones),
                open_actions=r.open_actions,
                overdue_actions=int(n_overdue),
                last_visit=lv,
                days_since_visit=(now - lv).days if lv else None,
                submissions_waiting=r.submissions_waiting,
                gaps=tuple(r.gaps),
                current=tuple(r.current),
            )
        )
    return out


# --- the manager's figures, aggregated in the database ---------------------------------------
# The same figures as :mod:`berdikari.stats` computes from rows (a test holds them equal), but
# from GROUP BY queries over the kept standing: a screen at 50,000 UMKM reads a few hundred
# numbers, not 50,000 rows.


def _month(col, dialect: str):
    # the format as SQL text, not a bound parameter: PostgreSQL must see the GROUP BY expression
    # and the selected one as the same
    if dialect == "postgresql":
        return func.to_char(col, literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), col)


class _Figures:
    """The kept standing of the UMKM ``visible`` selects, narrowed by ``filters``, as a
    subquery with the day-dependent columns (overdue actions, not visited, stuck) added."""

    def __init__(self, s: Session, visible, filters, now: date):
        self.s, self.now = s, now
        self.dialect = s.bind.dialect.name
        k = UmkmStanding
        overdue = (
            select(ActionItem.umkm_id, func.count().label("n"))
            .where(ActionItem.status.in_(OPEN_ACTIONS), ActionItem.due_date < now)
            .group_by(ActionItem.umkm_id)
            .subquery()
        )
        n_overdue = func.coalesce(overdue.c.n, 0)
        not_visited = or_(k.last_visit.is_(None), k.last_visit < standard.visited_since(now))
        stuck = and_(k.meets_standard.is_(False), or_(n_overdue > 0, not_visited))
        q = select(
            k,
            n_overdue.label("overdue_actions"),
            case((not_visited, 1), else_=0).label("not_visited"),
            case((stuck, 1), else_=0).label("stuck"),
            func.coalesce(k.organisation, stats.NONE).label("org"),
        ).outerjoin(overdue, overdue.c.umkm_id == k.umkm_id)
        f = filters or stats.Filters()
        self.where = [k.umkm_id.in_(visible)]
        """The filters on the kept table itself (for figures that do not need today's date)."""
        if f.regency is not None:
            self.where.append(k.regency == f.regency)
        if f.category is not None:
            self.where.append(self.has_category(k.categories, f.category))
        if f.organisation is not None:
            self.where.append(func.coalesce(k.organisation, stats.NONE) == f.organisation)
        if f.facilitator_id is not None:
            self.where.append(k.facilitator_id == f.facilitator_id)
        self.t = q.where(*self.where).subquery()

    @staticmethod
    def has_category(col, category: str):
        """The JSON list holds ``category`` (its text holds the quoted value; codes have no
        quotes or wildcards, checked against the vocabulary)."""
        if category not in PRODUCT_CATEGORIES:
            return literal(False)
        return cast(col, String).like(f'%"{category}"%')

    def headline_cols(self):
        t = self.t
        return [
            func.count().label("enrolled"),
            func.sum(case((t.c.assessed, 1), else_=0)).label("assessed"),
            func.sum(case((t.c.verified, 1), else_=0)).label("verified"),
            func.sum(case((t.c.meets_standard, 1), else_=0)).label("meets_standard"),
            func.sum(case((t.c.permit_count > 0, 1), else_=0)).label("with_permit"),
            func.sum(t.c.permit_count).label("permits"),
            func.sum(t.c.stuck).label("stuck"),
            func.sum(t.c.overdue_actions).label("overdue_actions"),
            func.sum(t.c.submissions_waiting).label("submissions_waiting"),
            func.sum(case((t.c.facilitator_id.is_(None), 1), else_=0)).label("unassigned"),
        ]

    @staticmethod
    def _ints(row) -> dict[str, int]:
        return {k: int(v or 0) for k, v in row._mapping.items() if k != "key"}

    def headline(self, where=None) -> dict[str, int]:
        q = select(*self.headline_cols()).select_from(self.t)
        if where is not None:
            q = q.where(where)
        return self._ints(self.s.execute(q).one())

    def by(self, dimension: str) -> list[dict]:
        t = self.t
        if dimension == "month":
            enrolled = dict(
                self.s.execute(
                    select(_month(t.c.enrolled_on, self.dialect), func.count()).group_by(
                        _month(t.c.enrolled_on, self.dialect)
                    )
                ).all()
            )
            met = dict(
                self.s.execute(
                    select(_month(t.c.standard_since, self.dialect), func.count())
                    .where(t.c.meets_standard.is_(True), t.c.standard_since.is_not(None))
                    .group_by(_month(t.c.standard_since, self.dialect))
                ).all()
            )
            permits = dict(
                self.s.execute(
                    select(_month(Milestone.achieved_on, self.dialect), func.count())
                    .join(t, t.c.umkm_id == Milestone.umkm_id)
                    .where(Milestone.kind.in_(PERMIT_MILESTONES))
                    .group_by(_month(Milestone.achieved_on, self.dialect))
                ).all()
            )
            months = sorted(set(enrolled) | set(met) | set(permits))
            return [
                {
                    "key": m,
                    "enrolled": enrolled.get(m, 0),
                    "meets_standard": met.get(m, 0),
                    "permits": permits.get(m, 0),
                }
                for m in months
            ]
        if dimension == "category":
            lines = []
            for c in PRODUCT_CATEGORIES:
                line = self.headline(self.has_category(t.c.categories, c))
                if line["enrolled"]:
                    lines.append({"key": c} | line)
            empty = self.headline(cast(t.c.categories, String).in_(("[]", "[ ]")))
            if empty["enrolled"]:
                lines.append({"key": stats.NONE} | empty)
            return sorted(lines, key=lambda d: d["key"])
        key = {
            "regency": t.c.regency,
            "organisation": t.c.org,
            "facilitator": func.coalesce(t.c.facilitator, stats.NONE),
        }.get(dimension)
        if key is None:
            raise ValueError(
                f"unknown dimension {dimension!r}; one of {', '.join(stats.DIMENSIONS)}"
            )
        rows = self.s.execute(
            select(key.label("key"), *self.headline_cols()).group_by(key).order_by(key)
        ).all()
        return [{"key": r.key} | self._ints(r) for r in rows]

    LEVELS_AND_READINESS = ("verified_level", "self_level", "verified_readiness", "self_readiness")

    def distributions(self) -> dict[str, Counter]:
        """UMKM per value of each column in :attr:`LEVELS_AND_READINESS`, from one GROUP BY
        over the four (a few hundred combinations), summed per column here."""
        cols = [UmkmStanding.__table__.c[c] for c in self.LEVELS_AND_READINESS]
        q = select(*cols, func.count()).where(*self.where).group_by(*cols)
        out = {c: Counter() for c in self.LEVELS_AND_READINESS}
        for *values, n in self.s.execute(q):
            for c, v in zip(self.LEVELS_AND_READINESS, values, strict=True):
                out[c][v] += n
        return out

    @staticmethod
    def total(lines: list[dict]) -> dict[str, int]:
        """The headline as the sum of a partition's lines (each UMKM in exactly one)."""
        keys = [k for k in lines[0] if k != "key"] if lines else []
        return {k: sum(line[k] for line in lines) for k in keys}

    def workload(self) -> list[dict]:
        t = self.t
        rows = self.s.execute(
            select(
                t.c.facilitator,
                t.c.facilitator_id,
                t.c.org,
                func.count().label("caseload"),
                func.sum(t.c.overdue_actions).label("overdue_actions"),
                func.sum(t.c.submissions_waiting).label("submissions_waiting"),
                func.sum(t.c.not_visited).label("not_visited"),
                func.sum(case((t.c.meets_standard, 1), else_=0)).label("meets_standard"),
                func.sum(t.c.stuck).label("stuck"),
            )
            .where(t.c.facilitator_id.is_not(None))
            .group_by(t.c.facilitator, t.c.facilitator_id, t.c.org)
        ).all()
        out = [
            {
                "facilitator": r.facilitator,
                "facilitator_id": r.facilitator_id,
                "organisation": r.org,
            }
            | {
                k: int(getattr(r, k) or 0)
                for k in (
                    "caseload",
                    "overdue_actions",
                    "submissions_waiting",
                    "not_visited",
                    "meets_standard",
                    "stuck",
                )
            }
            for r in rows
        ]
        return sorted(out, key=lambda d: (-d["overdue_actions"], -d["caseload"], d["facilitator"]))

    def common_gaps(self, limit: int) -> list[tuple[str, int]]:
        """UMKM per unmet item, counted in the database over the JSON lists (one row per item,
        not one per UMKM), then named as the current checklist versions name them."""
        k = UmkmStanding
        each = "json_array_elements_text" if self.dialect == "postgresql" else "json_each"
        item = getattr(func, each)(k.gaps).table_valued("value")
        q = (
            select(item.c.value, func.count())  # an item appears once in a UMKM's gaps
            .select_from(k)
            .join(item, true())
            .where(*self.where)
            .group_by(item.c.value)
        )
        moved = stats.successors()
        c: Counter = Counter()
        for item_id, n in self.s.execute(q):
            now_id = moved.get(item_id, item_id)
            if now_id is not None:  # an item asked under an old ID counts under its new one
                c[now_id] += n
        return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    def stuck_ids(self, limit: int) -> list[int]:
        t = self.t
        never = case((t.c.last_visit.is_(None), 0), else_=1)
        return list(
            self.s.execute(
                select(t.c.umkm_id)
                .where(t.c.stuck == 1)
                .order_by(t.c.overdue_actions.desc(), never, t.c.last_visit, t.c.code)
                .limit(limit)
            ).scalars()
        )

    def options(self) -> dict:
        k = UmkmStanding
        return {
            "regencies": sorted(self.s.execute(select(k.regency).distinct()).scalars()),
            "organisations": sorted(
                self.s.execute(
                    select(func.coalesce(k.organisation, stats.NONE)).distinct()
                ).scalars()
            ),
            "facilitators": sorted(
                self.s.execute(
                    select(k.facilitator, k.facilitator_id)
                    .where(k.facilitator_id.is_not(None))
                    .distinct()
                ).all()
            ),
        }


def _bands(counts: Counter) -> dict[str, int]:
    out = {f"{lo}–{hi}%" if lo != hi else f"{lo}%": 0 for lo, hi in stats.READINESS_BANDS}
    out[stats.NONE] = 0
    for value, n in counts.items():
        if value is None:
            out[stats.NONE] += n
            continue
        for lo, hi in stats.READINESS_BANDS:
            if lo <= value <= hi:
                out[f"{lo}–{hi}%" if lo != hi else f"{lo}%"] += n
                break
    return out


def _levels(counts: Counter) -> dict[str, int]:
    c = Counter()
    for k, n in counts.items():
        c[k or stats.NONE] += n
    return {k: c.get(k, 0) for k in (*Level.values(), stats.NONE)}


class StandingOps(Guarded):
    @rights(owner="own", facilitator="assigned", manager=True)
    def standing(self) -> list[StandingView]:
        """One :class:`StandingView` per visible UMKM, ordered by code (the kept standing)."""
        with self.store.read() as s:
            return kept(s, self._visible_umkm_ids(s), today())

    @rights(owner="own", facilitator="assigned", manager=True)
    def programme_figures(
        self,
        filters: stats.Filters | None = None,
        dimension: str = "regency",
        *,
        stuck: int = 50,
        gaps: int = 10,
    ) -> dict:
        """The manager's screen in one call, from aggregate queries over the kept standing:
        ``headline``, ``by`` (the ``dimension``), ``levels`` / ``readiness`` (each ``verified``
        and ``self``), ``workload``, ``gaps``, ``stuck`` (rows, at most ``stuck``) and the
        filters' ``options``. Equal to :mod:`berdikari.stats` over :meth:`standing`."""
        now = today()
        with self.store.read() as s:
            visible = self._visible_umkm_ids(s)
            f = _Figures(s, visible, filters, now)
            stuck_ids = f.stuck_ids(stuck)
            by_id = {r.umkm_id: r for r in kept(s, stuck_ids, now)} if stuck_ids else {}
            by = f.by(dimension)
            # a partition's lines add up to the headline: one query fewer
            partition = dimension in ("regency", "organisation", "facilitator") and by
            d = f.distributions()
            return {
                "headline": f.total(by) if partition else f.headline(),
                "by": by,
                "levels": {
                    "verified": _levels(d["verified_level"]),
                    "self": _levels(d["self_level"]),
                },
                "readiness": {
                    "verified": _bands(d["verified_readiness"]),
                    "self": _bands(d["self_readiness"]),
                },
                "workload": f.workload(),
                "gaps": f.common_gaps(gaps),
                "stuck": [by_id[i] for i in stuck_ids],
                "options": f.options(),
            }
