"""The checklist loader stays small and located on hostile or broken YAML (issue 12).

A YAML "alias bomb" (a few nested ``*name`` aliases) took ``checklists validate`` to 1 GB in
30 s; a duplicate item ID in a second file was reported at line 1. Now aliases beyond a small
budget are refused at their line before anything expands, a value shown in a message is cut to a
line, the second ID is reported where it stands, and odd shapes give messages, not tracebacks.
"""

from __future__ import annotations

import shutil
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from berdikari import checklists as cl
from berdikari.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = FIXTURES / "checklists" / "contoh-irtp.yaml"
GUIDES = FIXTURES / "guides"


def _bomb(levels: int, width: int = 9) -> str:
    """The classic 'billion laughs': level n is ``width`` aliases of level n-1."""
    out = ["a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for n in range(1, levels + 1):
        out.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(out) + "\n"


def _with(tmp_path: Path, extra: str, where: str = "scoring:\n  rule: irtp-level\n") -> Path:
    """The good fixture with ``extra`` lines put after ``where``."""
    path = tmp_path / "contoh-irtp.yaml"
    text = GOOD.read_text(encoding="utf-8")
    assert where in text
    path.write_text(text.replace(where, extra + where, 1), encoding="utf-8")
    return path


def test_an_alias_bomb_is_refused_at_the_alias_past_the_budget_without_expanding(tmp_path):
    # scoring.rule holding the bomb made the error message print the whole expansion
    path = tmp_path / "contoh-irtp.yaml"
    head, tail = GOOD.read_text(encoding="utf-8").split("scoring:")
    path.write_text(
        head + _bomb(5) + "scoring:" + tail.replace("rule: irtp-level", "rule: *a5"),
        encoding="utf-8",
    )
    tracemalloc.start()
    try:
        problems = cl.validate_dir(tmp_path, GUIDES)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (p,) = problems
    first_alias_line = next(
        n for n, line in enumerate(path.read_text().splitlines(), 1) if "*a0" in line
    )
    # 9 aliases per line: the 21st alias stands on the third line of aliases
    assert p.line == first_alias_line + 2
    assert f"more than {cl.ALIAS_BUDGET} aliases (*name)" in p.message
    assert peak < 16 * 1024 * 1024, f"{peak / 1e6:.0f} MB"  # nothing was expanded


def test_aliases_within_the_budget_still_load(tmp_path):
    few = "x-a: &shared {id: Lingkungan, en: Surroundings}\n" + "".join(
        f"x-{n}: *shared\n" for n in range(cl.ALIAS_BUDGET)
    )
    path = _with(tmp_path, few)
    messages = [str(p) for p in cl.validate_dir(tmp_path, GUIDES)]
    assert not any("more than" in m for m in messages), messages
    assert all("unknown field" in m for m in messages)  # only the made-up keys
    path.write_text(path.read_text() + "x-last: *shared\n", encoding="utf-8")
    (p,) = cl.validate_dir(tmp_path, GUIDES)
    assert "more than 20 aliases" in p.message
    assert p.line == len(path.read_text().splitlines())


def test_a_long_wrong_value_is_shown_cut_to_a_line(tmp_path):
    path = tmp_path / "contoh-irtp.yaml"
    huge = "[" + ", ".join(f'"nilai-{n}"' for n in range(5000)) + "]"
    path.write_text(
        GOOD.read_text(encoding="utf-8").replace("rule: irtp-level", f"rule: {huge}"),
        encoding="utf-8",
    )
    (p,) = cl.validate_dir(tmp_path, GUIDES)
    assert "scoring.rule: got ['nilai-0'," in p.message
    assert len(p.message) < 300


def test_a_cross_file_duplicate_id_is_reported_at_the_second_ids_line(tmp_path):
    first = tmp_path / "contoh-irtp.yaml"
    shutil.copy(GOOD, first)
    text = GOOD.read_text(encoding="utf-8").replace("id: contoh-irtp", "id: contoh-lain")
    text = text.replace("CONTOH-", "LAIN-").replace("LAIN-01.02", "CONTOH-01.02")
    second = tmp_path / "contoh-lain.yaml"  # sorts after contoh-irtp: it is read second
    second.write_text(text, encoding="utf-8")
    (p,) = cl.validate_dir(tmp_path, GUIDES)
    assert p.file == second and p.item == "CONTOH-01.02"
    line = next(n for n, x in enumerate(text.splitlines(), 1) if "id: CONTOH-01.02" in x)
    assert line > 1 and p.line == line
    assert f"item ID also used in {first}" in p.message


@pytest.mark.parametrize(
    "sections",
    [
        "5",
        "2026-01-01",
        "[{items: 5}]",
        "[{id: A, items: [{id: [1], cites: 5}]}]",
        "[{id: A, items: [{id: {a: 1}}]}]",
        "[{id: A, items: [5, {guide: 7}]}]",
    ],
)
def test_odd_shapes_are_messages_not_tracebacks(tmp_path, sections):
    text = GOOD.read_text(encoding="utf-8")
    head = text.split("sections:")[0]
    (tmp_path / "contoh-irtp.yaml").write_text(f"{head}sections: {sections}\n", encoding="utf-8")
    problems = cl.validate_dir(tmp_path, GUIDES)
    assert problems and all(p.line >= 1 for p in problems)
    r = CliRunner().invoke(app, ["checklists", "validate", str(tmp_path), "--guides", str(GUIDES)])
    assert r.exit_code == 1 and "problem(s) found" in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_the_cli_refuses_an_alias_bomb_with_a_located_line(tmp_path):
    head, tail = GOOD.read_text(encoding="utf-8").split("scoring:")
    (tmp_path / "contoh-irtp.yaml").write_text(
        head + _bomb(5) + "scoring:" + tail.replace("rule: irtp-level", "rule: *a5"),
        encoding="utf-8",
    )
    r = CliRunner().invoke(app, ["checklists", "validate", str(tmp_path), "--guides", str(GUIDES)])
    assert r.exit_code == 1
    assert "contoh-irtp.yaml:" in r.output and "more than 20 aliases" in r.output


def test_a_deeply_nested_file_is_refused_at_its_line(tmp_path):
    head = GOOD.read_text(encoding="utf-8").split("sections:")[0]
    path = tmp_path / "contoh-irtp.yaml"
    path.write_text(f"{head}sections:\n  " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    (p,) = cl.validate_dir(tmp_path, GUIDES)
    assert "maximum depth" in p.message and p.line == head.count("\n") + 2
