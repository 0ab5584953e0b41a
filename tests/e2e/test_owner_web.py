"""The owner web app (``/penilaian/``) in Debian's headless Chromium at 360 px, Indonesian.

Paths an owner walks, against a real ``berdikari serve`` with a fresh SQLite database:

- without an account, the whole CPPB-IRT checklist (37 answers) to the result the scoring engine
  computes; each new view opens at its heading (scrolled to the top, focus on the heading); the
  result says the level and the first thing to do before any number; no horizontal overflow,
  no English sentence, no raw item ID, no request that leaves 127.0.0.1;
- *Tidak berlaku* is offered exactly where the checklist allows it;
- two taps 0.3 s apart both land (signed in: both in the database, both shown as saved);
- a signed-in owner on a shared phone (not remembered) answers half, reloads, signs in again and
  is back at the section with the first open question, every answer kept;
- "Tetap masuk di ponsel ini" keeps the owner signed in across a reload; *Keluar* ends it;
- the answers file goes to another phone and back; a bad file
  gets a clear Indonesian message.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from berdikari import scoring
from berdikari.checklists import load
from berdikari.i18n import catalogue
from berdikari.owner_report import headline
from tests.e2e.conftest import external_requests
from tests.e2e.owner_helpers import (
    APP,
    UMKM_NAME,
    answer,
    chosen,
    horizontal_overflow,
    item,
    open_checklist,
    owner_server,
    screen_state,
    sign_in,
    view_at_top,
)

CPPOB = "cppob-irtp"
ITEM_ID = re.compile(r"\b[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d{2}\.\d{2}\b")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with owner_server(tmp_path_factory.mktemp("owner-web")) as s:
        yield s


def english_sentences() -> list[str]:
    return [
        msgid
        for msgid, text in catalogue("id").items()
        if text != msgid and "{" not in msgid and " " in msgid and len(msgid) >= 15
    ]


def assert_owner_screen(page) -> None:
    """Indonesian, no item IDs, no traceback, fits 360 px."""
    text = page.locator("body").inner_text()
    assert ITEM_ID.search(text) is None, ITEM_ID.search(text).group(0)
    assert "Traceback" not in text
    assert [s for s in english_sentences() if s in text] == []
    assert horizontal_overflow(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def phone(browser_context_factory):
    """A fresh phone (own cookies and storage) whose page records its requests."""
    ctx = browser_context_factory(viewport={"width": 360, "height": 740}, locale="id-ID")
    pg = ctx.new_page()
    pg.requested_urls = []
    pg.on("request", lambda req: pg.requested_urls.append(req.url))
    return pg


def assert_at_heading(page, view: str) -> None:
    page.locator(f"#{view}.is-current").wait_for()
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
    pos = view_at_top(page)
    assert pos["view"] == view
    assert pos["scrollY"] == 0, pos
    assert pos["focused"], pos
    assert 0 <= pos["headingTop"] < 740, pos


def pattern_answers(checklist, pattern=("yes", "yes", "no", "yes", "partial", "yes", "unknown")):
    out = {}
    for n, i in enumerate(checklist.items):
        out[i.id] = "na" if i.na_allowed and n % 5 == 0 else pattern[n % len(pattern)]
    return out


def walk(page, checklist, answers: dict, scroll_first: bool = True) -> None:
    """Task list → each section in turn (each opens at its heading) → check your answers."""
    page.locator(f"a.bdk-open-{checklist.sections[0].id.lower()}").click()
    for section in checklist.sections:
        view = f"bagian-{section.id.lower()}"
        assert_at_heading(page, view)
        for i in section.items:
            if i.id in answers:
                answer(page, i.id, answers[i.id])
                assert chosen(page, i.id) == answers[i.id]
        if scroll_first:  # the owner is at the bottom when tapping "next"
            page.mouse.wheel(0, 20000)
        page.locator(f"#{view} a.bdk-next").click()
    assert_at_heading(page, "periksa")


def test_anonymous_owner_walks_cppob_to_the_scoring_result(server, page):
    checklist = load(CPPOB)
    answers = pattern_answers(checklist)
    expected = scoring.score(checklist, answers)

    page.goto(server.base + APP)
    assert_owner_screen(page)
    assert page.locator("a.bdk-home").get_attribute("href") == "/"  # back to the guides
    page.locator("a.bdk-start-anon").click()
    page.locator("label.bdk-choice", has_text="Makanan atau minuman olahan").click()
    page.locator(f"a.bdk-checklist-{CPPOB}").click()
    assert_at_heading(page, "tugas")
    assert_owner_screen(page)
    walk(page, checklist, answers)
    assert_owner_screen(page)
    # the check page shows every answer in words
    for i in checklist.items[:5]:
        shown = page.locator(f'#periksa dd[data-check="{i.id}"]').inner_text()
        assert shown.strip() == {
            "yes": "Ya", "no": "Tidak", "partial": "Sebagian", "unknown": "Belum tahu",
            "na": "Tidak berlaku",
        }[answers[i.id]]  # fmt: skip
    page.mouse.wheel(0, 20000)
    page.locator("button.bdk-see-result").click()
    assert_at_heading(page, "hasil")
    result = page.locator("#hasil .bdk-result")
    result.wait_for()
    assert view_at_top(page)["scrollY"] == 0
    level = result.locator(".bdk-level")
    assert level.get_attribute("data-level") == expected.level
    assert result.locator(".bdk-headline").inner_text().strip() == headline(
        checklist, expected, "id"
    )
    # level and the first thing to do come before any number
    text = result.inner_text()
    assert text.index("Yang pertama dilakukan") < text.index("Kesiapan")
    assert result.locator(".bdk-gaps li").count() == len(expected.gaps)
    assert result.locator(".bdk-chart-row").count() == len(checklist.sections)
    assert page.locator("#hasil a.bdk-paper-form").get_attribute("href") == (
        f"/referensi/daftar-periksa/{CPPOB}/"
    )
    assert_owner_screen(page)
    # big tap targets: every visible button, link-button and answer is at least 44 px high
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('.bdk-button, .bdk-choice, .bdk-task a'))"
        ".filter(b => b.offsetParent !== null).map(b => b.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44
    # nothing went to the server's database
    assert server.saved_answers(CPPOB) == {}
    # the phone keeps every answer
    kept = page.evaluate(f"JSON.parse(localStorage.getItem('bdk-anon-{CPPOB}'))")
    assert kept["answers"] == answers
    # the PDF of the result, in Indonesian, without item IDs
    with page.expect_download() as dl:
        page.locator("#hasil button.bdk-pdf").click()
    pdf = open(dl.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")
    assert external_requests(page) == []


def test_not_applicable_only_where_the_item_allows_it(server, page):
    checklist = load(CPPOB)
    open_checklist(page, server.base, CPPOB)
    for i in checklist.items:
        na = item(page, i.id).locator('input[value="na"]')
        assert na.count() == (1 if i.na_allowed else 0), i.id


def test_signed_in_two_quick_taps_both_saved_and_reload_restores(server, browser_context_factory):
    checklist = load(CPPOB)
    page = phone(browser_context_factory)
    sign_in(page, server.base, server.code, server.pin, remember=False)
    page.get_by_text(UMKM_NAME, exact=False).first.wait_for()  # shown as text, escaped
    open_checklist(page, server.base, CPPOB)
    section = next(x for x in checklist.sections if len(x.items) >= 2)
    page.locator(f"a.bdk-open-{section.id.lower()}").click()
    first, second = section.items[:2]
    answer(page, first.id, "no")
    time.sleep(0.3)
    answer(page, second.id, "partial")
    page.locator('.bdk-saved-indicator[data-state="saved"]').wait_for()
    assert server.saved_answers(CPPOB) == {first.id: "no", second.id: "partial"}
    state = screen_state(page)
    assert state[first.id]["state"] == "saved" and state[second.id]["state"] == "saved"
    # the same question tapped twice quickly: the last one wins, on screen and in the database
    answer(page, first.id, "yes")
    answer(page, first.id, "unknown")
    page.locator('.bdk-saved-indicator[data-state="saved"]').wait_for()
    assert server.saved_answers(CPPOB)[first.id] == "unknown"

    # half the checklist, then a reload on a phone that does not remember: sign in again
    half = checklist.items[: len(checklist.items) // 2]
    given = {i.id: ["no", "yes", "partial", "unknown"][n % 4] for n, i in enumerate(half)}
    page.goto(f"{server.base}{APP}daftar/{CPPOB}#bagian-a")
    for section in checklist.sections:
        todo = [i for i in section.items if i.id in given]
        if not todo:
            break
        page.goto(f"{server.base}{APP}daftar/{CPPOB}#bagian-{section.id.lower()}")
        for i in todo:
            answer(page, i.id, given[i.id])
        page.locator('.bdk-saved-indicator[data-state="saved"]').wait_for()
    assert server.saved_answers(CPPOB) == given
    page.context.clear_cookies()
    page.goto(server.base + APP)
    sign_in(page, server.base, server.code, server.pin, remember=False)
    # back at the first section with an open question, from the last answered one on
    ids = [x.id for x in checklist.sections]
    start = ids.index(checklist.section_of(half[-1].id).id)
    last = next(x for x in checklist.sections[start:] if any(i.id not in given for i in x.items))
    assert_at_heading(page, f"bagian-{last.id.lower()}")
    state = screen_state(page)
    for item_id, value in given.items():
        assert state[item_id]["value"] == value, item_id
        assert state[item_id]["state"] == "saved", item_id
    for i in checklist.items:
        if i.id not in given:
            assert state[i.id]["value"] is None
    assert_owner_screen(page)
    assert external_requests(page) == []


def test_stay_signed_in_then_sign_out(server, browser_context_factory):
    page = phone(browser_context_factory)
    ctx = page.context
    sign_in(page, server.base, server.code, server.pin, remember=True)
    cookie = [c for c in ctx.cookies() if c["name"] == "bdk_owner"]
    assert len(cookie) == 1 and cookie[0]["httpOnly"] and cookie[0]["sameSite"] == "Lax"
    assert cookie[0]["expires"] > time.time() + 20 * 86400
    page.reload()
    page.get_by_text(UMKM_NAME, exact=False).first.wait_for()
    page.locator("button.bdk-signout-link").click()
    page.locator("a.bdk-start-anon").wait_for()
    assert [c for c in ctx.cookies() if c["name"] == "bdk_owner"] == []
    page.reload()
    assert page.locator("a.bdk-start-signin").is_visible()
    assert page.get_by_text(UMKM_NAME, exact=False).count() == 0


def test_answers_file_to_another_phone_and_a_bad_file(server, page, browser_context_factory):
    checklist = load(CPPOB)
    open_checklist(page, server.base, CPPOB)
    section = next(x for x in checklist.sections if len(x.items) >= 2)
    page.locator(f"a.bdk-open-{section.id.lower()}").click()
    a, b = section.items[:2]
    answer(page, a.id, "no")
    answer(page, b.id, "yes")
    page.locator(f"#bagian-{section.id.lower()} a.bdk-back-tasks").click()
    with page.expect_download() as dl:
        page.locator("#tugas button.bdk-download-answers").click()
    path = dl.value.path()
    data = json.loads(open(path, encoding="utf-8").read())
    assert data["answers"] == {a.id: "no", b.id: "yes"}

    other = phone(browser_context_factory)
    other.goto(server.base + APP)
    other.locator("input[name=berkas]").set_input_files(path)
    other.locator(".bdk-upload button").click()
    other.locator("#tugas.is-current").wait_for()
    other.get_by_text("Jawaban Anda sudah dimuat dari berkas", exact=False).wait_for()
    kept = other.evaluate(f"JSON.parse(localStorage.getItem('bdk-anon-{CPPOB}'))")
    assert kept["answers"] == {a.id: "no", b.id: "yes"}
    # a broken file: a clear sentence, the welcome page again
    bad = server.tmp / "bad.json"
    bad.write_text('{"checklist": "cppob-irtp", "answers": {"x": "\\ud800"}}')
    other.goto(server.base + APP)
    other.locator("input[name=berkas]").set_input_files(str(bad))
    other.locator(".bdk-upload button").click()
    other.locator(".bdk-error").wait_for()
    assert "tidak bisa dibaca" in other.locator(".bdk-error").inner_text()
    assert_owner_screen(other)


def test_after_kirim_and_verification_the_owner_sees_how_it_ended(server, browser_context_factory):
    from berdikari.store.auth import sign_in_owner, sign_in_staff, system_identity
    from berdikari.store.service import Service

    checklist = load(CPPOB)
    store = server.store()
    try:
        adm = Service(store, system_identity())
        adm.add_staff("rina", "Rina Wati", "facilitator", "sandi-staf-2026", phone="0812 3456 789")
        adm.assign(server.umkm_id, adm.staff_id_for_username("rina"))
        owner = Service(store, sign_in_owner(store, server.code, server.pin))
        draft = owner.start_or_resume_assessment(server.umkm_id, CPPOB)
        owner.save_answers(draft.id, {i.id: ("yes", None) for i in checklist.items})
    finally:
        store.engine.dispose()

    page = phone(browser_context_factory)
    sign_in(page, server.base, server.code, server.pin)
    page.goto(f"{server.base}{APP}daftar/{CPPOB}#hasil")
    assert_at_heading(page, "hasil")
    page.locator("#hasil button.bdk-submit").click()
    page.locator("#status.is-current").wait_for()
    assert_at_heading(page, "status")
    text = page.locator("#status").inner_text()
    assert "Dikirim ke pendamping Anda pada" in text
    assert "Menunggu diperiksa oleh pendamping Anda, Rina Wati." in text
    assert page.locator("a.bdk-phone").get_attribute("href") == "tel:08123456789"
    assert page.locator("#status input[type=radio]").count() == 0  # read only
    assert_owner_screen(page)

    # the facilitator verifies (through the service, as the facilitator's app does)
    fixed, other = checklist.items[3], checklist.items[8]
    store = server.store()
    try:
        rina = Service(store, sign_in_staff(store, "rina", "sandi-staf-2026"))
        rina.verify_assessment(
            draft.id, {fixed.id: ("no", "Tidak ada tempat cuci tangan."), other.id: "partial"}
        )
        rina.add_action(server.umkm_id, "Pasang wastafel di dapur", None, fixed.id)
    finally:
        store.engine.dispose()
    verified = scoring.score(
        checklist, {**{i.id: "yes" for i in checklist.items}, fixed.id: "no", other.id: "partial"}
    )
    page.reload()
    assert_at_heading(page, "status")
    status = page.locator("#status")
    assert "Diperiksa oleh pendamping Anda, Rina Wati" in status.inner_text()
    assert status.locator(".bdk-level").first.get_attribute("data-level") == verified.level
    corrections = status.locator("li.bdk-correction")
    assert corrections.count() == 2
    nums = {i.id: n for n, i in enumerate(checklist.items, 1)}
    first = corrections.nth(0).inner_text()
    assert f"Pertanyaan {nums[fixed.id]}" in first and "Tidak ada tempat cuci tangan." in first
    assert "Pasang wastafel di dapur" in status.locator(".bdk-owner-actions").inner_text()
    assert_owner_screen(page)
    # and a new round
    page.locator("button.bdk-new-round").click()
    page.locator("#tugas.is-current").wait_for()
    assert page.locator("#bagian-a input[type=radio]").count() > 0
