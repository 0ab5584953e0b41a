"""The Etalase's store rules (berdikari.store.showcase), on SQLite and PostgreSQL: consent and the
owner's choices, facilitator-recorded permits only, the manager's approval and take-down,
revocation removing a page at once, the audit rows, bounded photos, and the anonymous entry point
returning nothing but approved, consented pages."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from berdikari.showcase import PublicProduct
from berdikari.store.errors import AccessDenied, InvalidInput
from berdikari.store.models import AuditLog, ShowcaseListing
from berdikari.store.showcase import PublicShowcase, check_photo


def png(w=40, h=30, colour=(200, 120, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def product(world):
    return world.admin.add_product(world.u1.id, "Kerupuk Haruan Uji", "pangan-olahan")


def _opt_in(w, product, **extra):
    choices = {
        "description": "Renyah, dari ikan haruan sungai.",
        "speciality": "kerupuk-haruan",
        "show_photo": True,
        "show_whatsapp": True,
        "order_whatsapp": "0812-3456-7890",
        "show_permits": ["p-irt", "halal"],
    }
    choices.update(extra)
    return w.owner1.set_showcase_choices(w.u1.id, product.id, photo=png(), **choices)


def _public(w) -> list[PublicProduct]:
    return list(PublicShowcase(w.store).products().items)


def test_a_page_is_public_only_after_consent_and_approval_and_leaves_at_once(world, product):
    listing = _opt_in(world, product)
    assert listing.state == "draft" and listing.consent
    assert _public(world) == []  # consented, not approved
    world.manager.approve_listing(listing.listing_id)
    [page] = _public(world)
    assert page.product_name == "Kerupuk Haruan Uji" and page.regency == "Palangka Raya"
    assert page.order_whatsapp == "6281234567890" and page.photo_id is not None
    assert page.speciality.key == "kerupuk-haruan"
    assert PublicShowcase(world.store).product(page.slug) == page
    assert PublicShowcase(world.store).photo(page.photo_id).mime == "image/png"
    world.owner1.revoke_showcase_consent(world.u1.id, product.id)
    assert _public(world) == []
    assert PublicShowcase(world.store).product(page.slug) is None
    assert PublicShowcase(world.store).photo(page.photo_id) is None
    # agreeing again needs the manager again
    _opt_in(world, product)
    assert _public(world) == []
    world.manager.approve_listing(listing.listing_id)
    assert len(_public(world)) == 1
    world.manager.take_down_listing(listing.listing_id, "foto kurang jelas")
    assert _public(world) == []


def test_a_permit_shows_only_when_a_facilitator_recorded_it_and_the_owner_chose_it(world, product):
    listing = _opt_in(world, product, show_permits=["p-irt"])
    world.manager.approve_listing(listing.listing_id)
    # recorded by the manager: not a facilitator's record, so not shown
    world.manager.add_milestone(
        world.u1.id, "p-irt", date(2026, 11, 1), "2016271010001-31", product_id=product.id
    )
    assert _public(world)[0].permits == ()
    world.fa.add_milestone(
        world.u1.id, "p-irt", date(2026, 11, 2), "2016271010002-31", product_id=product.id
    )
    world.fa.add_milestone(world.u1.id, "halal", date(2026, 11, 3), "ID62110000012345")
    [page] = _public(world)
    assert [(p.kind, p.number) for p in page.permits] == [("p-irt", "2016271010002-31")]
    assert page.halal_number is None  # recorded, but the owner did not choose to show it


def test_showing_more_goes_back_to_the_manager_showing_less_applies_at_once(world, product):
    listing = _opt_in(world, product)
    world.manager.approve_listing(listing.listing_id)
    less = _opt_in(world, product, show_whatsapp=False)
    assert less.state == "approved" and _public(world)[0].order_whatsapp is None
    more = _opt_in(world, product, show_phone=True, order_phone="0536 322 1234")
    assert more.state == "draft" and _public(world) == []


def test_a_facilitator_opts_in_only_with_the_owner_present(world, product):
    with pytest.raises(AccessDenied) as e:
        world.fa.set_showcase_choices(world.u1.id, product.id, description="x")
    assert e.value.key == "owner-not-present"
    v = world.fa.set_showcase_choices(world.u1.id, product.id, description="x", owner_present=True)
    assert v.consent_by_role == "facilitator" and v.owner_present
    with pytest.raises(AccessDenied):
        world.fb.set_showcase_choices(world.u1.id, product.id, description="x", owner_present=True)


def test_every_change_is_in_the_audit_log(world, product):
    listing = _opt_in(world, product)
    world.manager.approve_listing(listing.listing_id)
    world.manager.take_down_listing(listing.listing_id)
    world.owner1.revoke_showcase_consent(world.u1.id, product.id)
    with world.store.read() as s:
        actions = s.execute(
            select(AuditLog.action, AuditLog.actor_role)
            .where(AuditLog.entity == "showcase_listing")
            .order_by(AuditLog.id)
        ).all()
    assert [tuple(a) for a in actions] == [
        ("showcase-consent", "owner"),
        ("showcase-approve", "manager"),
        ("showcase-take-down", "manager"),
        ("showcase-revoke", "owner"),
    ]


def test_a_bad_save_keeps_nothing(world, product):
    with pytest.raises(InvalidInput) as e:
        world.owner1.set_showcase_choices(
            world.u1.id,
            product.id,
            photo=png(),
            description="ok",
            show_whatsapp=True,
            order_whatsapp="bukan nomor",
        )
    assert e.value.key == "not-a-phone"
    with pytest.raises(InvalidInput):
        world.owner1.set_showcase_choices(world.u1.id, product.id, description="x" * 1001)
    with world.store.read() as s:
        assert s.execute(select(ShowcaseListing)).first() is None


def test_photos_are_bounded_and_decoded():
    assert check_photo(png())["mime"] == "image/png"
    for bad, key in (
        (b"", "photo-empty"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "photo-type"),  # a PNG signature, not a picture
        (png()[:60], "photo-type"),  # truncated
        (b"GIF89a" + b"0" * 10, "photo-type"),
        (b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), "photo-too-big"),
    ):
        with pytest.raises(InvalidInput) as e:
            check_photo(bad)
        assert e.value.key == key


def test_the_public_entry_point_filters_and_never_errors(world, product):
    listing = _opt_in(world, product)
    world.manager.approve_listing(listing.listing_id)
    pub = PublicShowcase(world.store)
    assert pub.products(regency="PKY").total == 1
    assert pub.products(regency="KPS").total == 0
    assert pub.products(speciality="kerupuk-haruan", category="pangan-olahan").total == 1
    assert pub.products(query="haruan").total == 1
    assert pub.products(query="100%_").total == 0
    assert pub.products(query="x" * 500).total == 0
    assert pub.products(page=0).items == () and pub.products(page="2").items == ()
    assert pub.product("../etc") is None and pub.photo(-1) is None
    facets = pub.facets()
    assert [(f.key, f.count) for f in facets["regency"]] == [("PKY", 1)]
    assert [f.key for f in facets["speciality"]] == ["kerupuk-haruan"]
    assert pub.changed_at() is not None


def test_the_public_product_carries_nothing_else_about_the_umkm(world, product):
    listing = _opt_in(world, product)
    world.manager.approve_listing(listing.listing_id)
    [page] = _public(world)
    carried = " ".join(str(v) for v in vars(page).values())
    for secret in (world.u1.code, world.u1.owner_name, "Ibu Satu"):
        assert secret not in carried


def test_awards_appear_once_the_hand_over_event_has_taken_place(world, product):
    listing = _opt_in(world, product)
    world.manager.approve_listing(listing.listing_id)
    fa_permit = world.fa.add_milestone(
        world.u1.id, "p-irt", date(2026, 11, 2), "2016271010002-31", product_id=product.id
    )
    later = date.today() + timedelta(days=10)
    ev = world.manager.record_handover_event(
        "Penyerahan izin edar",
        later,
        "Aula BBPOM",
        [
            {"umkm_id": world.u1.id, "kind": "permit", "milestone_id": fa_permit.id},
            {"umkm_id": world.u1.id, "kind": "award", "award": "umkm-berprestasi"},
            {"umkm_id": world.u2.id, "kind": "completion"},
        ],
    )
    assert [e.kind for e in ev.entries] == ["permit", "award", "completion"]
    assert _public(world)[0].awards == ()  # not yet
    with pytest.raises(InvalidInput) as e:  # all or nothing
        world.manager.add_handover_entries(
            ev.id,
            [
                {"umkm_id": world.u2.id, "kind": "completion"},
                {"umkm_id": world.u1.id, "kind": "award", "award": "no-such-award"},
            ],
        )
    assert e.value.key == "handover-not-an-award"
    assert len(world.manager.handover_event(ev.id).entries) == 3
    world.manager.record_handover_event(
        "Penyerahan lalu",
        date(2026, 1, 5),
        "Aula",
        [{"umkm_id": world.u1.id, "kind": "award", "award": "produk-baru-terbaik"}],
    )
    [page] = _public(world)
    assert [(a.term.key, a.year) for a in page.awards] == [("produk-baru-terbaik", 2026)]


def test_the_promotion_figures_count_what_is_shown(world, product):
    listing = _opt_in(world, product)
    world.manager.approve_listing(listing.listing_id)
    world.fa.add_milestone(
        world.u1.id, "p-irt", date(2026, 11, 2), "2016271010002-31", product_id=product.id
    )
    f = world.manager.showcase_figures()
    assert (f.shown, f.with_permit, f.waiting) == (1, 1, 0)
    assert f.by_regency == (("Palangka Raya", 1, 1),)
    assert [(t.key if t else None, n, p) for t, n, p in f.by_speciality] == [
        ("kerupuk-haruan", 1, 1)
    ]
    assert world.fb.showcase_figures().shown == 0  # not their UMKM


def test_the_manager_extends_the_vocabularies(world):
    t = world.manager.add_showcase_term("award", "Inovasi kemasan", "Packaging innovation")
    keys = [x.term.key for x in world.owner1.showcase_terms("award")]
    assert t.term.key in keys and "umkm-berprestasi" in keys
    with pytest.raises(InvalidInput):
        world.manager.add_showcase_term("award", "Inovasi kemasan", "again")
    with pytest.raises(AccessDenied):
        world.fa.add_showcase_term("speciality", "Kue lam", "Lam cake")


def test_migration_0005_goes_down_and_up_with_showcase_rows(world, product, store):
    from berdikari.store import db

    listing = _opt_in(world, product)
    world.manager.approve_listing(listing.listing_id)
    m = world.fa.add_milestone(world.u1.id, "p-irt", date(2026, 11, 2), "1", product_id=product.id)
    world.manager.record_handover_event(
        "Penyerahan", date(2026, 11, 3), "Aula",
        [{"umkm_id": world.u1.id, "kind": "permit", "milestone_id": m.id}],
    )  # fmt: skip
    db.downgrade(store.engine, "0004")
    db.upgrade(store.engine)
    # the role of an earlier milestone comes back from its audit row
    with store.read() as s:
        from berdikari.store.models import Milestone

        assert s.get(Milestone, m.id).recorded_by_role == "facilitator"


def test_an_approved_page_without_consent_is_never_public(world, product, store):
    """The public filter needs both: an approved row whose consent is gone (whatever wrote it)
    is not shown."""
    listing = _opt_in(world, product)
    world.manager.approve_listing(listing.listing_id)
    with store.write() as s:
        s.get(ShowcaseListing, listing.listing_id).consent = False
    assert _public(world) == [] and PublicShowcase(store).products().total == 0
