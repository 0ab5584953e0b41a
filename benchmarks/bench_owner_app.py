"""Benchmark: navigation → first control interactive in the owner app, preheated vs not.

Starts two ``berdikari serve`` processes in the same run (one with preheated kernels, one with
``--no-preheat``), opens the app in Debian's headless Chromium at 360 px, and prints medians of:

* ``ready``: navigation → the first button (``Mulai tanpa akun``) can be clicked;
* ``first question``: navigation → the first CPPOB-IRTP question can be answered, after the four
  taps an owner makes (start, food, checklist, section A).

Printed, never asserted. Each visit uses a fresh browser context; between visits the server gets a
few seconds to refill its kernel pool, as it would between real visitors.
Run: ``.venv/bin/python benchmarks/bench_owner_app.py [visits]``.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

APP = "/voila/render/penilaian-mandiri.ipynb"
FIRST_ITEM = '[class~="bdk-item-cppob-irtp-01.01"] button'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(preheat: bool, site: Path, db: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    args = [
        str(Path(sys.executable).parent / "berdikari"),
        "serve",
        "--port",
        str(port),
        "--database-url",
        db,
        "--site-dir",
        str(site),
    ]
    if not preheat:
        args.append("--no-preheat")
    proc = subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    return proc, base


def visit(browser, base: str) -> tuple[float, float]:
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    t0 = time.perf_counter()
    page.goto(base + APP, wait_until="commit")
    page.locator("button.bdk-start-anon").wait_for(state="visible")
    page.locator("button.bdk-start-anon").click(trial=True)
    ready = time.perf_counter() - t0
    page.locator("button.bdk-start-anon").click()
    page.get_by_text("Makanan atau minuman olahan", exact=True).click()
    page.locator("button.bdk-checklist-cppob-irtp").click()
    page.locator("button.bdk-open-a").click()
    page.locator(FIRST_ITEM).first.click(trial=True)
    first = time.perf_counter() - t0
    ctx.close()
    return ready, first


def main(visits: int = 5) -> None:
    from playwright.sync_api import sync_playwright

    from berdikari.server import ServeOptions, prepare_site

    tmp = Path(tempfile.mkdtemp(prefix="bdk-bench-"))
    site = prepare_site(ServeOptions(site_dir=tmp / "site", build_site=True))
    db = f"sqlite:///{tmp / 'bench.db'}"
    os.environ["BERDIKARI_DATA_DIR"] = str(tmp)
    servers = {
        "preheated": start_server(True, site, db, tmp / "preheated.log"),
        "not preheated": start_server(False, site, db, tmp / "cold.log"),
    }
    time.sleep(8)  # let the preheated pool fill once
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in servers}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            for _ in range(visits):
                for name, (_proc, base) in servers.items():  # interleaved: same conditions
                    results[name].append(visit(browser, base))
                    time.sleep(4)
            browser.close()
    finally:
        for proc, _base in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
    print(f"owner app, {visits} visits each, 360 px headless Chromium, medians (seconds)")
    print(f"{'server':<15}{'ready':>10}{'first question':>17}")
    for name, rows in results.items():
        ready = statistics.median(r for r, _ in rows)
        first = statistics.median(f for _, f in rows)
        print(f"{name:<15}{ready:>10.2f}{first:>17.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
