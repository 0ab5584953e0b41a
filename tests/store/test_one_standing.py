"""One standing per UMKM: the facilitator's caseload, the programme's rows and the figures are
views of one computation, and where the owner's latest self-assessment and the facilitator's
verification differ, both are there, labelled.

Runs on SQLite and the real PostgreSQL (the ``store`` fixture). The "stuck" rule's threshold is
checked from dates, so that a change of the number (60 → 90 days) fails here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from berdikari import stats
from berdikari.store import casework

ITEMS = [f"UJI-{s:02d}.{n:02d}" for s in (1, 2, 3) for n in range(1, 9)]
CRITICAL = "UJI-01.03"  # criticality: kritis in the test checklist


def _submit(owner, umkm_id, answers):
    a = owner.start_or_resume_assessment(umkm_id, "uji-irtp")
    owner.save_answers(a.id, {i: (v, None) for i, v in answers.items()})
    return owner.submit_assessment(a.id)


def test_caseload_and_programme_agree_and_show_both_verified_and_self_assessed(world):
    """The issue's reproduction: all "yes", verified, then a new self-assessment with one
    critical finding. Before, the caseload said Level IV and the programme Level I."""
    first = _submit(world.owner1, world.u1.id, dict.fromkeys(ITEMS, "yes"))
    verified = world.fa.verify_assessment(first.id)
    again = _submit(world.owner1, world.u1.id, dict.fromkeys(ITEMS, "yes") | {CRITICAL: "no"})
    assert (verified.result["level"], again.result["level"]) == ("I", "IV")

    case = world.fa.my_umkm()[0]
    row = next(r for r in world.manager.standing() if r.umkm_id == world.u1.id)
    assert case == row  # one standing, whoever reads it
    assert (row.verified_level, row.self_level, row.self_newer) == ("I", "IV", True)
    assert row.verified_readiness == verified.result["readiness"]
    assert row.self_readiness == again.result["readiness"]
    assert row.meets_standard and row.level == "I" and row.submissions_waiting == 1

    # the facilitator verifies the new one as it is: the verified figures follow, no news left
    world.fa.verify_assessment(again.id)
    row = next(r for r in world.fa.my_umkm() if r.umkm_id == world.u1.id)
    assert (row.verified_level, row.self_level, row.self_newer) == ("IV", "IV", False)
    assert not row.meets_standard and row.submissions_waiting == 0
    assert row in world.manager.standing()


def test_a_self_assessment_alone_is_labelled_as_such(world):
    done = _submit(world.owner1, world.u1.id, dict.fromkeys(ITEMS, "yes"))
    row = world.owner1.my_umkm()[0]
    assert (row.verified_level, row.verified_readiness) == (None, None)
    assert (row.self_level, row.self_readiness, row.self_newer) == (
        "I",
        done.result["readiness"],
        True,
    )
    assert not row.verified and not row.meets_standard and row.level == "I"


@pytest.mark.parametrize("days_ago", [59, 60, 61, 89, 90, 91])
def test_stuck_rule_counts_sixty_days_from_the_visit_date(world, monkeypatch, days_ago):
    """Not meeting the standard and no visit for more than sixty days is "stuck": computed here
    from the visit's date and today, never from the constant, so 60 → 90 fails."""
    visited = casework.today() - timedelta(days=days_ago)
    world.fa.record_visit(world.u1.id, visited, "Kunjungan")
    row = next(r for r in world.manager.standing() if r.umkm_id == world.u1.id)
    sixty_days_later = visited + timedelta(days=60)
    expected = casework.today() > sixty_days_later
    assert row.days_since_visit == days_ago
    assert stats.is_stuck(row) is expected
    assert stats.headline([row])["stuck"] == int(expected)
    assert stats.workload([row])[0]["not_visited"] == int(expected)
