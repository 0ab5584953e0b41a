"""A malformed or edited backup is refused with a located message and restores nothing.

``berdikari restore`` printed tracebacks on malformed files, restored a file whose header had
lost its row counts (9,752 rows, exit 0) and dropped an unknown column silently (issue 12). Now
every line is checked against the schema first: ``file:line: what; expected …``, exit 2.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from berdikari.cli import app
from berdikari.store import open_store
from berdikari.store.backup import backup_to_file, restore_from_file, table_rows
from berdikari.store.errors import InvalidInput

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def backup_lines(world, tmp_path) -> list[str]:
    v = world.fa.record_visit(
        world.u1.id,
        date(2026, 11, 20),
        "Dapur",
        files=[("dapur.png", PNG)],
        actions=[{"title": "Ganti atap"}, {"title": "Cuci tangan"}],
    )
    world.fa.record_visit(world.u1.id, date(2026, 11, 21), "Gudang")
    assert v.id
    path = tmp_path / "cadangan.jsonl"
    backup_to_file(world.store, path)
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def target(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'target' / 't.db'}")
    yield store
    store.close()


def _line_of(lines: list[str], table: str) -> int:
    """0-based index of the first row of ``table``."""
    return next(i for i, x in enumerate(lines) if json.loads(x).get("table") == table)


def _edit_row(lines, table, change) -> tuple[list[str], int]:
    i = _line_of(lines, table)
    rec = json.loads(lines[i])
    change(rec["row"])
    return [*lines[:i], json.dumps(rec), *lines[i + 1 :]], i + 1


def _edit_header(lines, change) -> list[str]:
    header = json.loads(lines[0])
    change(header)
    return [json.dumps(header), *lines[1:]]


def _restore(target, tmp_path, lines: list[str] | bytes) -> InvalidInput:
    path = tmp_path / "rusak.jsonl"
    if isinstance(lines, bytes):
        path.write_bytes(lines)
    else:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as e:
        restore_from_file(target, path)
    rows = table_rows(target)
    assert sum(len(v) for k, v in rows.items() if k not in ("region", "showcase_term")) == 0  # nothing restored
    assert len(rows["region"]) == 14  # the reference data is still there
    return e.value


def _pop_counts(h):
    h.pop("counts")


def _drop_visit_count(h):
    h["counts"].pop("visit")


def _extra_count(h):
    h["counts"]["colour"] = 0


def _wrong_count(h):
    h["counts"]["visit"] = 3


def _counts_as_text(h):
    h["counts"]["visit"] = "2"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_pop_counts, ":1: the header has no row counts; expected"),
        (_drop_visit_count, ":1: the header's row counts do not name the tables of this schema"),
        (_extra_count, "(missing: -; unknown: colour); expected one count for each table"),
        (_counts_as_text, ":1: the header has no row counts"),
        (_wrong_count, "truncated or was edited: table visit has 2 row(s), its header says 3"),
    ],
)
def test_a_header_whose_counts_do_not_match_the_rows_is_refused(
    backup_lines, target, tmp_path, change, words
):
    e = _restore(target, tmp_path, _edit_header(backup_lines, change))
    assert words in e.message
    assert str(tmp_path / "rusak.jsonl") in e.message


def test_a_header_that_lost_its_counts_is_refused_even_when_every_row_is_fine(
    backup_lines, target, tmp_path
):
    e = _restore(target, tmp_path, _edit_header(backup_lines, _pop_counts))
    assert (e.key, e.field) == ("backup-no-counts", "backup")


@pytest.mark.parametrize(
    ("table", "change", "words"),
    [
        ("visit", lambda r: r.update(colour="merah"), "table visit has no column colour"),
        ("visit", lambda r: r.pop("summary"), "table visit row lacks column summary"),
        (
            "visit",
            lambda r: r.update(visited_on="besok"),
            "visit.visited_on is 'besok'; expected a date",
        ),
        ("visit", lambda r: r.update(id="7"), "visit.id is '7'; expected a whole number"),
        ("visit", lambda r: r.update(id=True), "visit.id is True; expected a whole number"),
        (
            "visit",
            lambda r: r.update(summary=None),
            "visit.summary is empty (null); expected a value",
        ),
        ("visit", lambda r: r.update(kind="x" * 500), "visit.kind is 500 characters long"),
        (
            "evidence",
            lambda r: r.update(content="%%% not base64"),
            "evidence.content is '%%% not base64'; expected base64",
        ),
        (
            "audit_log",
            lambda r: r.update(at=20261120),
            "audit_log.at is 20261120; expected a date and time",
        ),
    ],
)
def test_a_row_with_an_unknown_missing_or_wrong_column_is_refused_at_its_line(
    backup_lines, target, tmp_path, table, change, words
):
    lines, n = _edit_row(backup_lines, table, change)
    e = _restore(target, tmp_path, lines)
    assert f"rusak.jsonl:{n}: {words}" in e.message, e.message


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("{not json", "not a table row of this schema (not JSON"),
        ('{"table": "visit"}', 'expected {"table": …, "row": {…}}'),
        ('{"table": "colour", "row": {}}', "no table 'colour'"),
        ("[1, 2]", "not a table row of this schema"),
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ],
)
def test_a_line_that_is_not_a_row_is_located(backup_lines, target, tmp_path, line, words):
    e = _restore(target, tmp_path, [*backup_lines[:2], line, *backup_lines[3:]])
    assert "rusak.jsonl:3: not a table row of this schema" in e.message and words in e.message


def test_a_file_that_is_not_text_or_not_a_backup(backup_lines, target, tmp_path):
    e = _restore(target, tmp_path, (backup_lines[0] + "\n").encode() + b"\xff\xfe\x00garbage\n")
    assert "rusak.jsonl:2: not UTF-8 text" in e.message
    e = _restore(target, tmp_path, ["hello"])
    assert "rusak.jsonl:1: not a Berdikari backup header" in e.message
    e = _restore(target, tmp_path, b"")
    assert "rusak.jsonl:1: not a Berdikari backup header" in e.message
    e = _restore(target, tmp_path, _edit_header(backup_lines, lambda h: h.update(schema="0001")))
    assert "the backup is at schema 0001" in e.message


def test_rows_that_do_not_fit_together_are_refused_and_nothing_is_restored(
    backup_lines, target, tmp_path
):
    lines, _n = _edit_row(backup_lines, "evidence", lambda r: r.update(visit_id=999))
    e = _restore(target, tmp_path, lines)
    assert "the rows of table evidence do not fit the database" in e.message


def test_the_cli_says_where_and_exits_2_without_a_traceback(backup_lines, tmp_path):
    path = tmp_path / "rusak.jsonl"
    lines, n = _edit_row(backup_lines, "visit", lambda r: r.update(colour="merah"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cli' / 'c.db'}"
    r = CliRunner().invoke(app, ["restore", str(path), "--database-url", url])
    assert r.exit_code == 2, r.output
    assert f"{path}:{n}: table visit has no column colour" in r.output
    assert "Traceback" not in r.output and isinstance(r.exception, SystemExit)
    path.write_bytes(b"\x00\x01binary")
    r = CliRunner().invoke(app, ["restore", str(path), "--database-url", url])
    assert r.exit_code == 2 and f"{path}:1: not a Berdikari backup header" in r.output
    r = CliRunner().invoke(app, ["restore", str(tmp_path), "--database-url", url])
    assert r.exit_code == 2 and "file not found" in r.output
