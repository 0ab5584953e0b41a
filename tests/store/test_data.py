"""berdikari.data.frames: the analysts' DataFrames respect the caller's role and hold no secret."""

from __future__ import annotations

from datetime import date

import pytest

from berdikari.data import TABLES, frames
from berdikari.store.errors import AccessDenied


def _fill(w):
    for svc, fac, umkm in ((w.owner1, w.fa, w.u1), (w.owner2, w.fb, w.u2)):
        a = svc.start_or_resume_assessment(umkm.id, "uji-label")
        svc.save_answers(
            a.id, {f"UJILBL-0{s}.0{n}": ("yes", None) for s in (1, 2) for n in (1, 2, 3)}
        )
        svc.submit_assessment(a.id)
        fac.record_visit(umkm.id, date(2026, 11, 10), "Kunjungan")
        fac.add_action(umkm.id, "Perbaiki label", date(2026, 12, 1), "UJILBL-01.01")
        fac.add_milestone(umkm.id, "nib", date(2026, 10, 1), "9120001234567")


@pytest.mark.parametrize(
    ("who", "expected"),
    [("owner1", {"u1"}), ("fb", {"u2"}), ("manager", {"u1", "u2"})],
)
def test_frames_hold_only_what_the_role_may_see(world, who, expected):
    _fill(world)
    identity = getattr(world, who).identity
    df = frames(identity, store=world.store)
    assert set(TABLES) <= set(df)
    ids = {getattr(world, u).id for u in expected}
    for name in ("umkm", "assessments", "answers", "actions", "milestones", "visits"):
        assert set(df[name]["umkm_id"]) == ids, name
    assert len(df["answers"]) == 6 * len(ids)
    text = " ".join(df[name].to_csv() for name in df)
    for secret in ("argon2", world.pin1, world.pin2, "sandi-uji"):
        assert secret not in text


def test_frames_refuse_a_disabled_account(world):
    world.admin.set_staff_active(world.fac_b.id, False)
    with pytest.raises(AccessDenied):
        frames(world.fb.identity, store=world.store)
