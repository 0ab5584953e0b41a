"""Benchmark: a returning owner, remembered by the phone vs typing the UMKM code and PIN.

One preheated ``berdikari serve``; an owner with answers in CPPOB-IRTP sections A and B (B keeps
an open question). Headless Chromium at 360 px; medians of navigation → the resumed section's
open question can be answered:

* ``remembered``: the page carries the ``bdk_owner`` cookie (no typing);
* ``PIN``: the owner taps "Masuk", types code and PIN (Playwright types instantly, so this is the
  server's share only: Argon2 check, store, resume) and taps "Masuk".

Printed, never asserted. Run: ``.venv/bin/python benchmarks/bench_owner_remembered.py [visits]``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_owner_app import APP, start_server  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def seed(db: str) -> tuple[str, str, str]:
    """An owner with answers in A and B; returns code, PIN and the open question's item id."""
    from berdikari.apps.session import sign_in
    from berdikari.checklists import load
    from berdikari.store import open_store
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    store = open_store(db)
    umkm, pin = Service(store, system_identity()).add_umkm(
        name="Keripik Bench", owner_name="Ibu Bench", regency="Kota Palangka Raya",
        categories=["pangan-olahan"],
    )  # fmt: skip
    c = load("cppob-irtp")
    session = sign_in(umkm.code, pin, store=store)
    for item in c.sections[0].items + c.sections[1].items[:2]:
        session.save_answer(c.id, item.id, "yes", None)
    store.engine.dispose()
    return umkm.code, pin, c.sections[1].items[2].id


def open_question(page, item_id: str) -> None:
    from berdikari.apps.widgets import item_class

    page.locator(f'[class~="{item_class(item_id)}"] button').first.click(trial=True)


def main(visits: int = 3) -> None:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bdk-bench-stay-"))
    site = tmp / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>Berdikari</title>")
    db = f"sqlite:///{tmp / 'bench.db'}"
    os.environ["BERDIKARI_DATA_DIR"] = str(tmp)
    code, pin, item_id = seed(db)
    proc, base = start_server(True, site, db, tmp / "serve.log")
    time.sleep(8)  # let the preheated pool fill once
    times: dict[str, list[float]] = {"remembered": [], "PIN": []}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            # one sign-in with "stay signed in" ticked gives the cookie the phone keeps
            ctx = browser.new_context(viewport={"width": 360, "height": 740})
            page = ctx.new_page()
            page.set_default_timeout(120_000)
            page.goto(base + APP)
            page.locator("button.bdk-start-signin").click()
            page.locator(".bdk-code input").fill(code)
            page.locator(".bdk-pin input").fill(pin)
            page.locator("button.bdk-signin").click()
            page.locator('.bdk-stay[data-state="ok"]').wait_for(state="attached")
            cookies = ctx.cookies()
            ctx.close()
            time.sleep(4)
            for _ in range(visits):
                ctx = browser.new_context(viewport={"width": 360, "height": 740})
                ctx.add_cookies(cookies)
                page = ctx.new_page()
                page.set_default_timeout(120_000)
                t0 = time.perf_counter()
                page.goto(base + APP, wait_until="commit")
                open_question(page, item_id)
                times["remembered"].append(time.perf_counter() - t0)
                ctx.close()
                time.sleep(4)

                ctx = browser.new_context(viewport={"width": 360, "height": 740})
                page = ctx.new_page()
                page.set_default_timeout(120_000)
                t0 = time.perf_counter()
                page.goto(base + APP, wait_until="commit")
                page.locator("button.bdk-start-signin").click()
                page.locator(".bdk-code input").fill(code)
                page.locator(".bdk-pin input").fill(pin)
                page.locator(".bdk-stay-choice input[type=checkbox]").uncheck()
                page.locator("button.bdk-signin").click()
                open_question(page, item_id)
                times["PIN"].append(time.perf_counter() - t0)
                ctx.close()
                time.sleep(4)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"returning owner, {visits} visits each, 360 px headless Chromium, medians (seconds)")
    print("navigation -> the resumed section's open question can be answered")
    for name, rows in times.items():
        print(
            f"{name:<12}{statistics.median(rows):>8.2f}   (all: {', '.join(f'{r:.2f}' for r in rows)})"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
