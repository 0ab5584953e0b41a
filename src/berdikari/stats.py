"""Programme figures from the standing rows (:meth:`Service.standing`): one set of functions for the
manager's screen, the Excel summary sheet and the benchmark, so they always agree.

Filters, headline counts, counts by regency / category / organisation / month, level and
readiness distributions, facilitator workload, the gaps most common across the programme, and who
is stuck. Pure functions over :class:`berdikari.store.standing.StandingView` rows: no I/O but
reading the checklists' version mapping (:mod:`berdikari.versions`), so that an item counts under
the ID the current version gives it (figures stay comparable across versions).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from berdikari import standard, versions, vocab

DIMENSIONS = ("regency", "category", "organisation", "facilitator", "month")
READINESS_BANDS = ((0, 24), (25, 49), (50, 74), (75, 99), (100, 100))
NONE = "—"


@dataclass(frozen=True)
class Filters:
    """What the manager narrowed the programme to (None = all)."""

    regency: str | None = None
    category: str | None = None
    organisation: str | None = None
    facilitator_id: int | None = None

    def keep(self, r) -> bool:
        return (
            (self.regency is None or r.regency == self.regency)
            and (self.category is None or self.category in r.categories)
            and (self.organisation is None or (r.organisation or NONE) == self.organisation)
            and (self.facilitator_id is None or r.facilitator_id == self.facilitator_id)
        )


def apply(rows: Iterable, filters: Filters | None) -> list:
    return [r for r in rows if filters is None or filters.keep(r)]


def has_permit(r) -> bool:
    return bool(r.permits)


def is_stuck(r) -> bool:
    """:func:`berdikari.standard.is_stuck` of one standing row."""
    return standard.is_stuck(r.meets_standard, r.overdue_actions, r.days_since_visit)


def headline(rows: Sequence) -> dict[str, int]:
    """The numbers at the top of the manager's screen (and of the Excel summary)."""
    return {
        "enrolled": len(rows),
        "assessed": sum(1 for r in rows if r.assessed),
        "verified": sum(1 for r in rows if r.verified),
        "meets_standard": sum(1 for r in rows if r.meets_standard),
        "with_permit": sum(1 for r in rows if has_permit(r)),
        "permits": sum(len(r.permits) for r in rows),
        "stuck": sum(1 for r in rows if is_stuck(r)),
        "overdue_actions": sum(r.overdue_actions for r in rows),
        "submissions_waiting": sum(r.submissions_waiting for r in rows),
        "unassigned": sum(1 for r in rows if r.facilitator_id is None),
    }


def _keys(r, dimension: str) -> list[str]:
    if dimension == "regency":
        return [r.regency]
    if dimension == "category":
        return list(r.categories) or [NONE]
    if dimension == "organisation":
        return [r.organisation or NONE]
    if dimension == "facilitator":
        return [r.facilitator or NONE]
    raise ValueError(f"unknown dimension {dimension!r}; one of {', '.join(DIMENSIONS)}")


def by(rows: Sequence, dimension: str) -> list[dict]:
    """One line per regency / category / organisation / facilitator / month.

    For ``month`` the line counts what happened that month: UMKM enrolled, UMKM that reached the
    standard (still meeting it now) and permits obtained. Otherwise each line is
    :func:`headline` of the UMKM in that group.
    """
    if dimension == "month":
        enrolled = Counter(r.enrolled_on.strftime("%Y-%m") for r in rows)
        met = Counter(
            r.standard_since.strftime("%Y-%m")
            for r in rows
            if r.meets_standard and r.standard_since
        )
        permits = Counter(on.strftime("%Y-%m") for r in rows for _k, _n, on in r.permits)
        months = sorted(set(enrolled) | set(met) | set(permits))
        return [
            {"key": m, "enrolled": enrolled[m], "meets_standard": met[m], "permits": permits[m]}
            for m in months
        ]
    groups: dict[str, list] = {}
    for r in rows:
        for k in _keys(r, dimension):
            groups.setdefault(k, []).append(r)
    return [{"key": k} | headline(g) for k, g in sorted(groups.items())]


SOURCES = ("verified", "self")
"""Whose figures a distribution counts: the facilitator's verification or the owner's latest
self-assessment (the standing carries both, labelled)."""


def _source(r, what: str, source: str | None):
    if source is None:
        return getattr(r, what)
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    return getattr(r, f"{source}_{what}")


def level_distribution(rows: Sequence, source: str | None = None) -> dict[str, int]:
    """UMKM per IRTP level: ``source`` "verified" or "self" (None: verified, else self)."""
    c = Counter(_source(r, "level", source) or NONE for r in rows)
    return {k: c.get(k, 0) for k in (*vocab.Level.values(), NONE)}


def readiness_distribution(rows: Sequence, source: str | None = None) -> dict[str, int]:
    """UMKM per readiness band: ``source`` as in :func:`level_distribution`."""
    out = {f"{lo}–{hi}%" if lo != hi else f"{lo}%": 0 for lo, hi in READINESS_BANDS}
    out[NONE] = 0
    for r in rows:
        value = _source(r, "readiness", source)
        if value is None:
            out[NONE] += 1
            continue
        for lo, hi in READINESS_BANDS:
            if lo <= value <= hi:
                out[f"{lo}–{hi}%" if lo != hi else f"{lo}%"] += 1
                break
    return out


def workload(rows: Sequence) -> list[dict]:
    """Per facilitator: caseload, overdue actions, submissions waiting, not visited, stuck."""
    groups: dict[tuple, list] = {}
    for r in rows:
        if r.facilitator_id is None:
            continue
        groups.setdefault((r.facilitator, r.facilitator_id, r.organisation or NONE), []).append(r)
    out = []
    for (name, fid, org), g in groups.items():
        out.append(
            {
                "facilitator": name,
                "facilitator_id": fid,
                "organisation": org,
                "caseload": len(g),
                "overdue_actions": sum(r.overdue_actions for r in g),
                "submissions_waiting": sum(r.submissions_waiting for r in g),
                "not_visited": sum(1 for r in g if standard.not_visited(r.days_since_visit)),
                "meets_standard": sum(1 for r in g if r.meets_standard),
                "stuck": sum(1 for r in g if is_stuck(r)),
            }
        )
    return sorted(out, key=lambda d: (-d["overdue_actions"], -d["caseload"], d["facilitator"]))


@lru_cache(maxsize=4)
def _successors(checklists_dir: str, _mtime: float) -> dict[str, str | None]:
    """Every item ID a later version of its checklist replaced or removed -> the ID it has in
    the current version (None if removed), from the recorded steps (IDs are never reused)."""
    from berdikari.checklists import load_all

    found: dict[str, str | None] = {}
    for checklist_id, c in load_all().items():
        for step in versions.steps(checklist_id, Path(checklists_dir)):
            for old_id in step.items:
                if old_id not in found:
                    found[old_id] = versions.current_id(checklist_id, step.from_, old_id, c.version)
    return found


def successors() -> dict[str, str | None]:
    """Old item ID -> its ID in the current version of its checklist (None if removed), for
    every ID a version step replaced or removed; an ID not here is current."""
    from berdikari.config import settings

    directory = Path(settings().checklists_dir)
    mapping = directory / versions.MAPPING_FILE
    mtime = mapping.stat().st_mtime if mapping.is_file() else 0.0
    return _successors(str(directory), mtime)


def current_items(item_ids: Iterable[str] | None, moved: dict | None = None) -> set[str]:
    """The item IDs as the current version of each checklist names them (an item asked on an
    older version under another ID counts under its successor; a removed one not at all)."""
    moved = successors() if moved is None else moved
    out = {moved.get(i, i) for i in item_ids or ()}
    out.discard(None)
    return out


def common_gaps(rows: Sequence, limit: int = 10) -> list[tuple[str, int]]:
    """Item IDs not met (as the current checklist versions name them), by how many UMKM have
    them open now (most common first)."""
    moved = successors()
    c = Counter(item for r in rows for item in current_items(r.gaps, moved))
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def stuck(rows: Sequence, limit: int = 50) -> list:
    """The stuck UMKM, most overdue and longest without a visit first."""
    found = [r for r in rows if is_stuck(r)]
    found.sort(key=lambda r: (-r.overdue_actions, -(r.days_since_visit or 10**6), r.code))
    return found[:limit]
