"""The busy page in a real browser: a full server says so in Indonesian, then lets the owner in.

``berdikari serve`` with room for one kernel: the first phone gets the app, the second the busy
page (HTTP 503, a "Coba lagi" link, no request leaving 127.0.0.1). When the first page is closed,
its kernel is shut down (the page-close beacon is accepted) and "Coba lagi" brings the app.
"""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.conftest import external_requests
from tests.serve_helpers import APP, ROOT, free_port, running, serve_args, tiny_site, wait_for


@pytest.fixture
def full_server(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / "penilaian-mandiri.ipynb", notebooks)
    port = free_port()
    args = serve_args(
        port, f"sqlite:///{tmp_path / 'b.db'}", tiny_site(tmp_path / "site"),
        "--no-preheat", "--max-kernels", "1",
    )  # fmt: skip
    env = {"BERDIKARI_DATA_DIR": str(tmp_path), "BERDIKARI_NOTEBOOKS_DIR": str(notebooks)}
    with running(args, port, tmp_path / "serve.log", env=env) as server:
        yield server


def test_second_phone_sees_the_busy_page_then_gets_in(full_server, browser_context_factory):
    first_ctx = browser_context_factory(viewport={"width": 360, "height": 740}, locale="id-ID")
    first = first_ctx.new_page()
    first.goto(full_server.base + APP)
    first.locator("button.bdk-start-anon").wait_for(timeout=90_000)

    second_ctx = browser_context_factory(viewport={"width": 360, "height": 740}, locale="id-ID")
    second = second_ctx.new_page()
    second.requested_urls = []
    second.on("request", lambda req: second.requested_urls.append(req.url))
    response = second.goto(full_server.base + APP)
    assert response.status == 503
    second.get_by_role("heading", name="Server sedang sibuk").wait_for()
    assert second.get_by_text("coba lagi dalam satu menit").count() == 1
    retry = second.get_by_role("link", name="Coba lagi")
    assert retry.get_attribute("href") == APP
    assert external_requests(second) == []

    # the first owner closes the page: its kernel goes at once, so the second gets in
    first.close(run_before_unload=True)
    assert wait_for(lambda: "Kernel shutdown" in full_server.log_text(), timeout=30)
    retry.click()
    second.locator("button.bdk-start-anon").wait_for(timeout=90_000)
