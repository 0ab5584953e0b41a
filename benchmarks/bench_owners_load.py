"""Benchmark: a hall of owners opening the self-assessment at once, without a browser.

For each N (default 1, 10, 30, 60) and each server, in the same run:

* ``plain voila``: Voila 0.5.13 serving a trivial widget notebook (one button) with its
  defaults: the baseline of "one kernel per visitor";
* ``berdikari``: ``berdikari serve`` with its defaults (or the options in ``--serve-args``),
  every app served, the owner app at ``--owner-path``: by default the light web app
  ``/penilaian/`` (no kernel; usable when its page carries ``bdk-start-anon`` and its script and
  style sheet load), or the old widget app (``--owner-path /voila/render/penilaian-mandiri.ipynb``,
  while it exists).

A fresh server starts, N simulated owners (:mod:`owners_harness`) open the app together and keep
it open until all have an outcome, then leave without saying goodbye (no page-close beacon, the
worst case). Printed per row: pages complete / blank / busy, time until usable (first widget,
or page and assets; median, p95), server CPU-seconds per complete visit (server and kernels; the
server process alone in brackets), kernel memory (RSS and USS, median), kernels at the peak and
kernels left ``--linger`` seconds after the owners left.

Then (``--staff K``, default 10) K facilitators, signed in on ``/masuk/staf``, open the
facilitator app at once on ``berdikari serve``: the same columns, and the memory of a staff
kernel, which sizes the kernel budget (``guides/deploy.md``). All K come from 127.0.0.1 here, so
that run raises the per-client share (``--kernels-per-client``), which in the field keeps one
address from holding many kernels.

Run: ``.venv/bin/python benchmarks/bench_owners_load.py [--sizes 1,10,30,60] [--linger 60]``.
Printed, never asserted. Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import owners_harness as h  # noqa: E402
from tests.serve_helpers import BIN, free_port, running, serve_args, tiny_site  # noqa: E402

OWNER_PATH = "/penilaian/"
OWNER_MARKER = "bdk-start-anon"
"""The owner web app's contract: its first page offers "Mulai tanpa akun" with this class."""
STAFF_APP = "/voila/render/pendamping.ipynb"
STAFF_PASSWORD = "sandi-bench-2026"
TRIVIAL = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "button",
            "metadata": {},
            "outputs": [],
            "source": ["import ipywidgets as w\n", "w.Button(description='Mulai')"],
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def trivial_notebook(tmp: Path) -> Path:
    path = tmp / "plain" / "tombol.ipynb"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(TRIVIAL), encoding="utf-8")
    return path


def server_command(kind: str, port: int, tmp: Path, extra: list[str]) -> list[str]:
    if kind == "plain voila":
        return [
            str(BIN / "voila"),
            str(trivial_notebook(tmp)),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
        ]
    return serve_args(port, f"sqlite:///{tmp / 'bench.db'}", tiny_site(tmp / "site"), *extra)


def pool_size(kind: str, extra: list[str]) -> int:
    """Preheated kernels berdikari keeps waiting (one per staff app by default)."""
    if kind == "plain voila" or "--no-preheat" in extra:
        return 0
    each = int(extra[extra.index("--pool-size") + 1]) if "--pool-size" in extra else 1
    return each * len([p for p in (ROOT / "notebooks").glob("*.ipynb") if "analisis" not in p.name])


def make_staff(tmp: Path, k: int) -> list[str]:
    """K facilitator accounts in the berdikari database."""
    from berdikari.store import open_store
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    store = open_store(f"sqlite:///{tmp / 'bench.db'}")
    admin = Service(store, system_identity("bench"))
    names = []
    for i in range(k):
        name = f"fasilitator{i:02d}"
        admin.add_staff(name, f"Fasilitator {i}", "facilitator", STAFF_PASSWORD)
        names.append(name)
    store.close()
    return names


def run_one(
    kind: str,
    n: int,
    linger: float,
    tmp: Path,
    extra: list[str],
    path: str,
    staff: list[str] | None = None,
) -> h.Burst:
    port = free_port()
    cmd = server_command(kind, port, tmp, extra)
    env = {
        "BERDIKARI_DATA_DIR": str(tmp),
        "BERDIKARI_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
    }
    log = tmp / f"{kind.replace(' ', '-')}-{n}{'-staff' if staff else ''}.log"
    # "up" is asked of a URL that starts no kernel (plain Voila renders the app at /)
    up = "/" if kind == "berdikari" else "/api/kernels/00000000-0000-0000-0000-000000000000"
    with running(cmd, port, log, env=env, up_path=up) as server:
        pid = server.proc.pid
        # a preheated pool fills after start-up; wait for it before the visitors arrive
        deadline = time.monotonic() + 120
        while len(h.kernel_processes(pid)) < pool_size(kind, extra):
            if time.monotonic() > deadline:
                break
            time.sleep(0.5)
        headers = None
        if staff:
            from tests.e2e.staff_helpers import cookie_header, staff_cookies

            headers = [
                {"Cookie": cookie_header(staff_cookies(server.base, u, STAFF_PASSWORD))}
                for u in staff
            ]
        light = kind == "berdikari" and not staff and "/voila/render/" not in path
        result = asyncio.run(
            h.burst(
                server.base,
                path,
                n,
                pid,
                marker=OWNER_MARKER if light else None,
                headers=headers,
            )
        )
        time.sleep(linger)
        result.kernels_left = len(h.kernel_processes(pid))
    return result


def fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def print_row(label: str, n: int, r: h.Burst, pool: int) -> None:
    complete = r.count("complete")
    fw = r.first_widget()
    left = f"{r.kernels_left}" + (f" (pool {pool})" if pool else "")
    print(
        f"{label:<14}{n:>4}{complete:>9}{r.count('blank'):>6}{r.count('busy'):>5}"
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
        print(f"{'':<18}blank because: {'; '.join(reasons)}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,30,60")
    ap.add_argument("--linger", type=float, default=60.0)
    ap.add_argument("--servers", default="plain voila,berdikari")
    ap.add_argument("--serve-args", default="", help="extra berdikari serve options")
    ap.add_argument("--owner-path", default=OWNER_PATH, help="the owner app's address")
    ap.add_argument("--staff", type=int, default=10, help="facilitators at once (0: none)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    kinds = [k.strip() for k in args.servers.split(",")]
    extra = shlex.split(args.serve_args)
    tmp = Path(tempfile.mkdtemp(prefix="bdk-owners-"))
    os.environ.setdefault("BERDIKARI_DATA_DIR", str(tmp))
    print(f"owners load: {os.cpu_count()} cores, sizes {sizes}, linger {args.linger:.0f}s")
    print(f"berdikari: owner app {args.owner_path}; serve options: {extra or 'defaults'}")
    print(
        "plain voila: a one-button widget notebook; 'usable' = first widget state (widget "
        "pages) or page + script + style sheet loaded (the light owner app)"
    )
    header = (
        f"{'server':<14}{'N':>4}{'complete':>9}{'blank':>6}{'busy':>5}"
        f"{'usable med':>11}{'p95':>7}{'CPU-s/visit':>12}{'(server)':>9}{'RSS MB':>8}{'USS MB':>8}"
        f"{'kernels peak':>13}  {'left after linger'}"
    )
    print(header)
    for n in sizes:
        for kind in kinds:
            path = "/" if kind == "plain voila" else args.owner_path
            r = run_one(kind, n, args.linger, tmp, extra, path)
            print_row(kind, n, r, pool_size(kind, extra))
    if args.staff and "berdikari" in kinds:
        staff = make_staff(tmp, args.staff)
        staff_extra = [
            *extra,
            "--kernels-per-client", str(10 * args.staff),
            "--starts-per-client-minute", str(10 * args.staff),
        ]  # fmt: skip
        r = run_one("berdikari", args.staff, args.linger, tmp, staff_extra, STAFF_APP, staff)
        print_row("staff app", args.staff, r, pool_size("berdikari", staff_extra))
        print(
            "staff app: K facilitators signed in, pendamping.ipynb at once; RSS/USS = one "
            "staff kernel with its app drawn",
            flush=True,
        )


if __name__ == "__main__":
    main()
