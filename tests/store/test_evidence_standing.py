"""Evidence files on visits (type by first bytes, size limit, access) and the standing rows the
programme screen reads, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from berdikari.store.errors import AccessDenied, InvalidInput
from berdikari.store.evidence import EVIDENCE_MAX_BYTES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\n"
LABEL = "uji-label"
ITEMS = [f"UJILBL-0{s}.0{n}" for s in (1, 2) for n in (1, 2, 3)]


def test_evidence_is_checked_by_its_bytes_and_scoped_to_the_umkm(world):
    v = world.fa.record_visit(world.u1.id, date(2026, 11, 10), "Kunjungan", met_with="Ibu Satu")
    assert world.fa.visits(world.u1.id)[0].met_with == "Ibu Satu"
    e = world.fa.add_evidence(world.u1.id, "dapur.png", PNG, visit_id=v.id)
    assert (e.mime, e.size, e.visit_id) == ("image/png", len(PNG), v.id)
    assert world.fa.add_evidence(world.u1.id, "nib.pdf", PDF).mime == "application/pdf"
    with pytest.raises(InvalidInput, match="not a JPEG or PNG photo or a PDF"):
        world.fa.add_evidence(world.u1.id, "foto.jpg", b"<html>not a photo</html>")
    with pytest.raises(InvalidInput, match="at most 2 MB"):
        world.fa.add_evidence(world.u1.id, "besar.png", PNG + b"\x00" * EVIDENCE_MAX_BYTES)
    with pytest.raises(AccessDenied):
        world.fb.add_evidence(world.u1.id, "x.png", PNG)
    with pytest.raises(AccessDenied):
        world.fb.evidence(world.u1.id)
    with pytest.raises(AccessDenied):
        world.owner2.evidence_content(e.id)
    view, content = world.owner1.evidence_content(e.id)
    assert content == PNG and view.filename == "dapur.png"
    assert [x.filename for x in world.manager.evidence(world.u1.id)] == ["nib.pdf", "dapur.png"]
    detail = next(r for r in world.admin.audit_log(world.u1.id) if r["action"] == "evidence-add")
    assert "content" not in detail["detail"] and detail["detail"]["size"] in (len(PNG), len(PDF))


def test_standing_counts_only_the_facilitators_verified_copy(world):
    a = world.owner1.start_or_resume_assessment(world.u1.id, LABEL)
    world.owner1.save_answers(
        a.id, {i: ("yes", None) for i in ITEMS[:-1]} | {ITEMS[-1]: ("no", None)}
    )
    world.owner1.submit_assessment(a.id)
    [row] = [r for r in world.manager.standing() if r.umkm_id == world.u1.id]
    assert row.assessed and not row.verified and not row.meets_standard
    assert row.submissions_waiting == 1 and ITEMS[-1] in row.gaps
    world.fa.verify_assessment(a.id, {ITEMS[-1]: ("yes", "dilihat sendiri")})
    [row] = [r for r in world.fa.standing()]
    assert row.umkm_id == world.u1.id and row.verified and row.meets_standard
    assert row.standard_checklists == (LABEL,) and row.gaps == ()
    assert row.organisation == "BBPOM di Palangka Raya"
    assert {r.umkm_id for r in world.manager.standing()} == {world.u1.id, world.u2.id}
    assert [r.umkm_id for r in world.owner2.standing()] == [world.u2.id]
