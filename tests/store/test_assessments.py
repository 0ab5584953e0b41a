"""Assessments through the service: resume, save, stored results, submit, verify, and invalid
input rejected with a clear message and nothing half-written."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from berdikari.store.errors import AccessDenied, InvalidInput
from berdikari.store.models import Answer, AuditLog

ITEMS = [f"UJI-{s:02d}.{n:02d}" for s in (1, 2, 3) for n in range(1, 9)]


def _counts(store):
    with store.read() as s:
        return (
            s.execute(select(func.count(Answer.id))).scalar_one(),
            s.execute(select(func.count(AuditLog.id))).scalar_one(),
        )


def test_start_resumes_the_latest_draft(world):
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    assert (a.status, a.filled_by, a.checklist_version, a.ref) == (
        "draft",
        "owner",
        "1.0",
        "uji-irtp@1.0",
    )
    assert a.result["total"] == 24 and a.result["answered"] == 0
    again = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    assert again.id == a.id
    mine = world.fa.start_or_resume_assessment(world.u1.id, "uji-irtp")
    assert mine.id != a.id and mine.filled_by == "facilitator"


def test_save_answer_stores_value_note_who_when_and_the_result(world):
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    saved = world.owner1.save_answer(a.id, "UJI-01.01", "no", "Lantai <retak> & kotor")
    assert (saved.value, saved.note, saved.set_by, saved.set_by_role) == (
        "no",
        "Lantai <retak> & kotor",
        "Ibu Satu",
        "owner",
    )
    world.owner1.save_answer(a.id, "UJI-01.01", "yes")
    got = world.owner1.assessment(a.id)
    assert got.answers["UJI-01.01"].value == "yes" and got.answers["UJI-01.01"].note is None
    assert got.result["answered"] == 1 and got.result["complete"] is False
    assert got.updated_at >= got.created_at
    history = [r for r in world.fa.audit_log(world.u1.id) if r["action"] == "answer-set"]
    assert [h["detail"]["value"] for h in history] == ["yes", "no"]  # newest first
    assert history[0]["detail"]["old_value"] == "no"


@pytest.mark.parametrize(
    ("item", "value", "note", "where", "words"),
    [
        ("UJI-99.99", "yes", None, ("not-an-item", "answer", "UJI-99.99"), "UJI-99.99 is not a"),
        ("UJI-01.01", "maybe", None, ("not-one-of", "answer", "UJI-01.01"), "Answer for UJI-01.01"),
        (
            "UJI-01.01",
            "yes",
            "x" * 2001,
            ("too-long", "note", "UJI-01.01"),
            "Note for UJI-01.01 is too long: 2001 characters, at most 2000",
        ),
        ("UJI-01.01", "yes", "a\x00b", ("nul", "note", "UJI-01.01"), "cannot be saved"),
    ],
)
def test_invalid_answers_are_rejected_clearly_and_nothing_is_written(
    world, item, value, note, where, words
):
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    world.owner1.save_answer(a.id, "UJI-01.02", "partial", "sebagian")
    before = _counts(world.store)
    with pytest.raises(InvalidInput) as e:
        world.owner1.save_answer(a.id, item, value, note)
    assert (e.value.key, e.value.field, e.value.item) == where and words in e.value.message
    with pytest.raises(InvalidInput):  # a batch with one bad answer saves none of them
        world.owner1.save_answers(a.id, {"UJI-01.03": ("yes", None), item: (value, note)})
    assert _counts(world.store) == before
    got = world.owner1.assessment(a.id)
    assert set(got.answers) == {"UJI-01.02"} and got.result["answered"] == 1


def test_submit_needs_every_answer_then_the_draft_is_closed(world):
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    world.owner1.save_answers(a.id, {i: ("yes", None) for i in ITEMS[:-2]})
    with pytest.raises(InvalidInput) as e:
        world.owner1.submit_assessment(a.id)
    assert "2 question(s) not answered yet: UJI-03.07, UJI-03.08." in e.value.message
    world.owner1.save_answers(a.id, {ITEMS[-2]: ("unknown", None), ITEMS[-1]: ("na", None)})
    done = world.owner1.submit_assessment(a.id)
    assert done.status == "submitted" and done.submitted_at and done.result["complete"]
    with pytest.raises(InvalidInput, match="already sent, so it cannot be changed"):
        world.owner1.save_answer(a.id, "UJI-01.01", "no")
    assert world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp").id != a.id
    assert world.fa.my_umkm()[0].submissions_waiting == 1


def test_verification_keeps_the_owner_original_and_stores_corrections(world):
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    world.owner1.save_answers(a.id, {i: ("yes", "kata pemilik") for i in ITEMS})
    world.owner1.submit_assessment(a.id)
    with pytest.raises(AccessDenied, match="You can verify it instead"):
        world.fa.save_answer(a.id, "UJI-01.01", "no")
    v = world.fa.verify_assessment(
        a.id,
        {"UJI-01.04": ("no", "tidak ada tempat cuci tangan"), "UJI-02.01": "partial"},
        note="Dicek di lokasi",
    )
    assert (v.status, v.filled_by, v.verifies_id, v.verified_by, v.note) == (
        "verified",
        "facilitator",
        a.id,
        "Fasilitator A",
        "Dicek di lokasi",
    )
    assert v.answers["UJI-01.04"].value == "no" and v.answers["UJI-01.04"].set_by == "Fasilitator A"
    assert v.answers["UJI-01.01"].set_by == "Ibu Satu"  # unchanged answers keep their author
    original = world.owner1.assessment(a.id)
    assert original.status == "verified"
    assert {x.value for x in original.answers.values()} == {"yes"}
    assert original.result["readiness"] == 100 and v.result["readiness"] < 100
    case = world.fa.my_umkm()[0]
    assert case.submissions_waiting == 0 and case.level == v.result["level"]
    with pytest.raises(InvalidInput, match="not waiting for verification"):
        world.fa.verify_assessment(a.id)


def test_invalid_correction_verifies_nothing(world):
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    world.owner1.save_answers(a.id, {i: ("yes", None) for i in ITEMS})
    world.owner1.submit_assessment(a.id)
    with pytest.raises(InvalidInput, match="Answer for UJI-01.01: ya is not one of the options"):
        world.fa.verify_assessment(a.id, {"UJI-01.02": "no", "UJI-01.01": "ya"})
    assert [x.status for x in world.fa.assessments(world.u1.id)] == ["submitted"]


def test_old_results_stay_readable_after_the_checklist_changes(world, tmp_path, monkeypatch):
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    world.owner1.save_answers(a.id, {i: ("yes", None) for i in ITEMS})
    world.owner1.submit_assessment(a.id)
    draft = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    stored = world.owner1.assessment(a.id).result
    # a new version of the checklist: one item fewer, version 2.0
    from tests.store.conftest import HERE

    new_dir = tmp_path / "checklists"
    shutil.copytree(HERE / "fixtures" / "checklists", new_dir)
    path = new_dir / "uji-irtp.yaml"
    text = path.read_text().replace('version: "1.0"', 'version: "2.0"')
    path.write_text(text)
    monkeypatch.setenv("BERDIKARI_CHECKLISTS_DIR", str(new_dir))
    old = world.owner1.assessment(a.id)
    assert old.checklist_version == "1.0" and old.result == stored and old.ref == "uji-irtp@1.0"
    with pytest.raises(InvalidInput, match=r"a new version \(2.0\). Start a new self-assessment"):
        world.owner1.save_answer(draft.id, "UJI-01.01", "yes")
    fresh = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    assert fresh.checklist_version == "2.0" and fresh.id not in (a.id, draft.id)


def test_unknown_checklist_is_named(world):
    with pytest.raises(InvalidInput) as e:
        world.owner1.start_or_resume_assessment(world.u1.id, "tidak-ada")
    assert "no checklist tidak-ada. The checklists are: uji-irtp, uji-label." in e.value.message


def test_casework_validation_messages(world):
    with pytest.raises(InvalidInput, match="What has to be done is too long: 301 characters"):
        world.fa.add_action(world.u1.id, "x" * 301)
    with pytest.raises(InvalidInput, match="UJI-77.01 is not a question of any checklist"):
        world.fa.add_action(world.u1.id, "Perbaiki", item_id="UJI-77.01")
    with pytest.raises(InvalidInput, match=r"Number \(permit, certificate\): please fill this in"):
        world.fa.add_milestone(world.u1.id, "p-irt", "2026-10-01")
    with pytest.raises(InvalidInput, match="Visit date: this is not a date"):
        world.fa.record_visit(world.u1.id, "2026-13-01", "Kunjungan")
    with pytest.raises(InvalidInput, match="Visit date may not be in the future"):
        world.fa.record_visit(world.u1.id, "2999-01-01", "Kunjungan")
    act = world.fa.add_action(world.u1.id, "Cuci tangan", "2026-01-15", "UJI-01.04")
    assert act.checklist_id == "uji-irtp" and act.overdue(act.due_date.replace(day=16))
    p = world.fa.add_product(world.u1.id, "Kerupuk ikan pipih", "pangan-olahan")
    m = world.fa.add_milestone(world.u1.id, "p-irt", "2026-10-01", "2086271010001-26", p.id)
    assert m.number == "2086271010001-26"
    assert world.owner1.umkm(world.u1.id).products[0].permit_number == "2086271010001-26"
    assert world.owner1.milestones(world.u1.id)[0].kind == "p-irt"
