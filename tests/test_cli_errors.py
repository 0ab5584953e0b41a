"""Bad input to the CLI ends in one located English line and exit 2, never a traceback.

Issue 12 found tracebacks for a bad ``BERDIKARI_DATABASE_URL``; these tests also cover the
``--database-url`` option, a database that cannot be reached or migrated, broken answers files
for ``berdikari score`` and a backup that cannot be written. No message shows a password.
"""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from berdikari.cli import ANSWERS_FILE_MAX, app

runner = CliRunner()


def _clean(r) -> None:
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output
    assert "secretpw" not in r.output


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://u:secretpw@host/db", "(got a URL starting 'mysql://')"),
        ("postgresql+asyncpg://u:secretpw@h/db", "(got a URL starting 'postgresql+asyncpg://')"),
        ("berdikari.db", "(got no URL scheme)"),
        ("sqlite://data/berdikari.db", "an SQLite URL has three slashes before the path"),
    ],
)
def test_a_bad_database_url_in_the_environment_is_named_at_start(monkeypatch, url, words):
    monkeypatch.setenv("BERDIKARI_DATABASE_URL", url)
    r = runner.invoke(app, ["checklists", "list"])
    _clean(r)
    assert r.output.startswith("berdikari: BERDIKARI_DATABASE_URL")
    assert words in r.output and len(r.output.strip().splitlines()) == 1


def test_a_bad_database_url_option_is_named(tmp_path):
    r = runner.invoke(app, ["db", "upgrade", "--database-url", "mysql://u:secretpw@h/db"])
    _clean(r)
    assert r.output.startswith("berdikari: --database-url must be sqlite:///")


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path):
    url = f"postgresql://u:secretpw@127.0.0.1:{_closed_port()}/berdikari"
    for args in (["db", "upgrade"], ["umkm", "reset-pin", "PKY-0001"], ["backup", "b.jsonl"]):
        r = runner.invoke(app, [*args, "--database-url", url])
        _clean(r)
        assert "berdikari: cannot use the database postgresql://u:***@127.0.0.1:" in r.output
        assert "(--database-url)" in r.output and "refused" in r.output.lower()


def test_the_setting_is_named_when_it_is_where_the_url_came_from(monkeypatch):
    url = f"postgresql://u:secretpw@127.0.0.1:{_closed_port()}/berdikari"
    monkeypatch.setenv("BERDIKARI_DATABASE_URL", url)
    r = runner.invoke(app, ["db", "upgrade"])
    _clean(r)
    assert "(BERDIKARI_DATABASE_URL)" in r.output


def test_an_unknown_revision_is_a_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    r = runner.invoke(app, ["db", "downgrade", "nonsense", "--database-url", url])
    _clean(r)
    assert "berdikari: Can't locate revision identified by 'nonsense'" in r.output


@pytest.fixture
def answers(tmp_path, fixture_dirs):
    return tmp_path / "jawaban.json"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"answers": {}}\n\xff\xfe', "jawaban.json:2: not UTF-8 text"),
        (b"[" * 200_000 + b"]" * 200_000, "jawaban.json: nested too deeply"),
        (
            b'{"answers": {"CONTOH-01.01": "yes"}, "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
            "nested too deeply",
        ),
        (b'{"answers": \n  {"CONTOH-01.01": "yes",}}', "jawaban.json:2: not valid JSON"),
        (b'["yes"]', 'expected an object {"answers"'),
        (b'{"answers": {"CONTOH-01.01": 5}}', "CONTOH-01.01: answer 5 is not one of"),
    ],
)
def test_a_broken_answers_file_is_located(answers, content, words):
    answers.write_bytes(content)
    r = runner.invoke(app, ["score", "contoh-irtp", str(answers)])
    _clean(r)
    assert words in r.output


def test_an_answers_file_that_is_a_folder_missing_or_huge(answers, tmp_path):
    r = runner.invoke(app, ["score", "contoh-irtp", str(tmp_path)])
    _clean(r)
    assert f"{tmp_path}: cannot be read" in r.output
    r = runner.invoke(app, ["score", "contoh-irtp", str(answers)])
    _clean(r)
    assert "file not found" in r.output
    answers.write_bytes(b" " * (ANSWERS_FILE_MAX + 1))
    r = runner.invoke(app, ["score", "contoh-irtp", str(answers)])
    _clean(r)
    assert "larger than 5 MB" in r.output


def test_a_backup_that_cannot_be_written_leaves_no_partial_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    target = tmp_path / "no-such-folder" / "b.jsonl"
    r = runner.invoke(app, ["backup", str(target), "--database-url", url])
    _clean(r)
    assert (
        f"{target} cannot be written (No such file or directory); nothing was written" in r.output
    )
    r = runner.invoke(app, ["backup", str(tmp_path), "--database-url", url])
    _clean(r)
    assert "Is a directory" in r.output
    assert not list(tmp_path.rglob("*.partial"))


def test_no_checklists_where_the_setting_points_is_said(monkeypatch, tmp_path):
    monkeypatch.setenv("BERDIKARI_CHECKLISTS_DIR", str(tmp_path / "none"))
    for args in (["checklists", "list"], ["score", "x", str(tmp_path / "a.json")]):
        r = runner.invoke(app, args)
        assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
        assert f"{tmp_path / 'none'}: no checklist files (*.yaml) found" in r.output


def test_a_site_folder_that_cannot_be_written_is_a_message(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    r = runner.invoke(app, ["site", "build", "--out", str(blocker / "site")])
    _clean(r)
    assert "cannot write the site" in r.output
