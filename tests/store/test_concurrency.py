"""Concurrent writers on SQLite and PostgreSQL: no answer lost, one active facilitator.

Each thread uses its own Service call (its own session and connection), as separate app
kernels or app servers would.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from berdikari.store.auth import sign_in_staff
from berdikari.store.errors import Conflict
from berdikari.store.models import Answer, Assignment, AuditLog
from berdikari.store.service import Service

ITEMS = [f"UJI-{s:02d}.{n:02d}" for s in (1, 2, 3) for n in range(1, 9)]
WRITERS = 20


def _run_together(n, fn):
    barrier = threading.Barrier(n)

    def go(i):
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        return [f.result() for f in [pool.submit(go, i) for i in range(n)]]


def test_twenty_concurrent_writers_lose_no_answer(world):
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    b = world.fa.start_or_resume_assessment(world.u1.id, "uji-irtp")

    def write(i):  # writers 0-9 on the owner's draft, 10-19 on the facilitator's
        svc, target = (world.owner1, a.id) if i < 10 else (world.fa, b.id)
        for item in ITEMS[(i % 10) * 2 : (i % 10) * 2 + 2]:
            svc.save_answer(target, item, "yes" if i % 2 else "partial", f"penulis {i}")
        svc.save_answer(target, "UJI-03.08", "no", f"semua menulis ini: {i}")

    _run_together(WRITERS, write)
    with world.store.read() as s:
        per = dict(
            s.execute(
                select(Answer.assessment_id, func.count(Answer.id)).group_by(Answer.assessment_id)
            ).all()
        )
        audits = s.execute(
            select(func.count(AuditLog.id)).where(AuditLog.action == "answer-set")
        ).scalar_one()
    assert per == {a.id: 21, b.id: 21}  # 20 distinct items + the shared one, each once
    assert audits == WRITERS * 3  # every save is in the audit log
    for x in (world.owner1.assessment(a.id), world.fa.assessment(b.id)):
        assert x.result["answered"] == 21  # the stored result saw every committed answer
        assert x.answers["UJI-03.08"].note.startswith("semua menulis ini")


def test_concurrent_assignment_attempts_leave_exactly_one_active(world):
    facs = [world.fac_a.id, world.fac_b.id]
    for i in range(6):
        facs.append(
            world.admin.add_staff(
                f"fas.x{i}", f"Fasilitator X{i}", "facilitator", "sandi-uji-000"
            ).id
        )
    outcomes = []

    def assign(i):
        svc = Service(world.store, sign_in_staff(world.store, "manajer", "sandi-uji-789"))
        try:
            outcomes.append(svc.assign(world.u1.id, facs[i % len(facs)]).facilitator_id)
        except Conflict:
            outcomes.append("conflict")

    _run_together(16, assign)
    with world.store.read() as s:
        active = s.execute(
            select(Assignment.facilitator_id).where(
                Assignment.umkm_id == world.u1.id, Assignment.active.is_(True)
            )
        ).all()
        ended = s.execute(
            select(func.count(Assignment.id)).where(
                Assignment.umkm_id == world.u1.id, Assignment.ended_at.is_not(None)
            )
        ).scalar_one()
    assert len(active) == 1
    assert active[0][0] in facs
    assert len(outcomes) == 16 and ended >= 1
    history = world.manager.assignments(world.u1.id)
    assert sum(h.active for h in history) == 1 and len(history) == ended + 1


@pytest.mark.parametrize("how", ["insert", "update"])
def test_the_database_itself_refuses_a_second_active_assignment(world, how):
    with pytest.raises(IntegrityError), world.store.write() as s:
        if how == "insert":
            s.execute(
                text(
                    "INSERT INTO assignment (umkm_id, facilitator_id, active, started_at,"
                    " assigned_by) VALUES (:u, :f, :t, CURRENT_TIMESTAMP, 'sql')"
                ),
                {"u": world.u1.id, "f": world.fac_b.id, "t": True},
            )
        else:  # reactivate an ended assignment next to the active one
            world_hist = s.execute(select(Assignment).where(Assignment.umkm_id == world.u1.id))
            current = world_hist.scalar_one()
            s.add(
                Assignment(
                    umkm_id=world.u1.id,
                    facilitator_id=world.fac_b.id,
                    active=False,
                    started_at=current.started_at,
                    ended_at=current.started_at,
                    assigned_by="sql",
                )
            )
            s.flush()
            s.execute(
                text("UPDATE assignment SET active = :t, ended_at = NULL WHERE active = :f"),
                {"t": True, "f": False},
            )
    with world.store.read() as s:
        n = s.execute(
            select(func.count(Assignment.id)).where(
                Assignment.umkm_id == world.u1.id, Assignment.active.is_(True)
            )
        ).scalar_one()
    assert n == 1
