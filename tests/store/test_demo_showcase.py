"""The demo's Etalase (store/demo_showcase.py) on a small store: who is shown, which numbers, which
awards, which pages wait for the manager. The whole demo's showcase is checked in test_demo.py."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import select

from berdikari.store import demo_showcase
from berdikari.store.auth import sign_in_staff, system_identity
from berdikari.store.models import Account, Milestone, Umkm
from berdikari.store.service import Service
from berdikari.store.showcase import PublicShowcase

PASSWORD = "rahasia-pendamping-9"
TODAY = date(2026, 12, 3)
REGENCIES = ("Kapuas", "Katingan", "Kota Palangka Raya")


def _programme(store):
    """Seven UMKM: three with a facilitator-recorded permit, two honey makers without one, a
    tea maker whose number the manager typed (not a facilitator), and a soap maker the demo
    draws no picture for."""
    admin = Service(store, system_identity())
    fa = admin.add_staff("pendamping.demo", "Pendamping Demo", "facilitator", PASSWORD)
    admin.add_staff("manajer.demo", "Manajer Demo", "manager", PASSWORD)
    made = {}
    for key, name, product, category in (
        ("kerupuk", "Kerupuk Haruan Satu", "Kerupuk ikan haruan", "pangan-olahan"),
        ("jamu", "Jamu Dua", "Jamu kunyit asam", "obat-tradisional"),
        ("amplang", "Amplang Tiga", "Amplang ikan pipih", "pangan-olahan"),
        ("madu", "Madu Kelulut Empat", "Madu kelulut", "pangan-olahan"),
        ("madu2", "Madu Kelulut Lima", "Madu kelulut", "pangan-olahan"),
        ("teh", "Teh Kelakai Enam", "Teh kelakai", "pangan-olahan"),
        ("sabun", "Sabun Tujuh", "Sabun madu kelulut", "kosmetik"),
    ):
        regency = REGENCIES[len(made) % len(REGENCIES)]
        u, _pin = admin.add_umkm(name, "Ibu Contoh", regency, [category])
        admin.assign(u.id, fa.id)
        made[key] = (u, admin.add_product(u.id, product, category))
    facilitator = Service(store, sign_in_staff(store, "pendamping.demo", PASSWORD))
    numbers = {"kerupuk": ("p-irt", "2066271010123-30"), "jamu": ("bpom-tr", "POM TR 123")}
    numbers["amplang"] = ("p-irt", "2066271010456-30")
    numbers["sabun"] = ("bpom-na", "NA 999")
    for key, (kind, number) in numbers.items():
        u, p = made[key]
        facilitator.add_milestone(u.id, kind, TODAY - timedelta(days=30), number, p.id)
    with store.write() as s:
        u, p = made["teh"]
        s.add(
            Milestone(
                umkm_id=u.id,
                kind="p-irt",
                achieved_on=TODAY - timedelta(days=20),
                number="NOMOR-KETIKAN-MANAJER",
                product_id=p.id,
                recorded_by="Manajer Demo",
                recorded_by_role="manager",
            )
        )
    return made


def _fill(store):
    with store.write() as s:
        umkms = list(s.execute(select(Umkm).order_by(Umkm.id)).scalars())
        manager = s.execute(select(Account).where(Account.role == "manager")).scalar_one()
        return len(demo_showcase.fill(s, umkms, manager, TODAY, 2026))


def test_demo_showcase_shows_permitted_and_local_products(store, monkeypatch):
    made = _programme(store)
    monkeypatch.setattr("berdikari.store.showcase.today", lambda: TODAY)
    assert _fill(store) == 3
    public = PublicShowcase(store).all_products()
    by_name = {p.umkm_name: p for p in public}
    # the first permitted business and one of each speciality; the two permitted last wait
    assert set(by_name) == {"Kerupuk Haruan Satu", "Madu Kelulut Empat", "Teh Kelakai Enam"}
    assert [(x.kind, x.number) for x in by_name["Kerupuk Haruan Satu"].permits] == [
        ("p-irt", "2066271010123-30")
    ]
    # a number the manager typed is never shown, nor used to pick the business as permitted
    assert by_name["Teh Kelakai Enam"].permits == ()
    assert by_name["Madu Kelulut Empat"].speciality.key == "madu-kelulut"
    # the past day's awards are on the showcase; the coming day's award is not (yet)
    awards = {p.umkm_name: [a.term.key for a in p.awards] for p in public}
    assert awards["Kerupuk Haruan Satu"] == ["umkm-berprestasi"]
    assert awards["Madu Kelulut Empat"] == ["produk-unggulan-daerah"]
    assert demo_showcase.COMING_AWARD not in {k for v in awards.values() for k in v}
    # each photo is a drawing Pillow can read, without EXIF data
    for p in public:
        photo = PublicShowcase(store).photo(p.photo_id)
        with Image.open(io.BytesIO(photo.content)) as im:
            assert im.format == "JPEG" and im.size == (720, 540) and not im.getexif()
    # the two permitted pages agreed last wait for the manager, consented
    manager = Service(store, sign_in_staff(store, "manajer.demo", PASSWORD))
    waiting = [x for x in manager.showcase_queue("draft") if x.consent]
    assert {x.umkm_name for x in waiting} == {"Jamu Dua", "Amplang Tiga"}
    assert {x.product_name for x in manager.showcase_queue()} <= {
        p.name for _u, p in made.values() if p.name != "Sabun madu kelulut"
    }


def test_demo_showcase_awards_appear_on_their_day(store, monkeypatch):
    _programme(store)
    _fill(store)
    later = TODAY + timedelta(days=14)
    monkeypatch.setattr("berdikari.store.showcase.today", lambda: later)
    awards = {a.term.key for p in PublicShowcase(store).all_products() for a in p.awards}
    # the coming day has come: its award is on the showcase now
    assert awards == {"umkm-berprestasi", "produk-unggulan-daerah", demo_showcase.COMING_AWARD}
