"""Permit routes: the decision between SPP-IRT and BPOM MD, and checklists chosen by data."""

from __future__ import annotations

import pytest

from berdikari import routes
from berdikari.checklists import load_all
from berdikari.config import settings

ALL_YES = {"at_home": True, "shelf_stable": True, "low_risk": True}


def ids(rec):
    return [r.id for r in rec.routes], [c.id for c in rec.checklists]


def test_home_kitchen_kerupuk_goes_to_spp_irt_with_its_checklists():
    route_ids, checklist_ids = ids(routes.recommend("pangan-olahan", ALL_YES))
    assert route_ids == ["spp-irt", "halal"]
    assert {"cppob-irtp", "spp-irt-dokumen", "label-pangan"} <= set(checklist_ids)
    assert "halal-self-declare" in checklist_ids


@pytest.mark.parametrize("failing", ["at_home", "shelf_stable", "low_risk"])
def test_any_failed_condition_sends_food_to_bpom_md(failing):
    rec = routes.recommend("pangan-olahan", {**ALL_YES, failing: False})
    assert [r.id for r in rec.routes][0] == "bpom-md"
    assert "cppob-irtp" not in [c.id for c in rec.checklists]
    assert rec.reasons


def test_not_sure_keeps_spp_irt_but_says_to_check():
    rec = routes.recommend("pangan-olahan", {"at_home": True})
    assert rec.routes[0].id == "spp-irt" and rec.uncertain


@pytest.mark.parametrize(
    ("category", "route"),
    [("obat-tradisional", "bpom-tr"), ("kosmetik", "bpom-na"), ("suplemen-kesehatan", "bpom-sd")],
)
def test_non_food_routes(category, route):
    rec = routes.recommend(category)
    assert rec.routes[0].id == route
    assert all(category in c.applies_to.categories for c in rec.checklists)


def test_checklists_are_chosen_by_their_data_only():
    for category in routes.CATEGORIES:
        for route_id in routes.ROUTES:
            expected = {
                c.id
                for c in load_all().values()
                if category in c.applies_to.categories and route_id in c.applies_to.routes
            }
            rec_ids = set(ids(routes.recommend(category, ALL_YES))[1])
            if route_id in [r.id for r in routes.recommend(category, ALL_YES).routes]:
                assert expected <= rec_ids


def test_unknown_category_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown category 'roti'"):
        routes.recommend("roti")


def test_every_route_tutorial_exists():
    for route in routes.ROUTES.values():
        assert (settings().guides_dir / route.tutorial).is_file(), route.tutorial


@pytest.mark.parametrize("category", ["obat-tradisional", "kosmetik", "suplemen-kesehatan"])
def test_non_food_halal_route_points_to_the_non_food_halal_guide(category):
    # the self-declare tutorial is written for food (its deadline, its free route)
    halal = next(r for r in routes.recommend(category).routes if r.id == "halal")
    assert halal.tutorial == routes.NONFOOD_HALAL_TUTORIAL
    assert (settings().guides_dir / halal.tutorial).is_file()
    food = routes.recommend("pangan-olahan", ALL_YES).routes
    assert next(r for r in food if r.id == "halal").tutorial == "langkah/halal-self-declare.md"
