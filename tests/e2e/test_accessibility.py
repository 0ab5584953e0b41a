"""axe-core in the browser on the pages people use most: 0 critical and 0 serious violations.

The site (home, a guide, a checklist reference page, the search dialog with results) and the
owner's self-assessment app (start, a question screen, the result), served by one real
``berdikari serve`` with its security headers, at phone width (360 px) and, for the site,
desktop width (1280 px). axe-core comes from the project's pinned npm package (tests/e2e/axe.py).
"""

from __future__ import annotations

import pytest

from berdikari.checklists import load
from tests.e2e.axe import assert_no_serious
from tests.e2e.owner_helpers import APP, answer, owner_server
from tests.e2e.test_owner_web import assert_at_heading

SITE_PAGES = {
    "home": "/",
    "guide": "/panduan/label-pangan/",
    "checklist reference": "/referensi/daftar-periksa/cppob-irtp/",
}
CPPOB = "cppob-irtp"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with owner_server(tmp_path_factory.mktemp("a11y"), real_site=True) as s:
        yield s


@pytest.fixture(params=[360, 1280], ids=["phone", "desktop"])
def sized_page(request, browser_context_factory):
    width = request.param
    ctx = browser_context_factory(viewport={"width": width, "height": 800}, locale="id-ID")
    pg = ctx.new_page()
    yield pg
    pg.close()


@pytest.mark.parametrize("name", list(SITE_PAGES))
def test_site_page_has_no_serious_accessibility_violation(server, sized_page, name):
    sized_page.goto(server.base + SITE_PAGES[name])
    sized_page.locator("h1").first.wait_for()
    assert_no_serious(sized_page, where=f"site {name} at {sized_page.viewport_size['width']} px")


def test_site_search_dialog_with_results_has_no_serious_violation(server, page):
    page.goto(server.base + "/")
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("kerupuk", delay=20)
    page.locator(".md-search-result__item a.md-search-result__link").first.wait_for()
    assert_no_serious(page, where="site search dialog with results")


def test_owner_app_start_question_and_result_screens(server, page):
    """The owner's main screens, each checked as the owner reaches it (hidden views are
    display:none, so axe sees only the current one)."""
    checklist = load(CPPOB)
    page.goto(server.base + APP)
    page.locator("a.bdk-start-signin").click()
    page.locator(".bdk-pin input").wait_for()
    assert_no_serious(page, where="owner sign-in screen")

    page.goto(server.base + APP)
    page.locator("a.bdk-start-anon").wait_for()
    assert_no_serious(page, where="owner welcome screen")

    page.locator("a.bdk-start-anon").click()
    page.locator("label.bdk-choice", has_text="Makanan atau minuman olahan").click()
    page.locator(f"a.bdk-checklist-{CPPOB}").wait_for()
    assert_no_serious(page, where="owner start (product and route)")

    page.locator(f"a.bdk-checklist-{CPPOB}").click()
    assert_at_heading(page, "tugas")
    assert_no_serious(page, where="owner task list")

    first = checklist.sections[0]
    page.locator(f"a.bdk-open-{first.id.lower()}").click()
    assert_at_heading(page, f"bagian-{first.id.lower()}")
    answer(page, first.items[0].id, "no")
    assert_no_serious(page, where="owner question screen")

    # on to the check page and the result (unanswered questions count as not yet known)
    page.locator(f"#bagian-{first.id.lower()} a.bdk-next").click()
    for section in checklist.sections[1:]:
        view = f"bagian-{section.id.lower()}"
        assert_at_heading(page, view)
        page.locator(f"#{view} a.bdk-next").click()
    assert_at_heading(page, "periksa")
    page.locator("button.bdk-see-result").click()
    assert_at_heading(page, "hasil")
    page.locator("#hasil .bdk-result").wait_for()
    assert_no_serious(page, where="owner result screen")
