"""Pure helpers of the facilitator app: urgency order, comparing two assessments, and reading a
paper checklist typed as one letter per item.

No widgets, no database: plain values in, plain values out, so plain pytest covers them.
"""

from __future__ import annotations

from dataclasses import dataclass

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
