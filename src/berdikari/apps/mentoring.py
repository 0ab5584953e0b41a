"""Pure helpers of the facilitator app: urgency order, comparing two assessments, and reading a
paper checklist typed as one letter per item.

No widgets, no database: plain values in, plain values out, so plain pytest covers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from berdikari.checklists import Checklist
from berdikari.i18n import t
from berdikari.scoring import refused_na

# Letters on the paper form, in Indonesian: Ya, Tidak, Sebagian, Belum tahu, "-" tidak berlaku.
PAPER_KEYS = {"y": "yes", "t": "no", "s": "partial", "b": "unknown", "-": "na"}
RANK = {"yes": 2, "partial": 1, "no": 0, "unknown": 0}
SORTS = ("urgency", "name", "visit", "readiness")


def urgency_key(c) -> tuple:
    """Most urgent first: overdue actions, then submissions waiting, then the longest without a
    visit (never visited counts as longest), then more open actions."""
    days = c.days_since_visit if c.days_since_visit is not None else 10**6
    return (-c.overdue_actions, -c.submissions_waiting, -days, -c.open_actions, c.code)


def sort_cases(cases: list, how: str) -> list:
    if how == "name":
        return sorted(cases, key=lambda c: (c.name.lower(), c.code))
    if how == "visit":
        return sorted(
            cases,
            key=lambda c: (-(c.days_since_visit if c.days_since_visit is not None else 10**6),),
        )
    if how == "readiness":
        return sorted(cases, key=lambda c: (c.readiness if c.readiness is not None else -1, c.code))
    return sorted(cases, key=urgency_key)


def when(a) -> date:
    """The day an assessment counts from: verified, else submitted, else last saved."""
    return (a.verified_at or a.submitted_at or a.updated_at).date()


def _order(a) -> tuple:
    return (a.verified_at or a.submitted_at or a.updated_at, a.id)


def latest_results(assessments, day: date | None = None) -> list:
    """Per checklist, the latest submitted or verified assessment made on or before ``day``
    (any day when None), checklists in the order they first appear."""
    latest: dict[str, object] = {}
    for a in assessments:
        if a.status == "draft" or (day is not None and when(a) > day):
            continue
        if a.checklist_id not in latest or _order(a) >= _order(latest[a.checklist_id]):
            latest[a.checklist_id] = a
    return list(latest.values())


def latest_pair(done: list) -> tuple[int, int]:
    """The ids of the two latest assessments of one checklist (earlier, later): of the checklist
    assessed most recently among those with two or more; else the last two of ``done``."""
    by_checklist: dict[str, list] = {}
    for a in sorted(done, key=_order):
        by_checklist.setdefault(a.checklist_id, []).append(a)
    pairs = [items[-2:] for items in by_checklist.values() if len(items) >= 2]
    if not pairs:
        return done[-2].id, done[-1].id
    earlier, later = max(pairs, key=lambda p: _order(p[1]))
    return earlier.id, later.id


OPEN_ANSWERS = ("no", "partial", "unknown")


def open_findings(assessments, checklists: dict, lang: str) -> list[tuple[str, str]]:
    """``(label, item_id)`` of each item not yet met (no, partly, don't know) in the latest
    result of each checklist, labelled in words: the checklist, the question number and the
    requirement, e.g. "CPPB-IRT · 3. Lantai bersih dan kedap air"."""
    out = []
    for a in latest_results(assessments):
        c = checklists.get(a.checklist_id)
        if c is None:
            continue
        for n, item in enumerate(c.items, 1):
            given = a.answers.get(item.id)
            if given is not None and given.value in OPEN_ANSWERS:
                label = t(
                    "{checklist} · {number}. {requirement}",
                    lang,
                    checklist=c.title.get(lang),
                    number=n,
                    requirement=item.requirement.get(lang),
                )
                out.append((label, item.id))
    return out


@dataclass(frozen=True)
class Change:
    item_id: str
    before: str | None
    after: str | None
    kind: str
    """``improved``, ``regressed`` or ``changed`` (e.g. to or from "does not apply")."""


def compare(checklist: Checklist, before: dict[str, str], after: dict[str, str]) -> list[Change]:
    """The items whose answer differs between two assessments of one checklist, in item order."""
    out = []
    for item in checklist.items:
        a, b = before.get(item.id), after.get(item.id)
        if a == b:
            continue
        if a in RANK and b in RANK and RANK[a] != RANK[b]:
            kind = "improved" if RANK[b] > RANK[a] else "regressed"
        else:
            kind = "changed"
        out.append(Change(item.id, a, b, kind))
    return out


@dataclass(frozen=True)
class PaperEntry:
    answers: dict[str, str]
    error: str | None
    """A problem with a letter (position and letter), or None."""
    next_item: str | None
    """The item ID the next letter is for, None when every item is entered."""


def parse_paper(checklist: Checklist, typed: str, lang: str = "id") -> PaperEntry:
    """Read ``typed`` as one letter per item, in the checklist's item order.

    Letters: y (ya), t (tidak), s (sebagian), b (belum tahu), - (tidak berlaku); spaces, commas
    and line breaks are ignored; upper case is fine. Stops at the first unknown letter, and at a
    '-' on an item the checklist does not let be not applicable; once every item is entered, a
    '-' that breaks an N/A group or leaves two alternatives both not applicable is refused too.
    """
    items = [i.id for i in checklist.items]
    answers: dict[str, str] = {}
    pos = 0
    for ch in typed:
        if ch in " ,\n\r\t":
            continue
        if pos >= len(items):
            return PaperEntry(
                answers, t("More letters than the {n} items.", lang, n=len(items)), None
            )
        value = PAPER_KEYS.get(ch.lower())
        if value is None:
            return PaperEntry(
                answers,
                t("{item}: '{letter}' is not one of y t s b -", lang, item=items[pos], letter=ch),
                items[pos],
            )
        if value == "na" and not checklist.items[pos].na_allowed:
            return PaperEntry(
                answers,
                t(
                    "{item}: '-' (not applicable) is not accepted here: this question applies "
                    "to every producer.",
                    lang,
                    item=items[pos],
                ),
                items[pos],
            )
        answers[items[pos]] = value
        pos += 1
    refused = refused_na(checklist, answers) if pos == len(items) else []
    if refused:  # a split N/A group, or both of two alternatives not applicable
        return PaperEntry(
            answers,
            t(
                "{item}: '-' (not applicable) does not fit with the other answers: items for "
                "one kind of producer apply together, and one of two alternatives always applies.",
                lang,
                item=refused[0],
            ),
            None,
        )
    return PaperEntry(answers, None, items[pos] if pos < len(items) else None)
