"""How heavy the guide site is on a phone: bytes on a first visit and on the next page.

Builds the site, serves it on 127.0.0.1 with a small server that gzips text the way nginx would in
production (``gzip on``, level 6, text types; a day's cache lifetime for /assets/, stylesheets and
scripts; revalidation with 304 for HTML and the search index), and drives Debian's headless
Chromium (the flags of tests/e2e/conftest.py) at a phone-sized viewport, a fresh profile per run.
Bytes are what the server wrote (status lines, headers, compressed bodies), so that the search
worker's own requests count too; cache hits cost nothing. Also measured without compression.

Targets: first visit < 500 KB, next page (navigation.instant) < 100 KB. Then the Etalase's product
page on a real server (target <= 150 KB with its photo; :func:`measure_etalase`). Prints figures;
asserts nothing. Run: .venv/bin/python benchmarks/bench_site_weight.py
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import http.server
import io
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

from berdikari import site  # noqa: E402

FIRST = "panduan/cppob-irtp/a-lokasi/"
"""The guide page a first visit lands on (a typical how-to page with a back-link box)."""
RUNS = 5
TARGET_FIRST = 500 * 1024
TARGET_NEXT = 100 * 1024
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "/xml")


class _CountingWriter:
    """Counts the bytes the server writes (status line, headers and bodies)."""

    def __init__(self, raw, counter: list[int], lock: threading.Lock) -> None:
        self._raw, self._counter, self._lock = raw, counter, lock

    def write(self, data) -> int:
        with self._lock:
            self._counter[0] += len(data)
        return self._raw.write(data)

    def __getattr__(self, name):
        return getattr(self._raw, name)


class Handler(http.server.SimpleHTTPRequestHandler):
    compress = True
    sent = [0]
    lock = threading.Lock()

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile, self.sent, self.lock)

    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        if self.path.startswith(("/assets/", "/stylesheets/", "/javascripts/")):
            self.send_header("Cache-Control", "public, max-age=86400")
        else:
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the trailing slash
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and wants_gzip and path.is_file() and ctype.startswith(TEXT_TYPES)):
            return super().send_head()
        mtime = int(path.stat().st_mtime)
        since = self.headers.get("If-Modified-Since")
        if since and _parse_date(since) >= mtime:  # revalidation, as nginx answers it
            self.send_response(304)
            self.end_headers()
            return None
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Last-Modified", self.date_time_string(mtime))
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def _parse_date(text: str) -> float:
    try:
        return email.utils.parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return -1


def serve(directory: Path, compress: bool):
    cls = type("H", (Handler,), {"compress": compress, "sent": [0]})
    handler = functools.partial(cls, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/", cls.sent


def measure(browser, base: str, sent: list[int]) -> dict:
    """One visit in a fresh browser profile: the guide page, then the footer's next page."""
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    received: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    start = sent[0]
    page.goto(base + FIRST)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # the search worker fetches its index after load
    first_server = sent[0] - start
    first_urls = [f"{received[r]:>8} {urls.get(r, '?')}" for r in received]
    before = set(received)
    url_before = page.url
    start = sent[0]
    page.locator("a.md-footer__link--next").click()
    page.wait_for_function("u => location.href !== u", arg=url_before)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    next_server = sent[0] - start
    next_urls = [f"{received[r]:>8} {urls.get(r, '?')}" for r in received if r not in before]
    ctx.close()
    return {
        "first": first_server,
        "next": next_server,
        "first_urls": first_urls,
        "next_urls": next_urls,
    }


def _line(name: str, value: float, target: int) -> str:
    verdict = "OK" if value < target else "OVER"
    return f"{name:<12} {value / 1024:7.1f} KB  (target < {target // 1024} KB) {verdict}"


TARGET_ETALASE = 150 * 1024
"""An Etalase product page on a first visit at 360 px, its photo included (issue 15)."""


def measure_etalase(browser) -> None:
    """The Etalase: a real ``berdikari serve`` on a seeded database (the tests' showcase, a
    1200x900 camera-like photo), one product page in a fresh profile at 360 px, scrolled to the
    end so the lazy images load. Baseline from the same run: the original photo's bytes, what the
    page would carry without the server-side resizing."""
    from tests.e2e.server_fixture import running_server
    from tests.web.etalase_seed import seed

    from berdikari.store import open_store

    with tempfile.TemporaryDirectory(prefix="bdk-bench-etalase-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'etalase.db'}"
        store = open_store(url)
        seeded = seed(store)
        photo = (
            store.engine.connect()
            .exec_driver_sql("SELECT length(content) FROM showcase_photo")
            .scalar()
        )
        with running_server(Path(tmp), url) as base:
            sizes = []
            for _ in range(RUNS):
                ctx = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
                page = ctx.new_page()
                got: list = []
                page.on("response", lambda r, got=got: got.append(r))
                page.goto(f"{base}/etalase/produk/{seeded['slug']}")
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                page.wait_for_load_state("networkidle")
                rows = []
                for r in got:
                    n = r.request.sizes()
                    rows.append((n["responseBodySize"] + n["responseHeadersSize"], r.url))
                sizes.append(rows)
                ctx.close()
        store.close()
    totals = [sum(n for n, _ in rows) for rows in sizes]
    print(f"\n== Etalase product page, first visit at 360 px; median of {RUNS} runs")
    print(_line("product page", statistics.median(totals), TARGET_ETALASE))
    print(
        f"{'baseline':<12} {photo / 1024:7.1f} KB  the original photo alone (sent without resizing)"
    )
    print("its requests (bytes received, url):")
    print("\n".join(f"  {n:>8} {u}" for n, u in sorted(sizes[0], reverse=True)))


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bdk-bench-site-") as tmp:
        built = site.build(Path(tmp) / "site", strict=False)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            for compress in (True, False):
                server, base, sent = serve(built, compress)
                runs = [measure(browser, base, sent) for _ in range(RUNS)]
                server.shutdown()
                server.server_close()
                label = "gzip (like nginx gzip on, level 6)" if compress else "no compression"
                print(f"\n== {label}; median of {RUNS} runs; first page /{FIRST}")
                print("bytes the server sent (headers + bodies, the search worker included):")
                print(
                    _line("first visit", statistics.median(r["first"] for r in runs), TARGET_FIRST)
                )
                print(_line("next page", statistics.median(r["next"] for r in runs), TARGET_NEXT))
                if compress:
                    print("the page's own requests on the first visit (bytes received, url):")
                    print("\n".join("  " + u for u in sorted(runs[0]["first_urls"], reverse=True)))
                    print("on the next page:")
                    print("\n".join("  " + u for u in sorted(runs[0]["next_urls"], reverse=True)))
            measure_etalase(browser)
            browser.close()


if __name__ == "__main__":
    main()
