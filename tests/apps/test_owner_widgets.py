"""The owner app's widgets and state, built and driven in plain pytest (no kernel, no browser)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import pytest

from berdikari import scoring
from berdikari.apps import widgets as ui
from berdikari.apps.owner import (
    AnswersFileError,
    OwnerApp,
    OwnerState,
    read_answers_file,
)
from berdikari.apps.result import short_summary, summary_document
from berdikari.apps.session import AnonymousSession
from berdikari.checklists import load, load_all

CPPOB = "cppob-irtp"


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _walk(child)


def _find(app: OwnerApp, css_class: str):
    return [x for x in _walk(app.root) if css_class in getattr(x, "_dom_classes", ())]


def _click(widget) -> None:
    button = (
        widget
        if hasattr(widget, "click")
        else next(x for x in _walk(widget) if hasattr(x, "click"))
    )
    button.click()


def _upload(name: str, content: bytes) -> tuple:
    return (
        {
            "name": name,
            "type": "application/json",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime(2026, 1, 1, tzinfo=UTC),
        },
    )


def _food_app() -> OwnerApp:
    app = OwnerApp()
    _click(_find(app, "bdk-start-anon")[0])
    assert app.state.view == "start"
    app.state.category = "pangan-olahan"
    app.render()
    return app


def test_question_carries_test_class_help_and_guide_link():
    item = load(CPPOB).items[0]
    seen = []
    box = ui.question(item, "id", None, "", lambda i, v: seen.append((i, v)), lambda i, n: None)
    assert ui.item_class(item.id) in box._dom_classes
    assert ui.item_class(item.id) == "bdk-item-" + item.id.lower()
    assert item.evidence.id in box.children[0].value
    assert 'href="/panduan/' in box.children[0].value
    assert [label for label, _ in box.choices.options] == [
        "Ya",
        "Tidak",
        "Sebagian",
        "Belum tahu",
        "Tidak berlaku",
    ]
    box.choices.value = "partial"
    assert seen == [(item.id, "partial")]


def test_question_escapes_the_note_and_calls_back_on_commit():
    item = load(CPPOB).items[0]
    notes = []
    box = ui.question(
        item, "en", "yes", "<b>x</b>", lambda i, v: None, lambda i, n: notes.append(n)
    )
    assert box.note_box.value == "<b>x</b>"  # a Text widget shows text, never HTML
    box.note_box.value = "dapur baru"
    assert notes == ["dapur baru"]
    assert box.choices.value == "yes"


def test_section_states_and_task_list():
    assert ui.section_state(0, 3) == "belum"
    assert ui.section_state(1, 3) == "sedang"
    assert ui.section_state(3, 3) == "selesai"
    c = load(CPPOB)
    first = c.sections[0]
    answers = {i.id: "yes" for i in first.items}
    opened = []
    box = ui.task_list(c, answers, "id", opened.append)
    assert len(box.children) == len(c.sections)
    assert "Selesai" in box.children[0].children[0].value
    assert "Belum mulai" in box.children[1].children[0].value
    box.children[1].children[1].click()
    assert opened == [c.sections[1].id]


def test_readiness_chart_and_gaps_escape_and_order():
    c = load(CPPOB)
    answers = {i.id: "no" for i in c.items}
    result = scoring.score(c, answers)
    chart = ui.readiness_chart(result.sections, "id")
    assert chart.value.count("bdk-chart-row") == len(c.sections)
    gaps = ui.gap_list(result.gaps, "id").value
    first_gap = result.gaps[0]
    assert gaps.index(first_gap.item_id) < gaps.index(result.gaps[-1].item_id)
    assert "Cara memperbaikinya" in gaps


def test_whatsapp_link_encodes_the_summary():
    url = ui.whatsapp_url("Level II & siap\nbaris 2")
    parsed = urlparse(url)
    assert parsed.netloc == "wa.me"
    assert parse_qs(parsed.query)["text"] == ["Level II & siap\nbaris 2"]


def test_anonymous_journey_start_to_result_gives_the_scoring_level():
    app = _food_app()
    _click(_find(app, f"bdk-checklist-{CPPOB}")[0])
    assert app.state.view == "tasks"
    c = load(CPPOB)
    pattern = ["yes", "no", "partial", "yes", "na", "unknown"]
    expected: dict[str, str] = {}
    n = 0
    for section in c.sections:
        app.go("section", section_id=section.id)
        for item in section.items:
            value = pattern[n % len(pattern)]
            n += 1
            box = _find(app, ui.item_class(item.id))[0]
            box.choices.value = value
            expected[item.id] = value
    assert app.state.answers[CPPOB] == expected
    app.go("tasks")
    _click(_find(app, "bdk-to-check")[0])
    assert app.state.view == "check"
    _click(_find(app, "bdk-see-result")[0])
    panel = _find(app, "bdk-result")[0]
    text = "".join(getattr(x, "value", "") or "" for x in _walk(panel) if hasattr(x, "value"))
    level = scoring.score(c, expected).level
    assert f'data-level="{level}"' in text


def test_check_page_change_returns_to_check():
    app = _food_app()
    _click(_find(app, f"bdk-checklist-{CPPOB}")[0])
    app.go("check")
    change_buttons = [x for x in _walk(app.body) if getattr(x, "description", "") == "Ubah"]
    change_buttons[2].click()
    assert app.state.view == "section"
    assert app.state.return_to_check
    _click(_find(app, "bdk-next")[0])
    assert app.state.view == "check"


def test_language_switch_rerenders_in_english():
    app = OwnerApp()
    assert "Mulai tanpa akun" in [getattr(x, "description", "") for x in _walk(app.root)]
    app.lang_switch.value = "en"
    assert "Start without an account" in [getattr(x, "description", "") for x in _walk(app.root)]


def test_answers_file_round_trip_and_clear_errors():
    c = load(CPPOB)
    answers = {c.items[0].id: "yes", c.items[1].id: "no"}
    link = ui.answers_download(c, answers, {c.items[1].id: "<catatan>"}, "id").value
    b64 = link.split("base64,", 1)[1].split('"', 1)[0]
    raw = base64.b64decode(b64)
    data = json.loads(raw)
    assert data["checklist"] == CPPOB and data["version"] == c.version
    assert data["answers"] == answers
    got_c, got_answers, got_notes = read_answers_file(raw, "id")
    assert (
        got_c.id == CPPOB and got_answers == answers and got_notes == {c.items[1].id: "<catatan>"}
    )

    with pytest.raises(AnswersFileError, match="bukan berkas jawaban"):
        read_answers_file(b"not json", "id")
    with pytest.raises(AnswersFileError, match="tidak dikenal"):
        read_answers_file(json.dumps({"checklist": "nope", "answers": {}}).encode(), "id")
    bad = json.dumps({"checklist": CPPOB, "answers": {c.items[0].id: "maybe"}}).encode()
    with pytest.raises(AnswersFileError, match="tidak cocok") as exc:
        read_answers_file(bad, "id")
    assert str(exc.value).endswith(f": {c.items[0].id}")  # the item, no English sentence


def test_upload_continues_where_the_file_left_off_and_bad_file_keeps_state():
    c = load(CPPOB)
    app = OwnerApp()
    upload = _find(app, "bdk-upload")[0]
    upload.value = _upload("x.json", b"{broken")
    assert app.state.view == "welcome"
    assert "bukan berkas jawaban" in app.body.children[0].value
    raw = json.dumps({"checklist": CPPOB, "version": c.version, "answers": {c.items[0].id: "no"}})
    upload = _find(app, "bdk-upload")[0]
    upload.value = _upload("x.json", raw.encode())
    assert app.state.view == "tasks"
    assert app.state.answers[CPPOB] == {c.items[0].id: "no"}


def test_recommendation_lists_checklists_from_the_data_only():
    app = _food_app()
    shown = {
        cls.removeprefix("bdk-checklist-")
        for x in _walk(app.root)
        for cls in getattr(x, "_dom_classes", ())
        if cls.startswith("bdk-checklist-")
    }
    expected = {
        c.id
        for c in load_all().values()
        if "pangan-olahan" in c.applies_to.categories
        and set(c.applies_to.routes) & {"spp-irt", "halal"}
    }
    assert shown == expected


def test_user_text_is_escaped_in_summaries():
    c = load(CPPOB)
    result = scoring.score(c, {})
    doc = summary_document(c, result, "id", "<script>alert(1)</script>", None)
    assert "<script>alert" not in doc and "&lt;script&gt;" in doc
    assert "provisional" not in short_summary(c, result, "id")
    assert "sementara" in short_summary(c, result, "id")


def test_signed_in_session_saves_each_answer_and_shows_saved():
    saved = []

    class FakeSession:
        signed_in = True
        display_name = "Toko <Ibu>"
        category = "pangan-olahan"

        def open_checklist(self, checklist_id):
            from berdikari.apps.session import Loaded

            return Loaded(answers={load(CPPOB).items[0].id: "yes"})

        def save_answer(self, checklist_id, item_id, value, note):
            saved.append((checklist_id, item_id, value, note))
            return True

    app = OwnerApp(OwnerState(view="start", category="pangan-olahan"), session=FakeSession())
    _click(_find(app, f"bdk-checklist-{CPPOB}")[0])
    assert app.state.answers[CPPOB] == {load(CPPOB).items[0].id: "yes"}
    app.go("section", section_id="A")
    item = load(CPPOB).items[0]
    box = _find(app, ui.item_class(item.id))[0]
    assert box.choices.value == "yes"
    box.choices.value = "no"
    assert saved == [(CPPOB, item.id, "no", None)]
    assert "Tersimpan" in box.status.value
    assert "Semua jawaban tersimpan" in app.saved.value and "Toko &lt;Ibu&gt;" in app.saved.value
    # "Keluar" is a link to /keluar: the server forgets the phone's cookie and a fresh page
    # (a new kernel) holds neither the identity nor the answers
    assert 'href="/keluar"' in app.sign_out.value and ">Keluar</a>" in app.sign_out.value
    app.session = AnonymousSession()
    app.render()
    assert app.sign_out.value == ""


def test_failed_save_says_so_keeps_the_saved_answer_and_retries_on_the_same_choice():
    from berdikari.store.errors import Conflict

    item = load(CPPOB).items[0]
    calls = []

    class FlakySession:
        signed_in = True
        display_name = "Toko"
        category = "pangan-olahan"

        def open_checklist(self, checklist_id):
            from berdikari.apps.session import Loaded

            return Loaded(answers={item.id: "yes"})

        def save_answer(self, checklist_id, item_id, value, note):
            calls.append(value)
            if len(calls) == 1:
                raise Conflict("another save collided; nothing was saved")
            return True

    app = OwnerApp(OwnerState(view="start", category="pangan-olahan"), session=FlakySession())
    _click(_find(app, f"bdk-checklist-{CPPOB}")[0])
    app.go("section", section_id="A")
    box = _find(app, ui.item_class(item.id))[0]
    box.choices.value = "no"
    assert calls == ["no"]
    assert "Belum tersimpan. Ada perubahan lain yang disimpan pada saat" in box.status.value
    assert "collided" not in box.status.value  # the store's English message is not shown
    assert box.choices.value == "yes" and app.state.answers[CPPOB][item.id] == "yes"
    assert "belum tersimpan" in app.saved.value
    box.choices.value = "no"  # the same choice again retries
    assert calls == ["no", "no"]
    assert app.state.answers[CPPOB][item.id] == "no"
    assert "Tersimpan" in box.status.value and "Semua jawaban tersimpan" in app.saved.value


def test_section_progress_and_answers_file_follow_each_answer():
    app = _food_app()
    _click(_find(app, f"bdk-checklist-{CPPOB}")[0])
    app.go("section", section_id="B")
    c = load(CPPOB)
    assert "Terjawab 0 dari 37" in app.progress.value
    item = c.sections[1].items[0]
    _find(app, ui.item_class(item.id))[0].choices.value = "partial"
    assert "Terjawab 1 dari 37" in app.progress.value
    b64 = app.download.value.split("base64,", 1)[1].split('"', 1)[0]
    assert json.loads(base64.b64decode(b64))["answers"] == {item.id: "partial"}
