"""Store errors carry a key of the one catalogue, the field at fault and the values of its sentence
(never a finished sentence); each one the store raises reads as a sentence in Indonesian and in
English, and the command line shows the same English sentence, exit 2, without a traceback."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from berdikari.cli import app
from berdikari.messages import MESSAGES, error_text
from berdikari.store import validate
from berdikari.store.auth import check_password, check_pin
from berdikari.store.errors import AccessDenied, InvalidInput, NotFound, StoreError
from berdikari.store.evidence import check_evidence

RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|\{|\}|Error|Traceback")
"""What people must never read: a store field name (snake_case), a placeholder, a class name."""


def _raised(fn, *args, **kwargs) -> StoreError:
    with pytest.raises(StoreError) as e:
        fn(*args, **kwargs)
    return e.value


def _reads_well(e: StoreError) -> tuple[str, str]:
    """Its Indonesian and English sentences, checked for raw names and for differing."""
    id_text, en_text = error_text(e, "id"), error_text(e, "en")
    for shown in (id_text, en_text):
        assert not RAW.search(shown), shown
        assert e.key not in shown and "Something went wrong" not in shown, shown
    assert id_text != en_text and en_text == str(e) == e.message
    return id_text, en_text


@pytest.mark.parametrize(
    ("call", "where", "key", "params"),
    [
        (lambda: validate.text("note", None, 10), ("note", None), "required", {}),
        (lambda: validate.text("note", 7, 10), ("note", None), "not-text", {"type": "int"}),
        (lambda: validate.text("title", "   ", 10), ("title", None), "blank", {}),
        (lambda: validate.text("name", "a\x00b", 10), ("name", None), "nul", {}),
        (
            lambda: validate.text("note", "x" * 612, 500, item="UJI-01.01"),
            ("note", "UJI-01.01"),
            "too-long",
            {"max": 500, "length": 612},
        ),
        (
            lambda: validate.one_of("kind", "kapal", ("site", "phone")),
            ("kind", None),
            "not-one-of",
            {"value": "kapal"},
        ),
        (
            lambda: validate.a_date("due_date", "2026-13-01"),
            ("due_date", None),
            "not-a-date",
            {"value": "2026-13-01"},
        ),
        (lambda: validate.a_date("visited_on", None), ("visited_on", None), "date-required", {}),
        (lambda: validate.an_id("action_id", 0), ("action_id", None), "not-an-id", {"value": 0}),
        (
            lambda: validate.an_id("action_id", True),
            ("action_id", None),
            "not-an-id",
            {"value": True},
        ),
        (lambda: check_pin("12a456"), ("pin", None), "pin-format", {"digits": 6}),
        (
            lambda: check_password("short"),
            ("password", None),
            "password-length",
            {"min": 10, "max": 200},
        ),
        (
            lambda: check_evidence("foto.jpg", b""),
            ("file", None),
            "file-empty",
            {"name": "foto.jpg"},
        ),
        (
            lambda: check_evidence("foto.jpg", b"MZ not a photo"),
            ("file", None),
            "file-type",
            {"name": "foto.jpg"},
        ),
    ],
)
def test_a_check_raises_a_key_with_its_field_and_values(call, where, key, params):
    e = _raised(call)
    assert (e.key, (e.field, e.item), e.params) == (key, where, params)
    _reads_well(e)


def test_a_bad_visit_date_goes_through_pydantic_onto_the_catalogue():
    e = _raised(
        validate.validated, validate.VisitInput, visited_on="2999-01-01", summary="x", kind="site"
    )
    assert (e.key, e.field, e.params) == ("date-in-future", "visited_on", {"date": "2999-01-01"})
    assert error_text(e, "id").startswith("Tanggal kunjungan tidak boleh di masa depan")
    e = _raised(
        validate.validated, validate.VisitInput, visited_on="2026-01-01", summary="x", kind="x"
    )
    assert (e.key, e.field) == ("not-one-of", "kind")  # the vocabulary is the type


def test_service_errors_carry_keys_and_read_well(world):
    e = _raised(world.fa.record_visit, world.u1.id, "2999-01-01", "Kunjungan")
    assert (e.key, e.field, e.params) == ("date-in-future", "visited_on", {"date": "2999-01-01"})
    assert _reads_well(e) == (
        "Tanggal kunjungan tidak boleh di masa depan (2999-01-01). "
        "Pilih hari ini atau hari sebelumnya.",
        "Visit date may not be in the future (2999-01-01). Choose today or an earlier day.",
    )
    e = _raised(world.fa.umkm, world.u2.id)
    assert isinstance(e, AccessDenied) and e.key == "not-assigned"
    _reads_well(e)
    e = _raised(world.owner1.umkm, world.u2.id)
    assert e.key == "not-your-umkm"
    _reads_well(e)
    e = _raised(world.manager.assessment, 999_999)
    assert isinstance(e, NotFound) and e.params == {"thing": "assessment", "id": 999_999}
    _reads_well(e)
    e = _raised(world.fa.set_action_status, 999_999, "done")
    assert (e.key, e.params["thing"]) == ("not-yours", "action")
    _reads_well(e)
    draft = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    e = _raised(world.owner1.submit_assessment, draft.id)
    assert e.key == "unanswered" and e.params["n"] == 24
    assert e.message.startswith("24 question(s) not answered yet: UJI-01.01")
    e = _raised(world.owner1.save_answer, draft.id, "UJI-01.01", "ya")
    assert (e.key, e.field, e.item, e.params["value"]) == (
        "not-one-of",
        "answer",
        "UJI-01.01",
        "ya",
    )
    _reads_well(e)
    e = _raised(world.owner1.save_answer, draft.id, "UJI-77.01", "yes")
    assert (e.key, e.item) == ("not-an-item", "UJI-77.01")
    _reads_well(e)
    e = _raised(world.owner1.save_answer, draft.id, "UJI-01.01", "yes", "x" * 2001)
    assert (e.key, e.field, e.item) == ("too-long", "note", "UJI-01.01")  # not "UJI-01.01 note"
    assert error_text(e, "id").startswith("Catatan untuk UJI-01.01 terlalu panjang")
    e = _raised(world.fa.record_visit, world.u1.id, "2026-01-01", "K", actions=[{"title": ""}])
    assert (e.key, e.field, e.row) == ("blank", "title", 1)
    assert error_text(e, "id") == "Tindakan 1: wajib diisi."


def test_every_key_the_store_raises_in_these_tests_is_in_the_catalogue():
    """The guard: a raise site that passes a sentence instead of a key fails when it runs."""
    with pytest.raises(ValueError, match="is not a key"):
        InvalidInput("visited_on: 2999-01-01 is in the future")
    assert set(MESSAGES) >= {"date-in-future", "not-assigned", "unanswered", "not-an-item"}


def test_the_cli_shows_the_catalogues_english_sentence_exit_2_no_traceback(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    missing = tmp_path / "none.jsonl"
    r = CliRunner().invoke(app, ["restore", str(missing), "--database-url", url])
    expected = error_text(InvalidInput("backup-not-found", field="backup", path=str(missing)), "en")
    assert r.exit_code == 2, r.output
    assert expected in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(app, ["umkm", "reset-pin", "XXX-0009", "--database-url", url])
    assert r.exit_code == 2 and "There is no UMKM with the code XXX-0009." in r.output
    assert "Traceback" not in r.output and "no-umkm-code" not in r.output
