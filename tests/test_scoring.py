"""Scoring: the IRTP level table row by row, its boundaries, readiness, and monotonicity."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from berdikari.checklists import Checklist
from berdikari.scoring import (
    ANSWERS,
    IRTP_AUDIT_FREQUENCY,
    LEVELS,
    AnswerError,
    irtp_level,
    score,
)

# The level table of Perka BPOM No. HK.03.1.23.04.12.2207 Tahun 2012 (Lampiran), as two
# independent implementations of BPOM's inspection form apply it, read top to bottom:
#   row 1  Kritis >= 1                                      -> Level IV
#   row 2  Kritis 0, Serius >= 5                            -> Level IV
#   row 3  Kritis 0, Serius 1-4                             -> Level III
#   row 4  Kritis 0, Serius 0, Mayor >= 4                   -> Level III
#   row 5  Kritis 0, Serius 0, Mayor 2-3                    -> Level II
#   row 6  Kritis 0, Serius 0, Mayor 0-1, Minor 0           -> Level I
#   row 7  Kritis 0, Serius 0, Mayor 0-1, Minor 1           -> Level I (UNVERIFIED, see YAML)
# Each case: (minor, mayor, serius, kritis) -> level.
TABLE_ROWS = [
    # row 1
    ((0, 0, 0, 1), "IV"),
    ((1, 6, 16, 14), "IV"),
    ((0, 0, 0, 14), "IV"),
    # row 2
    ((0, 0, 5, 0), "IV"),
    ((1, 6, 16, 0), "IV"),
    # row 3
    ((0, 0, 1, 0), "III"),
    ((0, 0, 4, 0), "III"),
    ((1, 6, 4, 0), "III"),
    # row 4
    ((0, 4, 0, 0), "III"),
    ((1, 6, 0, 0), "III"),
    # row 5
    ((0, 2, 0, 0), "II"),
    ((0, 3, 0, 0), "II"),
    ((1, 3, 0, 0), "II"),
    # row 6
    ((0, 0, 0, 0), "I"),
    ((0, 1, 0, 0), "I"),
    # row 7
    ((1, 0, 0, 0), "I"),
    ((1, 1, 0, 0), "I"),
]


@pytest.mark.parametrize(("counts", "level"), TABLE_ROWS)
def test_level_table_row_by_row(counts, level):
    minor, mayor, serius, kritis = counts
    assert irtp_level({"minor": minor, "mayor": mayor, "serius": serius, "kritis": kritis}) == level


@pytest.mark.parametrize(
    ("grade", "last_in_better", "first_in_worse"),
    [
        ("kritis", (0, "I"), (1, "IV")),
        ("serius", (4, "III"), (5, "IV")),
        ("mayor", (1, "I"), (2, "II")),
        ("mayor", (3, "II"), (4, "III")),
    ],
)
def test_level_boundaries(grade, last_in_better, first_in_worse):
    for n, level in (last_in_better, first_in_worse):
        assert irtp_level({grade: n}) == level


def test_every_level_has_an_audit_frequency():
    assert set(IRTP_AUDIT_FREQUENCY) == set(LEVELS)
    assert IRTP_AUDIT_FREQUENCY["IV"].id == "setiap hari"
    assert IRTP_AUDIT_FREQUENCY["I"].en == "every two months"


# --- a synthetic checklist shaped like the official form (1 minor, 6 mayor, 16 serius, 14 kritis)
GRADES = ["minor"] * 1 + ["mayor"] * 6 + ["serius"] * 16 + ["kritis"] * 14


def _text(s):
    return {"id": s, "en": s}


def form_like(rule="irtp-level") -> Checklist:
    items = [
        {
            "id": f"T-01.{n + 1:02d}",
            "requirement": _text(f"req {n}"),
            "question": _text(f"q {n}"),
            "criticality": grade,
            "cites": {"regulation": "r", "clause": "c"},
            "evidence": _text("e"),
            "guide": "panduan/x.md",
        }
        for n, grade in enumerate(GRADES)
    ]
    return Checklist.model_validate(
        {
            "id": "t",
            "version": "1.0",
            "effective": dt.date(2012, 1, 1),
            "checked": dt.date(2026, 11, 28),
            "title": _text("t"),
            "summary": _text("t"),
            "applies_to": {"categories": ["pangan-olahan"], "routes": ["spp-irt"]},
            "regulations": [{"key": "r", "number": "1", "year": 2012, "title": _text("r")}],
            "scoring": {"rule": rule, "eligible_levels": ["I", "II"], "explanation": _text("x")},
            "sections": [
                {"id": "A", "title": _text("A"), "items": items[:10]},
                {"id": "B", "title": _text("B"), "items": items[10:]},
            ],
        }
    )


FORM = form_like()
IDS = [i.id for i in FORM.items]


def test_all_yes_is_level_i_and_eligible():
    r = score(FORM, {i: "yes" for i in IDS})
    assert (r.level, r.eligible, r.readiness, r.complete, r.gaps) == ("I", True, 100, True, [])


def test_partial_and_unknown_count_as_not_met_and_unknown_is_flagged():
    answers = {i: "yes" for i in IDS}
    kritis = [i.id for i in FORM.items if i.criticality == "kritis"]
    answers[kritis[0]] = "partial"
    answers[kritis[1]] = "unknown"
    r = score(FORM, answers)
    assert r.counts["kritis"] == 2 and r.level == "IV" and r.eligible is False
    assert r.to_check == [kritis[1]]
    assert [g.item_id for g in r.gaps] == kritis[:2]


def test_gaps_most_serious_first():
    answers = {i: "no" for i in IDS}
    r = score(FORM, answers)
    ranks = ["minor", "mayor", "serius", "kritis"]
    order = [ranks.index(g.criticality) for g in r.gaps]
    assert order == sorted(order, reverse=True)
    assert len(r.gaps) == 37


def test_unanswered_is_reported_and_never_counted_as_met():
    r = score(FORM, {IDS[0]: "yes"})
    assert r.answered == 1 and len(r.unanswered) == 36 and r.complete is False
    assert r.counts == {"minor": 0, "mayor": 0, "serius": 0, "kritis": 0}
    assert r.unanswered_counts["kritis"] == 14
    assert r.level == "IV"  # unanswered items count as findings until answered
    assert r.readiness == 2  # 1 of 37
    assert r.notes


def test_na_items_leave_the_denominator():
    answers = {i: "na" for i in IDS}
    answers[IDS[0]] = "yes"
    answers[IDS[1]] = "no"
    r = score(FORM, answers)
    assert r.readiness == 50 and r.complete


def test_readiness_per_section():
    answers = {i: "yes" for i in IDS[:10]}
    answers.update({i: "no" for i in IDS[10:]})
    r = score(FORM, answers)
    assert [(s.id, s.readiness, s.met, s.applicable) for s in r.sections] == [
        ("A", 100, 10, 10),
        ("B", 0, 0, 27),
    ]


def test_readiness_rule_passes_only_when_complete_and_all_met():
    c = form_like("readiness")
    assert score(c, {i: "yes" for i in IDS}).passed is True
    assert score(c, {i: "yes" for i in IDS[:-1]}).passed is False
    assert score(c, {i: "yes" for i in IDS}).level is None


def test_never_rule_one_no_fails():
    c = form_like("never")
    answers = {i: "yes" for i in IDS}
    assert score(c, answers).passed is True
    answers[IDS[-1]] = "no"
    r = score(c, answers)
    assert r.passed is False and r.counts["kritis"] == 1


def test_unknown_item_and_bad_value_are_errors():
    with pytest.raises(AnswerError) as exc:
        score(FORM, {"NOPE-01.01": "yes", IDS[0]: "ya"})
    assert "NOPE-01.01: not an item of checklist t@1.0" in str(exc.value)
    assert f"{IDS[0]}: answer 'ya' is not one of yes, no, partial, unknown, na" in str(exc.value)
    assert exc.value.item_ids == ["NOPE-01.01", IDS[0]]


LEVEL_RANK = {level: n for n, level in enumerate(LEVELS)}  # I best … IV worst

answer_maps = st.dictionaries(st.sampled_from(IDS), st.sampled_from(ANSWERS))


@settings(max_examples=300, deadline=None)
@given(answers=answer_maps, item=st.sampled_from(IDS))
def test_answering_one_more_item_yes_never_makes_the_result_worse(answers, item):
    before = score(FORM, answers)
    after = score(FORM, {**answers, item: "yes"})
    assert LEVEL_RANK[after.level] <= LEVEL_RANK[before.level]
    assert after.readiness >= before.readiness
    assert len(after.gaps) <= len(before.gaps)
    assert len(after.unanswered) <= len(before.unanswered)
    for a, b in zip(after.sections, before.sections, strict=True):
        assert a.readiness >= b.readiness
    assert after.passed >= before.passed


@settings(max_examples=200, deadline=None)
@given(answers=answer_maps)
def test_counts_add_up(answers):
    r = score(FORM, answers)
    assert sum(r.counts.values()) == len(r.gaps)
    assert sum(r.counts.values()) + sum(r.unanswered_counts.values()) + sum(
        1 for v in answers.values() if v in ("yes", "na")
    ) == len(IDS)
