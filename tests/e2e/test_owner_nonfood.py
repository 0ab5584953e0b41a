"""The owner app for a jamu maker and a small cosmetics maker, in Debian's headless Chromium.

Issue "Obat too": they find their route, their checklists and their next steps as clearly as a
kerupuk maker. Paths, each on a 360 px Indonesian page, anonymous:

- a jamu maker (obat-tradisional) sees the route :func:`berdikari.routes.recommend` gives, walks
  CPOTB bertahap and the TR registration checklist with every kind of answer, and on each result
  page finds the readiness :func:`berdikari.scoring.score` computes, the gaps most serious first,
  and the next steps with a tutorial link that the served site answers;
- the same for a cosmetics maker (kosmetik: notification and CPKB golongan);
- both report a forbidden ingredient in ``bahan-dilarang`` (rule "never") and are told to stop and
  talk to their facilitator.

Every page is checked for horizontal overflow, English UI sentences on the Indonesian screen and
requests that leave 127.0.0.1.
"""

from __future__ import annotations

import urllib.request
from html import escape
from urllib.parse import urljoin

import pytest

from berdikari import routes, scoring
from berdikari.apps.result import headline
from berdikari.checklists import Checklist, guide_url, load
from berdikari.config import settings
from berdikari.i18n import catalogue, t
from tests.e2e.conftest import external_requests
from tests.e2e.owner_helpers import (
    ANSWER_LABELS,
    answer,
    horizontal_overflow,
    item,
    open_app,
    owner_server,
)

ID = "id"
PATTERN = ("yes", "no", "yes", "partial", "na", "yes", "unknown")
JOURNEYS = {
    # category: the checklists the owner walks, the tutorial of the category's permit route
    "obat-tradisional": (("cpotb-bertahap", "registrasi-tr"), "langkah/izin-tr.md"),
    "kosmetik": (("notifikasi-kosmetik", "cpkb-golongan"), "langkah/notifikasi-kosmetik.md"),
}
FORBIDDEN = "bahan-dilarang"
FORBIDDEN_SECTION = {"obat-tradisional": "J", "kosmetik": "K"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``berdikari serve`` on a free port, a fresh SQLite database and the real site build."""
    with owner_server(tmp_path_factory.mktemp("serve-nonfood")) as data:
        yield data


def _english_sentences(checklists: list[Checklist], recommendation) -> list[str]:
    """English texts that must not show on the Indonesian screen: UI sentences with a
    translation, and the English side of the checklists' and the routes' texts."""
    out = [
        msgid
        for msgid, text in catalogue(ID).items()
        if text != msgid and "{" not in msgid and " " in msgid and len(msgid) >= 15
    ]
    for c in checklists:
        out += [c.title.en, c.summary.en]
        for section in c.sections:
            out.append(section.title.en)
        for i in c.items:
            out += [i.question.en, i.requirement.en]
    for r in recommendation.routes:
        out += [r.permit.en, r.issuer.en] + [s.en for s in r.next_steps]
    return [s for s in out if s]


def _assert_indonesian(page, english: list[str]) -> None:
    text = page.locator(".bdk-app").inner_text()
    assert [s for s in english if s in text] == []


def _assert_phone_page(page) -> None:
    assert horizontal_overflow(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _choose_category(page, base: str, category: str) -> routes.Recommendation:
    """From the welcome page to the route panel; returns what ``recommend`` says for it."""
    open_app(page, base)
    page.locator("button.bdk-start-anon").click()
    page.get_by_text(routes.CATEGORIES[category].get(ID), exact=True).click()
    panel = page.locator(".bdk-recommendation")
    panel.wait_for()
    # no route questions for this category: the app asks recommend() with no answers
    assert page.locator('[class*="bdk-route-"]').count() == 0
    rec = routes.recommend(category, {})
    assert rec.routes[0].id == routes.CATEGORY_ROUTE[category]
    permits = [x.strip() for x in panel.locator("li strong").all_inner_texts()]
    assert permits == [r.permit.get(ID) for r in rec.routes]
    for r in rec.routes:
        assert r.issuer.get(ID) in panel.inner_text()
    for note in rec.uncertain:
        assert note.get(ID) in panel.inner_text()
    shown = page.locator('button[class*="bdk-checklist-"]')
    assert shown.count() == len(rec.checklists)
    for c in rec.checklists:
        assert page.locator(f"button.bdk-checklist-{c.id}").is_visible(), c.id
    return rec


def _answer_all(page, checklist: Checklist, answers: dict[str, str]) -> None:
    """Task list → every section in turn → check your answers → result."""
    page.locator(f"button.bdk-checklist-{checklist.id}").click()
    page.locator(".bdk-task-list").wait_for()
    page.locator(f"button.bdk-open-{checklist.sections[0].id.lower()}").click()
    for section in checklist.sections:
        item(page, section.items[0].id).wait_for()
        for i in section.items:
            answer(page, i.id, answers[i.id])
            pressed = item(page, i.id).locator("button.mod-active")
            assert pressed.inner_text().strip() == ANSWER_LABELS[answers[i.id]], i.id
        _assert_phone_page(page)
        page.locator("button.bdk-next").click()
    page.get_by_text(t("Check your answers", ID), exact=True).first.wait_for()
    page.locator("button.bdk-see-result").click()
    page.locator(".bdk-result").wait_for()


def _tutorial_title(tutorial: str) -> str:
    first = (settings().guides_dir / tutorial).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# "), tutorial
    return first.removeprefix("# ").strip()


def _assert_tutorial_served(page, href: str, tutorial: str) -> None:
    """The link resolves on the served site to the tutorial page itself."""
    with urllib.request.urlopen(urljoin(page.url, href), timeout=10) as r:
        assert r.status == 200, href
        body = r.read().decode("utf-8")
    assert escape(_tutorial_title(tutorial), quote=False) in body, href


def _assert_result(page, checklist: Checklist, answers: dict[str, str], rec) -> None:
    expected = scoring.score(checklist, answers)
    result = page.locator(".bdk-result")
    text = result.inner_text()
    assert result.locator(".bdk-headline").inner_text().strip() == headline(checklist, expected, ID)
    # the readiness scoring computes, said once, in the headline
    readiness = t("Readiness: {pct}%", ID, pct=expected.readiness)
    assert readiness in result.locator(".bdk-headline").inner_text()
    assert text.count(readiness) == 1
    # the gaps, most serious first, as the scoring engine orders them
    gaps = result.locator(".bdk-gaps li")
    assert expected.gaps and gaps.count() == len(expected.gaps)
    assert expected.gaps[0].requirement.get(ID) in gaps.first.inner_text()
    assert result.locator(".bdk-chart-row").count() == len(checklist.sections)
    # next steps of every route, each with its step-by-step guide on the served site
    assert t("Next steps to your permit", ID) in text
    for r in rec.routes:
        assert r.next_steps, r.id
        for step in r.next_steps:
            assert step.get(ID) in text, r.id
        assert r.tutorial, r.id
        href = guide_url(r.tutorial)
        link = result.locator(f'a[href="{href}"]', has_text=t("Step-by-step guide", ID))
        assert link.count() == 1, href
        _assert_tutorial_served(page, href, r.tutorial)


@pytest.mark.parametrize("category", list(JOURNEYS))
def test_owner_finds_route_checklists_result_and_next_steps(server, page, category):
    walked, tutorial = JOURNEYS[category]
    rec = _choose_category(page, server["base"], category)
    assert rec.routes[0].tutorial == tutorial
    offered = [c.id for c in rec.checklists]
    assert set(walked) <= set(offered), offered
    checklists = [load(cid) for cid in walked]
    english = _english_sentences(checklists, rec)
    _assert_indonesian(page, english)
    _assert_phone_page(page)

    for n, checklist in enumerate(checklists):
        answers = {i.id: PATTERN[(k + n) % len(PATTERN)] for k, i in enumerate(checklist.items)}
        assert set(answers.values()) == set(scoring.ANSWERS)
        _answer_all(page, checklist, answers)
        _assert_result(page, checklist, answers, rec)
        _assert_phone_page(page)
        _assert_indonesian(page, english)
        # back to choose the next checklist: the one just done keeps its answers
        page.get_by_role("button", name=t("Back to the task list", ID), exact=True).click()
        page.get_by_role("button", name=t("Change product or checklist", ID)).click()
        page.locator(".bdk-recommendation").wait_for()
        done = page.locator(f"button.bdk-checklist-{checklist.id}")
        assert done.inner_text().strip() == t("Continue", ID)
    assert external_requests(page) == []


@pytest.mark.parametrize("category", list(FORBIDDEN_SECTION))
def test_forbidden_ingredient_tells_the_owner_to_stop(server, page, category):
    rec = _choose_category(page, server["base"], category)
    assert FORBIDDEN in [c.id for c in rec.checklists]
    checklist = load(FORBIDDEN)
    assert checklist.scoring.rule == "never"
    own = next(s for s in checklist.sections if s.id == FORBIDDEN_SECTION[category])
    answers = {
        i.id: ("yes" if checklist.section_of(i.id).id == own.id else "na") for i in checklist.items
    }
    reported = own.items[1]
    answers[reported.id] = "no"
    expected = scoring.score(checklist, answers)

    _answer_all(page, checklist, answers)
    result = page.locator(".bdk-result")
    stop = t("Forbidden ingredient reported: stop and talk to your facilitator.", ID)
    assert headline(checklist, expected, ID) == stop
    assert result.locator(".bdk-headline").inner_text().strip() == stop
    gaps = result.locator(".bdk-gaps li")
    assert gaps.count() == 1
    assert reported.requirement.get(ID) in gaps.first.inner_text()
    # no percentage that reads as "nearly ready" under the stop (87% here; 100% for the other
    # product's section, all "does not apply")
    assert t("Readiness: {pct}%", ID, pct=expected.readiness) not in result.inner_text()
    assert result.locator(".bdk-chart-row").count() == 0
    _assert_phone_page(page)
    _assert_indonesian(page, _english_sentences([checklist], rec))
    assert external_requests(page) == []
