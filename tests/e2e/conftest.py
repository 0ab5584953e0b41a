"""Browser fixtures: Debian's headless Chromium driven by Playwright (never a downloaded browser).

``page`` records every request; ``external_requests(page)`` lists those that left 127.0.0.1.
Every test in this folder is marked ``e2e``.
"""

from __future__ import annotations

import shutil
import tempfile
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")
def browser_context_factory():
    """Yields a function that opens a fresh browser context (own cookies) in one Chromium.

    Package scope, not session: Playwright's sync API keeps an asyncio loop marked as running
    while it is open, so it must close before the tests outside ``e2e/`` that run their own loop.
    """
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or __import__("os").path.exists(CHROMIUM), (
        f"{CHROMIUM} is missing: run 'make system-deps' (Debian package chromium)"
    )
    profile = tempfile.mkdtemp(prefix="bdk-chromium-")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # Playwright gives every launch its own empty profile directory; ``profile`` is
            # handed over as the download/temp location so nothing lands in $HOME.
            args=CHROMIUM_ARGS,
            downloads_path=profile,
        )
        contexts = []

        def new_context(**kwargs):
            ctx = browser.new_context(**kwargs)
            ctx.set_default_timeout(60_000)
            contexts.append(ctx)
            return ctx

        yield new_context
        for ctx in contexts:
            ctx.close()
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context_factory):
    """A fresh page (phone-sized viewport unless a test resizes it) that records its requests."""
    ctx = browser_context_factory(viewport={"width": 360, "height": 740}, locale="id-ID")
    pg = ctx.new_page()
    pg.requested_urls = []
    pg.on("request", lambda req: pg.requested_urls.append(req.url))
    yield pg
    pg.close()


def external_requests(page) -> list[str]:
    """Requests the page made to any host other than this machine's loopback."""
    out = []
    for url in page.requested_urls:
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about", "chrome-extension"):
            continue
        if parsed.hostname not in LOCAL_HOSTS:
            out.append(url)
    return out
