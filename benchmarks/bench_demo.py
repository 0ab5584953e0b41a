"""Benchmark: how long ``berdikari demo`` takes to fill an empty database, and how fast the
staff's caseload query is on the result.

Printed per database (SQLite file in WAL mode, synchronous=FULL; PostgreSQL started here in a
temporary directory from Debian's binaries with the test server's settings, fsync off, or a line
saying it did not run): wall and CPU seconds of ``demo.fill``
(including Argon2 hashing of 40 PINs), rows written, and the median of five ``my_umkm()`` calls
for a manager (all 40 UMKM) and for one facilitator.

Run: ``.venv/bin/python benchmarks/bench_demo.py``. Printed, never asserted.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from berdikari.store import demo, open_store  # noqa: E402
from berdikari.store.auth import sign_in_staff  # noqa: E402
from berdikari.store.service import Service  # noqa: E402


def _median_ms(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run(label: str, url: str) -> None:
    store = open_store(url)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        summary = demo.fill(store, reset=True)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows = sum(v for k, v in summary.counts.items() if k != "region")
        manager = Service(store, sign_in_staff(store, "manajer", demo.MANAGER[2]))
        rina = Service(store, sign_in_staff(store, "rina", demo.FACILITATOR_PASSWORD))
        print(
            f"{label:<11} demo {wall:5.1f} s wall, {cpu:5.1f} s CPU (this process), "
            f"{rows} rows; my_umkm manager {_median_ms(manager.my_umkm):6.1f} ms, "
            f"facilitator {_median_ms(rina.my_umkm):6.1f} ms"
        )
    finally:
        store.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/demo.db")
    from tests.store import pgserver

    bindir = pgserver.bin_dir()
    if bindir is None:
        print("PostgreSQL  did not run: no server binary; install Debian's postgresql")
        return
    server = pgserver.PgServer(bindir).start()
    try:
        server.execute('CREATE DATABASE "bench"')
        run("PostgreSQL", server.url("bench"))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
