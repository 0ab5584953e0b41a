"""The busy page in a real browser: a full server says so in Indonesian, then lets staff in.

``berdikari serve`` with room for one kernel, serving the facilitator app: the first facilitator
(signed in on ``/masuk/staf``) gets the app, the second the busy page (HTTP 503, a "Coba lagi"
link, no request leaving 127.0.0.1). When the first page is closed, its kernel is shut down (the
page-close beacon is accepted) and "Coba lagi" brings the app. Along the way: the app page and
the site keep to their Content-Security-Policy (no violation in Chromium), and a page whose
kernel the server ends says so.
"""

from __future__ import annotations

import shutil

import pytest

from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from tests.e2e.conftest import external_requests
from tests.e2e.staff_helpers import FACILITATOR_APP, sign_in_staff
from tests.serve_helpers import ROOT, free_port, running, serve_args, tiny_site, wait_for

PASSWORD = "sandi-staf-2026"
RECORD_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });
"""


@pytest.fixture
def full_server(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / "pendamping.ipynb", notebooks)
    store = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    admin = Service(store, system_identity("test"))
    for username in ("rina", "yohanes"):
        admin.add_staff(username, username.title(), "facilitator", PASSWORD)
    store.close()
    port = free_port()
    args = serve_args(
        port, f"sqlite:///{tmp_path / 'b.db'}", tiny_site(tmp_path / "site"),
        "--no-preheat", "--max-kernels", "1", "--idle-seconds", "15",
        "--cull-interval-seconds", "2",
    )  # fmt: skip
    env = {"BERDIKARI_DATA_DIR": str(tmp_path), "BERDIKARI_NOTEBOOKS_DIR": str(notebooks)}
    with running(args, port, tmp_path / "serve.log", env=env) as server:
        yield server


def test_second_facilitator_sees_the_busy_page_then_gets_in(full_server, browser_context_factory):
    base = full_server.base
    first_ctx = browser_context_factory(viewport={"width": 360, "height": 740}, locale="id-ID")
    first_ctx.add_init_script(RECORD_CSP)
    first = first_ctx.new_page()
    sign_in_staff(first, base, "rina", PASSWORD, FACILITATOR_APP)
    first.locator(".bdk-app").first.wait_for(timeout=90_000)
    first.wait_for_timeout(1000)
    assert first.evaluate("window.__csp") == []  # the app runs under its CSP
    site = first_ctx.new_page()
    site.goto(base + "/")
    assert site.evaluate("window.__csp") == []  # and the site under its own
    site.close()

    second_ctx = browser_context_factory(viewport={"width": 360, "height": 740}, locale="id-ID")
    second = second_ctx.new_page()
    second.requested_urls = []
    second.on("request", lambda req: second.requested_urls.append(req.url))
    sign_in_staff(second, base, "yohanes", PASSWORD, FACILITATOR_APP)
    second.get_by_role("heading", name="Server sedang sibuk").wait_for()
    assert second.get_by_text("coba lagi dalam satu menit").count() == 1
    retry = second.get_by_role("link", name="Coba lagi")
    assert retry.get_attribute("href") == FACILITATOR_APP
    assert external_requests(second) == []

    # the first facilitator closes the page: its kernel goes at once, so the second gets in
    first.close(run_before_unload=True)
    assert wait_for(lambda: "Kernel shutdown" in full_server.log_text(), timeout=30)
    retry.click()
    second.locator(".bdk-app").first.wait_for(timeout=90_000)

    # nobody touches that page for the idle time: the server ends its kernel, the page says so
    notice = second.locator(".bdk-ws-notice[data-code='4410']")
    notice.wait_for(timeout=90_000)
    assert "Muat ulang halaman" in notice.inner_text()
    assert "no activity on the page" in full_server.log_text()
