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
import binascii
import json
from datetime import date, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import Date, DateTime, LargeBinary, delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeDecorator

from berdikari.store.db import Store, current_revision
from berdikari.store.errors import InvalidInput
from berdikari.store.models import Base

FORMAT = "berdikari-backup"
VERSION = 1
SEEDED = ("region", "showcase_term")
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
    try:
        with tmp.open("w", encoding="utf-8") as f:
            counts = backup(store, f)
        tmp.replace(path)  # a backup file is either complete or absent
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(
            "backup-unwritable", field="backup", path=str(path), reason=exc.strerror or str(exc)
        ) from None
    return counts


class _Bad(ValueError):
    """A value that does not fit its column: a message key and its values."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(key)


def _value(column, value):
    """``value`` from the file as the column's Python value, or :class:`_Bad`."""
    if value is None:
        if not column.nullable:
            raise _Bad("backup-value-null")
        return None
    kind = _kind(column)
    what = {
        "datetime": "a date and time as ISO 8601 text",
        "date": "a date as YYYY-MM-DD text",
        "bytes": "base64 text",
    }
    if kind in what:
        shown = value if not isinstance(value, str) or len(value) <= 40 else value[:40] + "…"
        try:
            if isinstance(value, str) and kind == "datetime":
                return datetime.fromisoformat(value)
            if isinstance(value, str) and kind == "date":
                return date.fromisoformat(value)
            if isinstance(value, str):
                return base64.b64decode(value, validate=True)
        except (ValueError, binascii.Error):
            pass
        raise _Bad("backup-value-kind", value=repr(shown), expected=what[kind])
    expected = column.type.python_type
    if expected is object:  # JSON: any JSON value
        return value
    if isinstance(value, bool) and expected is not bool or not isinstance(value, expected):
        names = {int: "a whole number", str: "text", bool: "true or false"}
        raise _Bad(
            "backup-value-kind", value=repr(value), expected=names.get(expected, expected.__name__)
        )
    length = getattr(column.type, "length", None)
    if length is not None and len(value) > length:
        raise _Bad("backup-value-too-long", length=len(value), max=length)
    return value


def _read(
    lines, source: str | None = None, schema: str | None = None
) -> tuple[dict, dict[str, list[dict]]]:
    """The header and the rows of a backup, every value checked against the schema.

    Any problem raises :class:`InvalidInput` located as ``source:line: what; expected …``: a
    line that is not JSON, an unknown table, a row with a column this schema does not have or
    without one it has, a value of the wrong kind, and a header whose row counts do not match
    the rows (a truncated or edited file). With ``schema``, a backup of another schema revision
    is refused before its rows are read."""

    file = source or "backup"

    def bad(n: int, key: str, **params):
        where = f"{source}:{n}" if source else f"line {n}"
        return InvalidInput(key, field="backup", where=where, **params)

    it = iter(lines)
    first = next(it, None)
    try:
        header = json.loads(first) if first is not None else None
    except (json.JSONDecodeError, TypeError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise bad(1, "backup-no-header", expected=f'{{"format": "{FORMAT}", …}}')
    if header.get("version") != VERSION:
        raise bad(1, "backup-version", version=repr(header.get("version")), expected=VERSION)
    if schema is not None and header.get("schema") != schema:
        raise InvalidInput(
            "backup-schema", field="backup", where=file, found=header.get("schema"), schema=schema
        )
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    expected = header.get("counts")
    if not isinstance(expected, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in expected.values()
    ):
        raise bad(1, "backup-no-counts", expected='"counts": {table: rows, …}')
    missing = sorted(set(tables) - set(expected))
    unknown = sorted(set(expected) - set(tables))
    if missing or unknown:
        raise bad(
            1,
            "backup-counts-tables",
            missing=", ".join(missing) or "-",
            unknown=", ".join(unknown) or "-",
        )
    rows: dict[str, list[dict]] = {name: [] for name in tables}
    for n, line in enumerate(it, start=2):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise bad(n, "backup-not-json", reason=exc.msg) from None
        except RecursionError:
            raise bad(n, "backup-too-deep") from None
        if (
            not isinstance(rec, dict)
            or set(rec) != {"table", "row"}
            or not isinstance(rec["row"], dict)
        ):
            raise bad(n, "backup-not-a-row", expected='{"table": …, "row": {…}}')
        table = tables.get(rec["table"]) if isinstance(rec["table"], str) else None
        if table is None:
            raise bad(n, "backup-no-table", table=repr(rec["table"]))
        raw = rec["row"]
        columns = {c.name: c for c in table.columns}
        extra = sorted(set(raw) - set(columns))
        lacking = sorted(set(columns) - set(raw))
        if extra:
            raise bad(n, "backup-extra-column", table=table.name, columns=", ".join(extra))
        if lacking:
            raise bad(n, "backup-lacks-column", table=table.name, columns=", ".join(lacking))
        row = {}
        for name, col in columns.items():
            try:
                row[name] = _value(col, raw[name])
            except _Bad as exc:
                raise bad(n, exc.key, column=f"{table.name}.{name}", **exc.params) from None
        rows[table.name].append(row)
    for name, found in rows.items():
        if len(found) != expected[name]:
            raise InvalidInput(
                "backup-truncated",
                field="backup",
                where=file,
                table=name,
                found=len(found),
                expected=expected[name],
            )
    return header, rows


def restore(store: Store, lines, source: str | None = None) -> dict[str, int]:
    """Load a backup into ``store``, which must be empty (reference data aside) and at the
    backup's schema revision. All or nothing: every line is checked first (:func:`_read`), then
    one transaction; ``source`` (the file name) locates the messages."""
    _header, rows = _read(lines, source, schema=current_revision(store.engine))
    with store.write() as s:
        for table in Base.metadata.sorted_tables:
            if table.name in SEEDED:
                continue
            if s.execute(select(func.count()).select_from(table)).scalar_one():
                raise InvalidInput("backup-not-empty", field="database", table=table.name)
        for name in SEEDED:
            s.execute(delete(Base.metadata.tables[name]))
        for table in Base.metadata.sorted_tables:
            batch = rows[table.name]
            if table.name == "assessment":  # verifies_id points to earlier rows
                batch = sorted(batch, key=lambda r: r["id"])
            for i in range(0, len(batch), 1000):
                try:
                    s.execute(insert(table), batch[i : i + 1000])
                except DBAPIError as exc:  # the whole transaction is rolled back
                    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc)
                    raise InvalidInput(
                        "backup-rows-misfit",
                        field="backup",
                        where=source or "backup",
                        table=table.name,
                        reason=str(reason),
                    ) from None
        if store.dialect == "postgresql":
            for table in Base.metadata.sorted_tables:
                if "id" not in table.c:  # umkm_standing: keyed by umkm_id, no sequence
                    continue
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
        raise InvalidInput("backup-not-found", field="backup", path=str(path))
    try:
        with path.open("rb") as f:
            lines = list(_lines(f, path))
    except OSError as exc:
        raise InvalidInput(
            "backup-unreadable", field="backup", path=str(path), reason=exc.strerror
        ) from None
    return restore(store, lines, str(path))


def _lines(f, path: Path):
    """The file's lines as text; a line that is not UTF-8 is refused with its number."""
    for n, raw in enumerate(f, start=1):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("backup-not-utf8", field="backup", where=f"{path}:{n}") from None
