"""What "meets the standard" means for the programme: defined here once, used everywhere.

An assessment *counts* for the programme when it is a facilitator's verification: status
``verified`` and ``verifies_id`` set (:meth:`berdikari.store.service.Service.verify_assessment`
creates such a copy; the original it verifies is marked verified too but does not count, so nothing
is counted twice).
It *meets the standard* when it counts and its stored result has ``passed`` true; for CPPB-IRT
(``cppob-irtp``) :func:`berdikari.scoring.score` sets ``passed`` only for an eligible IRTP level.

A UMKM meets the standard *now* when, for at least one checklist, its latest counted assessment of
that checklist meets the standard. The screens, the Excel export and the analysts' DataFrames all
call these functions.

A UMKM is *stuck* when it does not meet the standard and an action is overdue or nobody has
visited it for more than :data:`STUCK_VISIT_DAYS` days (or ever): :func:`not_visited` and
:func:`is_stuck`, the one rule the screens, the export and the database queries use. Pure
functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta

EARLIEST = datetime.min.replace(tzinfo=UTC)
STUCK_VISIT_DAYS = 60
"""More days than this since the last visit (or no visit at all) and a UMKM "has no visit"."""


def not_visited(days_since_visit: int | None) -> bool:
    """No visit for more than :data:`STUCK_VISIT_DAYS` days, or never."""
    return days_since_visit is None or days_since_visit > STUCK_VISIT_DAYS


def visited_since(today: date) -> date:
    """The earliest last-visit date that still counts as visited (for database queries):
    ``last_visit >= visited_since(today)`` is the negation of :func:`not_visited`."""
    return today - timedelta(days=STUCK_VISIT_DAYS)


def is_stuck(meets_standard: bool, overdue_actions: int, days_since_visit: int | None) -> bool:
    """Not meeting the standard and either an action is overdue or :func:`not_visited`."""
    if meets_standard:
        return False
    return overdue_actions > 0 or not_visited(days_since_visit)


def counts(status: str | None, verifies_id: int | None) -> bool:
    """True for a verified assessment the programme counts (the facilitator's verified copy)."""
    return status == "verified" and verifies_id is not None


def meets(status: str | None, verifies_id: int | None, result: Mapping | None) -> bool:
    """True when a counted assessment passed (``result['passed']``; IRTP: eligible level)."""
    return counts(status, verifies_id) and bool((result or {}).get("passed"))


def umkm_meets_now(assessments: Iterable[Mapping]) -> tuple[bool, datetime | None, list[str]]:
    """Given one UMKM's assessments (dicts with ``checklist_id``, ``status``, ``verifies_id``,
    ``verified_at``, ``passed``), say whether it meets the standard now, since when, and by which
    checklists. The latest counted assessment of each checklist decides for that checklist."""
    latest: dict[str, Mapping] = {}
    for a in assessments:
        if not counts(a.get("status"), a.get("verifies_id")):
            continue
        cur = latest.get(a["checklist_id"])
        key = (a.get("verified_at") or EARLIEST, a.get("assessment_id") or 0)
        if cur is None or key >= (
            cur.get("verified_at") or EARLIEST,
            cur.get("assessment_id") or 0,
        ):
            latest[a["checklist_id"]] = a
    passing = {c: a for c, a in latest.items() if a.get("passed")}
    if not passing:
        return False, None, []
    since = min(
        (a.get("verified_at") for a in passing.values() if a.get("verified_at")), default=None
    )
    return True, since, sorted(passing)
