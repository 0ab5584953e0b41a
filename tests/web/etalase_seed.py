"""A real store with a showcase, made through the service layer as the programme would make it.

One UMKM agreed to show its honey and chose what to show; its facilitator recorded the permit; the
manager approved it. The same UMKM has things that must never be public (an address, the owner's
name and phone, a PIN, a NIB, an assessment with a hostile note, a second product it did not put
on the showcase, a halal milestone the owner did not choose to show); a second UMKM never agreed.
:data:`SECRETS` lists those texts, for the tests that look for them on every public answer.
"""

from __future__ import annotations

from datetime import date

from berdikari.checklists import load
from berdikari.store.auth import sign_in_owner, sign_in_staff, system_identity
from berdikari.store.service import Service
from tests.web.etalase_fixtures import photo_bytes

PASSWORD = "rahasia-pendamping-1"
PRODUCT = "Madu Kelulut <script>alert(1)</script>"
DESCRIPTION = 'Madu hutan <img src=x onerror=alert(2)> dari "Sebangau"'
SECRETS = {
    "address": "Jl. Rahasia Gambut No. 77",
    "owner": "Ibu Suryani Rahasia",
    "owner_phone": "0811-5555-0001",
    "nib": "9120001234567",
    "note": "catatan-penilaian-rahasia",
    "hidden_product": "Produk Tersembunyi",
    "hidden_halal": "ID62110000999990001",
    "other_umkm": "Usaha Tanpa Izin Tampil",
    "other_product": "Produk Belum Setuju",
}


def seed(store) -> dict:
    admin = Service(store, system_identity())
    org = admin.add_organisation("Universitas Palangka Raya", "perguruan-tinggi")
    fa = admin.add_staff("pendamping.etalase", "Pendamping Eta", "facilitator", PASSWORD, org)
    admin.add_staff("manajer.etalase", "Manajer Eta", "manager", PASSWORD)
    u, pin = admin.add_umkm(
        name="Kelulut <b>Jaya</b>",
        owner_name=SECRETS["owner"],
        regency="Kota Palangka Raya",
        categories=["pangan-olahan"],
        owner_phone=SECRETS["owner_phone"],
        address=SECRETS["address"],
        nib=SECRETS["nib"],
    )
    other, _ = admin.add_umkm(
        name=SECRETS["other_umkm"],
        owner_name="Pak Lain",
        regency="Kapuas",
        categories=["pangan-olahan"],
    )
    admin.assign(u.id, fa.id)
    admin.assign(other.id, fa.id)
    honey = admin.add_product(u.id, PRODUCT, "pangan-olahan")
    hidden = admin.add_product(u.id, SECRETS["hidden_product"], "pangan-olahan")
    admin.add_product(other.id, SECRETS["other_product"], "pangan-olahan")

    facilitator = Service(store, sign_in_staff(store, "pendamping.etalase", PASSWORD))
    facilitator.add_milestone(u.id, "p-irt", date(2026, 10, 1), "2066271010123-30", honey.id)
    facilitator.add_milestone(u.id, "halal", date(2026, 10, 2), SECRETS["hidden_halal"], honey.id)
    facilitator.add_milestone(u.id, "p-irt", date(2026, 10, 3), "2066271010999-30", hidden.id)

    owner = Service(store, sign_in_owner(store, u.code, pin))
    c = load("cppob-irtp")
    draft = owner.start_or_resume_assessment(u.id, c.id)
    owner.save_answers(draft.id, {c.items[0].id: ("no", SECRETS["note"])})
    listing = owner.set_showcase_choices(
        u.id,
        honey.id,
        photo=photo_bytes(1200, 900),
        description=DESCRIPTION,
        speciality="madu-kelulut",
        show_photo=True,
        show_whatsapp=True,
        show_phone=False,
        show_permits=["p-irt"],
        order_whatsapp="0812-3456-7890",
    )
    manager = Service(store, sign_in_staff(store, "manajer.etalase", PASSWORD))
    manager.approve_listing(listing.listing_id)
    return {
        "umkm": u,
        "pin": pin,
        "honey": honey,
        "listing": listing,
        "slug": listing.slug,
        "owner": owner,
        "manager": manager,
    }
