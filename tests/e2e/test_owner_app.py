"""The owner app in Debian's headless Chromium against a real ``berdikari serve``.

Paths: an anonymous owner completes CPPOB-IRTP and sees the level the scoring engine computes; a
signed-in owner on a shared phone (not remembered) answers half, reloads, signs in again and finds
every answer kept; a 360 px page has no horizontal overflow; no request leaves 127.0.0.1. The server runs on a free port with a
temporary SQLite database and the real site build (or the server's fallback page if the site
cannot be built, which the test reports).
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from berdikari import scoring
from berdikari.checklists import load
from tests.e2e.conftest import external_requests
from tests.e2e.owner_helpers import ANSWER_LABELS, owner_server
from tests.e2e.owner_helpers import answer as _answer
from tests.e2e.owner_helpers import horizontal_overflow as _horizontal_overflow
from tests.e2e.owner_helpers import item as _item
from tests.e2e.owner_helpers import open_app as _open_app

CPPOB = "cppob-irtp"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``berdikari serve`` on a free port with a fresh SQLite database and one owner account."""
    with owner_server(tmp_path_factory.mktemp("serve")) as data:
        yield data


def _choose_cppob(page) -> None:
    page.get_by_text("Makanan atau minuman olahan", exact=True).click()
    page.locator(f"button.bdk-checklist-{CPPOB}").click()
    page.locator(".bdk-task-list").wait_for()


def test_anonymous_owner_completes_cppob_irtp_and_sees_the_scoring_level(server, page):
    checklist = load(CPPOB)
    pattern = ["yes", "yes", "no", "yes", "partial", "na", "yes", "unknown"]
    answers = {item.id: pattern[n % len(pattern)] for n, item in enumerate(checklist.items)}
    expected = scoring.score(checklist, answers)

    _open_app(page, server["base"])
    page.locator("button.bdk-start-anon").click()
    _choose_cppob(page)
    page.locator(f"button.bdk-open-{checklist.sections[0].id.lower()}").click()
    for section in checklist.sections:
        _item(page, section.items[0].id).wait_for()
        for item in section.items:
            _answer(page, item.id, answers[item.id])
            # the chosen answer shows as pressed before we go on
            pressed = _item(page, item.id).locator("button.mod-active")
            assert pressed.inner_text().strip() == ANSWER_LABELS[answers[item.id]]
        page.locator("button.bdk-next").click()
    page.get_by_text("Periksa jawaban Anda", exact=True).first.wait_for()
    page.locator("button.bdk-see-result").click()
    result = page.locator(".bdk-result")
    result.wait_for()
    assert _horizontal_overflow(page) == []
    level = result.locator(".bdk-level")
    assert level.get_attribute("data-level") == expected.level
    assert level.inner_text().strip() == expected.level
    eligible = result.locator(".bdk-eligible").get_attribute("data-eligible")
    assert eligible == str(expected.eligible).lower()
    # what to do next, the gaps, a chart row per section, and the ways to share
    assert result.locator(".bdk-gaps li").count() == len(expected.gaps)
    assert result.locator(".bdk-chart-row").count() == len(checklist.sections)
    wa = result.locator("a.bdk-whatsapp").get_attribute("href")
    assert wa.startswith("https://wa.me/?text=") and f"Level%20{expected.level}" in wa
    assert result.locator("a.bdk-download").count() == 2  # summary and answers file
    assert external_requests(page) == []


def test_signed_in_owner_answers_half_reloads_and_finds_every_answer(server, page):
    checklist = load(CPPOB)
    half = checklist.items[: len(checklist.items) // 2]
    values = ["no", "yes", "partial", "unknown", "na"]
    given = {item.id: values[n % len(values)] for n, item in enumerate(half)}

    def sign_in():
        _open_app(page, server["base"])
        page.locator("button.bdk-start-signin").click()
        page.locator(".bdk-code input").fill(server["code"])
        page.locator(".bdk-pin input").fill(server["pin"])
        # a shared phone: not remembered, so the reload asks for the PIN again
        # (remembered phones: test_owner_stays_signed_in.py)
        page.locator(".bdk-stay-choice input[type=checkbox]").uncheck()
        page.locator("button.bdk-signin").click()

    sign_in()
    # the UMKM name is shown escaped, as text
    page.get_by_text("Keripik <Maju> Jaya", exact=False).wait_for()
    _choose_cppob(page)
    sections_done = []
    page.locator(f"button.bdk-open-{checklist.sections[0].id.lower()}").click()
    for section in checklist.sections:
        todo = [i for i in section.items if i.id in given]
        if not todo:
            break
        _item(page, todo[0].id).wait_for()
        for item in todo:
            _answer(page, item.id, given[item.id])
            # "tersimpan" shows only after the service's durable commit
            _item(page, item.id).locator(".bdk-saved").wait_for()
        sections_done.append(section.id)
        page.locator("button.bdk-next").click()

    page.reload()
    sign_in()
    # resumes at the section with the first open question after the last answer
    last = checklist.section_of(half[-1].id)
    open_items = [i for i in last.items if i.id not in given]
    first_open = open_items[0] if open_items else None
    if first_open is not None:
        _item(page, first_open.id).wait_for()
    page.locator("button", has_text="Kembali ke daftar tugas").click()
    page.locator(".bdk-task-list").wait_for()
    for section in checklist.sections:
        if section.id not in sections_done and section.id != last.id:
            continue
        page.locator(f"button.bdk-open-{section.id.lower()}").click()
        for item in section.items:
            box = _item(page, item.id)
            box.wait_for()
            active = box.locator("button.mod-active")
            if item.id in given:
                assert active.inner_text().strip() == ANSWER_LABELS[given[item.id]], item.id
            else:
                assert active.count() == 0, item.id
        page.locator("button", has_text="Kembali ke daftar tugas").click()
        page.locator(".bdk-task-list").wait_for()
    assert external_requests(page) == []


def test_phone_screen_has_no_horizontal_overflow_and_big_tap_targets(server, page):
    _open_app(page, server["base"])
    page.locator("button.bdk-start-anon").click()
    _choose_cppob(page)
    page.locator("button.bdk-open-a").click()
    _item(page, load(CPPOB).items[0].id).wait_for()
    shot = server["log"].parent / "owner-360.png"
    page.screenshot(path=str(shot), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert _horizontal_overflow(page) == []
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('.bdk-app button'))"
        ".filter(b => b.offsetParent !== null).map(b => b.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 40
    assert external_requests(page) == []


def test_site_at_root_and_app_link_back(server, page):
    _open_app(page, server["base"])
    page.locator("a", has_text="Panduan Berdikari").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/") == server["base"]
    assert page.locator("body").inner_text().strip() != ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert external_requests(page) == []
    # Voila's tree page and the contents API are not served
    for path in ("/voila/tree", "/voila/api/contents/", "/api/kernels"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server["base"] + path, timeout=5)
        assert err.value.code in (403, 404, 405), path
