"""A small programme for the staff apps' tests: two facilitators, a manager, three UMKM.

Everything goes through the service layer. Owner-typed text holds HTML and script on purpose, so
the tests can prove it is shown as text.
"""

from __future__ import annotations

import pytest

from berdikari.checklists import load
from berdikari.store.auth import Identity, sign_in_owner, system_identity
from berdikari.store.service import Service

PASSWORD = "rahasia-pendamping-1"
EVIL_NAME = "Keripik <script>alert(1)</script> & <b>Jaya</b>"
EVIL_NOTE = "<img src=x onerror=alert(2)> pakai <i>plastik</i>"
CPPOB = "cppob-irtp"


def seed(store) -> dict:
    admin = Service(store, system_identity())
    org = admin.add_organisation("Universitas <Palangka> Raya", "perguruan-tinggi")
    fa = admin.add_staff("pendamping.a", "Pendamping Ani", "facilitator", PASSWORD, org)
    fb = admin.add_staff("pendamping.b", "Pendamping Budi", "facilitator", PASSWORD, org)
    mg = admin.add_staff("manajer", "Manajer Program", "manager", PASSWORD)
    u1, pin1 = admin.add_umkm(
        name=EVIL_NAME,
        owner_name="Ibu <Sari>",
        regency="Kota Palangka Raya",
        categories=["pangan-olahan"],
    )
    u2, _ = admin.add_umkm(
        name="Jamu Sehat Budi",
        owner_name="Pak Budi",
        regency="Kapuas",
        categories=["pangan-olahan"],
    )
    u3, _ = admin.add_umkm(
        name="Dodol Ani",
        owner_name="Ibu Ani",
        regency="Kapuas",
        categories=["pangan-olahan"],
    )
    admin.assign(u1.id, fa.id)
    admin.assign(u2.id, fb.id)
    admin.assign(u3.id, fa.id)
    # the owner of u1 fills CPPB-IRT (all yes but the first item, with a hostile note) and submits
    owner = Service(store, sign_in_owner(store, u1.code, pin1))
    c = load(CPPOB)
    draft = owner.start_or_resume_assessment(u1.id, CPPOB)
    answers = {i.id: ("yes", None) for i in c.items}
    answers[c.items[0].id] = ("no", EVIL_NOTE)
    owner.save_answers(draft.id, answers)
    owner.submit_assessment(draft.id)
    return {
        "org": org,
        "fa": fa,
        "fb": fb,
        "manager": mg,
        "u1": u1,
        "u2": u2,
        "u3": u3,
        "pin1": pin1,
        "submitted": draft.id,
        "password": PASSWORD,
    }


def identity(store, username: str) -> Identity:
    from berdikari.store.auth import sign_in_staff

    return sign_in_staff(store, username, PASSWORD)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Argon2id with small costs while seeding and signing in (the format and code path are the
    production ones; the store tests check the real parameters). Import it into a test module."""
    from argon2 import PasswordHasher

    from berdikari.store import auth

    monkeypatch.setattr(
        auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
