"""The facilitator's forms say what is wrong in the app's language, naming the field as the form
does, on a real (in-memory SQLite) store; nothing is written on an error."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from berdikari.apps.facilitator import FacilitatorApp, FacilitatorState
from berdikari.apps.staff import StaffSession
from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from tests.apps.staff_helpers import all_html, click, one
from tests.apps.staff_seed import cheap_hashing, identity, seed  # noqa: F401


@pytest.fixture
def world():
    store = open_store("sqlite://")
    data = seed(store)
    yield store, data
    store.close()


def _app(store, lang="id") -> FacilitatorApp:
    return FacilitatorApp(
        FacilitatorState(lang=lang), session=StaffSession(store, identity(store, "pendamping.a"))
    )


def _errors(app) -> str:
    """The visit form's status line (the last widget of the view)."""
    return app.body.children[-1].value


def test_visit_form_shows_the_indonesian_message_with_the_field_label(world):
    store, d = world
    app = _app(store)
    svc = Service(store, system_identity())
    app.go("visit", umkm_id=d["u3"].id)
    one(app.root, "bdk-visit-date").value = date.today() + timedelta(days=3)
    one(app.root, "bdk-visit-findings").value = "Kunjungan pertama"
    click(app.root, "bdk-visit-save")
    future = (date.today() + timedelta(days=3)).isoformat()
    said = "Tanggal kunjungan tidak boleh di masa depan ({}). Pilih hari ini atau hari sebelumnya."
    assert said.format(future) in _errors(app)
    assert "visited_on" not in all_html(app.root) and "in the future" not in all_html(app.root)
    assert app.state.view == "visit" and svc.visits(d["u3"].id) == []

    one(app.root, "bdk-visit-date").value = date.today()
    one(app.root, "bdk-visit-findings").value = "x" * 5001
    click(app.root, "bdk-visit-save")
    assert "Temuan terlalu panjang: 5001 karakter, paling banyak 5000. Persingkat." in _errors(app)

    one(app.root, "bdk-visit-findings").value = "Kunjungan pertama"
    one(app.root, "bdk-action-item-0").value = "NOT-AN-ITEM"
    click(app.root, "bdk-visit-save")
    assert "Tindakan 1: tulis apa yang harus dikerjakan." in _errors(app)
    assert svc.visits(d["u3"].id) == []  # nothing written on any of these


def test_the_english_ui_reads_the_same_catalogue_sentence_not_developer_text(world):
    store, d = world
    app = _app(store, "en")
    app.go("visit", umkm_id=d["u3"].id)
    one(app.root, "bdk-visit-date").value = date(2999, 1, 1)
    one(app.root, "bdk-visit-findings").value = "First visit"
    click(app.root, "bdk-visit-save")
    assert (
        "Visit date may not be in the future (2999-01-01). Choose today or an earlier day."
        in _errors(app)
    )
    assert "visited_on" not in all_html(app.root)


def test_milestone_without_its_permit_number_names_the_field(world):
    store, d = world
    app = _app(store)
    app.go("umkm", umkm_id=d["u1"].id)
    one(app.root, "bdk-ms-kind").value = "p-irt"
    click(app.root, "bdk-ms-add")
    assert "Nomor (izin, sertifikat): wajib diisi." in all_html(app.root)
    assert "number: is required" not in all_html(app.root)
    assert Service(store, system_identity()).milestones(d["u1"].id) == []


def test_a_missing_pdf_font_is_said_plainly_without_the_servers_paths(world, monkeypatch, caplog):
    from berdikari import visit_report

    def no_font(*_args, **_kwargs):
        raise FileNotFoundError("font DejaVuSans.ttf not found in /usr/share/fonts/truetype/dejavu")

    monkeypatch.setattr(visit_report, "visit_report_pdf", no_font)
    store, d = world
    app = _app(store)
    app.go("umkm", umkm_id=d["u1"].id)
    click(app.root, "bdk-report-pdf-make")
    shown = one(app.root, "bdk-report-pdf").value
    assert "Server ini belum bisa membuat PDF" in shown and "/usr/share" not in shown
    assert "DejaVuSans.ttf" in caplog.text  # the administrator finds the reason in the log
