"""The CLI end to end: typer's runner for every command, and the installed script once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from berdikari.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(autouse=True)
def _fixtures(fixture_dirs):
    return fixture_dirs


def test_validate_ok(fixture_dirs):
    r = run("checklists", "validate")
    assert r.exit_code == 0, r.output
    assert "1 checklist file(s) valid" in r.output


def test_validate_reports_every_problem_and_exits_1(tmp_path, fixture_dirs):
    text = (fixture_dirs / "checklists" / "contoh-irtp.yaml").read_text(encoding="utf-8")
    text = text.replace("criticality: serius", "criticality: ringan").replace("#air", "#sumur")
    (tmp_path / "contoh-irtp.yaml").write_text(text, encoding="utf-8")
    r = run("checklists", "validate", str(tmp_path))
    assert r.exit_code == 1
    assert "contoh-irtp.yaml:28: CONTOH-01.01:" in r.output and "'ringan'" in r.output
    assert "contoh-irtp.yaml:38: CONTOH-01.02: guide:" in r.output
    assert "2 problem(s) found" in r.output


def test_list_json():
    r = run("checklists", "list", "--format", "json")
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.output)
    assert row["id"] == "contoh-irtp" and row["items"] == 2 and row["rule"] == "irtp-level"


def test_show_json_has_sections_items_ids_and_criticality():
    r = run("checklists", "show", "contoh-irtp", "--format", "json")
    data = json.loads(r.output)
    items = [(i["id"], i["criticality"]) for s in data["sections"] for i in s["items"]]
    assert items == [("CONTOH-01.01", "serius"), ("CONTOH-01.02", "kritis")]


def test_show_text_and_unknown_id():
    r = run("checklists", "show", "contoh-irtp", "--lang", "en")
    assert "CONTOH-01.02 [kritis] Clean water." in r.output
    r = run("checklists", "show", "tidak-ada")
    assert r.exit_code == 2 and "unknown checklist 'tidak-ada'" in r.output


def _answers(tmp_path: Path, answers) -> Path:
    p = tmp_path / "answers.json"
    p.write_text(json.dumps({"answers": answers}), encoding="utf-8")
    return p


def test_score_json(tmp_path):
    p = _answers(tmp_path, {"CONTOH-01.01": "no", "CONTOH-01.02": "yes"})
    r = run("score", "contoh-irtp", str(p), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    for key in (
        "checklist",
        "version",
        "answered",
        "unanswered",
        "counts",
        "level",
        "eligible",
        "readiness",
        "gaps",
    ):
        assert key in data
    assert (data["checklist"], data["version"], data["level"], data["eligible"]) == (
        "contoh-irtp",
        "1.0",
        "III",
        False,
    )
    assert data["counts"]["serius"] == 1 and data["readiness"] == 50
    assert [g["item_id"] for g in data["gaps"]] == ["CONTOH-01.01"]


def test_score_text_in_both_languages(tmp_path):
    p = _answers(tmp_path, {"CONTOH-01.01": "yes"})
    r = run("score", "contoh-irtp", str(p))
    assert "Level IV" in r.output and "1 pertanyaan belum dijawab" in r.output
    r = run("score", "contoh-irtp", str(p), "--lang", "en")
    assert "Does not yet qualify for SPP-IRT" in r.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            {"answers": {"NOPE-01.01": "yes"}},
            "NOPE-01.01: not an item of checklist contoh-irtp@1.0",
        ),
        ({"answers": {"CONTOH-01.01": "ya"}}, "answer 'ya' is not one of"),
        ({"jawaban": {}}, 'expected an object {"answers"'),
        ("{not json", "not valid JSON"),
    ],
)
def test_score_bad_input_exits_2_with_a_clear_message(tmp_path, content, message):
    p = tmp_path / "a.json"
    p.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    r = run("score", "contoh-irtp", str(p))
    assert r.exit_code == 2
    assert message in r.output
    assert "Traceback" not in r.output


def test_score_unknown_checklist_and_missing_file(tmp_path):
    r = run("score", "tidak-ada", str(tmp_path / "x.json"))
    assert r.exit_code == 2 and "unknown checklist" in r.output
    r = run("score", "contoh-irtp", str(tmp_path / "x.json"))
    assert r.exit_code == 2 and "file not found" in r.output


def test_installed_console_script(tmp_path, fixture_dirs):
    script = Path(sys.executable).with_name("berdikari")
    p = _answers(tmp_path, {"CONTOH-01.01": "yes", "CONTOH-01.02": "yes"})
    out = subprocess.run(
        [str(script), "score", "contoh-irtp", str(p), "--format", "json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=True,
    )
    assert json.loads(out.stdout)["level"] == "I"
