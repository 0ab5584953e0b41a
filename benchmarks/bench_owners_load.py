"""Benchmark: a room full of owners opening the self-assessment at once, without a browser.

For each N (default 1, 10, 30, 60) and each server, in the same run:

* ``plain voila``: Voila 0.5.13 serving notebooks/penilaian-mandiri.ipynb with its defaults;
* ``berdikari``: ``berdikari serve`` with its defaults (preheated pool, kernel cap, culling,
  busy page), or the options given with ``--serve-args``; serving the owner app alone, like
  plain Voila (with every app, each other app keeps one preheated kernel too).

a fresh server starts, N simulated owners (:mod:`owners_harness`) open the app together and keep
it open until all have an outcome, then leave without saying goodbye (no page-close beacon, the
worst case). Printed per row: pages complete / blank / busy, time to the app's first widget
(median, p95), server CPU-seconds per complete visit (server, kernels, pool refill; the
server process alone in brackets), kernel
memory (RSS and USS, median), kernels at the peak and kernels left ``--linger`` seconds after
the owners left (berdikari keeps its preheated pool: those are listed apart).

Run: ``.venv/bin/python benchmarks/bench_owners_load.py [--sizes 1,10,30,60] [--linger 60]``.
Printed, never asserted. Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import owners_harness as h  # noqa: E402
from tests.serve_helpers import (  # noqa: E402
    APP,
    BIN,
    free_port,
    running,
    serve_args,
    tiny_site,
)

NOTEBOOK = ROOT / "notebooks" / "penilaian-mandiri.ipynb"
POOL = 2  # berdikari serve's default pool for the owner app


def server_command(kind: str, port: int, tmp: Path, extra: list[str]) -> tuple[list[str], str]:
    if kind == "plain voila":
        return [
            str(BIN / "voila"),
            str(NOTEBOOK),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
        ], "/"
    site = tiny_site(tmp / "site")
    return serve_args(port, f"sqlite:///{tmp / 'bench.db'}", site, *extra), APP


def owner_only(tmp: Path) -> Path:
    """A notebooks folder with the owner app alone, as plain Voila serves one notebook."""
    folder = tmp / "owner-only"
    folder.mkdir(exist_ok=True)
    shutil.copy(NOTEBOOK, folder)
    return folder


def pool_size(kind: str, extra: list[str]) -> int:
    if kind == "plain voila" or "--no-preheat" in extra:
        return 0
    if "--pool-size" in extra:
        return int(extra[extra.index("--pool-size") + 1])
    return POOL


def run_one(kind: str, n: int, linger: float, tmp: Path, extra: list[str]) -> h.Burst:
    port = free_port()
    cmd, path = server_command(kind, port, tmp, extra)
    env = {
        "BERDIKARI_DATA_DIR": str(tmp),
        "BERDIKARI_DATABASE_URL": f"sqlite:///{tmp / 'b.db'}",
        "BERDIKARI_NOTEBOOKS_DIR": str(owner_only(tmp)),
    }
    log = tmp / f"{kind.replace(' ', '-')}-{n}.log"
    # "up" is asked of a URL that starts no kernel (plain Voila renders the app at /)
    up = "/" if kind == "berdikari" else "/api/kernels/00000000-0000-0000-0000-000000000000"
    with running(cmd, port, log, env=env, up_path=up) as server:
        pid = server.proc.pid
        # a preheated pool fills after start-up; wait for it before the owners arrive
        deadline = time.monotonic() + 120
        while len(h.kernel_processes(pid)) < pool_size(kind, extra):
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        result = asyncio.run(h.burst(server.base, path, n, pid))
        time.sleep(linger)
        result.kernels_left = len(h.kernel_processes(pid))
    return result


def fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,30,60")
    ap.add_argument("--linger", type=float, default=60.0)
    ap.add_argument("--servers", default="plain voila,berdikari")
    ap.add_argument("--serve-args", default="", help="extra berdikari serve options")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = [k.strip() for k in args.servers.split(",")]
    extra = shlex.split(args.serve_args)
    tmp = Path(tempfile.mkdtemp(prefix="bdk-owners-"))
    os.environ.setdefault("BERDIKARI_DATA_DIR", str(tmp))
    print(f"owners load: {os.cpu_count()} cores, sizes {sizes}, linger {args.linger:.0f}s")
    print(f"berdikari serve options: {extra or 'defaults (pool 2, cap 24, cull 40 s / 10 s)'}")
    header = (
        f"{'server':<12}{'N':>4}{'complete':>9}{'blank':>6}{'busy':>5}"
        f"{'widget med':>11}{'p95':>7}{'CPU-s/visit':>12}{'(server)':>9}{'RSS MB':>8}{'USS MB':>8}"
        f"{'kernels peak':>13}  {'left after linger'}"
    )
    print(header)
    for n in sizes:
        for kind in kinds:
            r = run_one(kind, n, args.linger, tmp, extra)
            complete = r.count("complete")
            fw = r.first_widget()
            pool = pool_size(kind, extra)
            left = f"{r.kernels_left}" + (f" (pool {pool})" if pool else "")
            print(
                f"{kind:<12}{n:>4}{complete:>9}{r.count('blank'):>6}{r.count('busy'):>5}"
                f"{fmt(h.median(fw)):>11}{fmt(h.percentile(fw, 95)):>7}"
                f"{fmt(r.cpu_seconds / complete if complete else None):>12}"
                f"{fmt(r.server_cpu_seconds / complete if complete else None):>9}"
                f"{fmt(h.median(r.kernel_rss_mb), '.0f'):>8}"
                f"{fmt(h.median(r.kernel_uss_mb), '.0f'):>8}"
                f"{r.kernels_at_peak:>13}  {left}",
                flush=True,
            )
            reasons = sorted({v.detail for v in r.visits if v.outcome == "blank"})
            if reasons:
                print(f"{'':<16}blank because: {'; '.join(reasons)}", flush=True)


if __name__ == "__main__":
    main()
