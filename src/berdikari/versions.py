"""Checklist versions: which items of a new version are new or changed, and how old IDs map.

Reads ``checklists/_mapping.yaml`` (STYLE.md section 2): for each checklist, the steps from one
version to the next, with the items whose meaning changed (a new ID replaces the old one), those
removed, and those added. An item ID that a step does not list means the same in both versions,
so its answer may be carried over to a draft of the new version. This module only reads data;
it never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from berdikari.config import settings

MAPPING_FILE = "_mapping.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Strict):
    to: str | None = None
    """The ID that replaces the old one (None when the item was removed)."""
    change: Literal["changed", "removed"]
    why: str = Field(min_length=1)


class Step(_Strict):
    from_: str = Field(alias="from")
    to: str
    items: dict[str, Change] = Field(default_factory=dict)
    added: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Diff:
    """What changed between an old version and the current one of a checklist."""

    changed: dict[str, str]
    """new ID -> the old ID it replaces."""
    added: frozenset[str]
    dropped: frozenset[str]
    """Old IDs whose answers must not be carried over (changed or removed)."""

    def mark(self, item_id: str) -> Literal["new", "changed"] | None:
        if item_id in self.changed:
            return "changed"
        if item_id in self.added:
            return "new"
        return None


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, list[Step]]:
    from ruamel.yaml import YAML

    raw = YAML(typ="safe").load(Path(path).read_text(encoding="utf-8")) or {}
    return {cid: [Step.model_validate(s) for s in steps] for cid, steps in raw.items()}


def steps(checklist_id: str, directory: Path | None = None) -> list[Step]:
    """The version steps recorded for a checklist, oldest first (none when it never changed)."""
    path = Path(directory or settings().checklists_dir) / MAPPING_FILE
    if not path.is_file():
        return []
    return _load(str(path), path.stat().st_mtime).get(checklist_id, [])


def diff(
    checklist_id: str, old_version: str, new_version: str, directory: Path | None = None
) -> Diff:
    """Every step from ``old_version`` to ``new_version``, composed into one :class:`Diff`."""
    changed: dict[str, str] = {}
    added: set[str] = set()
    dropped: set[str] = set()
    version = old_version
    for step in steps(checklist_id, directory):
        if step.from_ != version or version == new_version:
            continue
        for old_id, ch in step.items.items():
            dropped.add(old_id)
            origin = changed.pop(old_id, old_id)
            if ch.to is not None:
                changed[ch.to] = origin
        added.update(step.added)
        version = step.to
    return Diff(changed, frozenset(added), frozenset(dropped))


def carried_answers(
    checklist_id: str,
    old_version: str,
    new_version: str,
    old_answers: dict[str, tuple[str, str | None]],
    new_ids: set[str],
    directory: Path | None = None,
) -> dict[str, tuple[str, str | None]]:
    """The answers of an old-version assessment that still hold in the new version: same ID,
    not listed as changed or removed, and still an item of the new version."""
    d = diff(checklist_id, old_version, new_version, directory)
    return {k: v for k, v in old_answers.items() if k in new_ids and k not in d.dropped}


def current_id(checklist_id: str, old_version: str, item_id: str, new_version: str) -> str | None:
    """The ID an old item has in ``new_version`` (itself if unchanged; the successor if its
    meaning changed; None if removed). Lets programme figures compare versions item by item."""
    for step in steps(checklist_id):
        if step.from_ != old_version or old_version == new_version:
            continue
        ch = step.items.get(item_id)
        if ch is not None:
            if ch.to is None:
                return None
            item_id = ch.to
        old_version = step.to
    return item_id
