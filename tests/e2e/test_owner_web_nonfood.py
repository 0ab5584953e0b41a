"""The owner web app for a jamu maker and a small cosmetics maker (ported from the widget app's
"Obat too" browser test), in Debian's headless Chromium at 360 px, Indonesian, no account.

- a jamu maker (obat-tradisional) sees the route :func:`berdikari.routes.recommend` gives, with
  the office to ask, walks CPOTB bertahap and the TR registration checklist, and on each result
  finds the headline :func:`berdikari.owner_report.headline` gives, the gaps most serious first
  and the next steps whose step-by-step guide the served site answers;
- the same for a cosmetics maker (notification and CPKB golongan);
- both report a forbidden ingredient in ``bahan-dilarang`` and are told to stop, with no
  percentage that reads as "nearly ready".
"""

from __future__ import annotations

import urllib.request
from html import escape
from urllib.parse import urljoin

import pytest

from berdikari import routes, scoring
from berdikari.checklists import Checklist, guide_url, load
from berdikari.config import settings
from berdikari.owner_report import headline
from tests.e2e.conftest import external_requests
from tests.e2e.owner_helpers import APP, answer, horizontal_overflow, owner_server
from tests.e2e.test_owner_web import assert_at_heading, assert_owner_screen

PATTERN = ("yes", "no", "yes", "partial", "yes", "unknown")
JOURNEYS = {
    "obat-tradisional": (("cpotb-bertahap", "registrasi-tr"), "langkah/izin-tr.md"),
    "kosmetik": (("notifikasi-kosmetik", "cpkb-golongan"), "langkah/notifikasi-kosmetik.md"),
}
FORBIDDEN = "bahan-dilarang"
FORBIDDEN_SECTION = {"obat-tradisional": "J", "kosmetik": "K"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with owner_server(tmp_path_factory.mktemp("owner-nonfood"), real_site=True) as s:
        yield s


def choose_category(page, base: str, category: str) -> routes.Recommendation:
    page.goto(base + APP)
    page.locator("a.bdk-start-anon").click()
    page.locator("label.bdk-choice", has_text=routes.CATEGORIES[category].id).click()
    panel = page.locator("#bdk-route-panel")
    panel.locator(".bdk-routes").wait_for()
    rec = routes.recommend(category, {})
    text = panel.inner_text()
    for r in rec.routes:
        assert r.permit.id in text and r.issuer.id in text
        if r.contact:
            assert r.contact.id in text
    for note in rec.uncertain:
        assert note.id in text
    assert page.locator('#bdk-route-panel a[class*="bdk-checklist-"]').count() == len(
        rec.checklists
    )
    assert_owner_screen(page)
    return rec


def walk_to_result(page, checklist: Checklist, answers: dict[str, str]) -> None:
    page.locator(f"a.bdk-checklist-{checklist.id}").click()
    assert_at_heading(page, "tugas")
    page.locator(f"a.bdk-open-{checklist.sections[0].id.lower()}").click()
    for section in checklist.sections:
        view = f"bagian-{section.id.lower()}"
        assert_at_heading(page, view)
        for i in section.items:
            answer(page, i.id, answers[i.id])
        assert horizontal_overflow(page) == []
        page.locator(f"#{view} a.bdk-next").click()
    assert_at_heading(page, "periksa")
    page.locator("button.bdk-see-result").click()
    assert_at_heading(page, "hasil")
    page.locator("#hasil .bdk-result").wait_for()


def tutorial_served(page, href: str, tutorial: str) -> None:
    title = (settings().guides_dir / tutorial).read_text(encoding="utf-8").splitlines()[0]
    with urllib.request.urlopen(urljoin(page.url, href), timeout=10) as r:
        assert r.status == 200, href
        body = r.read().decode("utf-8")
    assert escape(title.removeprefix("# ").strip(), quote=False) in body, href


@pytest.mark.parametrize("category", list(JOURNEYS))
def test_owner_finds_route_checklists_result_and_next_steps(server, page, category):
    walked, tutorial = JOURNEYS[category]
    rec = choose_category(page, server.base, category)
    assert rec.routes[0].tutorial == tutorial
    for n, cid in enumerate(walked):
        checklist = load(cid)
        answers = {i.id: PATTERN[(k + n) % len(PATTERN)] for k, i in enumerate(checklist.items)}
        walk_to_result(page, checklist, answers)
        expected = scoring.score(checklist, answers)
        result = page.locator("#hasil .bdk-result")
        assert result.locator(".bdk-headline").inner_text().strip() == headline(
            checklist, expected, "id"
        )
        gaps = result.locator(".bdk-gaps > li")
        assert expected.gaps and gaps.count() == len(expected.gaps)
        assert expected.gaps[0].requirement.id in gaps.first.inner_text()
        assert result.locator(".bdk-chart-row").count() == len(checklist.sections)
        text = result.inner_text()
        for r in rec.routes:
            for step in r.next_steps:
                assert step.id in text, r.id
            href = guide_url(r.tutorial)
            assert result.locator(f'a[href="{href}"]').count() == 1, href
            tutorial_served(page, href, r.tutorial)
        assert_owner_screen(page)
        # back to the start page: this checklist shows as begun, from the phone's storage
        page.goto(f"{server.base}{APP}mulai?kategori={category}")
        state = page.locator(f'.bdk-checklist-card[data-checklist="{cid}"] .bdk-state')
        assert f"{len(checklist.items)}/{len(checklist.items)}" in state.inner_text()
    assert external_requests(page) == []


@pytest.mark.parametrize("category", list(FORBIDDEN_SECTION))
def test_forbidden_ingredient_tells_the_owner_to_stop(server, page, category):
    rec = choose_category(page, server.base, category)
    assert FORBIDDEN in [c.id for c in rec.checklists]
    checklist = load(FORBIDDEN)
    own = next(s for s in checklist.sections if s.id == FORBIDDEN_SECTION[category])
    answers = {}
    for i in checklist.items:
        mine = checklist.section_of(i.id).id == own.id
        answers[i.id] = "yes" if mine or not i.na_allowed else "na"
    reported = own.items[1]
    answers[reported.id] = "no"
    expected = scoring.score(checklist, answers)
    walk_to_result(page, checklist, answers)
    result = page.locator("#hasil .bdk-result")
    stop = "Ada bahan terlarang: hentikan"
    assert stop in headline(checklist, expected, "id")
    assert stop in result.locator(".bdk-headline").inner_text()
    assert reported.requirement.id in result.locator(".bdk-gaps").inner_text()
    assert "Kesiapan" not in result.inner_text()
    assert result.locator(".bdk-chart-row").count() == 0
    assert_owner_screen(page)
    assert external_requests(page) == []
