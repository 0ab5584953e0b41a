"""One configuration object, read from the environment (``BERDIKARI_*`` variables).

Nothing else in the package reads ``os.environ`` for Berdikari settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The source checkout (``checklists/``, ``guides/``, ``notebooks/`` live here)."""


@dataclass(frozen=True)
class Settings:
    root: Path
    checklists_dir: Path
    guides_dir: Path
    notebooks_dir: Path
    data_dir: Path
    database_url: str
    secret_key: str


def settings() -> Settings:
    env = os.environ
    root = Path(env.get("BERDIKARI_ROOT", ROOT))
    data_dir = Path(env.get("BERDIKARI_DATA_DIR", root / "data"))
    return Settings(
        root=root,
        checklists_dir=Path(env.get("BERDIKARI_CHECKLISTS_DIR", root / "checklists")),
        guides_dir=Path(env.get("BERDIKARI_GUIDES_DIR", root / "guides")),
        notebooks_dir=Path(env.get("BERDIKARI_NOTEBOOKS_DIR", root / "notebooks")),
        data_dir=data_dir,
        database_url=env.get("BERDIKARI_DATABASE_URL", f"sqlite:///{data_dir / 'berdikari.db'}"),
        secret_key=env.get("BERDIKARI_SECRET_KEY", ""),
    )
