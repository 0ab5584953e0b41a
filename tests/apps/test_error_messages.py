"""error_text: every error key as an Indonesian sentence with the field's label; English keeps the
store's message; anything unknown is a plain sentence that is logged, never a class name."""

from __future__ import annotations

import logging

import pytest

from berdikari.apps import messages
from berdikari.apps.messages import FALLBACK, MESSAGES, error_text, field_label
from berdikari.apps.staff import error_text as staff_error_text
from berdikari.i18n import t
from berdikari.reports import ExportTooLarge
from berdikari.store import validate
from berdikari.store.errors import (
    AccessDenied,
    AuthError,
    Conflict,
    InvalidInput,
    NotFound,
    StoreError,
)

FALLBACK_ID = "Ada yang tidak beres. Tidak ada yang hilang; coba lagi."

# key → (an error with that key, the Indonesian sentence the app shows)
CASES = {
    "required": (
        InvalidInput("due_date", "is required", key="required"),
        "Tenggat: wajib diisi.",
    ),
    "blank": (
        InvalidInput("summary", "is required and may not be blank", key="blank"),
        "Temuan: wajib diisi.",
    ),
    "not-text": (
        InvalidInput("name", "must be text, got int", key="not-text", params={"type": "int"}),
        "Nama: isi dengan teks.",
    ),
    "nul": (
        InvalidInput("note", "contains a NUL character, which cannot be stored", key="nul"),
        "Catatan berisi karakter yang tidak bisa disimpan. Ketik ulang.",
    ),
    "too-long": (
        InvalidInput(
            "note",
            "is 612 characters long; at most 500 are allowed",
            key="too-long",
            params={"max": 500, "length": 612},
        ),
        "Catatan terlalu panjang: 612 karakter, paling banyak 500. Persingkat.",
    ),
    "not-one-of": (
        InvalidInput(
            "kind",
            "'kapal' is not one of site, phone",
            key="not-one-of",
            params={"value": "kapal", "choices": ["site", "phone"]},
        ),
        "Jenis: pilih salah satu pilihan yang ada.",
    ),
    "not-a-date": (
        InvalidInput(
            "visited_on", "'13/13' is not a date (YYYY-MM-DD)", key="not-a-date", params={}
        ),
        "Tanggal kunjungan: ini bukan tanggal. Pilih tanggal.",
    ),
    "date-required": (
        InvalidInput("achieved_on", "is required (a date, YYYY-MM-DD)", key="date-required"),
        "Tanggal: pilih tanggal.",
    ),
    "date-in-future": (
        InvalidInput(
            "visited_on",
            "2999-01-01 is in the future",
            key="date-in-future",
            params={"date": "2999-01-01"},
        ),
        "Tanggal kunjungan: 2999-01-01 belum terjadi. Pilih hari ini atau hari sebelumnya.",
    ),
    "not-an-id": (
        InvalidInput("action_id", "0 is not a record id", key="not-an-id", params={"value": 0}),
        "Tindakan: data ini tidak ditemukan. Kembali, lalu buka lagi.",
    ),
    "pin-format": (
        InvalidInput("pin", "a PIN is exactly 6 digits", key="pin-format", params={"digits": 6}),
        "PIN terdiri dari 6 angka (0-9), tanpa yang lain.",
    ),
    "password-length": (
        InvalidInput(
            "password",
            "a password has 10 to 200 characters",
            key="password-length",
            params={"min": 10, "max": 200},
        ),
        "Kata sandi: pakai 10 sampai 200 karakter.",
    ),
    "locked": (
        AuthError("locked", "too many wrong attempts: sign-in is locked until 10:15 UTC"),
        "Terlalu banyak percobaan yang salah. Tunggu beberapa menit, lalu coba lagi.",
    ),
    "throttled": (  # the web sign-in's rate limit: the same words as a lock, on purpose
        AuthError("throttled", "too many tries; wait about 2 minute(s) and try again"),
        "Terlalu banyak percobaan yang salah. Tunggu beberapa menit, lalu coba lagi.",
    ),
    "bad-credentials": (
        AuthError("bad-credentials", "username or secret is wrong"),
        "Data untuk masuk tidak benar. Periksa, lalu coba lagi.",
    ),
    "bad-format": (
        AuthError("bad-format", "a PIN is exactly 6 digits (0-9)"),
        "PIN terdiri dari 6 angka. Masukkan PIN dari pendamping Anda.",
    ),
    "file-empty": (
        InvalidInput("file", "a.png is empty", key="file-empty", params={"name": "a.png"}),
        "a.png kosong.",
    ),
    "file-too-big": (
        InvalidInput(
            "file",
            "a.png is 12.0 MB; at most 10 MB per file",
            key="file-too-big",
            params={"name": "a.png", "size": "12.0", "mb": 10},
        ),
        "a.png berukuran 12.0 MB; paling besar 10 MB per berkas.",
    ),
    "file-type": (
        InvalidInput("file", "a.exe is not a JPEG …", key="file-type", params={"name": "a.exe"}),
        "a.exe bukan foto JPEG atau PNG, dan bukan dokumen PDF.",
    ),
    "unanswered": (
        InvalidInput(
            "answers",
            "2 question(s) not answered yet: A-01, A-02",
            key="unanswered",
            params={"n": 2, "items": "A-01, A-02"},
        ),
        "2 pertanyaan belum dijawab: A-01, A-02. Jawab dulu pertanyaan itu.",
    ),
    "not-a-draft": (
        InvalidInput(
            "status",
            "assessment 4 is submitted; only a draft can be changed",
            key="not-a-draft",
            params={"status": "submitted"},
        ),
        "Penilaian mandiri ini sudah dikirim, jadi tidak bisa diubah lagi.",
    ),
    "not-submitted": (
        InvalidInput(
            "status",
            "assessment 4 is draft; only a submitted one can be verified",
            key="not-submitted",
            params={"status": "draft"},
        ),
        "Penilaian ini tidak sedang menunggu verifikasi.",
    ),
    "checklist-changed": (
        InvalidInput(
            "checklist_version",
            "checklist x changed from 1.0 to 1.1; start a new assessment",
            key="checklist-changed",
            params={"old": "1.0", "new": "1.1"},
        ),
        "Daftar periksa ini punya versi baru (1.1). "
        "Mulai penilaian mandiri yang baru dengan versi itu.",
    ),
    "not-an-item": (
        InvalidInput(
            "UJI-77.01",
            "not an item of checklist uji@1.0",
            key="not-an-item",
            params={"checklist": "uji@1.0"},
        ),
        "UJI-77.01 bukan pertanyaan dalam daftar periksa ini.",
    ),
    "action-title-required": (
        InvalidInput("action 2", "write what has to be done", key="action-title-required"),
        "Tindakan 2: tulis apa yang harus dikerjakan.",
    ),
    "not-a-checklist-item": (
        InvalidInput(
            "action 1",
            "X-1 is not a checklist item ID",
            key="not-a-checklist-item",
            params={"item": "X-1"},
        ),
        "Tindakan 1: X-1 bukan ID butir daftar periksa.",
    ),
    "sign-in-again": (
        AccessDenied("this account is disabled or its role changed", key="sign-in-again"),
        "Sesi masuk Anda tidak berlaku lagi. Silakan masuk lagi.",
    ),
    "not-your-umkm": (
        AccessDenied("owners see only their own UMKM", key="not-your-umkm"),
        "Anda hanya dapat melihat data usaha Anda sendiri.",
    ),
    "not-assigned": (
        AccessDenied("this UMKM is not assigned to you", key="not-assigned"),
        "UMKM ini bukan dampingan Anda.",
    ),
    "not-yours": (
        AccessDenied(
            "action 7 is not yours to change",
            key="not-yours",
            params={"thing": "action", "id": 7},
        ),
        "Anda tidak boleh membuka atau mengubah tindakan ini.",
    ),
    "export-too-large": (
        ExportTooLarge("Jawaban", 3, 2),
        "Jawaban: 3 baris; Excel memuat paling banyak 2. Persempit saringan atau ekspor CSV.",
    ),
    "invalid-input": (
        InvalidInput("facilitator_id", "5 is not an active facilitator account"),
        "Pendamping: isian ini belum bisa disimpan. Periksa, lalu coba lagi.",
    ),
    "access-denied": (
        AccessDenied("add a region: only manager may do this"),
        "Akun Anda tidak boleh melakukan ini.",
    ),
    "not-found": (
        NotFound("UMKM 9 does not exist", params={"thing": "umkm", "id": 9}),
        "Data UMKM ini tidak ditemukan. Kembali, lalu buka lagi.",
    ),
    "not-found-any": (
        NotFound("no staff account 'budi'"),
        "Data ini tidak ditemukan. Kembali, lalu buka lagi.",
    ),
    "conflict": (
        Conflict("another assignment for this UMKM was saved at the same moment"),
        "Ada perubahan lain yang disimpan pada saat yang sama. Tidak ada yang tersimpan; coba lagi.",
    ),
    "store-error": (StoreError("the store failed"), FALLBACK_ID),
}


def test_every_key_has_a_case_here():
    assert set(CASES) == set(MESSAGES)


@pytest.mark.parametrize("key", sorted(CASES))
def test_indonesian_sentence_for_each_key(key):
    exc, expected = CASES[key]
    assert error_text(exc, "id") == expected
    assert exc.message not in expected  # the English store message is not what owners read


@pytest.mark.parametrize("key", sorted(CASES))
def test_english_keeps_the_english_message(key):
    exc, _expected = CASES[key]
    assert error_text(exc, "en") == exc.message


def test_the_staff_apps_use_the_same_function():
    assert staff_error_text is error_text


def test_a_real_validation_error_names_the_field_in_the_users_words():
    with pytest.raises(InvalidInput) as e:
        validate.text("title", "x" * 301, validate.TITLE_MAX)
    assert error_text(e.value, "id") == (
        "Apa yang harus dikerjakan terlalu panjang: 301 karakter, paling banyak 300. Persingkat."
    )
    assert error_text(e.value, "en") == "title: is 301 characters long; at most 300 are allowed"


def test_field_labels():
    assert field_label("due_date", "id") == "Tenggat"
    assert field_label("due_date", "en") == "Due date"
    assert field_label("visited_on", "id") == "Tanggal kunjungan"
    assert field_label("pin", "id") == "PIN"
    assert field_label("phone", "id") == "Telepon"
    assert field_label("UJI-01.01 note", "id") == "Catatan untuk UJI-01.01"
    assert field_label("action 3", "id") == "Tindakan 3"
    assert field_label("UJI-01.01", "id") == "UJI-01.01"  # an item ID the form shows as it is
    for label in messages.FIELD_LABELS.values():
        assert t(label, "id") != label or label in ("PIN", "Email", "Status")


def test_an_unexpected_error_is_a_plain_sentence_and_is_logged(caplog):
    class DatabaseGone(RuntimeError):
        pass

    with caplog.at_level(logging.ERROR, logger="berdikari.apps.messages"):
        shown_id = error_text(DatabaseGone("connection refused at 10.0.0.5"), "id")
        shown_en = error_text(KeyError("secret_column"), "en")
    assert shown_id == FALLBACK_ID
    assert shown_en == FALLBACK
    for shown in (shown_id, shown_en):
        assert "DatabaseGone" not in shown and "Error" not in shown and "10.0.0.5" not in shown
    assert [r.exc_info[0] for r in caplog.records] == [DatabaseGone, KeyError]


def test_a_store_error_with_an_unknown_key_uses_its_class_sentence_and_is_logged(caplog):
    exc = InvalidInput("title", "something new went wrong", key="brand-new-key")
    with caplog.at_level(logging.WARNING, logger="berdikari.apps.messages"):
        shown = error_text(exc, "id")
    assert (
        shown
        == "Apa yang harus dikerjakan: isian ini belum bisa disimpan. Periksa, lalu coba lagi."
    )
    assert "brand-new-key" in caplog.text
    assert error_text(AuthError("weird", "odd sign-in state"), "id") == FALLBACK_ID


def test_a_key_without_the_parameters_its_sentence_needs_falls_back(caplog):
    exc = InvalidInput("note", "is too long", key="too-long")  # no max/length
    with caplog.at_level(logging.ERROR, logger="berdikari.apps.messages"):
        assert error_text(exc, "id") == FALLBACK_ID
    assert "too-long" in caplog.text
