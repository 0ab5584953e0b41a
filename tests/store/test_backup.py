"""Backup → restore reproduces every row, on each engine and across engines."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from berdikari.store import open_store
from berdikari.store.auth import sign_in_owner
from berdikari.store.backup import backup, backup_to_file, restore, restore_from_file, table_rows
from berdikari.store.errors import InvalidInput
from berdikari.store.models import Base
from berdikari.store.sessions import create_session

ITEMS = [f"UJI-{s:02d}.{n:02d}" for s in (1, 2, 3) for n in range(1, 9)]


def _fill(w):
    a = w.owner1.start_or_resume_assessment(w.u1.id, "uji-irtp")
    w.owner1.save_answers(a.id, {i: ("yes", 'catatan "kutip" ✓') for i in ITEMS})
    w.owner1.submit_assessment(a.id)
    w.fa.verify_assessment(a.id, {"UJI-02.02": ("no", "bocor")})
    v = w.fa.record_visit(w.u1.id, date(2026, 11, 20), "Kunjungan: dapur & gudang")
    w.fa.add_evidence(w.u1.id, "dapur.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), v.id)
    act = w.fa.add_action(w.u1.id, "Ganti atap", date(2027, 1, 31), "UJI-02.02")
    w.owner1.set_action_status(act.id, "in-progress")
    p = w.fa.add_product(w.u1.id, "Kerupuk", "pangan-olahan")
    ms = w.fa.add_milestone(w.u1.id, "p-irt", date(2026, 11, 25), "2086271010001-31", p.id)
    # the Etalase: a page with its photo, approved; a hand-over event with a permit and an award
    photo = io.BytesIO()
    Image.new("RGB", (4, 4), (9, 8, 7)).save(photo, "PNG")
    page = w.owner1.set_showcase_choices(
        w.u1.id, p.id, photo=photo.getvalue(), show_photo=True, description="Renyah ✓",
        speciality="kerupuk-haruan",
    )  # fmt: skip
    w.manager.approve_listing(page.listing_id)
    w.manager.record_handover_event(
        "Penyerahan", date(2026, 11, 26), "Aula",
        [{"umkm_id": w.u1.id, "kind": "permit", "milestone_id": ms.id},
         {"umkm_id": w.u1.id, "kind": "award", "award": "umkm-berprestasi"}],
    )  # fmt: skip
    w.manager.assign(w.u2.id, w.fac_a.id)
    create_session(w.store, w.owner1.identity, remember=True)  # web_session: hashes only


def _other_url(engine_name, request, tmp_path):
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'restored' / 'b.db'}", None
    server = request.getfixturevalue("pg_server")
    name = server.new_database()
    return server.url(name), (server, name)


def test_backup_then_restore_reproduces_every_row(world, engine_name, request, tmp_path):
    _fill(world)
    before = table_rows(world.store)
    assert [t.name for t in Base.metadata.sorted_tables if not before[t.name]] == []
    path = tmp_path / "cadangan.jsonl"
    counts = backup_to_file(world.store, path)
    assert counts["answer"] == 48 and counts["region"] == 14
    url, cleanup = _other_url(engine_name, request, tmp_path)
    target = open_store(url)
    try:
        restore_from_file(target, path)
        assert table_rows(target) == before
        # the restored database works: sign in, and new rows get fresh ids
        me = sign_in_owner(target, world.u1.code, world.pin1)
        from berdikari.store.service import Service

        new = Service(target, me).start_or_resume_assessment(world.u1.id, "uji-label")
        assert new.id > max(r["id"] for r in before["assessment"])
        with pytest.raises(InvalidInput, match="not empty"):
            restore_from_file(target, path)
    finally:
        target.close()
        if cleanup:
            cleanup[0].drop_database(cleanup[1])


@pytest.mark.parametrize("other", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_backup_moves_between_sqlite_and_postgresql(other, pg_server, tmp_path):
    from tests.store.conftest import World

    lite = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    name = pg_server.new_database()
    pg = open_store(pg_server.url(name))
    back = open_store(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        _fill(World(lite))
        buf = io.StringIO()
        backup(lite, buf)
        restore(pg, io.StringIO(buf.getvalue()).readlines())
        assert table_rows(pg) == table_rows(lite)
        buf2 = io.StringIO()
        backup(pg, buf2)
        restore(back, buf2.getvalue().splitlines())
        assert table_rows(back) == table_rows(lite)
    finally:
        for s in (lite, pg, back):
            s.close()
        pg_server.drop_database(name)


def test_a_damaged_backup_restores_nothing(world, tmp_path):
    _fill(world)
    buf = io.StringIO()
    backup(world.store, buf)
    lines = buf.getvalue().splitlines()
    target = open_store(f"sqlite:///{tmp_path / 'd.db'}")
    try:
        with pytest.raises(InvalidInput, match="truncated"):
            restore(target, lines[:-5])
        with pytest.raises(InvalidInput, match="line 3: not a table row"):
            restore(target, [lines[0], lines[1], "{not json", *lines[3:]])
        with pytest.raises(InvalidInput, match="not a Berdikari backup"):
            restore(target, ["hello"])
        assert (
            sum(
                len(v)
                for k, v in table_rows(target).items()
                if k not in ("region", "showcase_term")
            )
            == 0
        )
        assert len(table_rows(target)["region"]) == 14
    finally:
        target.close()
