"""The staff notebooks: nbval (lax) runs the two apps top to bottom in a real kernel and they stay
thin; the analysts' example runs cell by cell against a seeded database, signing in as a manager."""

from __future__ import annotations

import builtins
import getpass
import os
import subprocess
import sys

import nbformat
import pytest

from berdikari.apps import session as owner_session
from berdikari.config import settings
from berdikari.store import open_store
from tests.apps.staff_seed import PASSWORD, cheap_hashing, seed  # noqa: F401

APPS = {
    "pendamping.ipynb": "berdikari.apps.facilitator",
    "program.ipynb": "berdikari.apps.programme",
}
ANALYSIS = settings().notebooks_dir / "analisis-contoh.ipynb"


def test_staff_notebooks_run_top_to_bottom_under_nbval_lax(tmp_path):
    env = {**os.environ, "BERDIKARI_DATABASE_URL": f"sqlite:///{tmp_path / 'nb.db'}"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax"]
        + [str(settings().notebooks_dir / name) for name in APPS],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "2 passed" in proc.stdout


@pytest.mark.parametrize("name", sorted(APPS))
def test_staff_notebooks_are_a_title_and_one_import(name):
    nb = nbformat.read(settings().notebooks_dir / name, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
    code = nb.cells[1].source
    assert f"from {APPS[name]} import app" in code and len(code.splitlines()) <= 3
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_analysis_example_runs_for_a_signed_in_manager(tmp_path, monkeypatch):
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    seed(store)
    monkeypatch.setattr(owner_session, "_STORE", store)
    monkeypatch.setattr(builtins, "input", lambda prompt="": "manajer")
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    nb = nbformat.read(ANALYSIS, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    ns: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, str(ANALYSIS), "exec"), ns)  # noqa: S102
    assert len(ns["df"]["umkm"]) == 3
    assert PASSWORD not in ANALYSIS.read_text(encoding="utf-8")
    store.close()
