"""The one catalogue of messages: every error and sign-in sentence, and the words for each field.

Code that refuses something raises a :class:`~berdikari.store.errors.StoreError` with a KEY of
:data:`MESSAGES`, the field at fault (``field``, and the checklist ``item`` or the form ``row``
it belongs to) and the values its sentence needs, never a finished sentence. :func:`error_text`
turns that into one plain sentence in ``id`` or ``en`` through :func:`berdikari.i18n.t` (the
English msgid is here, the Indonesian sentence in ``i18n/id/berdikari.po``); the field is named
with the words the forms show (:data:`FIELD_LABELS`). The apps, the web pages, the command line
and the logs all read the sentence from here. Anything that is not a store error (a lost
database, a bug) becomes :data:`FALLBACK` and is logged with its traceback.

This module holds words only: no I/O, no database, no import of the store or the apps; it never
raises and never shows a class name, a traceback, a secret or a raw field name it has words for.
"""

from __future__ import annotations

import logging

from berdikari.i18n import t

log = logging.getLogger(__name__)


def _(msgid: str) -> str:
    """Marks a msgid for tests/test_i18n.py (every one needs an Indonesian translation)."""
    return msgid


FALLBACK = _("Something went wrong. Nothing was lost; try again.")

MESSAGES: dict[str, str] = {
    # one value of a form (berdikari.store.validate)
    "required": _("{field}: please fill this in."),
    "blank": _("{field}: please fill this in."),
    "not-text": _("{field}: write it as text."),
    "nul": _("{field} holds a character that cannot be saved. Type it again."),
    "too-long": _("{field} is too long: {length} characters, at most {max}. Make it shorter."),
    "not-one-of": _("{field}: {value} is not one of the options. Choose one of them."),
    "not-a-date": _("{field}: this is not a date. Choose a date."),
    "date-required": _("{field}: choose a date."),
    "date-in-future": _(
        "{field} may not be in the future ({date}). Choose today or an earlier day."
    ),
    "not-an-id": _("{field}: this record was not found. Go back and open it again."),
    # accounts and sign-in (berdikari.store.auth, berdikari.web.sessions, the sign-in pages)
    "pin-format": _("A PIN has {digits} digits (0-9), nothing else."),
    "password-length": _("{field}: use {min} to {max} characters."),
    "locked": _("Too many wrong tries. Wait a few minutes and try again."),
    "throttled": _("Too many sign-in tries from this device. Wait a few minutes and try again."),
    "bad-credentials-owner": _("The UMKM code or the PIN is not right."),
    "bad-credentials-staff": _("The username or the password is not right."),
    "bad-format": _("A PIN has {digits} digits. Enter the PIN your facilitator gave you."),
    "session-ended": _("Your session has ended. Sign in again."),
    # evidence files (berdikari.store.evidence)
    "file-empty": _("{name} is empty."),
    "file-too-big": _("{name} is {size} MB; at most {mb} MB per file."),
    "file-type": _("{name} is not a JPEG or PNG photo or a PDF document."),
    "visit-of-other-umkm": _("{field}: this visit belongs to another UMKM."),
    # self-assessments (berdikari.store.assessments)
    "unknown-checklist": _("There is no checklist {checklist}. The checklists are: {known}."),
    "unknown-item": _("{item} is not a question of any checklist."),
    "not-an-item": _("{item} is not a question of this checklist."),
    "unanswered": _("{n} question(s) not answered yet: {items}. Answer them first."),
    "not-a-draft": _("This self-assessment was already sent, so it cannot be changed."),
    "not-submitted": _("This assessment is not waiting for verification."),
    "checklist-changed": _(
        "The checklist has a new version ({new}). Start a new self-assessment with it."
    ),
    "checklist-changed-verify": _(
        "The checklist has a new version ({new}). Ask the owner to fill in the new version."
    ),
    "verify-instead": _("The owner fills in this self-assessment. You can verify it instead."),
    "not-your-draft": _("Someone else fills in this self-assessment, so you cannot change it."),
    # casework (berdikari.store.casework, berdikari.apps.facilitator_forms)
    "action-title-required": _("{field}: write what has to be done."),
    "not-a-checklist-item": _("{field}: {item} is not a checklist item ID."),
    "product-of-other-umkm": _("{field}: this product belongs to another UMKM."),
    # programme administration (berdikari.store.admin, the command line)
    "categories-required": _("{field}: choose at least one."),
    "region-code-format": _("{field}: a region code is 2 to 5 capital letters, e.g. BJM."),
    "region-code-taken": _("{field}: the region code {code} is already used."),
    "unknown-regency": _("{field}: {regency} is not a known regency or city. Known: {known}."),
    "organisation-kind-clash": _("{field}: {name} is already registered as another kind."),
    "username-format": _(
        "{field}: 3 to 40 characters: lower-case letters, digits, '.', '_' or '-', "
        "starting with a letter."
    ),
    "username-taken": _("{field}: {username} is already taken."),
    "unknown-umkm-field": _("{field} is not a field of a UMKM. The fields are: {fields}."),
    "not-a-facilitator": _("{field}: this account is not an active facilitator."),
    "no-umkm-code": _("There is no UMKM with the code {id}."),
    "no-staff-account": _("There is no staff account {username}."),
    "demo-needs-empty": _(
        "The database already holds UMKM; the demo fills only an empty database "
        "(use --reset to wipe it first)."
    ),
    # backups (berdikari.store.backup; the command line shows them)
    "backup-unwritable": _("{path} cannot be written ({reason}); nothing was written."),
    "backup-not-found": _("{path}: file not found."),
    "backup-unreadable": _("{path} cannot be read ({reason})."),
    "backup-not-utf8": _("{where}: not UTF-8 text; expected a file written by berdikari backup."),
    "backup-no-header": _("{where}: not a Berdikari backup header; expected {expected}."),
    "backup-version": _("{where}: backup format version {version} unknown; expected {expected}."),
    "backup-schema": _(
        "{where}: the backup is at schema {found}, this database at {schema}; migrate one of "
        "them first (berdikari db upgrade/downgrade)."
    ),
    "backup-no-counts": _("{where}: the header has no row counts; expected {expected}."),
    "backup-counts-tables": _(
        "{where}: the header's row counts do not name the tables of this schema "
        "(missing: {missing}; unknown: {unknown}); expected one count for each table."
    ),
    "backup-not-json": _("{where}: not a table row of this schema (not JSON: {reason})."),
    "backup-too-deep": _("{where}: not a table row of this schema (nested too deeply)."),
    "backup-not-a-row": _("{where}: not a table row of this schema; expected {expected}."),
    "backup-no-table": _("{where}: not a table row of this schema: no table {table}."),
    "backup-extra-column": _("{where}: table {table} has no column {columns}."),
    "backup-lacks-column": _("{where}: table {table} row lacks column {columns}."),
    "backup-value-null": _("{where}: {column} is empty (null); expected a value."),
    "backup-value-kind": _("{where}: {column} is {value}; expected {expected}."),
    "backup-value-too-long": _(
        "{where}: {column} is {length} characters long; expected at most {max}."
    ),
    "backup-truncated": _(
        "{where}: the file is truncated or was edited: table {table} has {found} row(s), "
        "its header says {expected}."
    ),
    "backup-not-empty": _("Table {table} is not empty: restore needs an empty database."),
    "backup-rows-misfit": _(
        "{where}: the rows of table {table} do not fit the database ({reason}); expected the "
        "rows of one backup, unedited."
    ),
    # who may do what (berdikari.store.access)
    "sign-in-again": _("Your sign-in is no longer valid. Sign in again."),
    "not-your-umkm": _("You can only see your own business."),
    "not-assigned": _("This UMKM is not assigned to you."),
    "not-yours": _("You may not open or change this {thing}."),
    # the Etalase (berdikari.store.showcase)
    "not-a-phone": _("{field}: this is not a phone number. Write it like 0812 3456 7890."),
    "photo-empty": _("{field}: the photo is empty. Choose the photo again."),
    "photo-too-big": _("{field}: the photo is {size} MB; at most {mb} MB. Choose a smaller photo."),
    "photo-type": _("{field}: this is not a JPEG or PNG photo. Choose a photo."),
    "photo-too-large": _(
        "{field}: the photo is {width} x {height} pixels, too large. Choose a smaller photo."
    ),
    "photo-required": _("{field}: add a photo first, or do not show a photo."),
    "term-exists": _("{field}: {label} is already in the list."),
    "unknown-showcase-choice": _("{field} is not a choice of the showcase page."),
    "owner-not-present": _(
        "The owner must agree in person. Tick that the owner is with you, or ask the owner "
        "to choose in the owner app."
    ),
    "not-on-showcase": _("This product is not on the showcase."),
    "no-consent": _("The owner has not agreed to show this product, so it cannot be approved."),
    "handover-not-a-permit": _(
        "Recipient {n}: this is not a permit number a facilitator recorded for this UMKM."
    ),
    "handover-not-an-award": _("Recipient {n}: choose an award from the list."),
    "handover-too-many": _("{field}: at most {max} recipients per event."),
    # one sentence per error class, for errors raised with their class's own key
    "invalid-input": _("{field}: this cannot be saved as it is. Check it and try again."),
    "access-denied": _("Your account may not do this."),
    "not-found": _("This {thing} was not found. Go back and open it again."),
    "not-found-any": _("This record was not found. Go back and open it again."),
    "conflict": _("Someone else saved a change at the same moment. Nothing was saved; try again."),
    "store-error": FALLBACK,
}
"""Message key → English msgid; the Indonesian sentence is in ``i18n/id/berdikari.po``."""

FIELD_LABELS: dict[str, str] = {
    "due_date": _("Due date"),
    "visited_on": _("Visit date"),
    "achieved_on": _("Date"),
    "summary": _("Findings"),
    "met_with": _("Who you met"),
    "title": _("What has to be done"),
    "note": _("Note"),
    "answer": _("Answer"),
    "name": _("Name"),
    "owner_name": _("Owner's name"),
    "phone": _("Phone"),
    "owner_phone": _("Phone"),
    "address": _("Address"),
    "size": _("Size"),
    "nib": _("Business number (NIB)"),
    "email": _("Email"),
    "pin": _("PIN"),
    "password": _("Password"),
    "username": _("Username"),
    "role": _("Role"),
    "kind": _("Kind"),
    "number": _("Number (permit, certificate)"),
    "responsible": _("Who does it"),
    "status": _("Status"),
    "state": _("Status"),
    "answers": _("Answers"),
    "file": _("File"),
    "filename": _("File"),
    "category": _("Product type"),
    "categories": _("Product type"),
    "product_name": _("Product name"),
    "product_id": _("Product"),
    "province": _("Province"),
    "regency": _("Regency or city"),
    "code": _("Code"),
    "organisation": _("Organisation"),
    "organisation_kind": _("Kind of organisation"),
    "organisation_id": _("Organisation"),
    "umkm_id": _("UMKM"),
    "account_id": _("Account"),
    "facilitator_id": _("Facilitator"),
    "checklist_id": _("Checklist"),
    "checklist_version": _("Checklist"),
    "item_id": _("Checklist item"),
    "assessment_id": _("Self-assessment"),
    "action_id": _("Action"),
    "visit_id": _("Visit"),
    "evidence_id": _("File"),
    "backup": _("Backup"),
    "database": _("Database"),
    # the Etalase (berdikari.store.showcase)
    "description": _("Description"),
    "speciality": _("Local speciality"),
    "photo": _("Photo"),
    "photo_id": _("Photo"),
    "show_permits": _("Permits to show"),
    "order_whatsapp": _("WhatsApp number for orders"),
    "order_phone": _("Phone number for orders"),
    "owner_present": _("The owner is present"),
    "listing_id": _("Showcase page"),
    "term_id": _("Speciality or award"),
    "label_id": _("Name in Indonesian"),
    "label_en": _("Name in English"),
    "held_on": _("Date of the event"),
    "place": _("Place"),
    "entries": _("Recipients"),
    "event_id": _("Hand-over event"),
    "entry_id": _("Recipient"),
    "milestone_id": _("Permit number"),
    "award_key": _("Award"),
    "reason": _("Reason"),
}
"""Field name in the store → the label the forms show (msgid)."""

THINGS: dict[str, str] = {
    "assessment": _("self-assessment"),
    "action": _("action"),
    "evidence": _("file"),
    "account": _("account"),
    "organisation": _("organisation"),
    "umkm": "UMKM",  # the same word in both languages
    # the Etalase (berdikari.store.showcase)
    "showcase-page": _("showcase page"),
    "showcase-term": _("entry of the programme list"),
    "photo": _("photo"),
    "handover-event": _("hand-over event"),
    "handover-entry": _("recipient"),
}
"""``thing`` of NotFound and AccessDenied → a word for it (msgid)."""


def field_label(field: str | None, lang: str, *, item: str | None = None, row=None) -> str:
    """The words the user knows for a field: ``due_date`` → "Tenggat"; with ``item`` (a
    checklist item ID, shown as it is) "Catatan untuk UJI-01.01"; with ``row`` (the n-th action
    of a form) "Tindakan 2". A field this catalogue has no words for stays as it is (a test
    holds that every field the package names has words)."""
    if row is not None:
        return t("Action {n}", lang, n=row)
    label = t(FIELD_LABELS[field], lang) if field in FIELD_LABELS else (field or "")
    if item is not None:
        return t("{field} for {item}", lang, field=label, item=item) if field else item
    return label


def _thing(thing: object, lang: str) -> str:
    return t(THINGS[thing], lang) if thing in THINGS else str(thing)


def sentence(key: str, lang: str, *, field: str | None = None, **values: object) -> str:
    """The catalogue's sentence for ``key`` when a page says it without an error (a view that
    finds nothing to verify, a page that failed); ``field`` named as :func:`field_label` does."""
    return t(MESSAGES[key], lang, field=field_label(field, lang), **values)


def error_text(exc: BaseException, lang: str) -> str:
    """What to show for ``exc`` in ``lang`` (``id`` or ``en``): one plain sentence, never a class
    name or traceback. A store error speaks through its key; any other exception gives
    :data:`FALLBACK` and is logged with its traceback."""
    key = getattr(exc, "message_key", None)
    if not isinstance(key, str) or key not in MESSAGES:
        log.error("Unexpected error, shown as %r", FALLBACK, exc_info=exc)
        return t(FALLBACK, lang)
    params = dict(getattr(exc, "params", None) or {})
    if key == "not-found" and "thing" not in params:
        key = "not-found-any"
    if "thing" in params:
        params["thing"] = _thing(params["thing"], lang)
    item, row = getattr(exc, "item", None), getattr(exc, "row", None)
    params["field"] = field_label(getattr(exc, "field", None), lang, item=item, row=row)
    params.update({k: v for k, v in (("item", item), ("row", row)) if v is not None})
    try:
        return t(MESSAGES[key], lang, **params)
    except (KeyError, IndexError, ValueError):
        log.error("Message %r lacks a value its sentence needs: %r", key, exc)
        return t(FALLBACK, lang)
