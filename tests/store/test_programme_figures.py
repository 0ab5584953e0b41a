"""The manager's figures aggregated in the database (:meth:`Service.programme_figures`) equal
the same figures computed by :mod:`berdikari.stats` from the standing rows, for every
dimension and filter, on the demo programme, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from berdikari import stats
from berdikari.store import casework

ITEMS = [f"UJI-{s:02d}.{n:02d}" for s in (1, 2, 3) for n in range(1, 9)]
PLACES = ("Palangka Raya", "Kapuas", "Katingan")
KINDS = (["pangan-olahan"], ["obat-tradisional"], ["pangan-olahan", "kosmetik"], ["kosmetik"])
REAL_CHECKLISTS = Path(__file__).resolve().parents[2] / "checklists"


@pytest.fixture
def programme(world):
    """Sixteen UMKM over three regencies, two organisations (and none) and four category sets, with
    self-assessments, verifications, visits, actions and permits drawn at random (seeded)."""
    rnd = random.Random(13)
    adm, today = world.admin, casework.today()
    for n in range(14):
        u, pin = adm.add_umkm(f"Usaha {n}", f"Ibu {n}", PLACES[n % 3], KINDS[n % 4])
        if n % 5 == 4:
            continue  # without a facilitator
        fac_id, fac = ((world.fac_a.id, world.fa), (world.fac_b.id, world.fb))[n % 2]
        adm.assign(u.id, fac_id)
        from berdikari.store.auth import sign_in_owner
        from berdikari.store.service import Service

        owner = Service(world.store, sign_in_owner(world.store, u.code, pin))
        for _k in range(rnd.randint(0, 3)):
            a = owner.start_or_resume_assessment(u.id, "uji-irtp")
            p_yes = rnd.random()
            owner.save_answers(
                a.id,
                {i: ("yes" if rnd.random() < p_yes else "no", None) for i in ITEMS},
            )
            owner.submit_assessment(a.id)
            if rnd.random() < 0.6:
                fac.verify_assessment(a.id)
        for _k in range(rnd.randint(0, 2)):
            fac.record_visit(u.id, today - timedelta(days=rnd.randint(0, 120)), "Kunjungan")
        for _k in range(rnd.randint(0, 3)):
            fac.add_action(u.id, "Langkah", today + timedelta(days=rnd.randint(-20, 20)))
        if rnd.random() < 0.4:
            fac.add_milestone(u.id, "p-irt", today - timedelta(days=rnd.randint(0, 90)), "P-1")
    return world.manager


def _filters(rows):
    r = rows[0]
    yield None
    yield stats.Filters(regency=r.regency)
    yield stats.Filters(category="obat-tradisional")
    yield stats.Filters(organisation=r.organisation or stats.NONE)
    yield stats.Filters(facilitator_id=r.facilitator_id)
    yield stats.Filters(regency=r.regency, category="pangan-olahan")


def test_database_figures_equal_the_row_figures(programme):
    everything = programme.standing()
    assert len(everything) == 16
    for filters in _filters(everything):
        rows = stats.apply(everything, filters)
        for dimension in stats.DIMENSIONS:
            got = programme.programme_figures(filters, dimension, stuck=30, gaps=10)
            assert got["by"] == stats.by(rows, dimension), (filters, dimension)
        assert got["headline"] == stats.headline(rows), filters
        assert got["workload"] == stats.workload(rows), filters
        assert got["gaps"] == stats.common_gaps(rows, 10), filters
        assert got["stuck"] == stats.stuck(rows, 30), filters
        for source in stats.SOURCES:
            assert got["levels"][source] == stats.level_distribution(rows, source)
            assert got["readiness"][source] == stats.readiness_distribution(rows, source)
    full = programme.programme_figures()
    assert full["headline"]["stuck"] > 0 and full["headline"]["meets_standard"] > 0
    assert full["options"]["regencies"] == sorted({r.regency for r in everything})
    assert full["options"]["facilitators"] == sorted(
        {(r.facilitator, r.facilitator_id) for r in everything if r.facilitator_id}
    )


def test_common_gaps_count_an_old_versions_question_under_its_current_id(
    world, tmp_path, monkeypatch
):
    """Issue 14: an assessment on halal-self-declare 1.0 left HALAL-SD-01.02 unmet; version 2.0
    renumbered that question to HALAL-SD-01.05. Another UMKM on 2.0 left HALAL-SD-01.05 unmet:
    the programme counts one question, twice, under the current ID."""
    from berdikari import checklists as cl
    from tests.store.test_version_carry_over import _use, _version_1_0

    def answer(owner, umkm_id, unmet: str):
        a = owner.start_or_resume_assessment(umkm_id, "halal-self-declare")
        answers = {i.id: ("yes", None) for i in cl.load("halal-self-declare").items}
        answers[unmet] = ("no", None)
        owner.save_answers(a.id, answers)
        owner.submit_assessment(a.id)
        return a

    _use(monkeypatch, _version_1_0(tmp_path))
    old = answer(world.owner1, world.u1.id, "HALAL-SD-01.02")
    _use(monkeypatch, REAL_CHECKLISTS)  # version 2.0 comes into force
    new = answer(world.owner2, world.u2.id, "HALAL-SD-01.05")
    assert (old.checklist_version, new.checklist_version) == ("1.0", "2.0")
    by_id = {r.umkm_id: r for r in world.manager.standing()}
    assert by_id[world.u1.id].gaps == ("HALAL-SD-01.02",)  # the standing keeps it as asked
    figures = world.manager.programme_figures(gaps=50)
    assert dict(figures["gaps"])["HALAL-SD-01.05"] == 2
    assert "HALAL-SD-01.02" not in dict(figures["gaps"])
    assert stats.common_gaps(world.manager.standing(), 50) == figures["gaps"]
