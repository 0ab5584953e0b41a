"""The facilitator app's forms: verify a self-assessment, record a visit, key in a paper checklist,
and the card that makes a new PIN for the owner.

Each form is a function of the :class:`~berdikari.apps.facilitator.FacilitatorApp` that returns
its widgets. Input is checked before anything is written (item IDs, dates, files), and on an error
the form stays filled with a message that says what to fix. Writes go through the service layer
only; every typed text is escaped when shown.
"""

from __future__ import annotations

from datetime import date, timedelta, timezone
from html import escape

import ipywidgets as w

from berdikari import vocab
from berdikari.apps import mentoring
from berdikari.apps import widgets as ui
from berdikari.apps.staff import error_text
from berdikari.checklists import load_all
from berdikari.i18n import t
from berdikari.messages import sentence
from berdikari.scoring import ANSWERS, refused_na
from berdikari.store.errors import InvalidInput
from berdikari.store.evidence import EVIDENCE_MAX_BYTES, check_evidence

ACTION_ROWS = 3
FIELD = {"layout": ui.FULL, "style": {"description_width": "initial"}}
"""Every field carries its label as its description (a real <label>, its accessible name)."""
FORM_CSS = (
    "<style>.bdk-app .widget-datepicker,.bdk-app .widget-textarea,.bdk-app .widget-combobox,"
    ".bdk-app .widget-select{flex-direction:column;align-items:stretch;height:auto!important;"
    "margin:.2rem 0 .5rem!important}.bdk-app .widget-datepicker>.widget-label,"
    ".bdk-app .widget-textarea>.widget-label,.bdk-app .widget-select>.widget-label"
    "{width:auto!important;max-width:100%;text-align:left!important;font-weight:600;"
    "margin:0 0 .2rem}.bdk-app .widget-datepicker>input,.bdk-app .widget-select>select"
    "{width:100%;box-sizing:border-box}</style>"
)
"""Labels above date pickers, text areas and lists too (the staff CSS does this for dropdowns
and text fields): on a 360 px phone no label squeezes its field and no field covers the next."""
WIB = timezone(timedelta(hours=7), "WIB")  # Palangka Raya; lockout times are shown in WIB


def _error(message: str) -> str:
    return f'<p class="bdk-error">{escape(message)}</p>'


def _not_saved(exc: BaseException, lang: str) -> str:
    """A save that failed: why, and that nothing of it was written (each save is one
    transaction in the service) while the form keeps what was typed."""
    return _error(
        error_text(exc, lang)
        + " "
        + t("Nothing was saved. What you typed is still in the form.", lang)
    )


# --- verify --------------------------------------------------------------------------------------
def verify_form(app) -> list:
    """Every item with the owner's answer preselected: keep it (agree) or pick another and say why.

    Saving creates the facilitator's verified copy; the owner's original keeps its answers.
    """
    lang, svc = app.lang, app.svc()
    a = svc.assessment(app.state.assessment_id)
    c = load_all().get(a.checklist_id)
    back = ui.button(t("Back", lang), lambda: app.go("umkm"), "bdk-back")
    if a.status != "submitted" or c is None:
        return [ui.html(_error(sentence("not-submitted", lang))), back]
    rows: dict[str, tuple[w.ToggleButtons, w.Text]] = {}
    owner_na = [i for i in c.items if (g := a.answers.get(i.id)) is not None and g.value == "na"]
    out: list = [
        back,
        ui.html(
            f"<h2>{escape(t('Verify', lang))}: {escape(c.title.get(lang))}</h2>"
            f"<p>{escape(t('Keep the owner answer if you agree. If not, choose the right answer and write why.', lang))}</p>"
        ),
    ]
    if owner_na:
        numbers = ", ".join(str(c.items.index(i) + 1) for i in owner_na)
        out.append(
            ui.html(
                '<p class="bdk-na-summary">⚑ '
                + escape(
                    t(
                        "The owner answered “Does not apply” to {n} question(s): {numbers}. "
                        "Check each one; it is marked ⚑ below.",
                        lang,
                        n=len(owner_na),
                        numbers=numbers,
                    )
                )
                + "</p>"
            )
        )
    for n, item in enumerate(c.items, 1):
        given = a.answers.get(item.id)
        owner_value = given.value if given else None
        owner_note = f" — <em>{escape(given.note)}</em>" if given and given.note else ""
        na_flag = ""
        if owner_value == "na" and item.not_applicable is not None:
            na_flag = (
                '<div class="bdk-na-flag">⚑ '
                + escape(t("The owner says this does not apply. It may not apply only when:", lang))
                + f" <em>{escape(item.not_applicable.when.get(lang))}</em> "
                + escape(t("Check that this is true.", lang))
                + "</div>"
            )
        elif owner_value == "na":
            na_flag = (
                '<div class="bdk-na-flag bdk-na-refused">⚑ '
                + escape(
                    t(
                        "The owner says this does not apply, but it applies to every producer. "
                        "Choose the right answer and write why.",
                        lang,
                    )
                )
                + "</div>"
            )
        head = ui.html(
            f"<div><strong>{n}. {escape(item.question.get(lang))}</strong></div>"
            f"<div>{escape(t('Owner', lang))}: {escape(ui.answer_label(owner_value, lang))}"
            f"{owner_note}</div>{na_flag}"
        )
        values = [v for v in ANSWERS if v != "na" or item.na_allowed]
        choice = w.ToggleButtons(
            options=[(ui.answer_label(v, lang), v) for v in values],
            value=owner_value if owner_value in values else None,
            style={"button_width": "auto"},
            layout=ui.FULL,
        )
        choice.add_class("bdk-answers")
        note = w.Text(placeholder=t("Why (if you correct it)", lang), layout=ui.FULL)
        note.add_class("bdk-note")
        box = w.VBox([head, choice, note], layout=ui.FULL)
        box.add_class("bdk-card")
        box.add_class(ui.item_class(item.id))
        if na_flag:
            box.add_class("bdk-na-owner")
        rows[item.id] = (choice, note)
        out.append(box)
    overall = w.Textarea(placeholder=t("Note on the verification (optional)", lang), layout=ui.FULL)
    overall.add_class("bdk-verify-note")
    status = ui.html("")

    def _save():
        corrections = {}
        for item_id, (choice, note) in rows.items():
            given = a.answers.get(item_id)
            owner_value = given.value if given else None
            if choice.value is None:
                status.value = _error(t("{item}: choose an answer.", lang, item=item_id))
                return
            if choice.value != owner_value:
                if not note.value.strip():
                    status.value = _error(
                        t("{item}: write why you corrected the answer.", lang, item=item_id)
                    )
                    return
                corrections[item_id] = (choice.value, note.value)
        final = {k: x.value for k, x in a.answers.items()} | {
            k: v for k, (v, _) in corrections.items()
        }
        refused = refused_na(c, final)
        if refused:
            numbers = ", ".join(str(n) for n, i in enumerate(c.items, 1) if i.id in refused)
            status.value = _error(
                t(
                    "Questions {numbers}: “Does not apply” does not fit together like this "
                    "(one kind of producer applies as a whole, and one of two alternatives "
                    "always applies). Choose another answer.",
                    lang,
                    numbers=numbers,
                )
            )
            return
        try:
            app.svc().verify_assessment(a.id, corrections, overall.value or None)
        except Exception as exc:  # noqa: BLE001  one transaction: nothing written, form stays
            status.value = _not_saved(exc, lang)
            return
        app.state.message = t(
            "Verified with {n} correction(s). The owner's answers are kept as they were.",
            lang,
            n=len(corrections),
        )
        app.go("umkm")

    save = ui.button(t("Save verification", lang), _save, "bdk-primary", "bdk-verify-save")
    return [*out, overall, save, status]


# --- record a visit --------------------------------------------------------------------------------
def file_problem(name: str, content: bytes, lang: str) -> str | None:
    """Why an evidence file cannot be kept (too big, not JPEG/PNG/PDF by its bytes), or None:
    the store's own check (the service checks it again when it stores the file)."""
    try:
        check_evidence(name, content)
    except InvalidInput as exc:
        return error_text(exc, lang)
    return None


def check_actions(rows: list[tuple[str, str, date | None]]) -> list[dict]:
    """The filled action rows as keyword arguments for ``add_action``; raises
    :class:`InvalidInput` (item ID unknown, a title missing) before anything is written, with a
    key that :func:`~berdikari.messages.error_text` shows in the app's language."""
    known = {i.id for c in load_all().values() for i in c.items}
    out = []
    for n, (item_id, title, due) in enumerate(rows, 1):
        item_id, title = (item_id or "").strip(), (title or "").strip()
        if not item_id and not title:
            continue
        if not title:
            raise InvalidInput("action-title-required", field="title", row=n)
        if item_id and item_id not in known:
            raise InvalidInput("not-a-checklist-item", field="item_id", item=item_id, row=n)
        out.append({"title": title, "item_id": item_id or None, "due_date": due})
    return out


def visit_form(app) -> list:
    """Date, kind, who was met, findings, evidence files, and action items with due dates."""
    lang = app.lang
    u = app.svc().umkm(app.state.umkm_id)
    back = ui.button(t("Back", lang), lambda: app.go("umkm"), "bdk-back")
    on = w.DatePicker(value=date.today(), description=t("Date", lang), **FIELD)
    on.add_class("bdk-visit-date")
    kind = w.Dropdown(
        options=[(k.label(lang), k.value) for k in vocab.VisitKind],
        value=vocab.VisitKind.SITE.value,
        description=t("Kind of visit", lang),
        **FIELD,
    )
    kind.add_class("bdk-visit-kind")
    met = w.Text(
        description=t("Who you met", lang),
        placeholder=t("Names or roles", lang),
        **FIELD,
    )
    met.add_class("bdk-visit-met")
    findings = w.Textarea(
        description=t("Findings", lang),
        layout=w.Layout(width="100%", height="auto"),
        rows=6,
        style={"description_width": "initial"},
    )
    findings.add_class("bdk-visit-findings")
    upload = w.FileUpload(
        accept=",".join((".jpg", ".jpeg", ".png", ".pdf", *vocab.EvidenceType.values())),
        multiple=True,
        description=t("Photos or documents", lang),
        layout=w.Layout(width="auto", max_width="100%"),
    )
    upload.add_class("bdk-visit-files")
    files_status = ui.html(
        f'<p class="bdk-help">{escape(t("JPEG, PNG or PDF, at most {mb} MB each. Skip this on a weak connection.", lang, mb=EVIDENCE_MAX_BYTES // 1048576))}</p>'
    )

    def _files_changed(_change):
        msgs = []
        for f in upload.value:
            problem = file_problem(f["name"], bytes(f["content"]), lang)
            if problem is None:
                msgs.append(f"✓ {escape(f['name'])}")
            else:
                msgs.append(f'<span class="bdk-error">{escape(problem)}</span>')
        files_status.value = "<br>".join(msgs)

    upload.observe(_files_changed, names="value")
    findings_list = mentoring.open_findings(app.svc().assessments(u.id), load_all(), lang)
    by_label = dict(findings_list)
    action_rows = []
    action_boxes = []
    for n in range(ACTION_ROWS):
        item = w.Combobox(
            options=[label for label, _id in findings_list],
            description=t("Open finding (optional)", lang),
            placeholder=t("Type to search the open findings", lang),
            ensure_option=False,
            **FIELD,
        )
        item.add_class(f"bdk-action-item-{n}")
        title = w.Text(description=t("What has to be done", lang), **FIELD)
        title.add_class(f"bdk-action-title-{n}")
        due = w.DatePicker(value=None, description=t("Due date", lang), **FIELD)
        due.add_class(f"bdk-action-due-{n}")
        action_rows.append((item, title, due))
        box = w.VBox(
            [ui.html(f"<h4>{escape(t('Action', lang))} {n + 1}</h4>"), item, title, due],
            layout=ui.FULL,
        )
        box.add_class("bdk-card")
        action_boxes.append(box)
    if not findings_list:
        action_boxes.insert(
            0,
            ui.html(
                f'<p class="bdk-help">{escape(t("No open findings: the latest results meet every item. An action can still be written without one.", lang))}</p>'
            ),
        )
    status = ui.html("")
    saved_once: list[bool] = []

    def _save():
        try:
            actions = check_actions(
                [(by_label.get(i.value, i.value), ti.value, d.value) for i, ti, d in action_rows]
            )
        except InvalidInput as exc:
            status.value = _error(error_text(exc, lang))
            return
        files = [(f["name"], bytes(f["content"])) for f in upload.value]
        for name, content in files:
            problem = file_problem(name, content, lang)
            if problem:
                status.value = _error(problem)
                return
        if saved_once:
            return  # a second click on the same form: the visit is already saved
        try:
            app.svc().record_visit(
                u.id,
                on.value,
                findings.value,
                kind.value,
                met_with=met.value or None,
                files=files,
                actions=actions,
            )
        except Exception as exc:  # noqa: BLE001  one transaction: nothing written, form stays
            status.value = _not_saved(exc, lang)
            return
        saved_once.append(True)
        app.state.message = t(
            "Visit saved with {a} action(s) and {f} file(s).",
            lang,
            a=len(actions),
            f=len(files),
        )
        app.go("umkm")

    save = ui.button(t("Save visit", lang), _save, "bdk-primary", "bdk-visit-save")
    return [
        ui.html(FORM_CSS),
        back,
        ui.html(f"<h2>{escape(t('Record a visit', lang))}: {escape(u.name)}</h2>"),
        on,
        kind,
        met,
        findings,
        upload,
        files_status,
        ui.html(f"<h3>{escape(t('Action items', lang))}</h3>"),
        *action_boxes,
        save,
        status,
    ]


# --- paper checklist ---------------------------------------------------------------------------------
def paper_form(app) -> list:
    """Type the paper form's answers, one letter per item in item order, keyboard only."""
    lang = app.lang
    u = app.svc().umkm(app.state.umkm_id)
    choices = [c for c in load_all().values() if set(c.applies_to.categories) & set(u.categories)]
    back = ui.button(t("Back", lang), lambda: app.go("umkm"), "bdk-back")
    if not choices:
        return [back, ui.html(_error(t("No checklist applies to this UMKM's products.", lang)))]
    pick = w.Dropdown(options=[(c.title.get(lang), c.id) for c in choices], layout=ui.FULL)
    pick.add_class("bdk-paper-checklist")
    legend = ui.html(
        f"<p>{escape(t('One letter per item, in the order of the form:', lang))} "
        "<strong>y</strong> = "
        + escape(t("Yes", lang))
        + ", <strong>t</strong> = "
        + escape(t("No", lang))
        + ", <strong>s</strong> = "
        + escape(t("Partly", lang))
        + ", <strong>b</strong> = "
        + escape(t("Don't know", lang))
        + ", <strong>-</strong> = "
        + escape(t("Does not apply", lang))
        + ". "
        + escape(t("Spaces and line breaks are ignored.", lang))
        + "</p>"
    )
    typed = w.Textarea(layout=w.Layout(width="100%", height="6em"), continuous_update=True)
    typed.add_class("bdk-paper-input")
    preview = ui.html("", "bdk-paper-preview")
    verified = w.Checkbox(
        value=True,
        description=t("I checked these on site: count them as verified", lang),
        indent=False,
        layout=ui.FULL,
    )
    verified.add_class("bdk-paper-verified")
    status = ui.html("")
    saved_once: list[bool] = []

    def _checklist():
        return load_all()[pick.value]

    def _preview(_change=None):
        c = _checklist()
        entry = mentoring.parse_paper(c, typed.value, lang)
        done = t("{n} of {total} entered", lang, n=len(entry.answers), total=len(c.items))
        nxt = (
            t("next: {item}", lang, item=entry.next_item)
            if entry.next_item
            else t("all entered", lang)
        )
        err = _error(entry.error) if entry.error else ""
        preview.value = f"<p><strong>{escape(done)}</strong> · {escape(nxt)}</p>{err}"

    typed.observe(_preview, names="value")
    pick.observe(_preview, names="value")
    _preview()

    def _save():
        c = _checklist()
        entry = mentoring.parse_paper(c, typed.value, lang)
        if entry.error or entry.next_item:
            status.value = _error(
                entry.error
                or t("{n} of {total} entered", lang, n=len(entry.answers), total=len(c.items))
            )
            return
        if saved_once:
            return  # a second click on the same form: already saved
        try:
            app.svc().key_in_paper(
                u.id,
                c.id,
                entry.answers,
                verified=verified.value,
                note=t("Keyed in from the paper form.", lang),
            )
        except Exception as exc:  # noqa: BLE001  one transaction: nothing written, letters stay
            status.value = _not_saved(exc, lang)
            return
        saved_once.append(True)
        app.state.message = t("Paper checklist saved ({n} answers).", lang, n=len(entry.answers))
        app.go("umkm")

    save = ui.button(t("Save paper checklist", lang), _save, "bdk-primary", "bdk-paper-save")
    ids = ", ".join(i.id for i in _checklist().items[:3])
    return [
        back,
        ui.html(f"<h2>{escape(t('Key in a paper checklist', lang))}: {escape(u.name)}</h2>"),
        pick,
        legend,
        ui.html(f'<p class="bdk-help">{escape(t("Items start with", lang))} {escape(ids)} …</p>'),
        typed,
        preview,
        verified,
        save,
        status,
    ]


# --- the owner's PIN ---------------------------------------------------------------------------------
def pin_status(u, lang: str) -> str:
    """Whether the owner can sign in now: locked after wrong PINs (until when), or open."""
    if u.pin_locked_until is not None:
        until = u.pin_locked_until.astimezone(WIB).strftime("%H:%M")
        text = t(
            "Sign-in is locked: too many wrong PINs. It opens again at {time} WIB, or at once with a new PIN.",
            lang,
            time=until,
        )
        return f'<p class="bdk-pin-status bdk-pin-locked"><strong>{escape(text)}</strong></p>'
    if not u.has_pin:
        text = t("The owner has no PIN yet.", lang)
    else:
        text = t("The owner can sign in.", lang)
        if u.pin_failed_attempts:
            text += " " + t(
                "{n} wrong PIN(s) since the last sign-in.", lang, n=u.pin_failed_attempts
            )
    return f'<p class="bdk-pin-status bdk-pin-open">{escape(text)}</p>'


def pin_card(app, u) -> w.VBox:
    """The owner's PIN: locked or not, and a new PIN after a confirmation, shown once.

    The PIN lives only in this card's widgets: leaving the page (or "Done") drops it. The service
    checks that the signed-in facilitator is assigned to this UMKM.
    """
    lang = app.lang
    head = ui.html(f"<h3>{escape(t('Owner PIN', lang))}</h3>")
    status = ui.html(pin_status(u, lang))
    area = w.VBox(layout=ui.FULL)

    def _ask():
        warning = ui.html(
            f"<p><strong>{escape(t('The old PIN stops working at once, and phones that stay signed in are signed out. Make a new PIN?', lang))}</strong></p>",
            "bdk-new-pin-warning",
        )
        yes = ui.button(t("Yes, make a new PIN", lang), _make, "bdk-primary", "bdk-new-pin-confirm")
        no = ui.button(t("Cancel", lang), _start, "bdk-new-pin-cancel")
        area.children = [warning, yes, no]

    def _make():
        try:
            pin = app.svc().reset_owner_pin(u.id)
        except Exception as exc:  # noqa: BLE001  the service says why (e.g. no longer assigned)
            area.children = [ui.html(_error(error_text(exc, lang))), _new_button()]
            return
        status.value = f'<p class="bdk-pin-status bdk-pin-open">{escape(t("The owner can sign in.", lang))}</p>'
        shown = ui.html(
            f'<p class="bdk-new-pin-value" style="font-size:2.4em;font-weight:bold;'
            f'letter-spacing:0.15em;margin:0.3em 0">{escape(pin)}</p>'
            f"<p>{escape(t('Give this PIN to the owner in person or by phone. It is not shown again.', lang))} "
            f"{escape(t('The old PIN and any phone that stays signed in no longer work.', lang))}</p>",
            "bdk-new-pin-shown",
        )
        done = ui.button(t("Done", lang), lambda: app.go("umkm"), "bdk-new-pin-done")
        area.children = [shown, done]

    def _new_button():
        return ui.button(t("Make a new PIN", lang), _ask, "bdk-new-pin")

    def _start():
        area.children = [_new_button()]

    _start()
    box = w.VBox([head, status, area], layout=ui.FULL)
    box.add_class("bdk-card")
    box.add_class("bdk-pin-card")
    return box
