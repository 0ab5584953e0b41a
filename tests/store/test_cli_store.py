"""The store's CLI commands end to end (typer's runner), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from berdikari.cli import app
from berdikari.config import ROOT
from berdikari.store import open_store
from berdikari.store.auth import sign_in_owner, sign_in_staff
from berdikari.store.backup import table_rows
from berdikari.store.service import Service

runner = CliRunner()


def run(url, *args, input=None):
    return runner.invoke(app, [*args, "--database-url", url], input=input)


def test_db_upgrade_and_downgrade(empty_url):
    r = run(empty_url, "db", "upgrade")
    assert r.exit_code == 0, r.output
    assert "database at revision 0" in r.output
    r = run(empty_url, "db", "downgrade", "base")
    assert r.exit_code == 0 and "base (empty)" in r.output, r.output
    assert run(empty_url, "db", "upgrade").exit_code == 0


def test_user_umkm_assign_then_sign_in(store_url):
    r = run(
        store_url,
        "user",
        "add",
        "sari",
        "--role",
        "facilitator",
        "--name",
        "Sari Uji",
        "--organisation",
        "Gugus Depan Uji",
        "--organisation-kind",
        "komunitas",
        "--password-stdin",
        input="sandi-rahasia-1\n",
    )
    assert r.exit_code == 0, r.output
    assert "added facilitator sari" in r.output and "sandi-rahasia-1" not in r.output
    r = run(
        store_url,
        "user",
        "add",
        "budi",
        "--role",
        "manager",
        "--name",
        "Budi",
        input="sandi-rahasia-2\nsandi-rahasia-2\n",
    )  # prompted twice, hidden
    assert r.exit_code == 0, r.output
    assert "sandi-rahasia-2" not in r.output
    r = run(
        store_url,
        "umkm",
        "add",
        "--name",
        "Amplang Uji",
        "--owner",
        "Ibu Uji",
        "--regency",
        "Kapuas",
        "--category",
        "pangan-olahan",
        "--category",
        "kosmetik",
    )
    assert r.exit_code == 0, r.output
    code = r.output.split("UMKM code: ")[1].split()[0]
    pin = r.output.split("PIN: ")[1].split()[0]
    assert code == "KPS-0001" and len(pin) == 6 and pin.isdigit()
    r = run(store_url, "assign", code.lower(), "sari")
    assert r.exit_code == 0 and "KPS-0001 is now assigned to Sari Uji" in r.output, r.output

    store = open_store(store_url)
    try:
        me = sign_in_owner(store, code, pin)
        assert Service(store, me).umkm(me.umkm_id).facilitator == "Sari Uji"
        sari = Service(store, sign_in_staff(store, "sari", "sandi-rahasia-1"))
        assert [c.code for c in sari.my_umkm()] == ["KPS-0001"]
        assert sign_in_staff(store, "budi", "sandi-rahasia-2").role == "manager"
    finally:
        store.close()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("assign", "XXX-0001", "sari"), "There is no UMKM with the code XXX-0001."),
        (
            (
                "umkm",
                "add",
                "--name",
                "X",
                "--owner",
                "Y",
                "--regency",
                "Atlantis",
                "--category",
                "pangan-olahan",
            ),
            "Atlantis is not a known regency or city. Known: Barito",
        ),
        (
            (
                "umkm",
                "add",
                "--name",
                "X",
                "--owner",
                "Y",
                "--regency",
                "Kapuas",
                "--category",
                "makanan",
            ),
            "Product type: makanan is not one of the options.",
        ),
        (("user", "add", "x1", "--role", "admin", "--name", "X"), "--role must be one of"),
        (("restore", "/nonexistent/file.jsonl"), "file not found"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(store_url, args, words):
    r = run(store_url, *args, input="sandi-rahasia-1\n")
    assert r.exit_code == 2, r.output
    assert words in r.output


def test_short_password_from_stdin_is_refused(store_url):
    r = run(
        store_url,
        "user",
        "add",
        "ani",
        "--role",
        "facilitator",
        "--name",
        "Ani",
        "--password-stdin",
        input="pendek\n",
    )
    assert r.exit_code == 2 and "Password: use 10 to 200 characters." in r.output
    assert "pendek" not in r.output.replace("--password-stdin", "")


def test_backup_and_restore_commands(store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("BERDIKARI_CHECKLISTS_DIR", str(ROOT / "checklists"))
    monkeypatch.setenv("BERDIKARI_GUIDES_DIR", str(ROOT / "guides"))
    r = run(store_url, "demo")
    assert r.exit_code == 0, r.output
    assert "40 UMKM" in r.output and "manajer" in r.output and "demo-pendamping" in r.output
    assert run(store_url, "demo").exit_code == 2  # not twice without --reset
    path = tmp_path / "cadangan.jsonl"
    r = run(store_url, "backup", str(path))
    assert r.exit_code == 0 and "written to" in r.output, r.output
    target = f"sqlite:///{tmp_path / 'pulih.db'}"
    r = run(target, "restore", str(path))
    assert r.exit_code == 0 and "restored from" in r.output, r.output
    a, b = open_store(store_url), open_store(target)
    try:
        assert table_rows(a) == table_rows(b)
    finally:
        a.close()
        b.close()
    r = run(target, "restore", str(path))
    assert r.exit_code == 2 and "restore needs an empty database" in r.output


def test_umkm_reset_pin_prints_a_new_pin_once_and_lifts_a_lockout(store, store_url):
    from berdikari.store.auth import system_identity
    from berdikari.store.errors import AuthError

    u, old = Service(store, system_identity()).add_umkm(
        "Amplang Uji", "Ibu Uji", "Kapuas", ["pangan-olahan"]
    )
    wrong = "000000" if old != "000000" else "111111"
    for _ in range(3):  # the store fixture locks after 3 wrong PINs
        with pytest.raises(AuthError):
            sign_in_owner(store, u.code, wrong)
    with pytest.raises(AuthError) as e:
        sign_in_owner(store, u.code, old)
    assert e.value.key == "locked"

    r = run(store_url, "umkm", "reset-pin", u.code.lower())
    assert r.exit_code == 0, r.output
    pin = r.output.split("New PIN: ")[1].split()[0]
    assert len(pin) == 6 and pin.isdigit() and r.output.count(pin) == 1
    assert f"UMKM code: {u.code}" in r.output and "not shown again" in r.output
    assert sign_in_owner(store, u.code, pin).umkm_id == u.id  # the lock is lifted
    with pytest.raises(AuthError) as e:
        sign_in_owner(store, u.code, old)
    assert e.value.key == "bad-credentials"
    [row] = [
        x for x in Service(store, system_identity()).audit_log(u.id) if x["action"] == "pin-reset"
    ]
    assert row["actor_role"] == "system" and pin not in str(row["detail"])

    r = run(store_url, "umkm", "reset-pin", "XXX-0009")
    assert r.exit_code == 2 and "There is no UMKM with the code XXX-0009." in r.output
