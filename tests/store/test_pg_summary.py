"""Without a PostgreSQL server binary the PostgreSQL tests do not pass silently: outside CI the
summary says they did not run; in CI they fail."""

from __future__ import annotations

import os
import subprocess
import sys

from berdikari.config import ROOT

TARGET = "tests/store/test_migrations.py::test_models_match_the_migrations"


def _pytest(ci: str | None):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["BERDIKARI_TEST_PG_BINDIR"] = "/nonexistent"
    if ci:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", TARGET, "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_outside_ci_the_summary_says_postgresql_tests_did_not_run():
    done = _pytest(None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PostgreSQL tests did not run: no server binary; install Debian's postgresql" in (
        done.stdout
    )
    assert "1 passed, 1 deselected" in done.stdout


def test_in_ci_missing_postgresql_fails():
    done = _pytest("true")
    assert done.returncode != 0
    assert "1 passed" in done.stdout and ("1 error" in done.stdout or "1 failed" in done.stdout)
    assert "no server binary" in done.stdout
