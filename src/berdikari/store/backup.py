"""Backup and restore: every row of every table as portable JSON lines.

The first line is a header (format, schema revision, row counts); each further line is
``{"table": name, "row": {column: value}}`` with dates and times as ISO 8601 text and binary
content (evidence files) as base64. A backup of
either engine restores into an empty database of either engine at the same schema revision, and
reproduces every row (ids included). This module is for administrators (the CLI); apps never call
it, and it never checks rights: whoever can run it can read the database file anyway.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import Date, DateTime, LargeBinary, delete, func, insert, select, text
from sqlalchemy.types import TypeDecorator

from berdikari.store.db import Store, current_revision
from berdikari.store.errors import InvalidInput
from berdikari.store.models import Base

FORMAT = "berdikari-backup"
VERSION = 1
SEEDED = ("region",)
"""Tables the first migration fills with reference data; a restore replaces their rows."""


def _kind(column) -> str | None:
    t = column.type
    if isinstance(t, TypeDecorator):
        t = t.impl_instance if hasattr(t, "impl_instance") else t.impl
    if isinstance(t, DateTime):
        return "datetime"
    if isinstance(t, Date):
        return "date"
    if isinstance(t, LargeBinary):
        return "bytes"
    return None


def _encode(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def table_rows(store: Store) -> dict[str, list[dict]]:
    """Every row of every table, ordered by primary key (also used by the round-trip test)."""
    out: dict[str, list[dict]] = {}
    with store.read() as s:
        for table in Base.metadata.sorted_tables:
            q = select(table).order_by(*table.primary_key.columns)
            out[table.name] = [
                {k: bytes(v) if isinstance(v, memoryview) else v for k, v in r._mapping.items()}
                for r in s.execute(q)
            ]
    return out


def backup(store: Store, out: IO[str]) -> dict[str, int]:
    """Write every row to ``out``; return the row count per table."""
    rows = table_rows(store)
    counts = {name: len(r) for name, r in rows.items()}
    header = {
        "format": FORMAT,
        "version": VERSION,
        "schema": current_revision(store.engine),
        "engine": store.dialect,
        "counts": counts,
    }
    out.write(json.dumps(header, ensure_ascii=False) + "\n")
    for name, table_rows_ in rows.items():
        for row in table_rows_:
            line = {"table": name, "row": {k: _encode(v) for k, v in row.items()}}
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    return counts


def backup_to_file(store: Store, path: Path) -> dict[str, int]:
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8") as f:
        counts = backup(store, f)
    tmp.replace(path)  # a backup file is either complete or absent
    return counts


def _read(lines) -> tuple[dict, dict[str, list[dict]]]:
    it = iter(lines)
    try:
        header = json.loads(next(it))
    except (StopIteration, json.JSONDecodeError):
        raise InvalidInput("backup", "line 1: not a Berdikari backup header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InvalidInput("backup", "line 1: not a Berdikari backup header")
    if header.get("version") != VERSION:
        raise InvalidInput("backup", f"backup format version {header.get('version')} unknown")
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    rows: dict[str, list[dict]] = {name: [] for name in tables}
    for n, line in enumerate(it, start=2):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            table = tables[rec["table"]]
            row = rec["row"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InvalidInput("backup", f"line {n}: not a table row of this schema") from None
        for col in table.columns:
            kind, value = _kind(col), row.get(col.name)
            if value is not None and kind == "datetime":
                row[col.name] = datetime.fromisoformat(value)
            elif value is not None and kind == "date":
                row[col.name] = date.fromisoformat(value)
            elif value is not None and kind == "bytes":
                row[col.name] = base64.b64decode(value)
        rows[table.name].append(row)
    counts = {k: len(v) for k, v in rows.items()}
    expected = {k: v for k, v in (header.get("counts") or {}).items() if k in counts}
    if expected != {k: counts[k] for k in expected}:
        raise InvalidInput("backup", "the file is truncated: row counts differ from its header")
    return header, rows


def restore(store: Store, lines) -> dict[str, int]:
    """Load a backup into ``store``, which must be empty (reference data aside) and at the
    backup's schema revision. All or nothing: one transaction."""
    header, rows = _read(lines)
    here = current_revision(store.engine)
    if header.get("schema") != here:
        raise InvalidInput(
            "backup",
            f"the backup is at schema {header.get('schema')}, this database at {here}; "
            "migrate one of them first (berdikari db upgrade/downgrade)",
        )
    with store.write() as s:
        for table in Base.metadata.sorted_tables:
            if table.name in SEEDED:
                continue
            if s.execute(select(func.count()).select_from(table)).scalar_one():
                raise InvalidInput(
                    "database", f"table {table.name} is not empty: restore needs an empty database"
                )
        for name in SEEDED:
            s.execute(delete(Base.metadata.tables[name]))
        for table in Base.metadata.sorted_tables:
            batch = rows[table.name]
            if table.name == "assessment":  # verifies_id points to earlier rows
                batch = sorted(batch, key=lambda r: r["id"])
            for i in range(0, len(batch), 1000):
                s.execute(insert(table), batch[i : i + 1000])
        if store.dialect == "postgresql":
            for table in Base.metadata.sorted_tables:
                s.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
    return {k: len(v) for k, v in rows.items()}


def restore_from_file(store: Store, path: Path) -> dict[str, int]:
    path = Path(path)
    if not path.is_file():
        raise InvalidInput("backup", f"{path}: file not found")
    with path.open(encoding="utf-8") as f:
        return restore(store, f)
