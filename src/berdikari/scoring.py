"""Scoring: answers against a checklist give the result an owner and a facilitator need.

The rules live here and only here: the IRTP level table (CPPB-IRT inspection), readiness per
section, and the "never" rule for forbidden ingredients. Pure functions: no I/O, no database.

Answers per item: ``yes`` (met), ``no``, ``partial`` and ``unknown`` (not met; ``unknown`` is also
flagged for the facilitator to check) and ``na`` (does not apply). An item with no answer is
*unanswered*: it is reported as such and never counted as met. For the IRTP level an unanswered
item counts as a finding of its grade (the worst case) until it is answered, and the result says
that the level is provisional (``complete`` is false). Only a complete sheet is eligible or passes.

``na`` is accepted only where the standard allows it (``Item.not_applicable``), and never so that
a requirement every producer has is skipped: items of one N/A group are N/A together or not at
all, and a group and its ``otherwise`` cannot both be N/A (:func:`na_problems`). New answers that
break this raise :class:`AnswerError`. Answers read back from a database (``stored=True``) may
hold such an ``na`` from before the rule: it then counts as unanswered, never as met, and is
listed in ``Result.na_refused`` for the facilitator. A sheet on which nothing applies never passes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from berdikari import vocab
from berdikari.checklists import CRITICALITIES, CRITICALITY_RANK, Checklist, Text

Answer = vocab.Answer.literal()
ANSWERS: tuple[str, ...] = vocab.Answer.values()
NOT_MET = frozenset({"no", "partial", "unknown"})

# --- the IRTP level table -------------------------------------------------------------------------
# Perka BPOM No. HK.03.1.23.04.12.2207 Tahun 2012 (Tata Cara Pemeriksaan Sarana Produksi Pangan
# Industri Rumah Tangga), Lampiran: the level of an IRTP follows from the number of findings of each
# grade. Rows are read top to bottom; the first row whose maxima all hold gives the level.
# ``None`` means "any number". The Minor bound of level I (at most 1) is how two independent
# implementations of BPOM's form read it; the printed table was not available to us (UNVERIFIED,
# see checklists/cppob-irtp.yaml scoring.uncertain).
_K = vocab.Criticality
IRTP_LEVEL_TABLE: tuple[tuple[str, dict[str, int | None]], ...] = (
    ("I", {_K.KRITIS: 0, _K.SERIUS: 0, _K.MAYOR: 1, _K.MINOR: 1}),
    ("II", {_K.KRITIS: 0, _K.SERIUS: 0, _K.MAYOR: 3, _K.MINOR: None}),
    ("III", {_K.KRITIS: 0, _K.SERIUS: 4, _K.MAYOR: None, _K.MINOR: None}),
    ("IV", {_K.KRITIS: None, _K.SERIUS: None, _K.MAYOR: None, _K.MINOR: None}),
)

# How often the IRTP should inspect itself (internal audit), as the same form ties it to the level.
IRTP_AUDIT_FREQUENCY: dict[str, Text] = {
    vocab.Level.ONE: Text(id="setiap dua bulan", en="every two months"),
    vocab.Level.TWO: Text(id="setiap bulan", en="every month"),
    vocab.Level.THREE: Text(id="setiap dua minggu", en="every two weeks"),
    vocab.Level.FOUR: Text(id="setiap hari", en="every day"),
}

LEVELS = vocab.Level.values()


def irtp_level(counts: dict[str, int]) -> str:
    """The IRTP level (I–IV) for counts of findings by grade."""
    for level, maxima in IRTP_LEVEL_TABLE:
        if all(bound is None or counts.get(grade, 0) <= bound for grade, bound in maxima.items()):
            return level
    raise AssertionError("the last row of IRTP_LEVEL_TABLE admits every count")


class AnswerError(ValueError):
    """Answers that do not fit the checklist: unknown item IDs, values outside ANSWERS, or an
    ``na`` the checklist refuses (see :func:`na_problems`, whose keys the apps can translate)."""

    def __init__(self, problems: list[str], item_ids: list[str] | None = None):
        self.problems = problems
        self.item_ids = item_ids or []
        """The item IDs at fault, in the file's order: language-neutral, for the apps to show."""
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class NaProblem:
    """An ``na`` the checklist does not accept: which items, why (a stable key), and in English."""

    item_ids: tuple[str, ...]
    key: Literal["na-not-allowed", "na-group-split", "na-no-alternative"]
    message: str


def na_problems(checklist: Checklist, answers: dict[str, str]) -> list[NaProblem]:
    """Every ``na`` in ``answers`` that the checklist refuses, in checklist order.

    - ``na-not-allowed``: the item applies to every producer (no ``not_applicable``);
    - ``na-group-split``: some items of an N/A group are ``na`` and others of it are answered
      otherwise (the group describes one kind of producer: it applies or not as a whole);
    - ``na-no-alternative``: a whole group is ``na`` and so is its ``otherwise`` group.
    """
    problems: list[NaProblem] = []
    for item in checklist.items:
        if answers.get(item.id) == "na" and not item.na_allowed:
            problems.append(
                NaProblem(
                    (item.id,),
                    "na-not-allowed",
                    f"{item.id}: 'na' (does not apply) is not accepted for this item: the standard "
                    "requires it of every producer; answer yes, no, partial or unknown",
                )
            )
    groups: dict[str, list[str]] = {}
    otherwise: dict[str, str | None] = {}
    for item in checklist.items:
        na = item.not_applicable
        if na is not None and na.group is not None:
            groups.setdefault(na.group, []).append(item.id)
            otherwise[na.group] = na.otherwise

    def all_na(ids: list[str]) -> bool:
        return all(answers.get(i) == "na" for i in ids)

    for group, ids in groups.items():
        na_ids = [i for i in ids if answers.get(i) == "na"]
        answered = [i for i in ids if i in answers and answers[i] != "na"]
        if na_ids and answered:
            problems.append(
                NaProblem(
                    tuple(na_ids),
                    "na-group-split",
                    f"{', '.join(na_ids)}: 'na' here but {', '.join(answered)} of the same group "
                    f"({group}) answered: these items apply together; answer them all, or 'na' "
                    "for all",
                )
            )
    reported: set[frozenset[str]] = set()
    for group, ids in groups.items():
        other = otherwise.get(group)
        if other is None or other not in groups or not all_na(ids) or not all_na(groups[other]):
            continue
        pair = frozenset((group, other))
        if pair in reported:
            continue
        reported.add(pair)
        both = ids + groups[other]
        problems.append(
            NaProblem(
                tuple(both),
                "na-no-alternative",
                f"{', '.join(both)}: 'na' for both {group} and {other}: one of them applies to "
                "every producer; answer the one that fits you",
            )
        )
    return problems


def refused_na(checklist: Checklist, answers: dict[str, str]) -> list[str]:
    """Item IDs whose ``na`` is refused (see :func:`na_problems`), in checklist order."""
    ids = {i for p in na_problems(checklist, answers) for i in p.item_ids}
    return [item.id for item in checklist.items if item.id in ids]


def validate_answers(
    checklist: Checklist, answers: dict[str, str], *, stored: bool = False
) -> None:
    """Raise :class:`AnswerError` for unknown items, unknown values and refused ``na``.

    ``stored=True`` (answers read back from a database) does not raise for a refused ``na``:
    :func:`score` then counts it as unanswered and lists it in ``Result.na_refused``.
    """
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
    if not problems and not stored:
        for p in na_problems(checklist, answers):
            problems.append(p.message)
            at_fault.extend(i for i in p.item_ids if i not in at_fault)
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
    na_refused: list[str] = field(default_factory=list)
    """Stored ``na`` answers the checklist refuses: counted as unanswered, for the facilitator."""

    def to_dict(self) -> dict:
        """Plain data (JSON-ready): texts become ``{"id": ..., "en": ...}``."""
        return asdict(self, dict_factory=_plain_dict)


def _plain_dict(pairs: list[tuple[str, object]]) -> dict:
    return {k: v.model_dump() if isinstance(v, Text) else v for k, v in pairs}


def _pct(met: int, applicable: int) -> int:
    return 100 if applicable == 0 else int(100 * met // applicable)


def score(checklist: Checklist, answers: dict[str, str], *, stored: bool = False) -> Result:
    """Score ``answers`` (item ID → answer) against ``checklist``.

    Raises :class:`AnswerError` for answers that do not fit, including a refused ``na``. With
    ``stored=True`` (answers already in a database) a refused ``na`` counts as unanswered instead
    and is listed in ``na_refused``; nothing refused is ever counted as met.
    """
    validate_answers(checklist, answers, stored=stored)
    na_refused = refused_na(checklist, answers) if stored else []
    if na_refused:
        answers = {k: v for k, v in answers.items() if k not in na_refused}
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
        na_refused=na_refused,
    )
    if na_refused:
        result.notes.append(
            f"{len(na_refused)} 'na' answer(s) not accepted by this checklist, counted as "
            f"unanswered: {', '.join(na_refused)}"
        )
    nothing_applies = applicable_total == 0
    if nothing_applies:
        result.readiness = 0
        result.notes.append("every item was answered 'na': nothing was assessed")

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
        result.eligible = (
            result.level in (checklist.scoring.eligible_levels or [])
            and result.complete
            and not nothing_applies
        )
        result.audit_frequency = IRTP_AUDIT_FREQUENCY[result.level]
        result.passed = bool(result.eligible)
        if unanswered:
            result.notes.append(
                f"{len(unanswered)} item(s) unanswered: the level assumes each is a finding "
                "until it is answered"
            )
    elif checklist.scoring.rule == "never":
        result.passed = not gaps and not unanswered and not nothing_applies
    else:
        result.passed = result.readiness == 100 and not unanswered and not nothing_applies
    return result
