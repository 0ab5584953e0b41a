"""Scoring: answers against a checklist give the result an owner and a facilitator need.

The rules live here and only here: the IRTP level table (CPPB-IRT inspection), readiness per
section, and the "never" rule for forbidden ingredients. Pure functions: no I/O, no database.

Answers per item: ``yes`` (met), ``no``, ``partial`` and ``unknown`` (not met; ``unknown`` is also
flagged for the facilitator to check) and ``na`` (does not apply). An item with no answer is
*unanswered*: it is reported as such and never counted as met. For the IRTP level an unanswered
item counts as a finding of its grade (the worst case) until it is answered, and the result says
that the level is provisional (``complete`` is false).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from berdikari.checklists import CRITICALITIES, CRITICALITY_RANK, Checklist, Text

Answer = Literal["yes", "no", "partial", "unknown", "na"]
ANSWERS: tuple[str, ...] = ("yes", "no", "partial", "unknown", "na")
NOT_MET = frozenset({"no", "partial", "unknown"})

# --- the IRTP level table -------------------------------------------------------------------------
# Perka BPOM No. HK.03.1.23.04.12.2207 Tahun 2012 (Tata Cara Pemeriksaan Sarana Produksi Pangan
# Industri Rumah Tangga), Lampiran: the level of an IRTP follows from the number of findings of each
# grade. Rows are read top to bottom; the first row whose maxima all hold gives the level.
# ``None`` means "any number". The Minor bound of level I (at most 1) is how two independent
# implementations of BPOM's form read it; the printed table was not available to us (UNVERIFIED,
# see checklists/cppob-irtp.yaml scoring.uncertain).
IRTP_LEVEL_TABLE: tuple[tuple[str, dict[str, int | None]], ...] = (
    ("I", {"kritis": 0, "serius": 0, "mayor": 1, "minor": 1}),
    ("II", {"kritis": 0, "serius": 0, "mayor": 3, "minor": None}),
    ("III", {"kritis": 0, "serius": 4, "mayor": None, "minor": None}),
    ("IV", {"kritis": None, "serius": None, "mayor": None, "minor": None}),
)

# How often the IRTP should inspect itself (internal audit), as the same form ties it to the level.
IRTP_AUDIT_FREQUENCY: dict[str, Text] = {
    "I": Text(id="setiap dua bulan", en="every two months"),
    "II": Text(id="setiap bulan", en="every month"),
    "III": Text(id="setiap dua minggu", en="every two weeks"),
    "IV": Text(id="setiap hari", en="every day"),
}

LEVELS = ("I", "II", "III", "IV")


def irtp_level(counts: dict[str, int]) -> str:
    """The IRTP level (I–IV) for counts of findings by grade."""
    for level, maxima in IRTP_LEVEL_TABLE:
        if all(bound is None or counts.get(grade, 0) <= bound for grade, bound in maxima.items()):
            return level
    raise AssertionError("the last row of IRTP_LEVEL_TABLE admits every count")


class AnswerError(ValueError):
    """Answers that do not fit the checklist: unknown item IDs or values outside ANSWERS."""

    def __init__(self, problems: list[str], item_ids: list[str] | None = None):
        self.problems = problems
        self.item_ids = item_ids or []
        """The item IDs at fault, in the file's order: language-neutral, for the apps to show."""
        super().__init__("; ".join(problems))


def validate_answers(checklist: Checklist, answers: dict[str, str]) -> None:
    known = {i.id for i in checklist.items}
    problems, at_fault = [], []
    for item_id, value in answers.items():
        if item_id not in known:
            problems.append(f"{item_id}: not an item of checklist {checklist.ref}")
        elif value not in ANSWERS:
            problems.append(f"{item_id}: answer {value!r} is not one of {', '.join(ANSWERS)}")
        else:
            continue
        at_fault.append(item_id)
    if problems:
        raise AnswerError(problems, at_fault)


@dataclass
class Gap:
    item_id: str
    section_id: str
    criticality: str | None
    answer: str
    requirement: Text
    question: Text
    guide: str
    check: bool
    """True for ``unknown``: the facilitator should check this item on site."""


@dataclass
class SectionScore:
    id: str
    title: Text
    total: int
    applicable: int
    met: int
    unanswered: int
    readiness: int


@dataclass
class Result:
    checklist: str
    version: str
    rule: str
    total: int
    answered: int
    unanswered: list[str]
    complete: bool
    readiness: int
    sections: list[SectionScore]
    gaps: list[Gap]
    to_check: list[str]
    counts: dict[str, int] | None = None
    unanswered_counts: dict[str, int] | None = None
    level: str | None = None
    eligible: bool | None = None
    audit_frequency: Text | None = None
    passed: bool = False
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain data (JSON-ready): texts become ``{"id": ..., "en": ...}``."""
        return asdict(self, dict_factory=_plain_dict)


def _plain_dict(pairs: list[tuple[str, object]]) -> dict:
    return {k: v.model_dump() if isinstance(v, Text) else v for k, v in pairs}


def _pct(met: int, applicable: int) -> int:
    return 100 if applicable == 0 else int(100 * met // applicable)


def score(checklist: Checklist, answers: dict[str, str]) -> Result:
    """Score ``answers`` (item ID → answer) against ``checklist``."""
    validate_answers(checklist, answers)
    sections: list[SectionScore] = []
    gaps: list[Gap] = []
    unanswered: list[str] = []
    met_total = applicable_total = 0
    for section in checklist.sections:
        met = applicable = open_ = 0
        for item in section.items:
            a = answers.get(item.id)
            if a == "na":
                continue
            applicable += 1
            if a is None:
                open_ += 1
                unanswered.append(item.id)
            elif a == "yes":
                met += 1
            else:
                gaps.append(
                    Gap(
                        item.id,
                        section.id,
                        item.criticality,
                        a,
                        item.requirement,
                        item.question,
                        item.guide,
                        a == "unknown",
                    )
                )
        sections.append(
            SectionScore(
                section.id,
                section.title,
                len(section.items),
                applicable,
                met,
                open_,
                _pct(met, applicable),
            )
        )
        met_total += met
        applicable_total += applicable

    order = {i.id: n for n, i in enumerate(checklist.items)}
    gaps.sort(key=lambda g: (-CRITICALITY_RANK.get(g.criticality or "", -1), order[g.item_id]))
    result = Result(
        checklist=checklist.id,
        version=checklist.version,
        rule=checklist.scoring.rule,
        total=len(checklist.items),
        answered=sum(1 for i in checklist.items if i.id in answers),
        unanswered=unanswered,
        complete=not unanswered,
        readiness=_pct(met_total, applicable_total),
        sections=sections,
        gaps=gaps,
        to_check=[g.item_id for g in gaps if g.check],
    )

    if checklist.scoring.rule in ("irtp-level", "never"):
        result.counts = {c: 0 for c in CRITICALITIES}
        result.unanswered_counts = {c: 0 for c in CRITICALITIES}
        for g in gaps:
            result.counts[g.criticality] += 1
        for item_id in unanswered:
            result.unanswered_counts[checklist.item(item_id).criticality] += 1

    if checklist.scoring.rule == "irtp-level":
        worst = {c: result.counts[c] + result.unanswered_counts[c] for c in CRITICALITIES}
        result.level = irtp_level(worst)
        result.eligible = result.level in (checklist.scoring.eligible_levels or [])
        result.audit_frequency = IRTP_AUDIT_FREQUENCY[result.level]
        result.passed = bool(result.eligible)
        if unanswered:
            result.notes.append(
                f"{len(unanswered)} item(s) unanswered: the level assumes each is a finding "
                "until it is answered"
            )
    elif checklist.scoring.rule == "never":
        result.passed = not gaps and not unanswered
    else:
        result.passed = result.readiness == 100 and not unanswered
    return result
