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


# --- no dead ends (issue 11, item 7) -------------------------------------------------------------


def answer_sheets(category):
    """Every combination of answers to the category's questions (yes, no, not sure, unanswered)."""
    import itertools

    questions = routes.questions_for(category)
    for values in itertools.product([True, False, None, "missing"], repeat=len(questions)):
        yield {q.id: v for q, v in zip(questions, values, strict=True) if v != "missing"}


@pytest.mark.parametrize("category", list(routes.CATEGORIES))
def test_every_answer_combination_ends_with_something_to_do_and_an_office_to_ask(category):
    for answers in answer_sheets(category):
        rec = routes.recommend(category, answers)
        assert rec.routes, answers
        for route in rec.routes:
            assert route.contact and route.contact.id and route.contact.en, (route.id, answers)
            assert route.next_steps, route.id
        main = rec.routes[0]
        has_checklist = any(main.id in c.applies_to.routes for c in rec.checklists)
        # a route with its checklists, or reasons that say what to do instead
        assert has_checklist or rec.reasons, (category, answers)
        if not main.permit_needed or not has_checklist:
            assert rec.reasons, (category, answers)


def test_every_route_names_its_office_and_its_sources():
    for route in routes.ROUTES.values():
        assert route.contact is not None, route.id
        assert route.sources, route.id
        for s in route.sources:
            assert s.read_at.startswith("https://") and s.cites, route.id
    for contact, sources in routes.CONTACT_SOURCES.items():
        assert sources, contact


def test_bpom_routes_name_the_balai_in_palangka_raya():
    for rid in ("bpom-md", "bpom-tr", "bpom-na", "bpom-sd"):
        assert "Balai Besar POM di Palangka Raya" in routes.ROUTES[rid].contact.id, rid
    assert "Dinas Kesehatan" in routes.ROUTES["spp-irt"].contact.id
    assert "Satgas Layanan Jaminan Produk Halal" in routes.ROUTES["halal"].contact.id


def test_every_route_a_checklist_can_name_exists():
    from berdikari.checklists import PERMIT_ROUTES

    assert set(PERMIT_ROUTES) <= set(routes.ROUTES)


def test_a_jamu_maker_is_asked_about_jamu_gendong():
    [q] = routes.questions_for("obat-tradisional")
    assert "jamu gendong" in q.text.id and "jamu gendong" in q.text.en
    assert routes.questions_for("kosmetik") == ()
    assert routes.questions_for("pangan-olahan") == routes.FOOD_QUESTIONS
    with pytest.raises(ValueError, match="unknown category 'roti'"):
        routes.questions_for("roti")


def test_jamu_gendong_needs_no_permit_but_keeps_what_still_applies():
    rec = routes.recommend("obat-tradisional", {"jamu_gendong": True})
    main = rec.routes[0]
    assert main.id == "jamu-gendong" and not main.permit_needed
    assert "Pasal 4" in main.regulation and "7 Tahun 2012" in main.regulation
    assert "tidak memerlukan izin edar" in rec.reasons[0].id
    assert any("obat kimia" in r.id for r in rec.reasons[1:])  # the steps, shown as reasons
    assert main.contact.id in rec.reasons[-1].id
    steps = " ".join(s.id for s in main.next_steps)
    assert "obat kimia" in steps and "bersih" in steps and "TR" in steps
    assert "Dinas Kesehatan" in main.contact.id
    # no TR paperwork for a hawker of fresh jamu
    assert not {"cpotb-bertahap", "registrasi-tr"} & {c.id for c in rec.checklists}
    assert main.uncertain in rec.uncertain


@pytest.mark.parametrize("answer", [False, None])
def test_packaged_or_unsure_jamu_keeps_the_tr_route(answer):
    rec = routes.recommend("obat-tradisional", {"jamu_gendong": answer})
    assert rec.routes[0].id == "bpom-tr"
    assert "cpotb-bertahap" in {c.id for c in rec.checklists}
    assert bool(rec.uncertain) is (answer is None)


def test_supplements_get_their_route_and_whom_to_ask_not_a_dead_end():
    rec = routes.recommend("suplemen-kesehatan")
    main = rec.routes[0]
    assert main.id == "bpom-sd" and not rec.checklists
    steps = " ".join(s.id for s in main.next_steps)
    assert "maklon" in steps and "CPOB" in steps and "asrot.pom.go.id" in steps
    # a page that shows only the reasons still shows every step and the office
    first, *steps, ask = rec.reasons
    assert "belum punya daftar periksa" in first.id
    assert [s.id for s in steps] == [f"{i}. {s.id}" for i, s in enumerate(main.next_steps, 1)]
    assert main.contact.id in ask.id and main.contact.en in ask.en


# --- the routes file ------------------------------------------------------------------------------


def _write_routes(tmp_path, edit):
    import yaml

    data = yaml.safe_load(routes.routes_file().read_text(encoding="utf-8"))
    edit(data)
    out = tmp_path / "_routes.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def test_the_shipped_routes_file_is_valid():
    data = routes.load_routes_file()
    assert set(data.routes) == set(routes.ROUTES)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["routes"]["bpom-sd"].update(contact="nobody"), "unknown contact 'nobody'"),
        (lambda d: d["routes"].pop("bpom-na"), "bpom-na"),
        (lambda d: d["routes"]["halal"].update(sources=[]), "sources"),
        (lambda d: d["routes"]["halal"]["sources"][0].update(read_at="somewhere"), "read_at"),
        (lambda d: d["routes"]["spp-irt"].update(next_steps=[]), "next_steps"),
        # the categories and their labels are berdikari.vocab's; a second table here is refused
        (lambda d: d.update(categories={"kosmetik": {"id": "K", "en": "C"}}), "categories"),
        (lambda d: d["contact_sources"].pop("halal"), "contact_sources"),
        (lambda d: d["questions"].update(roti=[]), "unknown category 'roti'"),
        (lambda d: d["questions"]["obat-tradisional"][0].update(id="gendong"), "jamu_gendong"),
    ],
)
def test_a_broken_routes_file_is_refused_with_the_reason(tmp_path, edit, message):
    path = _write_routes(tmp_path, edit)
    with pytest.raises(routes.RoutesFileError, match=message) as exc:
        routes.load_routes_file(path)
    assert str(path) in str(exc.value)


# --- the site says the same ----------------------------------------------------------------------


def test_the_decision_guide_names_every_office_and_the_jamu_gendong_rule():
    guide = (settings().guides_dir / "mulai" / "izin-apa.md").read_text(encoding="utf-8")
    english = (settings().guides_dir / "en" / "start" / "which-permit.md").read_text("utf-8")
    for route in routes.ROUTES.values():
        office = route.contact.id.split(",")[0].split(";")[0]
        assert office in guide, (route.id, office)
    assert "{ #jamu-gendong }" in guide and "{ #jamu-gendong }" in english
    assert (
        "Peraturan Menteri Kesehatan Nomor 7 Tahun 2012 tentang Registrasi Obat Tradisional, Pasal 4 huruf a"
        in guide
    )
    assert "Minister of Health Regulation No. 7 of 2012" in english and "Article 4(a)" in english
    assert "panduan/jamu-gendong.md" in guide
