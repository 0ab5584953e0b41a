"""Benchmark: the owner app's weight on a weak phone link, the web app vs the Voila app before it.

In the same run, two servers on free loopback ports, each with a one-page site:

* ``web app``: this tree's ``berdikari serve`` and its owner app at ``/penilaian/`` (no kernel);
* ``voila app``: the build before the change (commit ``cd1ad4b``, unpacked with ``git archive``
  into a temporary folder and run with ``PYTHONPATH=<there>/src BERDIKARI_ROOT=<there>``), its
  owner app at ``/voila/render/penilaian-mandiri.ipynb`` with its default preheated kernels.

Debian's headless Chromium at 360 px, with the link emulated through the DevTools protocol
(``Network.emulateNetworkConditions``: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency). Printed:

* first visit: bytes transferred (Chromium's encoded sizes, headers included, plus WebSocket
  frames), requests, and the time from navigation until the first button can be tapped;
* later visit: the same in the same browser profile (its cache filled by the first visit);
* a full run: an owner without an account answers all 37 CPPB-IRT questions and opens the
  result: bytes from the first page to the result on screen.

Printed, never asserted. Run: ``.venv/bin/python benchmarks/bench_owner_weight.py``.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.server_fixture import free_port, wait_until_up  # noqa: E402

BASELINE = "cd1ad4b"
LINK = {"offline": False, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 93_750}
CPPOB = "cppob-irtp"
PATTERN = ("yes", "yes", "no", "yes", "partial", "yes", "unknown")
OLD_LABELS = {"yes": "Ya", "no": "Tidak", "partial": "Sebagian", "unknown": "Belum tahu"}


@contextmanager
def server(tmp: Path, *, old: Path | None):
    site = tmp / "site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text("<!doctype html><title>Berdikari</title>Berdikari")
    port = free_port()
    url = f"sqlite:///{tmp / 'b.db'}"
    env = {**os.environ, "BERDIKARI_DATA_DIR": str(tmp), "BERDIKARI_DATABASE_URL": url}
    args = [str(Path(sys.executable).parent / "berdikari"), "serve", "--port", str(port)]
    args += ["--database-url", url, "--site-dir", str(site)]
    if old is None:
        args.append("--no-preheat")  # the web app needs no kernel
        path = "/penilaian/"
    else:
        env["PYTHONPATH"] = str(old / "src")
        env["BERDIKARI_ROOT"] = str(old)
        args = [sys.executable, "-c", "from berdikari.cli import app; app()", *args[1:]]
        path = "/voila/render/penilaian-mandiri.ipynb"
    log = tmp / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", proc, log)
        yield base + path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


class Meter:
    """Bytes a page moves, from the DevTools protocol's network events."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.emulateNetworkConditions", LINK)
        self.bytes = 0
        self.requests = 0
        self.cdp.on("Network.loadingFinished", self._done)
        self.cdp.on("Network.webSocketFrameReceived", self._frame)
        self.cdp.on("Network.webSocketFrameSent", self._frame)

    def _done(self, ev) -> None:
        self.bytes += int(ev.get("encodedDataLength", 0))
        self.requests += 1

    def _frame(self, ev) -> None:
        self.bytes += len(ev["response"].get("payloadData", "").encode("utf-8"))

    def reset(self) -> None:
        self.bytes = self.requests = 0


def visit(ctx, url: str, ready: str) -> tuple[int, int, float, object]:
    page = ctx.new_page()
    meter = Meter(page)
    started = time.monotonic()
    page.goto(url, wait_until="commit", timeout=180_000)
    page.locator(ready).first.wait_for(timeout=180_000)
    usable = time.monotonic() - started
    page.wait_for_load_state("load")
    time.sleep(1.0)  # late requests (fonts, widgets) count too
    return meter.bytes, meter.requests, usable, (page, meter)


def full_run_web(page, meter, url: str) -> int:
    from berdikari.checklists import load

    c = load(CPPOB)
    meter.reset()
    page.locator("a.bdk-start-anon").click()
    page.locator("label.bdk-choice", has_text="Makanan atau minuman olahan").click()
    page.locator(f"a.bdk-checklist-{CPPOB}").click()
    page.locator("a.bdk-open-a").click()
    for section in c.sections:
        for i in section.items:
            value = PATTERN[(c.items.index(i)) % len(PATTERN)]
            page.locator(f'fieldset[class~="bdk-item-{i.id.lower()}"]').locator(
                f'label.bdk-choice:has(input[value="{value}"])'
            ).click()
        page.locator(f"#bagian-{section.id.lower()} a.bdk-next").click()
    page.locator("button.bdk-see-result").click()
    page.locator("#hasil .bdk-result").wait_for(timeout=120_000)
    time.sleep(1.0)
    return meter.bytes


def full_run_voila(page, meter, old: Path) -> int:
    from berdikari.checklists import load  # the item IDs are the same in both builds

    c = load(CPPOB)
    meter.reset()
    page.locator("button.bdk-start-anon").click()
    page.get_by_text("Makanan atau minuman olahan", exact=True).click()
    page.locator(f"button.bdk-checklist-{CPPOB}").click()
    page.locator(".bdk-task-list").wait_for(timeout=120_000)
    page.locator("button.bdk-open-a").click()
    for section in c.sections:
        page.locator(f'[class~="bdk-item-{section.items[0].id.lower()}"]').wait_for()
        for i in section.items:
            value = PATTERN[(c.items.index(i)) % len(PATTERN)]
            box = page.locator(f'[class~="bdk-item-{i.id.lower()}"]')
            box.get_by_role("button", name=OLD_LABELS[value], exact=True).click()
            box.locator("button.mod-active").wait_for()
        page.locator("button.bdk-next").click()
    page.locator("button.bdk-see-result").click()
    page.locator(".bdk-result").wait_for(timeout=120_000)
    time.sleep(1.0)
    return meter.bytes


def measure(pw, url: str, ready: str, run) -> dict:
    browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
        first_bytes, first_requests, first_usable, (page, meter) = visit(ctx, url, ready)
        run_bytes = run(page, meter)
        page.close()
        later_bytes, later_requests, later_usable, (page, _m) = visit(ctx, url, ready)
        page.close()
        ctx.close()
    finally:
        browser.close()
    return {
        "first": (first_bytes, first_requests, first_usable),
        "later": (later_bytes, later_requests, later_usable),
        "run": run_bytes,
    }


def unpack_baseline(dest: Path) -> Path:
    raw = subprocess.run(
        ["git", "-C", str(ROOT), "archive", BASELINE], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def main() -> None:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="bdk-weight-") as tmp, sync_playwright() as pw:
        tmp = Path(tmp)
        with server(tmp / "new", old=None) as url:
            rows.append(("web app (/penilaian/)", measure(
                pw, url, "a.bdk-start-anon", lambda p, m: full_run_web(p, m, url)
            )))  # fmt: skip
        old = unpack_baseline(tmp / "old-src")
        with server(tmp / "old", old=old) as url:
            rows.append((f"voila app ({BASELINE})", measure(
                pw, url, "button.bdk-start-anon", lambda p, m: full_run_voila(p, m, old)
            )))  # fmt: skip
    print(
        f"Link: {LINK['downloadThroughput'] * 8 / 1e6:.1f} Mbit/s down, "
        f"{LINK['uploadThroughput'] * 8 / 1e3:.0f} kbit/s up, {LINK['latency']} ms latency"
    )
    print(
        f"{'':28} {'first visit':>12} {'req':>4} {'usable':>8} {'later visit':>12} "
        f"{'req':>4} {'usable':>8} {'full run (37)':>14}"
    )
    for name, r in rows:
        (fb, fr, fu), (lb, lr, lu) = r["first"], r["later"]
        print(
            f"{name:28} {fb / 1024:>9.1f} KB {fr:>4} {fu:>7.2f}s {lb / 1024:>9.1f} KB "
            f"{lr:>4} {lu:>7.2f}s {r['run'] / 1024:>11.1f} KB"
        )


if __name__ == "__main__":
    main()
