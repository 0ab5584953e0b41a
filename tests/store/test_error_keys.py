"""Store errors keep their English message (the CLI and logs show it) and carry a stable key with
the parameters the apps need to say it in the user's language (berdikari.apps.messages)."""

from __future__ import annotations

import pytest

from berdikari.store import validate
from berdikari.store.auth import check_password, check_pin
from berdikari.store.errors import AccessDenied, Conflict, InvalidInput, NotFound, StoreError
from berdikari.store.evidence import check_evidence


def _raised(fn, *args, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as e:
        fn(*args, **kwargs)
    return e.value


@pytest.mark.parametrize(
    ("call", "message", "key", "params"),
    [
        (lambda: validate.text("note", None, 10), "note: is required", "required", {}),
        (
            lambda: validate.text("note", 7, 10),
            "note: must be text, got int",
            "not-text",
            {"type": "int"},
        ),
        (
            lambda: validate.text("title", "   ", 10),
            "title: is required and may not be blank",
            "blank",
            {},
        ),
        (
            lambda: validate.text("name", "a\x00b", 10),
            "name: contains a NUL character, which cannot be stored",
            "nul",
            {},
        ),
        (
            lambda: validate.text("note", "x" * 612, 500),
            "note: is 612 characters long; at most 500 are allowed",
            "too-long",
            {"max": 500, "length": 612},
        ),
        (
            lambda: validate.one_of("kind", "kapal", ("site", "phone")),
            "kind: 'kapal' is not one of site, phone",
            "not-one-of",
            {"value": "kapal", "choices": ["site", "phone"]},
        ),
        (
            lambda: validate.a_date("due_date", "2026-13-01"),
            "due_date: '2026-13-01' is not a date (YYYY-MM-DD)",
            "not-a-date",
            {"value": "2026-13-01"},
        ),
        (
            lambda: validate.a_date("visited_on", None),
            "visited_on: is required (a date, YYYY-MM-DD)",
            "date-required",
            {},
        ),
        (
            lambda: validate.an_id("action_id", 0),
            "action_id: 0 is not a record id (a positive whole number)",
            "not-an-id",
            {"value": 0},
        ),
        (
            lambda: check_pin("12a456"),
            "pin: a PIN is exactly 6 digits (0-9), nothing else",
            "pin-format",
            {"digits": 6},
        ),
        (
            lambda: check_password("short"),
            "password: a password has 10 to 200 characters",
            "password-length",
            {"min": 10, "max": 200},
        ),
        (
            lambda: check_evidence("foto.jpg", b""),
            "file: foto.jpg is empty",
            "file-empty",
            {"name": "foto.jpg"},
        ),
        (
            lambda: check_evidence("foto.jpg", b"MZ not a photo"),
            "file: foto.jpg is not a JPEG or PNG photo or a PDF document",
            "file-type",
            {"name": "foto.jpg"},
        ),
    ],
)
def test_invalid_input_keeps_its_english_message_and_carries_key_and_params(
    call, message, key, params
):
    e = _raised(call)
    assert e.message == message and str(e) == message
    assert (e.key, e.params) == (key, params)


def test_an_error_raised_without_a_key_has_its_class_key_and_no_params():
    e = InvalidInput("backup", "line 1: not a Berdikari backup header")
    assert (e.key, e.params, e.message) == (
        "invalid-input",
        {},
        "backup: line 1: not a Berdikari backup header",
    )
    assert (AccessDenied("x").key, NotFound("x").key, Conflict("x").key) == (
        "access-denied",
        "not-found",
        "conflict",
    )
    assert StoreError("x", key="special").key == "special" and StoreError("y").key == "store-error"


def test_service_errors_carry_keys(world):
    with pytest.raises(InvalidInput) as e:
        world.fa.record_visit(world.u1.id, "2999-01-01", "Kunjungan")
    assert e.value.message == "visited_on: 2999-01-01 is in the future"
    assert (e.value.key, e.value.params) == ("date-in-future", {"date": "2999-01-01"})
    with pytest.raises(AccessDenied) as e:
        world.fa.umkm(world.u2.id)
    assert (e.value.key, e.value.message) == ("not-assigned", "this UMKM is not assigned to you")
    with pytest.raises(AccessDenied) as e:
        world.owner1.umkm(world.u2.id)
    assert e.value.key == "not-your-umkm"
    with pytest.raises(NotFound) as e:
        world.manager.assessment(999_999)
    assert (e.value.key, e.value.params) == ("not-found", {"thing": "assessment", "id": 999_999})
    with pytest.raises(AccessDenied) as e:
        world.fa.set_action_status(999_999, "done")
    assert (e.value.key, e.value.params) == ("not-yours", {"thing": "action", "id": 999_999})
    draft = world.owner1.start_or_resume_assessment(world.u1.id, "uji-irtp")
    with pytest.raises(InvalidInput) as e:
        world.owner1.submit_assessment(draft.id)
    assert e.value.key == "unanswered" and e.value.params["n"] == 24
    assert e.value.message.startswith("answers: 24 question(s) not answered yet: UJI-01.01")
    with pytest.raises(InvalidInput) as e:
        world.owner1.save_answer(draft.id, "UJI-01.01", "ya")
    assert e.value.key == "not-one-of" and e.value.params["value"] == "ya"
    with pytest.raises(InvalidInput) as e:
        world.owner1.save_answer(draft.id, "UJI-77.01", "yes")
    assert (e.value.key, e.value.field) == ("not-an-item", "UJI-77.01")
