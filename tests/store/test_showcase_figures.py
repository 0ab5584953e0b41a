"""The promotion figures (store/showcase_figures.py) equal what the public showcase shows, by
regency and speciality, and drop at once when a page is taken down or its consent revoked."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import event, select

from berdikari.store.auth import sign_in_staff, system_identity
from berdikari.store.models import ShowcaseListing, Umkm
from berdikari.store.service import Service
from berdikari.store.showcase import PublicShowcase
from berdikari.store.showcase_figures import figures
from tests.store.test_demo_showcase import PASSWORD, TODAY, _fill, _programme


def _figures(store, umkm_ids=None):
    with store.read() as s:
        return figures(s, umkm_ids if umkm_ids is not None else select(Umkm.id))


def _expected(store):
    """The figures counted from the public pages themselves, one by one."""
    public = PublicShowcase(store).all_products()
    shown, permit = (
        Counter(p.regency for p in public),
        Counter(p.regency for p in public if p.permits),
    )
    sp = Counter(p.speciality.key if p.speciality else None for p in public)
    sp_permit = Counter(p.speciality.key if p.speciality else None for p in public if p.permits)
    return (
        len(public),
        sum(1 for p in public if p.permits),
        tuple((r, shown[r], permit[r]) for r in sorted(shown)),
        {k: (sp[k], sp_permit[k]) for k in sp},
    )


def _actual(f):
    return (
        f.shown,
        f.with_permit,
        f.by_regency,
        {(t.key if t else None): (n, p) for t, n, p in f.by_speciality},
    )


def test_figures_match_the_public_pages_and_drop_when_one_goes(store):
    made = _programme(store)
    _fill(store)
    f = _figures(store)
    assert _actual(f) == _expected(store)
    # three shown: one with a P-IRT (the tea's number was typed by the manager: not a permit)
    assert (f.shown, f.with_permit, f.waiting) == (3, 1, 2)
    assert [t.key if t else None for t, _n, _p in f.by_speciality] == [
        "kerupuk-haruan",
        "madu-kelulut",
        "teh-kelakai",
    ]

    manager = Service(store, sign_in_staff(store, "manajer.demo", PASSWORD))
    queue = {x.umkm_name: x for x in manager.showcase_queue()}
    manager.take_down_listing(queue["Kerupuk Haruan Satu"].listing_id, "uji")
    f = _figures(store)
    assert (f.shown, f.with_permit) == (2, 0) and _actual(f) == _expected(store)

    # a waiting page approved counts at once; its owner revoking consent drops it again
    manager.approve_listing(queue["Jamu Dua"].listing_id)
    f = _figures(store)
    assert (f.shown, f.with_permit, f.waiting) == (3, 1, 1) and _actual(f) == _expected(store)
    u, p = made["jamu"]
    facilitator = Service(store, sign_in_staff(store, "pendamping.demo", PASSWORD))
    facilitator.revoke_showcase_consent(u.id, p.id)  # the owner told the facilitator
    f = _figures(store)
    assert (f.shown, f.with_permit, f.waiting) == (2, 0, 1) and _actual(f) == _expected(store)


def test_figures_count_only_the_umkm_given(store):
    made = _programme(store)
    _fill(store)
    kerupuk, _p = made["kerupuk"]
    f = _figures(store, select(Umkm.id).where(Umkm.id == kerupuk.id))
    assert (f.shown, f.with_permit, f.by_regency) == (1, 1, (("Kapuas", 1, 1),))
    assert _figures(store, select(Umkm.id).where(Umkm.id < 0)).shown == 0


def test_figures_take_one_query_whatever_the_pages(store):
    _programme(store)
    _fill(store)
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with store.read() as s:
        event.listen(store.engine, "before_cursor_execute", count)
        try:
            f = figures(s, select(Umkm.id))
        finally:
            event.remove(store.engine, "before_cursor_execute", count)
    assert f.shown == 3 and len(statements) == 1, statements


def test_a_permit_counts_only_if_shown_recorded_by_a_facilitator_for_that_product(store):
    made = _programme(store)
    _fill(store)
    madu, _p = made["madu"]
    other = Service(store, system_identity()).add_product(
        madu.id, "Madu botol kecil", "pangan-olahan"
    )
    facilitator = Service(store, sign_in_staff(store, "pendamping.demo", PASSWORD))
    facilitator.add_milestone(madu.id, "p-irt", TODAY, "2066271010777-30", other.id)
    with store.write() as s:
        pages = {x.umkm_id: x.id for x in s.execute(select(ShowcaseListing)).scalars()}
        s.get(ShowcaseListing, pages[made["teh"][0].id]).show_permits = ["p-irt"]  # manager's
        s.get(ShowcaseListing, pages[madu.id]).show_permits = ["p-irt"]  # another product's
    f = _figures(store)
    assert (f.shown, f.with_permit) == (3, 1) and _actual(f) == _expected(store)
    with store.write() as s:  # the owner shows the halal number only, not the P-IRT
        s.get(ShowcaseListing, pages[made["kerupuk"][0].id]).show_permits = ["halal"]
    f = _figures(store)
    assert (f.shown, f.with_permit) == (3, 0) and _actual(f) == _expected(store)
