"""Shared fixtures. Fixture checklists live in tests/fixtures/ (a tiny valid standard)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_dirs(monkeypatch):
    """Point the package at the fixture checklists and guides."""
    monkeypatch.setenv("BERDIKARI_CHECKLISTS_DIR", str(FIXTURES / "checklists"))
    monkeypatch.setenv("BERDIKARI_GUIDES_DIR", str(FIXTURES / "guides"))
    return FIXTURES
