"""An assessment on an old checklist version continues on the new one (issue 14).

The old assessment is a real one: the halal self-declare checklist as it stood at version 1.0
(the shipped 2.0 file with the two renumbered items given back their 1.0 IDs), answered and
submitted by the owner, then the shipped 2.0 file comes into force. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from berdikari import versions

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "checklists"
RENUMBERED = {"HALAL-SD-01.05": "HALAL-SD-01.02", "HALAL-SD-01.06": "HALAL-SD-01.04"}


def _use(monkeypatch, directory: Path) -> None:
    monkeypatch.setenv("BERDIKARI_CHECKLISTS_DIR", str(directory))
    monkeypatch.setenv("BERDIKARI_GUIDES_DIR", str(REPO / "guides"))


def _version_1_0(tmp_path: Path) -> Path:
    d = tmp_path / "v1"
    d.mkdir()
    text = (REAL / "halal-self-declare.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2.0"', 'version: "1.0"', 1)
    for new, old in RENUMBERED.items():
        text = text.replace(f"id: {new}\n", f"id: {old}\n")
    (d / "halal-self-declare.yaml").write_text(text, encoding="utf-8")
    shutil.copy(REAL / "_mapping.yaml", d / "_mapping.yaml")
    return d


@pytest.fixture
def old_assessment(world, tmp_path, monkeypatch):
    _use(monkeypatch, _version_1_0(tmp_path))
    a = world.owner1.start_or_resume_assessment(world.u1.id, "halal-self-declare")
    assert a.checklist_version == "1.0"
    from berdikari import checklists as cl

    ids = [i.id for i in cl.load("halal-self-declare").items]
    answers = {i: ("yes", None) for i in ids}
    answers["HALAL-SD-01.02"] = ("no", "omzet di atas Rp500 juta")
    answers["HALAL-SD-02.02"] = ("partial", "minyak belum berlogo halal")
    world.owner1.save_answers(a.id, answers)
    world.owner1.submit_assessment(a.id)
    _use(monkeypatch, REAL)  # version 2.0 comes into force
    return a


def test_new_draft_keeps_the_answers_that_still_hold(world, old_assessment):
    old = world.owner1.assessment(old_assessment.id)
    fresh = world.owner1.start_or_resume_assessment(world.u1.id, "halal-self-declare")
    assert (fresh.checklist_version, old.checklist_version) == ("2.0", "1.0")
    got = {x.item_id: (x.value, x.note) for x in fresh.answers.values()}
    # unchanged items carried over, with their notes
    assert got["HALAL-SD-02.02"] == ("partial", "minyak belum berlogo halal")
    assert got["HALAL-SD-01.01"] == ("yes", None)
    # the renumbered ones are new questions: neither the old ID nor its answer comes along
    assert "HALAL-SD-01.02" not in got and "HALAL-SD-01.04" not in got
    assert "HALAL-SD-01.05" not in got and "HALAL-SD-01.06" not in got
    assert len(got) == len(old.answers) - 2
    # the old assessment and its stored result are untouched
    assert world.owner1.assessment(old_assessment.id) == old
    # the owner sees which questions changed
    d = versions.diff("halal-self-declare", "1.0", "2.0")
    assert {i: d.mark(i) for i in ("HALAL-SD-01.05", "HALAL-SD-01.06", "HALAL-SD-01.01")} == {
        "HALAL-SD-01.05": "changed",
        "HALAL-SD-01.06": "changed",
        "HALAL-SD-01.01": None,
    }
    # answering the two changed questions completes the new version
    world.owner1.save_answers(
        fresh.id, {"HALAL-SD-01.05": ("yes", None), "HALAL-SD-01.06": ("yes", None)}
    )
    done = world.owner1.assessment(fresh.id)
    assert done.result["unanswered"] == []


def test_resuming_does_not_carry_twice(world, old_assessment):
    fresh = world.owner1.start_or_resume_assessment(world.u1.id, "halal-self-declare")
    world.owner1.save_answer(fresh.id, "HALAL-SD-01.01", "no", "NIB belum diperbarui")
    again = world.owner1.start_or_resume_assessment(world.u1.id, "halal-self-declare")
    assert again.id == fresh.id
    got = {x.item_id: (x.value, x.note) for x in again.answers.values()}
    assert got["HALAL-SD-01.01"] == ("no", "NIB belum diperbarui")


def test_facilitator_draft_carries_only_the_facilitators_answers(world, old_assessment):
    fac = world.fa.start_or_resume_assessment(world.u1.id, "halal-self-declare")
    assert fac.answers == {} and fac.checklist_version == "2.0"


def test_old_ids_map_to_the_new_ones_for_programme_figures(monkeypatch):
    _use(monkeypatch, REAL)
    assert versions.current_id("halal-self-declare", "1.0", "HALAL-SD-01.02", "2.0") == (
        "HALAL-SD-01.05"
    )
    assert versions.current_id("halal-self-declare", "1.0", "HALAL-SD-02.02", "2.0") == (
        "HALAL-SD-02.02"
    )
    assert versions.current_id("spp-irt-dokumen", "1.0", "SPP-IRT-DOK-03.03", "2.0") == (
        "SPP-IRT-DOK-03.06"
    )


def test_a_label_assessment_on_1_0_migrates_with_its_answers(world, tmp_path, monkeypatch):
    """The other checklist the issue names: label-pangan 1.0 -> 2.0 (02.05 became 02.06)."""
    d = tmp_path / "label-v1"
    d.mkdir()
    text = (REAL / "label-pangan.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2.0"', 'version: "1.0"', 1)
    text = text.replace("id: LABEL-PANGAN-02.06\n", "id: LABEL-PANGAN-02.05\n")
    (d / "label-pangan.yaml").write_text(text, encoding="utf-8")
    _use(monkeypatch, d)
    from berdikari import checklists as cl

    a = world.owner1.start_or_resume_assessment(world.u1.id, "label-pangan")
    ids = [i.id for i in cl.load("label-pangan").items]
    world.owner1.save_answers(a.id, {i: ("yes", "ok") for i in ids})
    _use(monkeypatch, REAL)
    fresh = world.owner1.start_or_resume_assessment(world.u1.id, "label-pangan")
    got = set(fresh.answers)
    assert fresh.checklist_version == "2.0"
    assert got == set(ids) - {"LABEL-PANGAN-02.05"}
    assert fresh.result["unanswered"] == ["LABEL-PANGAN-02.06"]
