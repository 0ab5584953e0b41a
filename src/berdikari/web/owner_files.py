"""The answers file an owner without an account downloads and uploads (to move to another phone).

:func:`answers_file` is what the page offers for download (the page builds the same JSON itself
from the phone's storage); :func:`read_answers_file` checks an uploaded one strictly: a size
limit, UTF-8, JSON no deeper than the format needs, no lone surrogates, a checklist this server
knows, answers that fit it (*Tidak berlaku* only where the item allows it), short notes. Every
refusal is a :class:`AnswersFileError` whose message is a plain sentence in the owner's language
that never names an item ID (question numbers instead).

This module never stores anything and never touches the database.
"""

from __future__ import annotations

import json

from berdikari import scoring
from berdikari.checklists import Checklist, load_all
from berdikari.i18n import t
from berdikari.owner_report import numbers

MAX_FILE_BYTES = 64 * 1024
"""A full file is about 3 KB; anything far larger is not ours."""
MAX_DEPTH = 3
"""``{"answers": {"ID": "yes"}}`` is two levels; one more is allowed for the future."""
NOTE_MAX = 500


class AnswersFileError(ValueError):
    """An uploaded answers file that cannot be used; ``str()`` says why, for the owner."""


def answers_file(checklist: Checklist, answers: dict[str, str], notes: dict[str, str]) -> dict:
    return {
        "checklist": checklist.id,
        "version": checklist.version,
        "answers": dict(answers),
        "notes": {k: v for k, v in notes.items() if v},
    }


def _depth(value, level: int = 0) -> int:
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()], default=level + 1)
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value], default=level + 1)
    return level


def storable(text: str) -> bool:
    """False for text that cannot be stored or shown: lone surrogates, NUL."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def read_answers_file(raw: bytes, lang: str = "id") -> tuple[Checklist, dict, dict]:
    """``(checklist, answers, notes)`` from an uploaded file, or :class:`AnswersFileError`."""
    not_ours = t("This file is not an answers file from Berdikari.", lang)
    if len(raw) > MAX_FILE_BYTES:
        raise AnswersFileError(
            t("This file is too big to be an answers file ({kb} KB).", lang, kb=len(raw) // 1024)
        )
    if not raw.strip():
        raise AnswersFileError(t("This file is empty.", lang))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnswersFileError(not_ours) from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise AnswersFileError(not_ours) from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise AnswersFileError(not_ours)
    if _depth(data) > MAX_DEPTH:
        raise AnswersFileError(not_ours)
    strings = [k for k in data] + [
        x
        for part in (data.get("answers"), data.get("notes"))
        if isinstance(part, dict)
        for kv in part.items()
        for x in kv
        if isinstance(x, str)
    ]
    if isinstance(data.get("checklist"), str):
        strings.append(data["checklist"])
    if not all(storable(s) for s in strings):
        raise AnswersFileError(
            t("This file holds characters that cannot be read. Download it again.", lang)
        )
    checklist = (
        load_all().get(data.get("checklist")) if isinstance(data.get("checklist"), str) else None
    )
    if checklist is None:
        raise AnswersFileError(t("This file is for a checklist this app does not know.", lang))
    if str(data.get("version", checklist.version)) != checklist.version:
        raise AnswersFileError(
            t(
                "This file is for an older version of the checklist ({old}; now {new}). Start again.",
                lang,
                old=str(data.get("version"))[:12],
                new=checklist.version,
            )
        )
    answers = data["answers"]
    items = {i.id: i for i in checklist.items}
    nums = numbers(checklist)
    bad = sorted(
        nums[k] if k in nums else 0
        for k, v in answers.items()
        if k not in items
        or not isinstance(v, str)
        or v not in scoring.ANSWERS
        or (v == "na" and not items[k].na_allowed)
    )
    if bad:
        known = [str(n) for n in bad if n]
        raise AnswersFileError(
            t("Some answers in the file do not fit the checklist.", lang)
            + (
                " " + t("Questions: {numbers}.", lang, numbers=", ".join(known[:8]))
                if known
                else ""
            )
        )
    notes_raw = data.get("notes") if isinstance(data.get("notes"), dict) else {}
    notes = {
        k: v[:NOTE_MAX] for k, v in notes_raw.items() if k in answers and isinstance(v, str) and v
    }
    return checklist, dict(answers), notes
