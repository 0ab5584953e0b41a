"""Answers survive the rush: 30 signed-in owners answer at once; every answer is stored.

Each owner signs in through the app's session layer (``berdikari.apps.session.sign_in``), as the
owner app does, and saves one answer per tap from its own thread (each app kernel has its own
connection). A save returns only after the commit, so every save that returned is counted in the
database afterwards. On SQLite and on a real PostgreSQL server. Save times are measured in
``benchmarks/bench_answers_rush.py``, not here.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from berdikari.apps.session import sign_in
from berdikari.checklists import load
from berdikari.store.models import Answer

OWNERS = 30
CHECKLIST = "uji-irtp"
VALUES = ("yes", "no", "partial", "unknown", "na")


def test_thirty_owners_answering_at_once_lose_no_answer(store, admin):
    items = [i.id for i in load(CHECKLIST).items]
    owners = [
        admin.add_umkm(f"UMKM Ramai {n:02d}", f"Pemilik {n:02d}", "Kapuas", ["pangan-olahan"])
        for n in range(OWNERS)
    ]
    sessions = [sign_in(umkm.code, pin, store=store) for umkm, pin in owners]
    barrier = threading.Barrier(OWNERS)

    def answer_all(n: int) -> int:
        session = sessions[n]
        session.open_checklist(CHECKLIST)
        barrier.wait()
        saved = 0
        for k, item in enumerate(items):
            if session.save_answer(CHECKLIST, item, VALUES[(n + k) % len(VALUES)], f"ke-{n}"):
                saved += 1
        return saved

    with ThreadPoolExecutor(OWNERS) as pool:
        confirmed = list(pool.map(answer_all, range(OWNERS)))

    assert confirmed == [len(items)] * OWNERS  # every tap got its "tersimpan"
    with store.read() as s:
        stored = s.execute(select(func.count(Answer.id))).scalar_one()
        per_owner = s.execute(
            select(Answer.assessment_id, func.count(Answer.id)).group_by(Answer.assessment_id)
        ).all()
    assert stored == OWNERS * len(items)
    assert sorted(n for _, n in per_owner) == [len(items)] * OWNERS
    # each owner sees exactly their own answers when they come back
    for n, (umkm, pin) in enumerate(owners[:3]):
        again = sign_in(umkm.code, pin, store=store).open_checklist(CHECKLIST)
        assert len(again.answers) == len(items)
        assert again.answers[items[0]] == VALUES[n % len(VALUES)]
