"""nbval (lax): the owner notebook runs top to bottom in a real kernel and stays thin."""

from __future__ import annotations

import subprocess
import sys

import nbformat

from berdikari.config import settings

NOTEBOOK = settings().notebooks_dir / "penilaian-mandiri.ipynb"


def test_owner_notebook_runs_top_to_bottom_under_nbval_lax():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            str(NOTEBOOK),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "1 passed" in proc.stdout


def test_owner_notebook_is_a_title_and_one_import():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds == ["markdown", "code"]
    code = nb.cells[1].source
    assert "from berdikari.apps.owner import app" in code
    assert len(code.splitlines()) <= 3
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
