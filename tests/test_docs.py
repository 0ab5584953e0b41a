"""The README names every command of the CLI, so a new command cannot ship undocumented."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from berdikari.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _commands(cmd, prefix=()):
    subs = getattr(cmd, "commands", None)
    if subs is None:
        yield " ".join(prefix)
        return
    for name, sub in subs.items():
        yield from _commands(sub, (*prefix, name))


def test_every_cli_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = list(_commands(typer.main.get_command(app)))
    assert len(commands) > 10  # the walk found the sub-commands, not only the groups
    missing = [c for c in commands if not re.search(rf"berdikari {re.escape(c)}\b", readme)]
    assert missing == [], f"README.md does not show: {', '.join(missing)}"


def test_the_readme_opens_with_the_two_commands():
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:12]
    assert any(line.startswith("make run") for line in head)
    assert any(line.startswith("make test") for line in head)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
