"""Errors as sentences in the app's language: the one place that turns an exception into text.

The store raises errors with an English ``message`` (for the CLI and logs), a stable ``key`` and
``params`` (:mod:`berdikari.store.errors`). :func:`error_text` looks the key up in
:data:`MESSAGES` and fills the sentence through :func:`~berdikari.i18n.t`, naming the field with
the words the form shows (:data:`FIELD_LABELS`). The English UI keeps the store's English message.
Anything else (a lost database, a bug) becomes a plain "something went wrong" and is logged with
its traceback; a Python class name or traceback is never shown. Callers escape the text they show.
"""

from __future__ import annotations

import logging
import re

from berdikari.i18n import t

log = logging.getLogger(__name__)


def _(msgid: str) -> str:
    """Marks a msgid for tests/test_i18n.py (every one needs an Indonesian translation)."""
    return msgid


FALLBACK = _("Something went wrong. Nothing was lost; try again.")

MESSAGES: dict[str, str] = {
    # berdikari.store.validate
    "required": _("{field}: please fill this in."),
    "blank": _("{field}: please fill this in."),
    "not-text": _("{field}: write it as text."),
    "nul": _("{field} holds a character that cannot be saved. Type it again."),
    "too-long": _("{field} is too long: {length} characters, at most {max}. Make it shorter."),
    "not-one-of": _("{field}: choose one of the options."),
    "not-a-date": _("{field}: this is not a date. Choose a date."),
    "date-required": _("{field}: choose a date."),
    "date-in-future": _("{field}: {date} is in the future. Choose today or an earlier day."),
    "not-an-id": _("{field}: this record was not found. Go back and open it again."),
    # accounts and sign-in (berdikari.store.auth)
    "pin-format": _("A PIN has {digits} digits (0-9), nothing else."),
    "password-length": _("{field}: use {min} to {max} characters."),
    "locked": _("Too many wrong tries. Wait a few minutes and try again."),
    # the web sign-in's rate limit (berdikari.web.limits): the same words, on purpose
    "throttled": _("Too many wrong tries. Wait a few minutes and try again."),
    "bad-credentials": _("The sign-in details are not right. Check them and try again."),
    "bad-format": _("A PIN has 6 digits. Enter the PIN your facilitator gave you."),
    # evidence files
    "file-empty": _("{name} is empty."),
    "file-too-big": _("{name} is {size} MB; at most {mb} MB per file."),
    "file-type": _("{name} is not a JPEG or PNG photo or a PDF document."),
    # self-assessments
    "unanswered": _("{n} question(s) not answered yet: {items}. Answer them first."),
    "not-a-draft": _("This self-assessment was already sent, so it cannot be changed."),
    "not-submitted": _("This assessment is not waiting for verification."),
    "checklist-changed": _(
        "The checklist has a new version ({new}). Start a new self-assessment with it."
    ),
    "not-an-item": _("{field} is not a question of this checklist."),
    # the facilitator's action rows (berdikari.apps.facilitator_forms)
    "action-title-required": _("{field}: write what has to be done."),
    "not-a-checklist-item": _("{field}: {item} is not a checklist item ID."),
    # who may do what
    "sign-in-again": _("Your sign-in is no longer valid. Sign in again."),
    "not-your-umkm": _("You can only see your own business."),
    "not-assigned": _("This UMKM is not assigned to you."),
    "not-yours": _("You may not open or change this {thing}."),
    # the programme export (berdikari.reports.ExportTooLarge)
    "export-too-large": _(
        "{sheet}: {rows} rows; Excel holds at most {max}. Narrow the filters or export CSV."
    ),
    # one sentence per error class, for errors raised without a key of their own
    "invalid-input": _("{field}: this cannot be saved as it is. Check it and try again."),
    "access-denied": _("Your account may not do this."),
    "not-found": _("This {thing} was not found. Go back and open it again."),
    "not-found-any": _("This record was not found. Go back and open it again."),
    "conflict": _("Someone else saved a change at the same moment. Nothing was saved; try again."),
    "store-error": FALLBACK,
}
"""Error key → English msgid; the Indonesian sentence is in ``i18n/id/berdikari.po``."""

FIELD_LABELS: dict[str, str] = {
    "due_date": _("Due date"),
    "visited_on": _("Visit date"),
    "achieved_on": _("Date"),
    "summary": _("Findings"),
    "met_with": _("Who you met"),
    "title": _("What has to be done"),
    "note": _("Note"),
    "name": _("Name"),
    "owner_name": _("Owner's name"),
    "phone": _("Phone"),
    "owner_phone": _("Phone"),
    "address": _("Address"),
    "size": _("Size"),
    "email": _("Email"),
    "pin": _("PIN"),
    "password": _("Password"),
    "username": _("Username"),
    "kind": _("Kind"),
    "number": _("Number (permit, certificate)"),
    "responsible": _("Who does it"),
    "status": _("Status"),
    "answers": _("Answers"),
    "file": _("File"),
    "filename": _("File"),
    "category": _("Product type"),
    "categories": _("Product type"),
    "product name": _("Product name"),
    "product_id": _("Product"),
    "facilitator_id": _("Facilitator"),
    "checklist_id": _("Checklist"),
    "checklist_version": _("Checklist"),
    "assessment_id": _("Self-assessment"),
    "action_id": _("Action"),
    "visit_id": _("Visit"),
    "evidence_id": _("File"),
}
"""Field name in the store → the label the forms show (msgid)."""

THINGS: dict[str, str] = {
    "assessment": _("self-assessment"),
    "action": _("action"),
    "evidence": _("file"),
    "account": _("account"),
}
"""``params["thing"]`` of NotFound and AccessDenied → a word for it (msgid); UMKM stays UMKM."""

_ACTION_ROW = re.compile(r"action (\d+)")


def field_label(field: str, lang: str) -> str:
    """The words the user knows for a store field (``due_date`` → "Tenggat"); a checklist item
    ID stays as it is, ``<item> note`` becomes "Catatan untuk <item>"."""
    if field in FIELD_LABELS:
        return t(FIELD_LABELS[field], lang)
    if m := _ACTION_ROW.fullmatch(field):
        return t("Action {n}", lang, n=m.group(1))
    if field.endswith(" note") and " " not in field[:-5]:
        return t("Note on {item}", lang, item=field[:-5])
    return field


def _thing(thing: object, lang: str) -> str:
    if thing in THINGS:
        return t(THINGS[thing], lang)
    return "UMKM" if thing == "umkm" else str(thing)


def error_text(exc: BaseException, lang: str) -> str:
    """What to show for ``exc`` in ``lang``: one plain sentence, never a class name or traceback.

    A store error (or another error with a ``key`` of :data:`MESSAGES`, ``params`` and an English
    ``message``) speaks the app's language through its key; English keeps the English message.
    Any other exception gives :data:`FALLBACK` and is logged.
    """
    from berdikari.store.errors import StoreError

    key = getattr(exc, "key", None)
    if not isinstance(exc, StoreError) and key not in MESSAGES:
        log.error("Unexpected error, shown as %r", FALLBACK, exc_info=exc)
        return t(FALLBACK, lang)
    message = getattr(exc, "message", None) or str(exc)
    if lang == "en":
        return message
    if key not in MESSAGES:
        key = type(exc).key
        log.warning("No sentence for error key %r; shown as %r: %s", exc.key, key, message)
    params = dict(getattr(exc, "params", None) or {})
    if key == "not-found" and "thing" not in params:
        key = "not-found-any"
    if "thing" in params:
        params["thing"] = _thing(params["thing"], lang)
    field = getattr(exc, "field", None)
    params["field"] = field_label(field, lang) if field else ""
    try:
        return t(MESSAGES[key], lang, **params)
    except (KeyError, IndexError, ValueError):
        log.error("Error key %r lacks a parameter its sentence needs: %s", key, message)
        return t(FALLBACK, lang)
