"""The one catalogue of messages (berdikari.messages): every key as a sentence in Indonesian and in
English with the field's label, raised with a key and never a sentence; anything unknown is a
plain sentence that is logged, never a class name."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

import berdikari
from berdikari import messages
from berdikari.apps.staff import error_text as staff_error_text
from berdikari.i18n import catalogue, t
from berdikari.messages import FALLBACK, FIELD_LABELS, MESSAGES, error_text, field_label
from berdikari.store import validate
from berdikari.store.errors import (
    AccessDenied,
    AuthError,
    Conflict,
    InvalidInput,
    NotFound,
    StoreError,
)

SRC = Path(berdikari.__file__).parent
FALLBACK_ID = "Ada yang tidak beres. Tidak ada yang hilang; coba lagi."
ERRORS = {"StoreError", "InvalidInput", "AccessDenied", "NotFound", "Conflict", "AuthError"}
FIELD_CHECKS = {"text", "one_of", "a_date", "an_id"}

# a few keys, each as (error, Indonesian, English): the words people read
SAMPLES = {
    "date-in-future": (
        InvalidInput("date-in-future", field="visited_on", date="2999-01-01"),
        "Tanggal kunjungan tidak boleh di masa depan (2999-01-01). "
        "Pilih hari ini atau hari sebelumnya.",
        "Visit date may not be in the future (2999-01-01). Choose today or an earlier day.",
    ),
    "too-long": (
        InvalidInput("too-long", field="note", item="UJI-01.01", max=2000, length=2001),
        "Catatan untuk UJI-01.01 terlalu panjang: 2001 karakter, paling banyak 2000. Persingkat.",
        "Note for UJI-01.01 is too long: 2001 characters, at most 2000. Make it shorter.",
    ),
    "action-title-required": (
        InvalidInput("action-title-required", field="title", row=2),
        "Tindakan 2: tulis apa yang harus dikerjakan.",
        "Action 2: write what has to be done.",
    ),
    "not-found": (
        NotFound(thing="assessment", id=9),
        "Data penilaian mandiri ini tidak ditemukan. Kembali, lalu buka lagi.",
        "This self-assessment was not found. Go back and open it again.",
    ),
    "bad-credentials": (
        AuthError("bad-credentials", who="owner"),
        "Kode UMKM atau PIN tidak cocok.",
        "The UMKM code or the PIN is not right.",
    ),
    "locked": (
        AuthError("locked", who="staff"),
        "Terlalu banyak percobaan yang salah. Tunggu beberapa menit, lalu coba lagi.",
        "Too many wrong tries. Wait a few minutes and try again.",
    ),
}


def _values(msgid: str) -> dict:
    """A value for every placeholder of ``msgid`` (to fill each sentence once)."""
    import string

    return {name: "X" for _, name, _, _ in string.Formatter().parse(msgid) if name}


def _source_calls():
    """(where, call) for every call in the package."""
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                yield f"{path.relative_to(SRC)}:{node.lineno}", node


def _name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _constants(node) -> list:
    """The literal strings an argument can be (both arms of ``a if c else b``)."""
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    if isinstance(node, ast.Constant):
        return [node.value]
    return [node]


def raise_sites() -> list[tuple[str, str, object]]:
    """(where, what is made, the key it passes) for every error made in the package."""
    found = []
    for where, call in _source_calls():
        name = _name(call)
        arg = 1 if name == "bad" else 0  # backup's bad(line, key, ...)
        if name in ERRORS | {"bad", "_Bad"} and len(call.args) > arg:
            found.extend((where, name, key) for key in _constants(call.args[arg]))
        if name == "_missing":  # access.py's NotFound for a record: its key= keyword
            found.extend((where, name, k.value.value) for k in call.keywords if k.arg == "key")
    return found


def _known(name: str, key: str) -> bool:
    if name == "AuthError":  # its words depend on who signs in: <key>-owner, <key>-staff
        return key in MESSAGES or {f"{key}-owner", f"{key}-staff"} <= MESSAGES.keys()
    return key in MESSAGES


def test_every_key_has_an_indonesian_sentence_and_fills_with_its_own_placeholders():
    ids = catalogue("id")
    missing = [k for k, msgid in MESSAGES.items() if msgid not in ids]
    assert missing == []
    for key, msgid in MESSAGES.items():
        values = _values(msgid)
        assert _values(ids[msgid]).keys() == values.keys(), key  # same placeholders in both
        assert "{" not in t(msgid, "id", **values) and "{" not in t(msgid, "en", **values)


def test_every_raise_site_passes_a_key_of_the_catalogue_never_a_sentence():
    sites = raise_sites()
    assert len(sites) > 60
    bad = [f"{w}: {a!r}" for w, n, a in sites if isinstance(a, str) and not _known(n, a)]
    assert bad == [], "not keys of berdikari.messages.MESSAGES:\n" + "\n".join(bad)
    formatted = [w for w, _n, a in sites if isinstance(a, ast.JoinedStr)]
    assert formatted == []  # an f-string is a sentence
    old_style = [
        w
        for w, call in _source_calls()
        if _name(call) in ERRORS and any(k.arg in ("key", "params") for k in call.keywords)
    ]
    assert old_style == []


def test_every_key_of_the_catalogue_is_reachable_from_a_raise_site():
    used = {a for _w, _n, a in raise_sites() if isinstance(a, str)}
    class_keys = {c.key for c in (StoreError, InvalidInput, AccessDenied, NotFound, Conflict)}
    # variants the renderer picks: AuthError's "<key>-<who>", NotFound without a thing
    derived = {"bad-credentials-owner", "bad-credentials-staff", "not-found-any"}
    auth_keys = {"locked", "throttled"}  # the web limiter's refusals, raised through a variable
    reachable = used | class_keys | derived | auth_keys
    assert sorted(set(MESSAGES) - reachable) == []


def test_the_guard_refuses_a_sentence_an_unknown_key_and_the_old_call_style():
    with pytest.raises(ValueError, match="not a key"):
        InvalidInput("visited_on: 2999-01-01 is in the future")
    with pytest.raises(TypeError):
        InvalidInput("visited_on", "is in the future")  # type: ignore[misc]
    with pytest.raises(TypeError, match="pass the key first"):
        InvalidInput(field="note", key="required")


def test_every_field_the_package_names_has_words():
    fields = set()
    for _where, call in _source_calls():
        if _name(call) in FIELD_CHECKS and call.args and isinstance(call.args[0], ast.Constant):
            fields.add(call.args[0].value)
        if _name(call) in ERRORS | {"bad"}:
            fields |= {
                k.value.value
                for k in call.keywords
                if k.arg == "field" and isinstance(k.value, ast.Constant)
            }
    fields.discard("active")  # sqlalchemy's text("active"), not a field
    assert len(fields) > 30
    assert sorted(f for f in fields if f not in FIELD_LABELS) == []
    for label in FIELD_LABELS.values():
        assert label in catalogue("id"), label


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_a_sentence_in_each_language(key):
    exc, id_text, en_text = SAMPLES[key]
    assert error_text(exc, "id") == id_text
    assert error_text(exc, "en") == en_text == str(exc) == exc.message


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_each_key_renders_without_raw_names_in_both_languages(key):
    params = _values(MESSAGES[key])
    params.pop("field", None)
    if key.startswith("bad-credentials-"):
        exc = AuthError("bad-credentials", who=key.rsplit("-", 1)[1])
    elif key == "not-found-any":
        exc = NotFound()
    else:
        exc = StoreError(key, field="visited_on", **params)
    id_text, en_text = error_text(exc, "id"), error_text(exc, "en")
    for shown in (id_text, en_text):
        assert key not in shown and "visited_on" not in shown and "{" not in shown
        assert "Error" not in shown
    assert id_text != en_text  # each key has its own Indonesian sentence


def test_the_staff_apps_use_the_same_function():
    assert staff_error_text is error_text


def test_a_real_validation_error_names_the_field_in_the_users_words():
    with pytest.raises(InvalidInput) as e:
        validate.text("title", "x" * 301, validate.TITLE_MAX)
    assert error_text(e.value, "id") == (
        "Apa yang harus dikerjakan terlalu panjang: 301 karakter, paling banyak 300. Persingkat."
    )
    assert error_text(e.value, "en") == (
        "What has to be done is too long: 301 characters, at most 300. Make it shorter."
    )


def test_field_labels():
    assert field_label("due_date", "id") == "Tenggat"
    assert field_label("due_date", "en") == "Due date"
    assert field_label("visited_on", "id") == "Tanggal kunjungan"
    assert field_label("note", "id", item="UJI-01.01") == "Catatan untuk UJI-01.01"
    assert field_label("title", "id", row=3) == "Tindakan 3"
    assert field_label(None, "id", item="UJI-01.01") == "UJI-01.01"  # an item ID stays as it is
    for label in FIELD_LABELS.values():
        assert t(label, "id") != label or label in ("PIN", "Email", "Status", "UMKM")


def test_an_unexpected_error_is_a_plain_sentence_and_is_logged(caplog):
    class DatabaseGone(RuntimeError):
        pass

    with caplog.at_level(logging.ERROR, logger="berdikari.messages"):
        shown_id = error_text(DatabaseGone("connection refused at 10.0.0.5"), "id")
        shown_en = error_text(KeyError("secret_column"), "en")
    assert shown_id == FALLBACK_ID
    assert shown_en == FALLBACK
    for shown in (shown_id, shown_en):
        assert "DatabaseGone" not in shown and "Error" not in shown and "10.0.0.5" not in shown
    assert [r.exc_info[0] for r in caplog.records] == [DatabaseGone, KeyError]


def test_a_key_without_the_values_its_sentence_needs_falls_back_and_is_logged(caplog):
    exc = InvalidInput("too-long", field="note")  # no max/length
    with caplog.at_level(logging.ERROR, logger="berdikari.messages"):
        assert error_text(exc, "id") == FALLBACK_ID
    assert "too-long" in caplog.text


def test_the_catalogue_module_imports_neither_the_store_nor_the_apps():
    tree = ast.parse(Path(messages.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert not any(m.startswith(("berdikari.store", "berdikari.apps")) for m in imported)


def test_each_sentence_of_the_catalogue_is_written_only_there():
    """No page, app or command line keeps its own copy of an error or sign-in sentence (there
    were three sets of sign-in words): every msgid of MESSAGES appears only in messages.py."""
    sentences = set(MESSAGES.values())
    copies = []
    for path in SRC.rglob("*.py"):
        if path.name == "messages.py" and path.parent == SRC:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in sentences:
                copies.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value!r}")
    assert copies == []
