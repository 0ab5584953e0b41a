"""The manager's screen counts the Etalase (issue 15 point 6): products shown and those shown
with a permit, by regency and speciality, in words; a take-down lowers the figures."""

from __future__ import annotations

import re

import pytest

from berdikari import promotion
from berdikari.apps.programme import ProgrammeApp
from berdikari.apps.staff import StaffSession
from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from tests.apps.staff_helpers import all_html, one
from tests.apps.staff_seed import cheap_hashing, identity, seed  # noqa: F401


@pytest.fixture
def world():
    store = open_store("sqlite://")
    data = seed(store)
    admin = Service(store, system_identity())
    honey = admin.add_product(data["u1"].id, "Madu <b>kelulut</b>", "pangan-olahan")
    fa = Service(store, identity(store, "pendamping.a"))
    fa.add_milestone(data["u1"].id, "p-irt", "2026-11-01", "P-IRT 123", honey.id)
    listing = fa.set_showcase_choices(
        data["u1"].id,
        honey.id,
        owner_present=True,
        description="Madu hutan",
        speciality="madu-kelulut",
        show_permits=["p-irt"],
    )
    manager = Service(store, identity(store, "manajer"))
    manager.approve_listing(listing.listing_id)
    yield store, manager, listing
    store.close()


def _promotion(store, lang="id") -> dict[str, tuple[str, str]]:
    app = ProgrammeApp(
        session=StaffSession(store, identity(store, "manajer")),
    )
    html = all_html(one(app.root, "bdk-promotion-widget"))
    cells = re.findall(
        r'<td data-col="name"[^>]*>([^<]*)</td><td data-col="shown"[^>]*>(\d+)</td>'
        r'<td data-col="with_permit"[^>]*>(\d+)</td>',
        html,
    )
    return {name: (shown, permit) for name, shown, permit in cells}


def test_the_manager_sees_what_the_etalase_shows_and_it_drops_on_take_down(world):
    store, manager, listing = world
    got = _promotion(store)
    assert got["Seluruh program"] == ("1", "1")
    assert got[listing.regency] == ("1", "1")
    assert got["Madu kelulut"] == ("1", "1")  # the speciality in words, not its key
    assert "madu-kelulut" not in got
    manager.take_down_listing(listing.listing_id, "uji")
    got = _promotion(store)
    assert got["Seluruh program"] == ("0", "0") and listing.regency not in got


def test_promotion_rows_are_words_in_both_languages(world):
    store, manager, _listing = world
    f = manager.showcase_figures()
    for lang, whole in (("id", "Seluruh program"), ("en", "Whole programme")):
        rows = promotion.rows(f, lang)
        assert rows[0]["group"] == whole and rows[0]["shown"] == 1
        assert all(set(r) == set(promotion.COLUMNS) for r in rows)
        assert "madu-kelulut" not in str(rows)


def _promotion_sheet(manager, tmp_path, lang="id") -> dict[str, tuple]:
    import openpyxl

    from berdikari import reports

    path = tmp_path / f"program-{lang}.xlsx"
    reports.write_programme_workbook(manager, path, lang)
    wb = openpyxl.load_workbook(path, read_only=True)
    sheet = {"id": "Promosi", "en": "Promotion"}[lang]
    assert sheet in wb.sheetnames
    lines = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    assert lines[0] == tuple(promotion.headers(lang)[c] for c in promotion.COLUMNS)
    return {line[1]: (line[2], line[3]) for line in lines[1:]}


def test_the_programme_workbook_counts_the_etalase_and_drops_on_take_down(world, tmp_path):
    """The Excel export carries the same promotion figures as the screen, in words."""
    store, manager, listing = world
    got = _promotion_sheet(manager, tmp_path)
    assert got["Seluruh program"] == (1, 1)
    assert got[listing.regency] == (1, 1) and got["Madu kelulut"] == (1, 1)
    assert "madu-kelulut" not in got
    assert _promotion_sheet(manager, tmp_path, "en")["Whole programme"] == (1, 1)
    manager.take_down_listing(listing.listing_id, "uji")
    got = _promotion_sheet(manager, tmp_path)
    assert got["Seluruh program"] == (0, 0) and listing.regency not in got
