"""The owner's self-assessment app (notebooks/penilaian-mandiri.ipynb).

Journey: way in (no account, or UMKM code + PIN, or a phone that remembers the owner) → what you make → permit route and checklists →
task list of sections → questions → check your answers → result and next steps.

State lives in one :class:`OwnerState`; :class:`OwnerApp` renders a view from it and changes it
in callbacks. Checklists come only from :func:`berdikari.checklists.load_all` (through
:func:`berdikari.routes.recommend`); scores only from :func:`berdikari.scoring.score`. This module
never touches the database: answers go through a session (:mod:`berdikari.apps.session`).

"Stay signed in on this phone" (ticked by default on the sign-in page): after a sign-in with the
PIN the app puts a 2-minute grant into the page (an element ``.bdk-stay[data-grant]``); the page
template's small static script trades it at ``/masuk/sesi`` for an HttpOnly cookie (see
:mod:`berdikari.owner_sessions`). :func:`app` reads that cookie from the page request; when the
store confirms it, the owner is back where they were without the PIN, and the cookie is renewed.
"Sign out" is a link to ``/keluar``, which forgets the cookie and reopens the app.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape

import ipywidgets as w

from berdikari import routes, scoring
from berdikari.apps import page_request
from berdikari.apps import widgets as ui
from berdikari.apps.messages import error_text
from berdikari.apps.session import (
    AnonymousSession,
    Loaded,
    remembered_session,
    remembered_token,
    sign_in,
)
from berdikari.checklists import Checklist, load_all
from berdikari.i18n import t
from berdikari.owner_sessions import SESSION_SECONDS

FOOD = "pangan-olahan"
ROUTE_CHOICES = ("yes", "no", "unknown")
ROUTE_VALUE = {"yes": True, "no": False, "unknown": None}
SESSION_DAYS = SESSION_SECONDS // 86400


@dataclass
class OwnerState:
    """Everything the app shows, in one place. Widgets are rebuilt from it."""

    lang: str = "id"
    view: str = "welcome"
    category: str | None = None
    product: str = ""
    route_answers: dict[str, str] = field(default_factory=dict)
    checklist_id: str | None = None
    section_id: str | None = None
    return_to_check: bool = False
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    notes: dict[str, dict[str, str]] = field(default_factory=dict)
    message: str = ""
    error: str = ""
    save_ok: bool | None = None
    """Signed in: True when the last answer was saved, False when it was not, None before any."""

    def answers_for(self, checklist_id: str) -> dict[str, str]:
        return self.answers.setdefault(checklist_id, {})

    def notes_for(self, checklist_id: str) -> dict[str, str]:
        return self.notes.setdefault(checklist_id, {})


class AnswersFileError(ValueError):
    """An uploaded answers file that cannot be used; the message says why."""


def read_answers_file(raw: bytes, lang: str) -> tuple[Checklist, dict[str, str], dict[str, str]]:
    """Parse and check a downloaded answers file; raise :class:`AnswersFileError`."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise AnswersFileError(
            t("This file is not an answers file from Berdikari.", lang)
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise AnswersFileError(t("This file is not an answers file from Berdikari.", lang))
    checklist = load_all().get(str(data.get("checklist")))
    if checklist is None:
        raise AnswersFileError(
            t(
                "The file is for a checklist this app does not know: {id}.",
                lang,
                id=str(data.get("checklist"))[:60],
            )
        )
    answers = {str(k): str(v) for k, v in data["answers"].items()}
    try:
        scoring.validate_answers(checklist, answers)
    except scoring.AnswerError as exc:
        raise AnswersFileError(
            t(
                "Some answers in the file do not fit the checklist: {problems}",
                lang,
                # item IDs only: the scoring module's sentences are English
                problems=", ".join(exc.item_ids[:5]) + (" …" if len(exc.item_ids) > 5 else ""),
            )
        ) from None
    notes_raw = data.get("notes") if isinstance(data.get("notes"), dict) else {}
    notes = {str(k): str(v)[:500] for k, v in notes_raw.items() if str(k) in answers}
    return checklist, answers, notes


def resume_section(
    checklist: Checklist, answers: dict[str, str], last_item: str | None
) -> str | None:
    """The section to reopen: the first with an open question, from the last answered one on."""
    if last_item is None:
        return None
    ids = [s.id for s in checklist.sections]
    start = ids.index(checklist.section_of(last_item).id)
    for section in checklist.sections[start:] + checklist.sections[:start]:
        if any(i.id not in answers for i in section.items):
            return section.id
    return None


class OwnerApp:
    """Renders :class:`OwnerState` as widgets and handles the owner's actions."""

    def __init__(self, state: OwnerState | None = None, session=None, guide_base: str = "/"):
        self.state = state or OwnerState()
        self.session = session or AnonymousSession()
        self.guide_base = guide_base
        self.questions: dict[str, w.VBox] = {}
        self.progress: w.HTML | None = None
        self.download: w.HTML | None = None
        self.lang_switch = w.ToggleButtons(
            options=[("Bahasa Indonesia", "id"), ("English", "en")],
            value=self.state.lang,
            style={"button_width": "auto"},
        )
        self.lang_switch.add_class("bdk-lang")
        self.lang_switch.observe(self._on_lang, names="value")
        self.header = ui.html("")
        self.saved = ui.html("", "bdk-saved-indicator")
        self.sign_out = ui.html("", "bdk-signout")
        self.stay = ui.html("", "bdk-stay-box")
        """Holds the grant the page trades for the "stay signed in" cookie (set after a sign-in)."""
        self._stay_quiet = ""
        """The grant without its message: what ``stay`` shows once the owner has moved on."""
        self._stay_message_renders = 0
        self.body = w.VBox(layout=ui.FULL)
        self.root = w.VBox(
            [self.header, self.lang_switch, self.saved, self.sign_out, self.stay, self.body],
            layout=ui.FULL,
        )
        self.root.add_class("bdk-app")
        self.render()

    # --- helpers ---------------------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.state.lang

    @property
    def checklist(self) -> Checklist | None:
        cid = self.state.checklist_id
        return load_all().get(cid) if cid else None

    def recommendation(self) -> routes.Recommendation | None:
        if not self.state.category:
            return None
        answers = {q: ROUTE_VALUE.get(v) for q, v in self.state.route_answers.items()}
        return routes.recommend(self.state.category, answers)

    def go(self, view: str, **changes) -> None:
        for k, v in changes.items():
            setattr(self.state, k, v)
        self.state.view = view
        self.render()

    def _on_lang(self, change) -> None:
        self.state.lang = change["new"]
        self.render()

    # --- rendering --------------------------------------------------------------------------------
    def render(self) -> None:
        s = self.state
        self.header.value = (
            '<div class="bdk-nav">'
            f'<a href="/">{escape(t("Berdikari guides", s.lang))}</a></div>'
            f"<h1>{escape(t('Self-assessment', s.lang))}</h1>"
        )
        self._render_saved()
        if self._stay_message_renders > 0:  # the message shows on the first screen after sign-in
            self._stay_message_renders -= 1
        elif self.stay.value != self._stay_quiet:
            self.stay.value = self._stay_quiet
        view = getattr(self, f"view_{s.view}")
        old = list(self.body.children)
        self.questions = {}
        self.progress = self.download = None
        children = []
        if s.error:
            children.append(ui.html(f'<p class="bdk-error">{escape(s.error)}</p>'))
        if s.message:
            children.append(ui.html(f'<p class="bdk-message">{escape(s.message)}</p>'))
        s.error = s.message = ""
        children.extend(view())
        self.body.children = children
        for widget in old:
            _close_tree(widget)

    def _render_saved(self) -> None:
        if self.session.signed_in:
            who = escape(self.session.display_name or "")
            saved = ""
            if self.state.save_ok:
                saved = (
                    f'<div class="bdk-saved">✓ {escape(t("All answers saved", self.lang))}</div>'
                )
            elif self.state.save_ok is False:
                saved = f'<div class="bdk-error">{escape(t("An answer is not saved yet", self.lang))}</div>'
            self.saved.value = f"<div>{escape(t('Signed in', self.lang))}: {who}</div>{saved}"
            # A link, not a widget: /keluar forgets the cookie, and the fresh page that follows
            # holds neither the identity nor the answers (a shared phone stays private).
            href = escape(page_request.base_url() + "keluar")
            self.sign_out.value = (
                f'<a class="bdk-signout-link" href="{href}">{escape(t("Sign out", self.lang))}</a>'
            )
        else:
            self.saved.value = ""
            self.sign_out.value = ""

    # --- remembered sign-in -----------------------------------------------------------------------
    def resume_remembered(self, token: str | None) -> bool:
        """Sign in from the page's cookie token when the store confirms it; True if it did.

        A token that no longer holds (expired, PIN changed, tampered) opens the sign-in page.
        """
        if not token:
            return False
        session = remembered_session(token)
        if session is None:
            self.go(
                "signin",
                message=t(
                    "This phone no longer keeps you signed in. Sign in with your UMKM code and PIN.",
                    self.lang,
                ),
            )
            return False
        self.session = session
        self.state.category = self.state.category or session.category
        self._remember(announce=False)  # renews the cookie: 30 days from this visit
        self.resume()
        return True

    def _remember(self, announce: bool) -> None:
        """Put a grant into the page for the template's script to trade for the cookie."""
        try:
            grant = self.session.remember_grant()
        except Exception:  # noqa: BLE001  the owner stays signed in on this page anyway
            grant = None
        lang = self.lang
        self._stay_message_renders = 1 if announce else 0
        if grant is None:
            self._stay_quiet = ""
            self.stay.value = (
                f'<p class="bdk-error">{escape(t("This phone cannot keep you signed in right now. Next time, sign in with your PIN.", lang))}</p>'
                if announce
                else ""
            )
            return
        url = escape(page_request.base_url() + "masuk/sesi")
        parts = [f'<div class="bdk-stay" data-grant="{escape(grant)}" data-url="{url}">']
        if announce:
            ok = t(
                "This phone keeps you signed in for {days} days. On a phone that other people use, tap Sign out when you finish.",
                lang,
                days=SESSION_DAYS,
            )
            failed = t(
                "This phone could not keep you signed in. Next time, sign in with your PIN.",
                lang,
            )
            parts.append(f'<p class="bdk-stay-ok bdk-help">✓ {escape(ok)}</p>')
            parts.append(f'<p class="bdk-stay-failed bdk-error">{escape(failed)}</p>')
        parts.append("</div>")
        self.stay.value = "".join(parts)
        self._stay_quiet = parts[0] + "</div>"

    # --- views ------------------------------------------------------------------------------------
    def view_welcome(self) -> list:
        lang = self.lang
        intro = ui.html(
            f"<p>{escape(t('Answer questions about your place of production and your papers.', lang))} "
            f"{escape(t('You will see what an inspector would find and what to fix first.', lang))}</p>"
        )
        anon = ui.button(
            t("Start without an account", lang), lambda: self.go("start"), "bdk-primary"
        )
        anon.add_class("bdk-start-anon")
        anon_note = ui.html(
            f'<p class="bdk-help">{escape(t("Nothing is stored on the server. You can download your answers and continue later.", lang))}</p>'
        )
        signin = ui.button(t("Sign in with UMKM code and PIN", lang), lambda: self.go("signin"))
        signin.add_class("bdk-start-signin")
        signin_note = ui.html(
            f'<p class="bdk-help">{escape(t("Every answer is saved as you give it. You can stop and continue on any phone.", lang))}</p>'
        )
        return [intro, anon, anon_note, signin, signin_note, self._upload_box()]

    def _upload_box(self) -> w.VBox:
        lang = self.lang
        upload = w.FileUpload(
            accept=".json,application/json",
            multiple=False,
            description=t("Continue from a file", lang),
            layout=w.Layout(width="auto", max_width="100%"),
        )
        upload.add_class("bdk-upload")

        def _uploaded(change):
            files = change["new"]
            if not files:
                return
            try:
                checklist, answers, notes = read_answers_file(bytes(files[0]["content"]), lang)
            except AnswersFileError as exc:
                self.state.error = str(exc)
                self.render()
                return
            s = self.state
            s.answers[checklist.id] = answers
            s.notes[checklist.id] = notes
            s.category = s.category or checklist.applies_to.categories[0]
            self.go(
                "tasks",
                checklist_id=checklist.id,
                message=t("Your answers were loaded from the file.", lang),
            )

        upload.observe(_uploaded, names="value")
        help_ = ui.html(
            f'<p class="bdk-help">{escape(t("Have a file with your answers? Upload it to continue.", lang))}</p>'
        )
        box = w.VBox([help_, upload], layout=ui.FULL)
        box.add_class("bdk-card")
        return box

    def view_signin(self) -> list:
        lang = self.lang
        code = w.Text(placeholder=t("UMKM code", lang), layout=ui.FULL)
        code.add_class("bdk-code")
        pin = w.Password(placeholder=t("PIN", lang), layout=ui.FULL)
        pin.add_class("bdk-pin")
        stay = w.Checkbox(
            value=True, description=t("Stay signed in on this phone", lang), indent=False
        )
        stay.add_class("bdk-stay-choice")
        stay_note = ui.html(
            f'<p class="bdk-help">{escape(t("Untick this on a phone that other people use.", lang))}</p>'
        )
        status = ui.html("")

        def _sign_in():
            from berdikari.store.errors import AuthError

            try:
                session = sign_in(code.value, pin.value)
            except AuthError as exc:
                status.value = f'<p class="bdk-error">{escape(self._auth_message(exc))}</p>'
                return
            except Exception:  # noqa: BLE001  a store that cannot be opened
                status.value = f'<p class="bdk-error">{escape(t("Signing in is not available right now. You can start without an account.", lang))}</p>'
                return
            pin.value = ""
            self.session = session
            self.state.category = self.state.category or session.category
            if stay.value:
                self._remember(announce=True)
            self.resume()

        go_button = ui.button(t("Sign in", lang), _sign_in, "bdk-primary", "bdk-signin")
        back = ui.button(t("Back", lang), lambda: self.go("welcome"))
        labels = ui.html(
            f"<p>{escape(t('Your facilitator gives you the UMKM code and the PIN.', lang))}</p>"
        )
        code_label = ui.html(f"<label>{escape(t('UMKM code', lang))}</label>")
        pin_label = ui.html(f"<label>{escape(t('PIN (6 digits)', lang))}</label>")
        return [labels, code_label, code, pin_label, pin, stay, stay_note, go_button, status, back]

    def resume(self) -> None:
        """After sign-in: back to the section where the owner was, or to the start page."""
        try:
            checklist_id = self.session.latest_draft()
        except Exception:  # noqa: BLE001  cannot list drafts: the start page still works
            checklist_id = None
        if checklist_id is None or checklist_id not in load_all():
            self.go("start")
            return
        checklist = load_all()[checklist_id]
        if self.state.category not in checklist.applies_to.categories:
            self.state.category = checklist.applies_to.categories[0]
        self.open_checklist(checklist_id, resume=True)

    def _auth_message(self, exc) -> str:
        lang = self.lang
        if exc.key == "locked":
            return t("Too many wrong tries. Wait a few minutes and try again.", lang)
        if exc.key == "bad-format":
            return t("A PIN has 6 digits. Enter the PIN your facilitator gave you.", lang)
        return t("The UMKM code or the PIN is not right.", lang)

    def view_start(self) -> list:
        lang, s = self.lang, self.state
        category = w.RadioButtons(
            options=[(c.get(lang), key) for key, c in routes.CATEGORIES.items()],
            value=s.category,
            layout=ui.FULL,
        )
        category.add_class("bdk-category")
        product = w.Text(
            value=s.product,
            placeholder=t("For example: banana chips", lang),
            continuous_update=False,
            layout=ui.FULL,
        )
        product.add_class("bdk-product")

        def _category(change):
            s.category = change["new"]
            self.render()

        def _product(change):
            s.product = change["new"]

        category.observe(_category, names="value")
        product.observe(_product, names="value")
        out: list = [
            ui.html(f"<h2>{escape(t('What do you make?', lang))}</h2>"),
            category,
            ui.html(f"<p>{escape(t('Name your product (optional):', lang))}</p>"),
            product,
        ]
        if s.category == FOOD:
            for q in routes.FOOD_QUESTIONS:
                out.append(self._route_question(q))
        if s.category:
            out.extend(self._recommendation_panel())
        return out

    def _route_question(self, q: routes.Question) -> w.VBox:
        lang, s = self.lang, self.state
        choice = w.ToggleButtons(
            options=[
                (t("Yes", lang), "yes"),
                (t("No", lang), "no"),
                (t("Don't know", lang), "unknown"),
            ],
            value=s.route_answers.get(q.id),
            style={"button_width": "auto"},
            layout=ui.FULL,
        )

        def _changed(change):
            s.route_answers[q.id] = change["new"]
            self.render()

        choice.observe(_changed, names="value")
        box = w.VBox(
            [
                ui.html(
                    f"<strong>{escape(q.text.get(lang))}</strong>"
                    f'<div class="bdk-help">{escape(q.help.get(lang))}</div>'
                ),
                choice,
            ],
            layout=ui.FULL,
        )
        box.add_class("bdk-card")
        box.add_class(f"bdk-route-{q.id.replace('_', '-')}")
        return box

    def _recommendation_panel(self) -> list:
        lang, s = self.lang, self.state
        rec = self.recommendation()
        parts = [f"<h2>{escape(t('Your permit route', lang))}</h2><ul>"]
        for r in rec.routes:
            parts.append(
                f"<li><strong>{escape(r.permit.get(lang))}</strong> — {escape(r.issuer.get(lang))}"
                f" <small>({escape(r.regulation)})</small></li>"
            )
        parts.append("</ul>")
        for reason in rec.reasons:
            parts.append(f"<p>{escape(reason.get(lang))}</p>")
        for note in rec.uncertain:
            parts.append(f'<p class="bdk-help">{escape(note.get(lang))}</p>')
        out: list = [ui.html("".join(parts), "bdk-recommendation")]
        if not rec.checklists:
            out.append(
                ui.html(
                    f"<p>{escape(t('There is no checklist for this product type yet. Your facilitator will help you.', lang))}</p>"
                )
            )
            return out
        out.append(ui.html(f"<h3>{escape(t('Checklists that apply to you', lang))}</h3>"))
        for c in rec.checklists:
            answered = len(s.answers.get(c.id, {}))
            state = ui.section_state(answered, len(c.items))
            info = ui.html(
                f"<strong>{escape(c.title.get(lang))}</strong>"
                f'<div class="bdk-state-{state}">{escape(ui.state_label(state, lang))} · '
                f"{answered}/{len(c.items)}</div>"
            )
            label = t("Continue", lang) if answered else t("Start", lang)
            b = ui.button(label, lambda cid=c.id: self.open_checklist(cid), "bdk-primary")
            b.add_class(f"bdk-checklist-{c.id}")
            card = w.VBox([info, b], layout=ui.FULL)
            card.add_class("bdk-card")
            out.append(card)
        return out

    def open_checklist(self, checklist_id: str, resume: bool = False) -> None:
        try:
            loaded = self.session.open_checklist(checklist_id)
        except Exception as exc:  # noqa: BLE001  StoreError or a lost database: say so, keep going
            self.state.error = t(
                "Your saved answers could not be loaded. {why}",
                self.lang,
                why=error_text(exc, self.lang),
            )
            self.render()
            return
        self._merge(checklist_id, loaded)
        section_id = (
            resume_section(
                load_all()[checklist_id], self.state.answers_for(checklist_id), loaded.last_item
            )
            if resume
            else None
        )
        if section_id:
            self.go(
                "section", checklist_id=checklist_id, section_id=section_id, return_to_check=False
            )
        else:
            self.go("tasks", checklist_id=checklist_id, return_to_check=False)

    def _merge(self, checklist_id: str, loaded: Loaded) -> None:
        self.state.answers_for(checklist_id).update(loaded.answers)
        self.state.notes_for(checklist_id).update(loaded.notes)

    def view_tasks(self) -> list:
        lang, c = self.lang, self.checklist
        answers = self.state.answers_for(c.id)
        out = [
            ui.html(f"<h2>{escape(c.title.get(lang))}</h2><p>{escape(c.summary.get(lang))}</p>"),
            ui.progress_bar(len(answers), len(c.items), lang),
            ui.task_list(c, answers, lang, lambda sid: self.go("section", section_id=sid)),
            ui.button(
                t("Check your answers", lang),
                lambda: self.go("check"),
                "bdk-primary",
                "bdk-to-check",
            ),
        ]
        if self.session.signed_in:
            out.insert(1, self.action_plan())
        else:
            out.append(ui.answers_download(c, answers, self.state.notes_for(c.id), lang))
        out.append(ui.button(t("Change product or checklist", lang), lambda: self.go("start")))
        return out

    def action_plan(self) -> w.HTML:
        """What the facilitator asked this UMKM to do, read fresh from the store each time."""
        actions = [a for a in self.session.actions() if a.status in ("open", "in-progress")]
        return ui.action_plan(actions, self.lang) if actions else ui.html("")

    def view_section(self) -> list:
        lang, c, s = self.lang, self.checklist, self.state
        section = next(x for x in c.sections if x.id == s.section_id)
        answers, notes = s.answers_for(c.id), s.notes_for(c.id)
        self.progress = ui.progress_bar(len(answers), len(c.items), lang)
        out = [
            ui.html(f"<h2>{escape(section.id)}. {escape(section.title.get(lang))}</h2>"),
            self.progress,
        ]
        numbers = {i.id: n for n, i in enumerate(c.items, 1)}
        for item in section.items:
            box = ui.question(
                item,
                lang,
                answers.get(item.id),
                notes.get(item.id, ""),
                self.on_answer,
                self.on_note,
                self.guide_base,
                numbers[item.id],
            )
            self.questions[item.id] = box
            out.append(box)
        ids = [x.id for x in c.sections]
        pos = ids.index(section.id)
        if s.return_to_check:
            nxt = ui.button(
                t("Back to check your answers", lang), lambda: self.go("check"), "bdk-primary"
            )
        elif pos + 1 < len(ids):
            nxt = ui.button(
                t("Next section", lang),
                lambda: self.go("section", section_id=ids[pos + 1]),
                "bdk-primary",
            )
        else:
            nxt = ui.button(t("Check your answers", lang), lambda: self.go("check"), "bdk-primary")
        nxt.add_class("bdk-next")
        out.append(nxt)
        out.append(
            ui.button(
                t("Back to the task list", lang), lambda: self.go("tasks", return_to_check=False)
            )
        )
        if not self.session.signed_in:
            # Nothing is kept on the server: the file is the owner's only copy, kept up to date.
            self.download = ui.answers_download(c, answers, notes, lang)
            self.download.add_class("bdk-noprint")
            out.append(self.download)
        return out

    def _refresh_live(self, checklist_id: str) -> None:
        """Update the progress bar and the answers file link after an answer or a note."""
        c = load_all()[checklist_id]
        answers, notes = self.state.answers_for(checklist_id), self.state.notes_for(checklist_id)
        if self.progress is not None:
            self.progress.value = ui.progress_bar(len(answers), len(c.items), self.lang).value
        if self.download is not None:
            self.download.value = ui.answers_download(c, answers, notes, self.lang).value

    def on_answer(self, item_id: str, value: str | None) -> None:
        if value is None:
            return
        cid = self.state.checklist_id
        answers = self.state.answers_for(cid)
        previous = answers.get(item_id)
        answers[item_id] = value
        if not self._save(cid, item_id):
            # Not saved: show the answer that is saved, so choosing again retries the save.
            if previous is None:
                answers.pop(item_id, None)
            else:
                answers[item_id] = previous
            box = self.questions.get(item_id)
            if box is not None:
                ui.reset_choice(box, previous)
        self._refresh_live(cid)

    def on_note(self, item_id: str, text: str) -> None:
        cid = self.state.checklist_id
        self.state.notes_for(cid)[item_id] = text.strip()[:500]
        self._refresh_live(cid)
        if item_id in self.state.answers_for(cid):
            self._save(cid, item_id)  # a failed note stays on screen and goes with the next save

    def _save(self, checklist_id: str, item_id: str) -> bool:
        """Save one answer when signed in; False when the save failed (the owner is told)."""
        box = self.questions.get(item_id)
        if not self.session.signed_in:
            return True
        if box is not None:
            ui.set_status(box, "saving", self.lang)
        value = self.state.answers_for(checklist_id)[item_id]
        note = self.state.notes_for(checklist_id).get(item_id)
        try:
            self.session.save_answer(checklist_id, item_id, value, note)
        except Exception as exc:  # noqa: BLE001  shown to the owner; the answer stays on screen
            why = error_text(exc, self.lang)
            if box is not None:
                ui.set_status(
                    box,
                    "error",
                    self.lang,
                    t("Not saved. {why} Choose the answer again to retry.", self.lang, why=why),
                )
            self.state.save_ok = False
            self._render_saved()
            return False
        self.state.save_ok = True
        if box is not None:
            ui.set_status(box, "saved", self.lang)
        self._render_saved()
        return True

    def view_check(self) -> list:
        lang, c, s = self.lang, self.checklist, self.state
        answers, notes = s.answers_for(c.id), s.notes_for(c.id)
        out = [
            ui.html(f"<h2>{escape(t('Check your answers', lang))}</h2>"),
            ui.progress_bar(len(answers), len(c.items), lang),
        ]
        for section in c.sections:
            rows = []
            for item in section.items:
                note = notes.get(item.id)
                note_html = f"<br><em>{escape(note)}</em>" if note else ""
                rows.append(
                    f"<li>{escape(item.question.get(lang))}<br><strong>"
                    f"{escape(ui.answer_label(answers.get(item.id), lang))}</strong>{note_html}</li>"
                )
            change = ui.button(
                t("Change", lang),
                lambda sid=section.id: self.go("section", section_id=sid, return_to_check=True),
            )
            card = w.VBox(
                [
                    ui.html(
                        f"<h3>{escape(section.id)}. {escape(section.title.get(lang))}</h3><ul>{''.join(rows)}</ul>"
                    ),
                    change,
                ],
                layout=ui.FULL,
            )
            card.add_class("bdk-card")
            out.append(card)
        if len(answers) < len(c.items):
            out.append(
                ui.html(
                    f"<p>{escape(t('Some questions are not answered yet. The result will be provisional.', lang))}</p>"
                )
            )
        see = ui.button(
            t("See my result", lang), lambda: self.go("result"), "bdk-primary", "bdk-see-result"
        )
        out.append(see)
        return out

    def view_result(self) -> list:
        from berdikari.apps.result import result_view

        return result_view(self)


def _close_tree(widget) -> None:
    """Close a widget and its children so the kernel does not keep old views alive."""
    for child in getattr(widget, "children", ()) or ():
        _close_tree(child)
    widget.close()


def app(lang: str = "id") -> w.VBox:
    """Build the owner app; the notebook displays what this returns.

    The widgets are built first (a preheated kernel does this before anyone visits); then the
    app waits for the page request and signs in a remembered owner from its cookie.
    """
    owner = OwnerApp(OwnerState(lang=lang))
    owner.resume_remembered(remembered_token())
    return owner.root
