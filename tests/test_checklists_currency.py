"""Keeping the rules current: regulation status, revoked citations, stale checks (issue 14)."""

from datetime import date
from pathlib import Path

import pytest

from berdikari import checklists as cl

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "checklists" / "contoh-irtp.yaml"
GUIDES = FIXTURES / "guides"


def _write(tmp_path: Path, text: str) -> Path:
    d = tmp_path / "cl"
    d.mkdir(exist_ok=True)
    p = d / "contoh-irtp.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_an_item_citing_a_revoked_regulation_is_refused(tmp_path):
    text = GOOD.read_text(encoding="utf-8").replace(
        "status: {state: in-force,", 'status: {state: revoked, by: ["Peraturan BPOM No. 1"],'
    )
    with pytest.raises(cl.ChecklistError) as err:
        cl.load_file(_write(tmp_path, text), GUIDES)
    assert "is revoked (by Peraturan BPOM No. 1)" in str(err.value)


def test_amended_is_fine_but_needs_by(tmp_path):
    amended = GOOD.read_text(encoding="utf-8").replace(
        "status: {state: in-force,", 'status: {state: amended, by: ["Peraturan BPOM No. 1"],'
    )
    assert cl.load_file(_write(tmp_path, amended), GUIDES).regulations[0].status.state == "amended"
    bare = GOOD.read_text(encoding="utf-8").replace(
        "status: {state: in-force,", "status: {state: amended,"
    )
    with pytest.raises(cl.ChecklistError, match="needs 'by'"):
        cl.load_file(_write(tmp_path, bare), GUIDES)


def test_a_regulation_without_status_is_refused(tmp_path):
    lines = [
        ln for ln in GOOD.read_text(encoding="utf-8").splitlines() if "status: {state" not in ln
    ]
    with pytest.raises(cl.ChecklistError, match="status: required"):
        cl.load_file(_write(tmp_path, "\n".join(lines) + "\n"), GUIDES)


def test_stale_checklist_warns_after_a_year(tmp_path, monkeypatch):
    p = _write(tmp_path, GOOD.read_text(encoding="utf-8"))
    monkeypatch.setattr(cl, "load_file", lambda f, g=None: cl.Checklist.model_validate(_raw(p)))
    checked = cl.Checklist.model_validate(_raw(p)).checked
    fresh = cl.stale_warnings(p.parent, today=checked.replace(year=checked.year + 1))
    assert fresh == []
    late = cl.stale_warnings(p.parent, today=date(checked.year + 1, 12, 31))
    assert any("checked: last checked" in w.message for w in late)


def _raw(p: Path) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(p.read_text(encoding="utf-8"))


def test_project_data_cites_no_revoked_regulation_and_every_one_has_a_status():
    assert cl.validate_dir() == []
    for c in cl.load_all().values():
        for reg in c.regulations:
            assert reg.status is not None, (c.id, reg.key)
        for item in c.items:
            assert not c.regulation(item.cites.regulation).revoked, (c.id, item.id)


def test_the_revoked_cosmetics_and_halal_rules_are_marked_so():
    regs = {r.key: r for c in cl.load_all().values() for r in c.regulations}
    assert "perbpom-12-2019" not in regs  # replaced everywhere by PerBPOM 16/2024
    assert regs["perbpom-16-2024"].status.state == "in-force"
    assert regs["kepka-bpjph-33-2022"].revoked
    assert regs["perbpom-31-2018"].status.state == "amended"


def test_regulation_index_shows_each_status():
    from berdikari import site_pages

    page = site_pages.render_regulations(cl.load_all(), "id")
    assert "dicabut oleh Keputusan Kepala BPJPH No. 150 Tahun 2022" in page
    assert "berlaku, diubah oleh Peraturan BPOM No. 20 Tahun 2021" in page
    assert page.count("bdk-reg-status") == page.count("\n## ")


def test_validate_command_warns_on_a_stale_checklist_but_passes(tmp_path):
    from typer.testing import CliRunner

    from berdikari.cli import app

    old = GOOD.read_text(encoding="utf-8").replace("checked: 2026-11-28", "checked: 2020-01-01")
    p = _write(tmp_path, old)
    r = CliRunner().invoke(app, ["checklists", "validate", str(p.parent), "--guides", str(GUIDES)])
    assert r.exit_code == 0, r.output
    assert "warning:" in r.output and "checked: last checked 2020-01-01" in r.output
    revoked = old.replace(
        "status: {state: in-force,", 'status: {state: revoked, by: ["Peraturan BPOM No. 1"],'
    )
    _write(tmp_path, revoked)
    r = CliRunner().invoke(app, ["checklists", "validate", str(p.parent), "--guides", str(GUIDES)])
    assert r.exit_code == 1 and "is revoked" in r.output
