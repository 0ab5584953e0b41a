"""Benchmark: 30 signed-in owners answering at once; every answer counted, save times printed.

Each owner is a separate process, as each owner's app runs in its own kernel: it signs in with
its UMKM code and PIN through the app's session layer (:func:`berdikari.apps.session.sign_in`),
opens CPPOB-IRTP and answers every question, one save per tap. A save returns only after the
service layer's commit (the moment the app shows "tersimpan"). All owners start together.

Printed per database: answers expected, answers stored (counted in the database afterwards),
saves per second, save time median / p95 / max. Databases: the default SQLite file (WAL) and a
PostgreSQL server started here in a temporary directory with fsync and synchronous_commit on
(skipped, and said so, without Debian's PostgreSQL binaries).

Run: ``.venv/bin/python benchmarks/bench_answers_rush.py [--owners 30]``. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

CHECKLIST = "cppob-irtp"
VALUES = ("yes", "no", "partial", "unknown", "na")


def create_owners(url: str, n: int) -> list[tuple[str, str]]:
    from berdikari.store import open_store
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    store = open_store(url)
    svc = Service(store, system_identity())
    owners = []
    for i in range(n):
        umkm, pin = svc.add_umkm(
            name=f"UMKM Uji {i:02d}",
            owner_name=f"Pemilik {i:02d}",
            regency="Kota Palangka Raya",
            categories=["pangan-olahan"],
        )
        owners.append((umkm.code, pin))
    store.close()
    return owners


def owner(url: str, code: str, pin: str, ready, start, out) -> None:
    """One owner's kernel: sign in, answer every question, report each save's duration."""
    os.environ["BERDIKARI_DATABASE_URL"] = url
    from berdikari.apps.session import sign_in
    from berdikari.checklists import load

    items = [i.id for i in load(CHECKLIST).items]
    session = sign_in(code, pin)
    session.open_checklist(CHECKLIST)
    ready.put(code)
    start.wait()
    times, errors = [], []
    for n, item in enumerate(items):
        t0 = time.perf_counter()
        try:
            session.save_answer(CHECKLIST, item, VALUES[n % len(VALUES)], None)
            times.append(time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001  counted and shown
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
    out.put((code, times, errors))


def count_answers(url: str) -> int:
    from sqlalchemy import func, select

    from berdikari.store import open_store
    from berdikari.store.models import Answer

    store = open_store(url)
    with store.read() as s:
        n = s.execute(select(func.count(Answer.id))).scalar_one()
    store.close()
    return n


def rush(url: str, n: int) -> dict:
    from berdikari.checklists import load

    owners = create_owners(url, n)
    per_owner = len(load(CHECKLIST).items)
    ctx = mp.get_context("spawn")
    ready, start, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=owner, args=(url, c, p, ready, start, out)) for c, p in owners]
    for p in procs:
        p.start()
    for _ in procs:  # every owner signed in (Argon2, deliberately slow) before the rush
        ready.get(timeout=600)
    t0 = time.perf_counter()
    start.set()
    results = [out.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join(timeout=60)
    times = sorted(t for _, ts, _ in results for t in ts)
    errors = [e for _, _, es in results for e in es]
    return {
        "expected": n * per_owner,
        "stored": count_answers(url),
        "saves": len(times),
        "errors": errors,
        "wall": wall,
        "median": statistics.median(times) if times else None,
        "p95": times[int(0.95 * (len(times) - 1))] if times else None,
        "max": times[-1] if times else None,
    }


def durable_postgres():
    """A PostgreSQL server with durable commits (fsync, synchronous_commit on), or None."""
    from tests.store import pgserver

    bindir = pgserver.bin_dir()
    if bindir is None:
        return None
    server = pgserver.PgServer(bindir)
    server._run(
        "initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
        "--locale=C",
    )  # fmt: skip
    opts = (
        f"-p {server.port} -k {server.root} -c listen_addresses=127.0.0.1 "
        "-c fsync=on -c synchronous_commit=on -c max_connections=200"
    )
    server._run(
        "pg_ctl", "-D", str(server.data), "-o", opts, "-l", str(server.root / "server.log"),
        "-w", "-t", "60", "start",
    )  # fmt: skip
    server.execute("CREATE DATABASE rush")
    return server


def show(name: str, r: dict) -> None:
    ms = lambda x: "-" if x is None else f"{1000 * x:.0f} ms"  # noqa: E731
    print(
        f"{name:<11} stored {r['stored']}/{r['expected']} answers "
        f"({len(r['errors'])} errors); {r['saves'] / r['wall']:.0f} saves/s; "
        f"save time median {ms(r['median'])}, p95 {ms(r['p95'])}, max {ms(r['max'])}",
        flush=True,
    )
    for e in sorted(set(r["errors"]))[:5]:
        print(f"{'':<11} error: {e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--owners", type=int, default=30)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bdk-rush-"))
    os.environ["BERDIKARI_DATA_DIR"] = str(tmp)
    from berdikari.checklists import load

    items = len(load(CHECKLIST).items)
    print(f"{args.owners} signed-in owners answer all {items} {CHECKLIST} questions at once")
    show("SQLite", rush(f"sqlite:///{tmp / 'rush.db'}", args.owners))
    pg = durable_postgres()
    if pg is None:
        print("PostgreSQL  not run: no Debian postgresql binaries")
        return
    try:
        show("PostgreSQL", rush(pg.url("rush"), args.owners))
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
