"""Non-food checklists (jamu, cosmetics): they load, target the right products and permits, use the
scoring rule they promise, and the forbidden-ingredient list fails on a single "no".

These read the project's real files in ``checklists/`` and ``guides/``.
"""

from __future__ import annotations

import pytest

from berdikari import checklists as cl
from berdikari.scoring import score

# checklist id -> (categories, routes, scoring rule, item-ID prefix)
EXPECTED = {
    "cpotb-bertahap": ({"obat-tradisional"}, {"bpom-tr"}, "readiness", "CPOTB-"),
    "registrasi-tr": ({"obat-tradisional"}, {"bpom-tr"}, "readiness", "REG-TR-"),
    "notifikasi-kosmetik": ({"kosmetik"}, {"bpom-na"}, "readiness", "NOTIF-KOS-"),
    "cpkb-golongan": ({"kosmetik"}, {"bpom-na"}, "readiness", "CPKB-"),
    "label-obat-tradisional": ({"obat-tradisional"}, {"bpom-tr"}, "readiness", "LABEL-OT-"),
    "label-kosmetik": ({"kosmetik"}, {"bpom-na"}, "readiness", "LABEL-KOS-"),
    "bahan-dilarang": (
        {"obat-tradisional", "kosmetik"},
        {"bpom-tr", "bpom-na"},
        "never",
        "DILARANG-",
    ),
}


@pytest.fixture(scope="module")
def all_checklists() -> dict[str, cl.Checklist]:
    return cl.load_all()


@pytest.mark.parametrize("checklist_id", sorted(EXPECTED))
def test_checklist_loads_and_validates(checklist_id, all_checklists):
    assert checklist_id in all_checklists, f"{checklist_id}.yaml missing or invalid"
    path = cl.settings().checklists_dir / f"{checklist_id}.yaml"
    # load_file raises ChecklistError (with every located problem) on any invalid field or link
    assert cl.load_file(path).id == checklist_id


@pytest.mark.parametrize("checklist_id", sorted(EXPECTED))
def test_categories_routes_and_rule(checklist_id, all_checklists):
    categories, routes, rule, prefix = EXPECTED[checklist_id]
    c = all_checklists[checklist_id]
    assert set(c.applies_to.categories) == categories
    assert set(c.applies_to.routes) == routes
    assert c.scoring.rule == rule
    assert c.items, "a checklist needs items"
    assert all(i.id.startswith(prefix) for i in c.items), [i.id for i in c.items]


@pytest.mark.parametrize("checklist_id", sorted(EXPECTED))
def test_programme_grading_is_said_out_loud(checklist_id, all_checklists):
    """No regulation grades these findings, so the page must say the grades are the programme's."""
    c = all_checklists[checklist_id]
    assert c.scoring.graded_by == "programme"
    assert "program" in c.scoring.explanation.id.lower()
    assert "programme" in c.scoring.explanation.en.lower()
    assert "not" in c.scoring.explanation.en.lower()  # "... not an official BPOM grading"


@pytest.mark.parametrize("checklist_id", sorted(EXPECTED))
def test_every_item_cites_a_listed_regulation_with_a_clause(checklist_id, all_checklists):
    c = all_checklists[checklist_id]
    keys = {r.key for r in c.regulations}
    for item in c.items:
        assert item.cites.regulation in keys, item.id
        assert item.cites.clause.strip(), item.id
        assert cl.check_guide_link(item.guide, cl.settings().guides_dir) is None, item.id


def test_cpotb_sections_are_the_stages(all_checklists):
    c = all_checklists["cpotb-bertahap"]
    assert [s.id for s in c.sections] == ["U", "T1", "T2", "T3"]
    # the dosage forms each business type may make are stated in the checklist itself
    assert "param, tapel, pilis" in c.summary.id
    assert "tablet, effervescent, supositoria" in c.summary.id
    assert c.scoring.uncertain, "the stage split is unconfirmed and must say so"


def test_cpkb_separates_common_and_group_requirements(all_checklists):
    c = all_checklists["cpkb-golongan"]
    assert [s.id for s in c.sections] == ["U", "B", "A"]


def test_bahan_dilarang_has_only_kritis_items(all_checklists):
    c = all_checklists["bahan-dilarang"]
    assert len(c.items) >= 10
    assert {i.criticality for i in c.items} == {"kritis"}


def test_bahan_dilarang_names_the_substances_inspectors_find(all_checklists):
    text = " ".join(i.requirement.id.lower() for i in all_checklists["bahan-dilarang"].items)
    for substance in (
        "sildenafil",
        "tadalafil",
        "deksametason",
        "prednison",
        "parasetamol",
        "fenilbutazon",
        "metampiron",
        "merkuri",
        "hidrokinon",
        "asam retinoat",
        "rhodamin b",
        "merah k3",
    ):
        assert substance in text, substance


def test_bahan_dilarang_all_yes_passes(all_checklists):
    c = all_checklists["bahan-dilarang"]
    result = score(c, {i.id: "yes" for i in c.items})
    assert result.passed is True
    assert result.counts["kritis"] == 0
    assert result.gaps == []


@pytest.mark.parametrize("answer", ["no", "partial", "unknown"])
def test_bahan_dilarang_one_negative_answer_fails_with_one_kritis(answer, all_checklists):
    c = all_checklists["bahan-dilarang"]
    for bad in c.items:  # whichever item it is, one doubt is enough to fail
        answers = {i.id: "yes" for i in c.items}
        answers[bad.id] = answer
        result = score(c, answers)
        assert result.passed is False, bad.id
        assert result.counts["kritis"] == 1, bad.id
        assert [g.item_id for g in result.gaps] == [bad.id]


def test_bahan_dilarang_other_product_section_may_be_not_applicable(all_checklists):
    """A jamu maker answers "na" for the cosmetics section and still passes on all "yes"."""
    c = all_checklists["bahan-dilarang"]
    jamu = next(s for s in c.sections if s.id == "J")
    answers = {i.id: ("yes" if i in jamu.items else "na") for i in c.items}
    assert score(c, answers).passed is True


def test_bahan_dilarang_unanswered_item_does_not_pass(all_checklists):
    c = all_checklists["bahan-dilarang"]
    answers = {i.id: "yes" for i in c.items[1:]}
    result = score(c, answers)
    assert result.passed is False
    assert result.unanswered == [c.items[0].id]


def test_readiness_checklists_pass_only_when_complete(all_checklists):
    for checklist_id, (_, _, rule, _) in EXPECTED.items():
        if rule != "readiness":
            continue
        c = all_checklists[checklist_id]
        assert score(c, {i.id: "yes" for i in c.items}).passed is True, checklist_id
        answers = {i.id: "yes" for i in c.items}
        answers[c.items[-1].id] = "no"
        result = score(c, answers)
        assert result.passed is False, checklist_id
        assert result.readiness < 100, checklist_id
