"""Multi-part saves are all or nothing (issue 12, item 5), on SQLite and PostgreSQL.

A visit with its files and actions, a paper checklist with its answers, submission and
verification, and a staff account with its new organisation are each one service call in one
transaction, with their audit rows. Rights are checked as for the single-part calls. The last
test kills a writer process (SIGKILL) at random moments and finds every visit complete or absent.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from berdikari.store import open_store
from berdikari.store.errors import AccessDenied, InvalidInput
from berdikari.store.models import ActionItem, AuditLog, Evidence, Visit

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
PDF = b"%PDF-1.4\n" + b"x" * 100
ON = date(2026, 11, 20)


def _files():
    return [("dapur.png", PNG), ("gudang.png", PNG), ("izin.pdf", PDF)]


def _actions():
    return [
        {"title": "Ganti atap", "due_date": date(2027, 1, 31), "item_id": "UJI-02.02"},
        {"title": "Cuci tangan", "responsible": "facilitator"},
    ]


def _counts(store) -> dict:
    with store.read() as s:
        audit = Counter(s.execute(select(AuditLog.action)).scalars())
        return {
            "visit": len(s.execute(select(Visit.id)).all()),
            "evidence": len(s.execute(select(Evidence.id)).all()),
            "action": len(s.execute(select(ActionItem.id)).all()),
            "audit": {
                k: v for k, v in audit.items() if k in ("visit-add", "evidence-add", "action-add")
            },
        }


NOTHING = {"visit": 0, "evidence": 0, "action": 0, "audit": {}}


def test_a_visit_with_files_and_actions_is_one_call_with_its_audit_rows(world):
    v = world.fa.record_visit(
        world.u1.id, ON, "Dapur dan gudang", met_with="Ibu Satu", files=_files(), actions=_actions()
    )
    evidence = world.fa.evidence(world.u1.id)
    assert sorted(e.filename for e in evidence) == ["dapur.png", "gudang.png", "izin.pdf"]
    assert {e.visit_id for e in evidence} == {v.id}
    actions = world.fa.actions(world.u1.id)
    assert [(a.title, a.item_id, a.responsible) for a in actions] == [
        ("Ganti atap", "UJI-02.02", "owner"),
        ("Cuci tangan", None, "facilitator"),
    ]
    assert actions[0].checklist_id == "uji-irtp"
    assert _counts(world.store) == {
        "visit": 1,
        "evidence": 3,
        "action": 2,
        "audit": {"visit-add": 1, "evidence-add": 3, "action-add": 2},
    }
    # the owner sees it all
    assert [x.id for x in world.owner1.visits(world.u1.id)] == [v.id]
    assert len(world.owner1.evidence(world.u1.id)) == 3


@pytest.mark.parametrize(
    ("files", "actions", "field", "key"),
    [
        (
            _files(),
            [*_actions(), {"title": "Label", "item_id": "NOPE-01"}],
            ("item_id", 3),
            "not-a-checklist-item",
        ),
        (_files(), [{"title": "  "}], ("title", 1), "blank"),
        (_files(), [{"title": "Label", "due_date": "besok"}], ("due_date", 1), "not-a-date"),
        (_files(), [{"title": "x" * 301}], ("title", 1), "too-long"),
        ([*_files(), ("virus.exe", b"MZ\x90\x00")], _actions(), ("file", None), "file-type"),
        ([("kosong.png", b"")], _actions(), ("file", None), "file-empty"),
    ],
)
def test_one_bad_part_saves_nothing_and_names_the_part(world, files, actions, field, key):
    with pytest.raises(InvalidInput) as e:
        world.fa.record_visit(world.u1.id, ON, "Kunjungan", files=files, actions=actions)
    assert ((e.value.field, e.value.row), e.value.key) == (field, key)  # the field and its row
    assert _counts(world.store) == NOTHING


def test_a_failure_after_the_visit_and_files_are_written_rolls_all_of_it_back(world, monkeypatch):
    """The second action fails after the visit, its files and the first action have been
    flushed to the database: the transaction takes every one of them back."""
    from berdikari.store import casework

    real = casework.CaseworkOps._insert_action
    flushed = []

    def fail_second(self, s, umkm_id, checked):
        if flushed:
            flushed.append(_counts_in(s))
            raise RuntimeError("the server died here")
        flushed.append(None)
        return real(self, s, umkm_id, checked)

    monkeypatch.setattr(casework.CaseworkOps, "_insert_action", fail_second)
    with pytest.raises(RuntimeError):
        world.fa.record_visit(world.u1.id, ON, "Kunjungan", files=_files(), actions=_actions())
    assert flushed[1] == (1, 3, 1)  # really written inside the transaction before the failure
    assert _counts(world.store) == NOTHING


def _counts_in(s) -> tuple[int, int, int]:
    return tuple(len(s.execute(select(t.id)).all()) for t in (Visit, Evidence, ActionItem))


def test_rights_are_checked_as_for_a_single_visit(world):
    for who in (world.fb, world.owner1, world.manager):
        with pytest.raises(AccessDenied):
            who.record_visit(world.u1.id, ON, "Kunjungan", files=_files(), actions=_actions())
    assert _counts(world.store) == NOTHING


def test_a_paper_checklist_is_keyed_in_verified_in_one_call(world):
    answers = {f"UJI-{s:02d}.{n:02d}": "yes" for s in (1, 2, 3) for n in range(1, 9)}
    v = world.fa.key_in_paper(world.u1.id, "uji-irtp", answers, verified=True, note="Dari kertas")
    assert v.status == "verified" and v.verifies_id is not None and v.note == "Dari kertas"
    original, verified = world.fa.assessments(world.u1.id)
    assert (original.status, original.filled_by) == ("verified", "facilitator")
    assert verified.id == v.id
    only_submitted = world.fa.key_in_paper(world.u1.id, "uji-irtp", answers)
    assert only_submitted.status == "submitted"


def test_a_paper_checklist_with_a_gap_or_for_someone_else_saves_nothing(world):
    answers = {f"UJI-{s:02d}.{n:02d}": "yes" for s in (1, 2, 3) for n in range(1, 9)}
    gap = dict(answers)
    gap.pop("UJI-03.08")
    with pytest.raises(InvalidInput) as e:
        world.fa.key_in_paper(world.u1.id, "uji-irtp", gap, verified=True)
    assert e.value.key == "unanswered"
    with pytest.raises(InvalidInput):
        world.fa.key_in_paper(world.u1.id, "uji-irtp", {**answers, "UJI-01.01": "maybe"}, True)
    for who in (world.fb, world.owner1, world.manager):
        with pytest.raises(AccessDenied):
            who.key_in_paper(world.u1.id, "uji-irtp", answers, verified=True)
    assert world.admin.assessments(world.u1.id) == []
    with world.store.read() as s:
        assert s.execute(select(AuditLog.id).where(AuditLog.entity == "assessment")).all() == []


# --- killed mid-save ---------------------------------------------------------------------------

RUNS = 10  # per engine; each run kills one writer at a random moment
SEED = int(os.environ.get("BERDIKARI_KILL_SEED", "20261203"))


def _check_complete_or_absent(store, umkm_id: int) -> tuple[int, list[str]]:
    """(visits found, problems): every visit has its 3 files and 2 actions; no part is alone."""
    problems = []
    with store.read() as s:
        visits = {
            v.summary: v.id
            for v in s.execute(select(Visit).where(Visit.umkm_id == umkm_id)).scalars()
        }
        files = Counter()
        for e in s.execute(select(Evidence).where(Evidence.umkm_id == umkm_id)).scalars():
            tag = e.filename.rsplit("-", 1)[0]
            files[tag] += 1
            if visits.get(tag) != e.visit_id:
                problems.append(f"file {e.filename} without its visit")
        actions = Counter()
        for a in s.execute(select(ActionItem).where(ActionItem.umkm_id == umkm_id)).scalars():
            tag = a.title.split(" action ")[0]
            actions[tag] += 1
            if tag not in visits:
                problems.append(f"action {a.title!r} without its visit")
        audit = Counter(
            s.execute(select(AuditLog.action).where(AuditLog.umkm_id == umkm_id)).scalars()
        )
    for tag in visits:
        if (files[tag], actions[tag]) != (3, 2):
            problems.append(f"visit {tag}: {files[tag]} of 3 files, {actions[tag]} of 2 actions")
    n = len(visits)
    if (audit["visit-add"], audit["evidence-add"], audit["action-add"]) != (n, 3 * n, 2 * n):
        problems.append(f"audit rows {dict(audit)} for {n} visits")
    return n, problems


def test_a_writer_killed_at_random_moments_leaves_each_visit_complete_or_absent(
    world, store_url, tmp_path
):
    rng = random.Random(SEED)
    env = {
        **os.environ,
        "BERDIKARI_DATA_DIR": str(tmp_path / "writer-data"),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    fac = world.fac_a
    seen = 0
    for run in range(RUNS):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.store.visit_writer",
                store_url,
                str(world.u1.id),
                str(fac.id),
                fac.name,
                f"run{run}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
            time.sleep(rng.uniform(0.05, 1.0))  # where the kill lands; not a timed assertion
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
        check = open_store(store_url)  # a fresh engine, as after a restart
        try:
            seen, problems = _check_complete_or_absent(check, world.u1.id)
        finally:
            check.close()
        assert problems == [], f"run {run} (seed {SEED}): {problems}"
    assert seen > 0, "no visit was ever saved before the kill: the test proved nothing"


def test_a_staff_account_and_its_new_organisation_are_one_transaction(world, store_url):
    from typer.testing import CliRunner

    from berdikari.cli import app

    def orgs():
        return sorted(o["name"] for o in world.admin.organisations())

    before = orgs()
    with pytest.raises(InvalidInput) as e:  # the username is taken: no organisation either
        world.admin.add_staff(
            "fas.a", "Lain", "facilitator", "sandi-uji-999", organisation=("Baru", "swasta")
        )
    assert e.value.field == "username" and orgs() == before
    r = CliRunner().invoke(
        app,
        ["user", "add", "fas.b", "--role", "facilitator", "--name", "Lain"]
        + ["--organisation", "Kampus Baru", "--password-stdin", "--database-url", store_url],
        input="sandi-uji-999\n",
    )
    assert r.exit_code == 2 and "already taken" in r.output and orgs() == before
    view = world.admin.add_staff(
        "baru", "Baru", "facilitator", "sandi-uji-999", organisation=("Baru", "swasta")
    )
    assert view.organisation == "Baru" and orgs() == sorted([*before, "Baru"])
    with world.store.read() as s:
        actions = list(s.execute(select(AuditLog.action).order_by(AuditLog.id)).scalars())
    assert actions[-2:] == ["organisation-add", "staff-add"]


def _fail_audit_of(monkeypatch, action: str) -> None:
    """Make the audit row of ``action`` fail: it is written last, after every other part."""
    from berdikari.store.access import Guarded

    real = Guarded._audit

    def audit(self, s, act, *args, **kwargs):
        if act == action:
            raise RuntimeError(f"the server died writing the {act} audit row")
        return real(self, s, act, *args, **kwargs)

    monkeypatch.setattr(Guarded, "_audit", audit)


def test_a_milestone_and_its_products_permit_are_one_transaction(world, monkeypatch):
    p = world.fa.add_product(world.u1.id, "Kerupuk", "pangan-olahan")
    _fail_audit_of(monkeypatch, "milestone-add")
    with pytest.raises(RuntimeError):
        world.fa.add_milestone(world.u1.id, "p-irt", ON, "2086271010001-31", p.id)
    assert world.fa.milestones(world.u1.id) == []
    [product] = world.fa.umkm(world.u1.id).products
    assert product.permit_number is None


def test_a_verification_and_its_answers_are_one_transaction(world, monkeypatch):
    answers = {f"UJI-{s:02d}.{n:02d}": "yes" for s in (1, 2, 3) for n in range(1, 9)}
    a = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    world.owner1.save_answers(a.id, {k: (v, None) for k, v in answers.items()})
    world.owner1.submit_assessment(a.id)
    _fail_audit_of(monkeypatch, "assessment-verify")
    with pytest.raises(RuntimeError):
        world.fa.verify_assessment(a.id, {"UJI-02.02": ("no", "bocor")})
    assert [x.status for x in world.admin.assessments(world.u1.id)] == ["submitted"]


def test_a_reassignment_is_one_transaction(world, monkeypatch):
    _fail_audit_of(monkeypatch, "assign")
    with pytest.raises(RuntimeError):
        world.admin.assign(world.u1.id, world.fac_b.id)
    [active] = [x for x in world.admin.assignments(world.u1.id) if x.active]
    assert active.facilitator_id == world.fac_a.id
