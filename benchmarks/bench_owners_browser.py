"""Benchmark: the owner app in Debian's headless Chromium, plain Voila vs ``berdikari serve``.

In the same run, against each server (fresh, with its defaults):

1. Page weight: one phone-sized visit with an empty cache, then a later visit with the cache
   it filled. Printed: bytes transferred (compressed, headers included, from Chromium's network
   events) and requests, for both visits.
2. Ten owners at once: ten browser contexts open the app together. Printed: pages usable (the
   first button of the app can be clicked), busy (Berdikari's busy page), never usable within
   ``--timeout`` seconds; time to usable (median, p95).

Outside hosts do not resolve, so nothing leaves 127.0.0.1 (plain Voila links a CDN font). Printed, never asserted.
Run: ``.venv/bin/python benchmarks/bench_owners_browser.py [--pages 10] [--timeout 120]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import owners_harness as h  # noqa: E402
from bench_owners_load import server_command  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.serve_helpers import free_port, running  # noqa: E402

READY = "button.bdk-start-anon"
BUSY_TEXT = "Server sedang sibuk"
KERNEL_PROBE = "/api/kernels/00000000-0000-0000-0000-000000000000"


# Outside hosts resolve to nothing, so no request leaves 127.0.0.1. (Playwright's request
# routing would do it too, but routing turns the browser's HTTP cache off.)
LOCAL_ONLY = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


async def weigh(browser, url: str) -> list[tuple[int, int]]:
    """[(bytes, requests)] for a first visit and a later one in the same (now warm) context."""
    ctx = await browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = await ctx.new_page()
    cdp = await ctx.new_cdp_session(page)
    await cdp.send("Network.enable")
    totals = {"bytes": 0, "requests": 0}

    def finished(event):
        totals["bytes"] += int(event.get("encodedDataLength", 0))
        totals["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    out = []
    for _visit in ("first", "later"):  # a later visit: the same phone opens the app again
        totals.update(bytes=0, requests=0)
        await page.goto(url)
        await page.locator(READY).wait_for(timeout=120_000)
        await page.wait_for_load_state("networkidle")
        out.append((totals["bytes"], totals["requests"]))
    await ctx.close()
    return out


async def one_owner(browser, url: str, timeout: float) -> tuple[str, float | None]:
    ctx = await browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = await ctx.new_page()
    t0 = time.perf_counter()
    try:
        await page.goto(url, timeout=timeout * 1000, wait_until="commit")
        ready = page.locator(READY)
        busy = page.get_by_text(BUSY_TEXT)
        await ready.or_(busy).first.wait_for(timeout=timeout * 1000)
        if await busy.count():
            return "busy", None
        await ready.click(trial=True, timeout=timeout * 1000)
        return "usable", time.perf_counter() - t0
    except Exception:  # noqa: BLE001  a page that never became usable
        return "never usable", None
    finally:
        await ctx.close()


async def run(kind: str, pages: int, timeout: float, tmp: Path) -> None:
    from playwright.async_api import async_playwright

    port = free_port()
    cmd, path = server_command(kind, port, tmp, [])
    env = {"BERDIKARI_DATA_DIR": str(tmp), "BERDIKARI_DATABASE_URL": f"sqlite:///{tmp / 'b.db'}"}
    up = "/" if kind == "berdikari" else KERNEL_PROBE
    log = tmp / f"browser-{kind.replace(' ', '-')}.log"
    with running(cmd, port, log, env=env, up_path=up) as server:
        url = server.base + path
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + LOCAL_ONLY
            )
            await asyncio.sleep(8)  # a preheated pool fills after start-up
            (first_b, first_n), (again_b, again_n) = await weigh(browser, url)
            print(
                f"{kind:<12} page weight: first visit {first_b / 1e6:.2f} MB in {first_n} "
                f"requests; later visit {again_b / 1e6:.3f} MB in {again_n} requests",
                flush=True,
            )
            await asyncio.to_thread(h.wait_until_quiet, server.proc.pid)
            results = await asyncio.gather(
                *(one_owner(browser, url, timeout) for _ in range(pages))
            )
            await browser.close()
    usable = [t for outcome, t in results if outcome == "usable"]
    count = {o: sum(1 for r in results if r[0] == o) for o in ("usable", "busy", "never usable")}
    med, p95 = h.median(usable), h.percentile(usable, 95)
    print(
        f"{kind:<12} {pages} pages at once: usable {count['usable']}, busy {count['busy']}, "
        f"never usable {count['never usable']}; time to usable median "
        f"{'-' if med is None else f'{med:.1f}'} s, p95 {'-' if p95 is None else f'{p95:.1f}'} s",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--servers", default="plain voila,berdikari")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bdk-browser-"))
    print(f"owner app in headless Chromium, 360 px; {args.pages} pages at once")
    for kind in [k.strip() for k in args.servers.split(",")]:
        asyncio.run(run(kind, args.pages, args.timeout, tmp))


if __name__ == "__main__":
    main()
