"""The demo fills a database a facilitator would recognise, the same way every time."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from berdikari import standard, stats
from berdikari.config import ROOT
from berdikari.store import demo, demo_showcase
from berdikari.store.auth import sign_in_owner, sign_in_staff, system_identity
from berdikari.store.errors import InvalidInput
from berdikari.store.models import Milestone
from berdikari.store.reference import KALTENG_REGENCIES, ORGANISATION_KINDS
from berdikari.store.service import Service
from berdikari.store.showcase import PublicShowcase


@pytest.fixture
def real_checklists(monkeypatch):
    monkeypatch.setenv("BERDIKARI_CHECKLISTS_DIR", str(ROOT / "checklists"))
    monkeypatch.setenv("BERDIKARI_GUIDES_DIR", str(ROOT / "guides"))


def test_demo_programme(store, real_checklists):
    summary = demo.fill(store)
    c = summary.counts
    assert c["umkm"] == 40 and c["account"] == 9 and c["organisation"] == 6
    assert c["assessment"] > 300 and c["answer"] > 5000 and c["visit"] > 100
    assert c["action_item"] > 40 and c["milestone"] > 40

    manager = Service(store, sign_in_staff(store, "manajer", "demo-manajer-2026"))
    cases = manager.my_umkm()
    assert {x.regency for x in cases} == {name for _c, name, _k in KALTENG_REGENCIES}
    assert {k for x in cases for k in x.categories} == {
        "pangan-olahan",
        "obat-tradisional",
        "kosmetik",
        "suplemen-kesehatan",
    }
    assert {o["kind"] for o in manager.organisations()} == set(ORGANISATION_KINDS)
    figures = stats.headline(cases)
    assert figures["unassigned"] == 0 and figures["submissions_waiting"] > 0
    assert figures["overdue_actions"] > 0
    assert sum(1 for x in cases if standard.not_visited(x.days_since_visit)) > 0
    assert {"I", "IV"} <= {x.level for x in cases}
    rows = manager.export_rows()
    assert "done" in {a["status"] for a in rows["actions"]}
    kinds = Counter(x["kind"] for x in rows["milestones"])
    for kind in ("nib", "pkp-training", "p-irt", "halal"):
        assert kinds[kind] > 0, kind

    # months of history, improving: first and latest verified CPPB-IRT readiness per UMKM
    dates = [r["created_at"] for r in rows["assessments"]]
    assert max(dates) - min(dates) > timedelta(days=120)
    verified = [
        r
        for r in rows["assessments"]
        if r["checklist_id"] == "cppob-irtp" and r["filled_by"] == "facilitator"
    ]
    by_umkm: dict[int, list] = {}
    for r in sorted(verified, key=lambda r: r["created_at"]):
        by_umkm.setdefault(r["umkm_id"], []).append(r["readiness"])
    series = [v for v in by_umkm.values() if len(v) >= 2]
    assert len(series) >= 15
    assert sum(v[-1] > v[0] for v in series) >= 0.8 * len(series)

    # five reassignments with history; each facilitator sees exactly their caseload
    history = Counter(len(manager.assignments(x.id)) for x in cases)
    assert history[2] == 5 and history[1] == 35
    rina = Service(store, sign_in_staff(store, "rina", "demo-pendamping"))
    mine = rina.my_umkm()
    assert mine and {x.facilitator for x in mine} == {"Rina Anggraini"}
    assert len(mine) == sum(1 for x in cases if x.facilitator == "Rina Anggraini")

    # every owner can sign in with the printed code and PIN and sees their business
    owners = [s for s in summary.sign_ins if s.role == "owner"]
    assert len(owners) == 40
    for s in owners[:5]:
        me = sign_in_owner(store, s.login, s.secret)
        view = Service(store, me).umkm(me.umkm_id)
        assert view.code == s.login and view.owner_name == s.name and view.facilitator

    # the Etalase (issue 15): approved pages, each permit number one a facilitator recorded for
    # that UMKM, photos, specialities and the past hand-over day's awards (not the coming day's)
    public = PublicShowcase(store).all_products()
    assert len(public) >= 8 and len({p.regency for p in public}) >= 5
    with store.read() as s:
        recorded = {
            tuple(r)
            for r in s.execute(
                select(Milestone.umkm_id, Milestone.number).where(
                    Milestone.recorded_by_role == "facilitator"
                )
            )
        }
    ids = {x.name: x.id for x in cases}
    numbers = [(ids[p.umkm_name], x.number) for p in public for x in p.permits]
    assert len(numbers) >= 5 and set(numbers) <= recorded
    assert len({p.speciality.key for p in public if p.speciality}) >= 3
    awards = [a.term.key for p in public for a in p.awards]
    assert len(awards) >= 2 and demo_showcase.COMING_AWARD not in awards
    assert all(PublicShowcase(store).photo(p.photo_id) for p in public)
    assert any(x.consent for x in manager.showcase_queue("draft"))

    with pytest.raises(InvalidInput, match="already holds UMKM"):
        demo.fill(store)


def test_demo_reset_replaces_the_data(store, real_checklists):
    admin = Service(store, system_identity())
    admin.add_umkm("Bukan Demo", "Ibu Lain", "Sukamara", ["kosmetik"])
    summary = demo.fill(store, reset=True)
    names = {x.name for x in Service(store, system_identity()).my_umkm()}
    assert "Bukan Demo" not in names and summary.counts["umkm"] == 40


def test_demo_sign_ins_are_fixed_and_documented():
    rows = demo.sign_ins()
    assert rows == demo.sign_ins()
    assert len({r.login for r in rows}) == len(rows) == 49
    assert all(len(r.secret) == 6 and r.secret.isdigit() for r in rows if r.role == "owner")
    text = (ROOT / "DEMO.md").read_text(encoding="utf-8")
    assert demo.sign_ins_markdown(rows) in text, "DEMO.md is out of date: regenerate its table"
