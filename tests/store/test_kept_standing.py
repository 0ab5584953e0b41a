"""The kept standing (table ``umkm_standing``) equals the standing computed from scratch after
any sequence of writes through the service: answers submitted, verifications, visits, actions
and their status, milestones, assignments, new UMKM and profile changes.

Hypothesis draws the sequences; after each one the kept rows are compared with
:func:`berdikari.store.standing.compute` and with a full rebuild. SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from berdikari.store import casework, standing
from berdikari.store.models import Umkm

ITEMS = [f"UJI-{s:02d}.{n:02d}" for s in (1, 2, 3) for n in range(1, 9)]
ANSWERS = st.sampled_from(["yes", "no", "partial", "unknown"])

STEP = st.one_of(
    st.tuples(st.just("submit"), st.integers(0, 1), st.lists(ANSWERS, min_size=24, max_size=24)),
    st.tuples(st.just("verify"), st.integers(0, 1), st.sampled_from([{}, {"UJI-01.03": "no"}])),
    st.tuples(st.just("visit"), st.integers(0, 1), st.integers(0, 120)),
    st.tuples(st.just("action"), st.integers(0, 1), st.integers(-30, 30)),
    st.tuples(st.just("action-status"), st.integers(0, 1), st.sampled_from(["done", "dropped"])),
    st.tuples(st.just("milestone"), st.integers(0, 1), st.sampled_from(["p-irt", "nib"])),
    st.tuples(st.just("assign"), st.integers(0, 1), st.integers(0, 1)),
    st.tuples(st.just("rename"), st.integers(0, 1), st.text("abcdefgh ", min_size=3, max_size=12)),
)


def _apply(world, step) -> None:
    kind, which, arg = step
    umkm = (world.u1, world.u2)[which]
    owner = (world.owner1, world.owner2)[which]
    fac = _facilitator_of(world, umkm.id)
    if kind == "submit":
        checklist = "uji-irtp"
        a = owner.start_or_resume_assessment(umkm.id, checklist)
        owner.save_answers(a.id, {i: (v, None) for i, v in zip(ITEMS, arg, strict=True)})
        owner.submit_assessment(a.id)
    elif kind == "verify":
        waiting = [a for a in fac.assessments(umkm.id) if a.status == "submitted"]
        if waiting:
            fac.verify_assessment(waiting[-1].id, arg)
    elif kind == "visit":
        fac.record_visit(umkm.id, casework.today() - timedelta(days=arg), "Kunjungan")
    elif kind == "action":
        fac.add_action(umkm.id, "Langkah", casework.today() + timedelta(days=arg))
    elif kind == "action-status":
        open_ = [a for a in fac.actions(umkm.id) if a.status in ("open", "in-progress")]
        if open_:
            fac.set_action_status(open_[0].id, arg)
    elif kind == "milestone":
        fac.add_milestone(umkm.id, arg, casework.today(), number="123" if arg == "p-irt" else None)
    elif kind == "assign":
        world.admin.assign(umkm.id, (world.fac_a.id, world.fac_b.id)[arg])
    elif kind == "rename":
        world.admin.update_umkm(umkm.id, name=f"Usaha {arg.strip() or 'x'}")


def _facilitator_of(world, umkm_id):
    current = world.admin.umkm(umkm_id).facilitator_id
    return world.fa if current == world.fac_a.id else world.fb


def _from_scratch(store):
    with store.read() as s:
        return standing.compute(s, select(Umkm.id), casework.today())


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=8))
def test_kept_standing_equals_a_rebuild_after_any_writes(world, steps):
    for step in steps:
        _apply(world, step)
    kept = world.manager.standing()
    fresh = _from_scratch(world.store)
    assert [
        (k.code, f, getattr(k, f), getattr(n, f))
        for k, n in zip(kept, fresh, strict=True)
        for f in k.__dataclass_fields__
        if getattr(k, f) != getattr(n, f)
    ] == []
    assert kept == fresh
    # the facilitator's caseload is the same rows
    mine = {r.umkm_id for r in world.fa.my_umkm()}
    assert [r for r in kept if r.umkm_id in mine] == world.fa.my_umkm()
    assert standing.rebuild(world.store) == len(kept)
    assert world.manager.standing() == kept


def test_a_new_umkm_and_a_renamed_facilitator_organisation_reach_the_kept_standing(world):
    u, _pin = world.admin.add_umkm("Baru", "Ibu Tiga", "Kapuas", ["pangan-olahan"])
    world.admin.assign(u.id, world.fac_a.id)
    row = next(r for r in world.manager.standing() if r.umkm_id == u.id)
    assert (row.name, row.facilitator, row.organisation) == (
        "Baru",
        "Fasilitator A",
        "BBPOM di Palangka Raya",
    )
    assert world.manager.standing() == _from_scratch(world.store)


def test_the_kept_rows_are_what_the_screens_read(world, store):
    """Without the kept row a UMKM is not on the screens: reads come from the table."""
    from sqlalchemy import delete

    from berdikari.store.models import UmkmStanding

    with store.write() as s:
        s.execute(delete(UmkmStanding).where(UmkmStanding.umkm_id == world.u1.id))
    assert world.u1.id not in {r.umkm_id for r in world.manager.standing()}
    standing.rebuild(store)
    assert world.manager.standing() == _from_scratch(store)


def test_the_rebuild_command_restores_a_lost_row(world, store, store_url):
    from sqlalchemy import delete
    from typer.testing import CliRunner

    from berdikari.cli import app
    from berdikari.store.models import UmkmStanding

    with store.write() as s:
        s.execute(delete(UmkmStanding))
    assert world.manager.standing() == []
    done = CliRunner().invoke(app, ["standing", "rebuild", "--database-url", store_url])
    assert done.exit_code == 0, done.output
    assert "standing rebuilt for 2 UMKM" in done.output
    assert world.manager.standing() == _from_scratch(store)
