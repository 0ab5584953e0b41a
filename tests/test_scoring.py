"""Scoring: the IRTP level table row by row, its boundaries, readiness, monotonicity, and N/A.

"na" is accepted only where the checklist allows it; property tests check over any answers
(including "na" everywhere) that nothing eligible or passing skips a requirement that applies to
every producer, and that a refused "na" read back from a database counts as unanswered.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from berdikari.checklists import Checklist
from berdikari.scoring import (
    ANSWERS,
    IRTP_AUDIT_FREQUENCY,
    LEVELS,
    AnswerError,
    irtp_level,
    refused_na,
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


# Where the synthetic form allows "na" (0-based positions): two lone items (one mayor, one
# serius), a group of two serius items that apply together, and two alternative groups of kritis
# items ("a" or "b": one of them applies to every producer).
NA_ALONE = {5, 20}
NA_GROUPS = {21: ("g", None), 22: ("g", None), 30: ("a", "b"), 31: ("a", "b"), 32: ("b", "a")}


def _na(n: int) -> dict | None:
    if n in NA_ALONE:
        return {"when": _text("w"), "cites": {"regulation": "r", "clause": "c"}}
    if n in NA_GROUPS:
        group, otherwise = NA_GROUPS[n]
        return {
            "when": _text("w"),
            "cites": {"regulation": "r", "clause": "c"},
            "group": group,
            "otherwise": otherwise,
        }
    return None


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
            "not_applicable": _na(n),
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
FORMS = {rule: form_like(rule) for rule in ("irtp-level", "readiness", "never")}
IDS = [i.id for i in FORM.items]
NA_OK = [i.id for i in FORM.items if i.na_allowed]
ALWAYS = [i.id for i in FORM.items if not i.na_allowed]


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
    answers = {i: "yes" for i in ALWAYS}
    answers.update({i: "na" for i in NA_OK if i != IDS[32]})
    answers[IDS[32]] = "yes"  # group "b" applies, so "a" may be not applicable
    answers[ALWAYS[0]] = "no"
    r = score(FORM, answers)
    assert r.complete and r.readiness == int(100 * (len(ALWAYS)) // (len(ALWAYS) + 1))
    assert sum(s.applicable for s in r.sections) == len(ALWAYS) + 1


def test_na_where_the_standard_does_not_allow_it_is_refused_naming_the_items():
    with pytest.raises(AnswerError) as exc:
        score(FORM, {i: "na" for i in IDS})
    # every always-applicable item, and both alternative groups; the lone and "g" items are fine
    refused = set(exc.value.item_ids)
    assert set(ALWAYS) <= refused
    assert {IDS[30], IDS[31], IDS[32]} <= refused
    assert not refused & {IDS[5], IDS[20], IDS[21], IDS[22]}
    assert f"{ALWAYS[0]}: 'na' (does not apply) is not accepted for this item" in str(exc.value)


def test_a_group_applies_together():
    answers = {i: "yes" for i in IDS}
    answers[IDS[21]] = "na"  # IDS[22] of the same group answered "yes"
    with pytest.raises(AnswerError) as exc:
        score(FORM, answers)
    assert exc.value.item_ids == [IDS[21]] and "apply together" in str(exc.value)
    answers[IDS[22]] = "na"
    assert score(FORM, answers).complete


def test_two_alternatives_cannot_both_be_not_applicable():
    answers = {i: "yes" for i in IDS}
    answers.update({IDS[30]: "na", IDS[31]: "na", IDS[32]: "na"})
    with pytest.raises(AnswerError) as exc:
        score(FORM, answers)
    assert exc.value.item_ids == [IDS[30], IDS[31], IDS[32]]
    del answers[IDS[32]]
    answers[IDS[32]] = "yes"
    r = score(FORM, answers)
    assert (r.level, r.eligible, r.readiness) == ("I", True, 100)


def test_stored_refused_na_counts_as_unanswered_and_is_flagged():
    """All "na" read back from a database: no error, nothing counted as met, not eligible."""
    r = score(FORM, {i: "na" for i in IDS}, stored=True)
    assert set(r.na_refused) == set(ALWAYS) | {IDS[30], IDS[31], IDS[32]}
    assert set(r.unanswered) == set(r.na_refused)
    assert (r.level, r.eligible, r.passed, r.complete) == ("IV", False, False, False)
    assert r.readiness == 0 and r.gaps == []
    assert any("not accepted" in note for note in r.notes)


def test_a_sheet_where_nothing_applies_never_passes():
    for rule in ("readiness", "never", "irtp-level"):
        c = form_like(rule)
        lone = {IDS[5]: "na", IDS[20]: "na", IDS[21]: "na", IDS[22]: "na"}
        only = Checklist.model_validate(
            c.model_dump()
            | {
                "sections": [
                    s.model_dump() | {"items": [i.model_dump() for i in s.items if i.id in lone]}
                    for s in c.sections
                ]
            }
        )
        r = score(only, lone)
        assert r.complete and not r.passed and not r.eligible and r.readiness == 0, rule


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


def test_the_cli_refuses_all_na_on_the_real_cppb_irt_form(tmp_path, monkeypatch):
    """Issue 11: 37 x "na" gave "Level I, eligible, readiness 100%"; now it is refused."""
    from typer.testing import CliRunner

    from berdikari.checklists import load
    from berdikari.cli import app

    c = load("cppob-irtp")
    p = tmp_path / "answers.json"
    p.write_text(json.dumps({"answers": {i.id: "na" for i in c.items}}), encoding="utf-8")
    r = CliRunner().invoke(app, ["score", "cppob-irtp", str(p)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    refused = [i.id for i in c.items if not i.na_allowed]
    assert len(refused) >= 35
    for item_id in refused:
        assert f"{item_id}: 'na' (does not apply) is not accepted for this item" in r.output
    assert "Level I" not in r.output and "100%" not in r.output


def test_unknown_item_and_bad_value_are_errors():
    with pytest.raises(AnswerError) as exc:
        score(FORM, {"NOPE-01.01": "yes", IDS[0]: "ya"})
    assert "NOPE-01.01: not an item of checklist t@1.0" in str(exc.value)
    assert f"{IDS[0]}: answer 'ya' is not one of yes, no, partial, unknown, na" in str(exc.value)
    assert exc.value.item_ids == ["NOPE-01.01", IDS[0]]


LEVEL_RANK = {level: n for n, level in enumerate(LEVELS)}  # I best … IV worst

# Any answers at all, "na" everywhere included (as a database or a crafted request may hold)…
answer_maps = st.dictionaries(st.sampled_from(IDS), st.sampled_from(ANSWERS))
# …and sheets that are "yes" but for a few items (any answer, "na", or a blank), so that eligible
# and passing results, and the ways of skipping into them, are reached often.
_OTHER = [*ANSWERS, None]


def all_yes_but_a_few(ids: list[str]):
    def build(changes: dict[int, str | None]) -> dict[str, str]:
        answers = {i: "yes" for i in ids}
        for n, value in changes.items():
            if value is None:
                del answers[ids[n]]
            else:
                answers[ids[n]] = value
        return answers

    return st.dictionaries(
        st.integers(0, len(ids) - 1), st.sampled_from(_OTHER), max_size=max(4, len(ids) // 3)
    ).map(build)


any_answers = st.one_of(answer_maps, all_yes_but_a_few(IDS))


def _valid(answers: dict) -> dict:
    """The answers without the "na" the form refuses (what the store's reading counts)."""
    refused = set(refused_na(FORM, answers))
    return {k: v for k, v in answers.items() if k not in refused}


@settings(max_examples=400, deadline=None)
@given(answers=any_answers)
def test_refused_na_raises_exactly_when_there_is_one(answers):
    refused = refused_na(FORM, answers)
    if refused:
        with pytest.raises(AnswerError) as exc:
            score(FORM, answers)
        assert set(exc.value.item_ids) == set(refused)
    else:
        score(FORM, answers)


@settings(max_examples=400, deadline=None)
@given(answers=any_answers)
def test_stored_refused_na_is_exactly_an_unanswered_item(answers):
    stored = score(FORM, answers, stored=True)
    strict = score(FORM, _valid(answers))
    assert stored.na_refused == refused_na(FORM, answers)
    assert (stored.level, stored.eligible, stored.readiness, stored.passed) == (
        strict.level,
        strict.eligible,
        strict.readiness,
        strict.passed,
    )
    assert stored.unanswered == strict.unanswered


@settings(max_examples=600, deadline=None)
@pytest.mark.parametrize("rule", ["irtp-level", "readiness", "never"])
@given(answers=any_answers)
def test_no_combination_passes_by_skipping_what_applies_to_every_producer(rule, answers):
    c = FORMS[rule]
    r = score(c, answers, stored=True)
    given_ = {k: v for k, v in answers.items() if k not in set(r.na_refused)}
    if r.eligible or r.passed:
        # every always-applicable item has a real answer, never "na" and never a blank …
        assert all(given_.get(i) in ("yes", "no", "partial", "unknown") for i in ALWAYS)
        # … one of the two alternative groups applies …
        assert any(given_.get(i) != "na" for i in (IDS[30], IDS[31], IDS[32]))
        # … and no kritis or serius finding is left among the items that apply.
        for item in c.items:
            if item.criticality in ("kritis", "serius") and given_.get(item.id) != "na":
                assert given_.get(item.id) == "yes", item.id
    if r.passed and rule != "irtp-level":
        assert all(given_.get(i) == "yes" for i in ALWAYS)
    if r.readiness == 100:
        assert all(given_.get(i) == "yes" for i in ALWAYS)
        assert sum(s.applicable for s in r.sections) > 0


@settings(max_examples=300, deadline=None)
@given(answers=any_answers, item=st.sampled_from(IDS))
def test_answering_one_more_item_yes_never_makes_the_result_worse(answers, item):
    answers = _valid(answers)
    after_answers = {**answers, item: "yes"}
    # "yes" on one item of an N/A group makes the others' "na" refused: they need answers now
    assume(not refused_na(FORM, after_answers))
    before = score(FORM, answers)
    after = score(FORM, after_answers)
    assert LEVEL_RANK[after.level] <= LEVEL_RANK[before.level]
    assert after.readiness >= before.readiness
    assert len(after.gaps) <= len(before.gaps)
    assert len(after.unanswered) <= len(before.unanswered)
    for a, b in zip(after.sections, before.sections, strict=True):
        assert a.readiness >= b.readiness
    assert after.passed >= before.passed


@settings(max_examples=200, deadline=None)
@given(answers=any_answers)
def test_counts_add_up(answers):
    answers = _valid(answers)
    r = score(FORM, answers)
    assert sum(r.counts.values()) == len(r.gaps)
    assert sum(r.counts.values()) + sum(r.unanswered_counts.values()) + sum(
        1 for v in answers.values() if v in ("yes", "na")
    ) == len(IDS)


# --- the project's own checklists -----------------------------------------------------------------
def _project_checklists():
    from berdikari.checklists import load_all

    return load_all()


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_no_project_checklist_passes_by_skipping_what_applies_to_every_producer(data):
    """Over every real checklist and any answers (refused "na" included, read as stored)."""
    checklists = _project_checklists()
    c = checklists[data.draw(st.sampled_from(sorted(checklists)))]
    answers = data.draw(all_yes_but_a_few([i.id for i in c.items]))
    r = score(c, answers, stored=True)
    kept = {k: v for k, v in answers.items() if k not in set(r.na_refused)}
    if r.passed or r.eligible or r.readiness == 100:
        for item in c.items:
            if not item.na_allowed:
                assert kept.get(item.id) in ("yes", "no", "partial", "unknown"), item.id
        assert any(v != "na" for v in kept.values())
    if (r.passed and c.scoring.rule != "irtp-level") or r.readiness == 100:
        assert all(kept.get(i.id) == "yes" for i in c.items if not i.na_allowed)
