"""The facilitator's app (notebooks/pendamping.ipynb): caseload, one UMKM, verify, visits.

Journey: sign in → My UMKM (most urgent first) → one UMKM (profile, products and milestones,
assessment history and a side-by-side, actions, visits, printable report) → verify a submitted
self-assessment item by item, record a visit with evidence and action items, or key in a paper
checklist.

State lives in one :class:`FacilitatorState`; :class:`FacilitatorApp` renders a view from it. The
identity stays in the kernel (:class:`~berdikari.apps.staff.StaffSession`) and every callback goes
through the service layer, which re-checks it. Every text a user typed is escaped. This module
never touches the database; the forms are in :mod:`berdikari.apps.facilitator_forms`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from html import escape

import ipywidgets as w

from berdikari import visit_report, vocab
from berdikari.apps import charts, mentoring, staff
from berdikari.apps import widgets as ui
from berdikari.apps.facilitator_forms import FIELD, FORM_CSS
from berdikari.apps.shell import AppShell
from berdikari.apps.staff import StaffSession, error_text
from berdikari.checklists import load_all
from berdikari.i18n import t
from berdikari.reports import item_label

log = logging.getLogger(__name__)

PAGE_SIZE = 50


@dataclass
class FacilitatorState:
    """Everything the app shows, in one place."""

    lang: str = "id"
    view: str = "signin"
    umkm_id: int | None = None
    assessment_id: int | None = None
    sort: str = "urgency"
    page: int = 0
    """The page of the caseload list shown (:data:`PAGE_SIZE` UMKM a page)."""
    compare_a: int | None = None
    compare_b: int | None = None
    message: str = ""
    error: str = ""


def code_class(prefix: str, code: str) -> str:
    return f"{prefix}-{code.lower()}"


class FacilitatorApp(AppShell):
    """Renders :class:`FacilitatorState` and handles the facilitator's actions."""

    role = "facilitator"
    first_view = "list"
    css = "bdk-facilitator"

    def __init__(self, state=None, session: StaffSession | None = None, store=None):
        super().__init__(state or FacilitatorState(), session, store)
        self.render()

    def title(self, lang: str) -> str:
        return t("Facilitator", lang)

    def signin_intro(self, lang: str) -> str:
        return t("Sign in with your facilitator account.", lang)

    def app_views(self) -> dict:
        return {
            "list": self.view_list,
            "umkm": self.view_umkm,
            "verify": self.view_verify,
            "visit": self.view_visit,
            "paper": self.view_paper,
        }

    def after_error(self) -> list:
        if self.state.view == "list":
            return []
        return [ui.button(t("My UMKM", self.lang), lambda: self.go("list"))]

    # --- my UMKM ---------------------------------------------------------------------------------
    def view_list(self) -> list:
        lang = self.lang
        cases = mentoring.sort_cases(self.svc().my_umkm(), self.state.sort)
        sort = w.Dropdown(
            options=[
                (t("Most urgent first", lang), "urgency"),
                (t("Name", lang), "name"),
                (t("Longest without a visit", lang), "visit"),
                (t("Lowest readiness", lang), "readiness"),
            ],
            value=self.state.sort,
            description=t("Sort", lang),
            **FIELD,
        )
        sort.add_class("bdk-sort")
        sort.observe(lambda ch: self.go("list", sort=ch["new"], page=0), names="value")
        out: list = [
            ui.html(
                f"<h2>{escape(t('My UMKM', lang))} ({len(cases)})</h2>"
                f'<p class="bdk-help">{escape(t("Overdue actions first, then self-assessments waiting for you, then the longest without a visit.", lang))}</p>'
            ),
            sort,
        ]
        if not cases:
            out.append(ui.html(f"<p>{escape(t('No UMKM is assigned to you yet.', lang))}</p>"))
        # one page of cards at a time: a caseload of hundreds renders as fast as one of fifty
        pages = max(1, -(-len(cases) // PAGE_SIZE))
        page = min(max(self.state.page, 0), pages - 1)
        for c in cases[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
            out.append(self._case_card(c))
        if pages > 1:
            controls = []
            if page > 0:
                controls.append(
                    ui.button(
                        t("Previous page", lang), lambda: self.go("list", page=page - 1), "bdk-prev"
                    )
                )
            controls.append(
                ui.html(
                    f'<span class="bdk-page">'
                    f"{escape(t('Page {n} of {m}', lang, n=page + 1, m=pages))}</span>"
                )
            )
            if page < pages - 1:
                controls.append(
                    ui.button(
                        t("Next page", lang), lambda: self.go("list", page=page + 1), "bdk-next"
                    )
                )
            out.append(w.HBox(controls, layout=ui.FULL))
        return out

    def _case_card(self, c) -> w.VBox:
        lang = self.lang
        facts = []
        # the one standing: the verified figures, and the owner's newer self-assessment beside
        # them, each labelled

        def figures(level, readiness) -> str:
            parts = [t("Level {level}", lang, level=level)] if level else []
            if readiness is not None:
                parts.append(t("Readiness: {pct}%", lang, pct=readiness))
            return ", ".join(parts)

        verified = figures(c.verified_level, c.verified_readiness)
        if c.verified and verified:
            facts.append(t("Verified: {facts}", lang, facts=verified))
        own = figures(c.self_level, c.self_readiness)
        if c.self_newer and own:
            facts.append(t("Self-assessed, not verified yet: {facts}", lang, facts=own))
        if not facts:
            facts.append(t("No assessment yet", lang))
        attention = []
        if c.overdue_actions:
            attention.append(
                f'<span class="bdk-overdue">{escape(t("{n} overdue", lang, n=c.overdue_actions))}</span>'
            )
        attention.append(escape(t("{n} open actions", lang, n=c.open_actions)))
        if c.submissions_waiting:
            attention.append(
                f'<span class="bdk-waiting">{escape(t("{n} to verify", lang, n=c.submissions_waiting))}</span>'
            )
        visit = (
            t("Never visited", lang)
            if c.days_since_visit is None
            else t("{n} days since the last visit", lang, n=c.days_since_visit)
        )
        attention.append(escape(visit))
        info = ui.html(
            f"<div><strong>{escape(c.name)}</strong> · {escape(c.code)}</div>"
            f"<div>{escape(c.owner_name)} · {escape(c.regency)}</div>"
            f"<div>{escape(' · '.join(facts))}</div>"
            f'<div class="bdk-attention">{" · ".join(attention)}</div>'
        )
        b = ui.button(t("Open", lang), lambda i=c.id: self.go("umkm", umkm_id=i), "bdk-open-case")
        card = w.VBox([info, b], layout=ui.FULL)
        card.add_class("bdk-card")
        card.add_class("bdk-case")
        card.add_class(code_class("bdk-case", c.code))
        return card

    # --- one UMKM --------------------------------------------------------------------------------
    def view_umkm(self) -> list:
        lang, svc, uid = self.lang, self.svc(), self.state.umkm_id
        u = svc.umkm(uid)
        assessments = svc.assessments(uid)
        actions = svc.actions(uid)
        visits = svc.visits(uid)
        milestones = svc.milestones(uid)
        evidence = svc.evidence(uid)
        from berdikari.apps.facilitator_forms import pin_card

        out: list = [
            ui.html(FORM_CSS),
            ui.button(t("Back to my UMKM", lang), lambda: self.go("list"), "bdk-back"),
            self._profile(u),
            pin_card(self, u),
            self._milestones(u, milestones),
        ]
        waiting = [a for a in assessments if a.status == "submitted"]
        if waiting:
            out.append(ui.html(f"<h3>{escape(t('Waiting for your verification', lang))}</h3>"))
            for a in waiting:
                title = load_all().get(a.checklist_id)
                name = title.title.get(lang) if title else a.checklist_id
                when = (a.submitted_at or a.updated_at).date().isoformat()
                b = ui.button(
                    t("Verify", lang),
                    lambda i=a.id: self.go("verify", assessment_id=i),
                    "bdk-primary",
                    f"bdk-verify-{a.id}",
                )
                card = w.VBox(
                    [ui.html(f"<strong>{escape(name)}</strong> · {escape(when)}"), b],
                    layout=ui.FULL,
                )
                card.add_class("bdk-card")
                out.append(card)
        out.append(self._history(assessments))
        out.extend(self._comparison(assessments))
        out.extend(self._actions(actions))
        out.append(self._visits(visits, evidence))
        new_visit = ui.button(
            t("Record a visit", lang), lambda: self.go("visit"), "bdk-primary", "bdk-new-visit"
        )
        paper = ui.button(
            t("Key in a paper checklist", lang), lambda: self.go("paper"), "bdk-paper"
        )
        out += [new_visit, paper, self._report_links(u, visits, actions, milestones, assessments)]
        return out

    def _profile(self, u) -> w.HTML:
        lang = self.lang
        rows = [
            (t("Owner", lang), u.owner_name),
            (t("Regency/city", lang), u.regency),
            (t("Phone", lang), u.owner_phone or "—"),
            (t("Address", lang), u.address or "—"),
            (t("Size", lang), vocab.Size.label_of(u.size, lang)),
            ("NIB", u.nib or "—"),
        ]
        items = "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in rows)
        products = "".join(
            f"<li>{escape(p.name)} ({escape(vocab.ProductCategory.label_of(p.category, lang))})"
            + (
                f" — {escape((p.permit_kind or '').upper())} {escape(p.permit_number or '')}"
                if p.permit_number
                else ""
            )
            + "</li>"
            for p in u.products
        )
        products_html = (
            f"<h3>{escape(t('Products', lang))}</h3><ul>{products}</ul>" if products else ""
        )
        return ui.html(
            f'<div class="bdk-profile"><h2>{escape(u.name)} · {escape(u.code)}</h2>'
            f"<ul>{items}</ul>{products_html}</div>",
            "bdk-card",
        )

    def _milestones(self, u, milestones) -> w.VBox:
        lang = self.lang
        rows = "".join(
            f"<li>{escape(m.achieved_on.isoformat())} <strong>{escape(vocab.MilestoneKind.label_of(m.kind, lang))}</strong>"
            + (f" {escape(m.number)}" if m.number else "")
            + (f" — {escape(m.note)}" if m.note else "")
            + "</li>"
            for m in milestones
        )
        listing = ui.html(
            f"<h3>{escape(t('Milestones', lang))}</h3>"
            + (f"<ul>{rows}</ul>" if rows else f"<p>{escape(t('None yet.', lang))}</p>"),
            "bdk-milestones",
        )
        kind = w.Dropdown(
            options=[(k.label(lang), k.value) for k in vocab.MilestoneKind],
            description=t("Milestone", lang),
            **FIELD,
        )
        kind.add_class("bdk-ms-kind")
        on = w.DatePicker(value=date.today(), description=t("Date", lang), **FIELD)
        on.add_class("bdk-ms-date")
        number = w.Text(description=t("Number (permit, certificate)", lang), **FIELD)
        number.add_class("bdk-ms-number")
        note = w.Text(description=t("Note (optional)", lang), **FIELD)
        note.add_class("bdk-ms-note")

        def _add():
            try:
                self.svc().add_milestone(
                    u.id, kind.value, on.value, number.value or None, note=note.value or None
                )
            except Exception as exc:  # noqa: BLE001  shown; the form keeps its values
                status.value = f'<p class="bdk-error">{escape(error_text(exc, lang))}</p>'
                return
            self.state.message = t("Milestone saved.", lang)
            self.render()

        status = ui.html("")
        add = ui.button(t("Add milestone", lang), _add, "bdk-ms-add")
        box = w.VBox([listing, kind, on, number, note, add, status], layout=ui.FULL)
        box.add_class("bdk-card")
        return box

    def _history(self, assessments) -> w.HTML:
        lang = self.lang
        done = [a for a in assessments if a.status != "draft"]
        if not done:
            return ui.html(
                f"<h3>{escape(t('Assessment history', lang))}</h3>"
                f"<p>{escape(t('No submitted assessment yet.', lang))}</p>",
                "bdk-history",
            )
        parts = [f"<h3>{escape(t('Assessment history', lang))}</h3>"]
        by_checklist: dict[str, list] = {}
        for a in done:
            by_checklist.setdefault(a.checklist_id, []).append(a)
        for cid, items in by_checklist.items():
            c = load_all().get(cid)
            points = []
            for a in items:
                res = a.result or {}
                when = a.verified_at or a.submitted_at or a.updated_at
                who = "facilitator" if a.filled_by == "facilitator" else "owner"
                points.append((when, res.get("readiness"), res.get("level"), who))
            parts.append(f"<h4>{escape(c.title.get(lang) if c else cid)}</h4>")
            mine = [a for a in items if a.filled_by != "facilitator"]
            checked = [a for a in items if a.filled_by == "facilitator"]
            latest = (
                [
                    f"<li>{escape(t('Latest self-assessment', lang))}: "
                    f"{escape(visit_report.result_words(mine[-1], lang, whose=False))}</li>"
                ]
                if mine
                else []
            )
            if checked:
                latest.append(
                    f"<li>{escape(t('Latest verified result', lang))}: "
                    f"{escape(visit_report.result_words(checked[-1], lang, whose=False))}</li>"
                )
            parts.append(f'<ul class="bdk-standing">{"".join(latest)}</ul>')
            parts.append(charts.history_chart(points, lang))
        return ui.html("".join(parts), "bdk-history")

    def _assessment_label(self, a) -> str:
        lang = self.lang
        when = (a.verified_at or a.submitted_at or a.updated_at).date().isoformat()
        who = t("verified", lang) if a.filled_by == "facilitator" else t("owner", lang)
        c = load_all().get(a.checklist_id)
        return f"{c.title.get(lang) if c else a.checklist_id} · {when} ({who})"

    def _comparison(self, assessments) -> list:
        lang, s = self.lang, self.state
        done = [a for a in assessments if a.status != "draft"]
        if len(done) < 2:
            return []
        options = [(self._assessment_label(a), a.id) for a in done]
        ids = [a.id for a in done]
        a_id, b_id = mentoring.latest_pair(done)
        a_id = s.compare_a if s.compare_a in ids else a_id
        b_id = s.compare_b if s.compare_b in ids else b_id
        pick_a = w.Dropdown(options=options, value=a_id, description=t("Earlier", lang), **FIELD)
        pick_a.add_class("bdk-compare-a")
        pick_b = w.Dropdown(options=options, value=b_id, description=t("Later", lang), **FIELD)
        pick_b.add_class("bdk-compare-b")
        result = ui.html(self._compare_html(done, a_id, b_id), "bdk-compare")

        def _changed(_change):
            s.compare_a, s.compare_b = pick_a.value, pick_b.value
            result.value = self._compare_html(done, pick_a.value, pick_b.value)

        pick_a.observe(_changed, names="value")
        pick_b.observe(_changed, names="value")
        head = ui.html(f"<h3>{escape(t('Compare two assessments', lang))}</h3>")
        box = w.VBox([head, pick_a, pick_b, result], layout=ui.FULL)
        box.add_class("bdk-card")
        return [box]

    def _compare_html(self, done, a_id: int, b_id: int) -> str:
        lang = self.lang
        a = next(x for x in done if x.id == a_id)
        b = next(x for x in done if x.id == b_id)
        if a.checklist_id != b.checklist_id:
            return f"<p>{escape(t('Choose two assessments of the same checklist.', lang))}</p>"
        c = load_all().get(a.checklist_id)
        if c is None:
            return ""
        changes = mentoring.compare(
            c,
            {k: v.value for k, v in a.answers.items()},
            {k: v.value for k, v in b.answers.items()},
        )
        ra, rb = (a.result or {}).get("readiness"), (b.result or {}).get("readiness")
        head = f"<p>{escape(t('Readiness', lang))}: {escape(str(ra))}% → {escape(str(rb))}%</p>"
        if not changes:
            return head + f"<p>{escape(t('No answer changed.', lang))}</p>"
        label = {
            "improved": t("Improved", lang),
            "regressed": t("Regressed", lang),
            "changed": t("Changed", lang),
        }
        rows = []
        number = {i.id: n for n, i in enumerate(c.items, 1)}
        heads = (t("Question", lang), t("Answer", lang), t("Change", lang))
        for ch in changes:
            item = c.item(ch.item_id)
            cells = (
                f"{number[ch.item_id]}. {item.question.get(lang)}",
                f"{ui.answer_label(ch.before, lang)} → {ui.answer_label(ch.after, lang)}",
                label[ch.kind],
            )
            rows.append(
                f'<tr class="bdk-{ch.kind}">'
                + "".join(
                    f'<td data-label="{escape(h)}">{escape(v)}</td>'
                    for h, v in zip(heads, cells, strict=True)
                )
                + "</tr>"
            )
        improved = sum(1 for ch in changes if ch.kind == "improved")
        regressed = sum(1 for ch in changes if ch.kind == "regressed")
        summary = t("{a} improved, {b} regressed", lang, a=improved, b=regressed)
        return (
            head
            + f"<p><strong>{escape(summary)}</strong></p>"
            + '<div class="bdk-table-wrap"><table class="bdk-list-table bdk-compare-table"><thead><tr>'
            + "".join(f'<th scope="col">{escape(h)}</th>' for h in heads)
            + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _actions(self, actions) -> list:
        lang = self.lang
        out: list = [ui.html(f"<h3>{escape(t('Action plan', lang))}</h3>")]
        if not actions:
            out.append(ui.html(f"<p>{escape(t('No actions yet.', lang))}</p>"))
        today = date.today()
        for a in actions:
            due = (
                t("due {date}", lang, date=a.due_date.isoformat())
                if a.due_date
                else t("no due date", lang)
            )
            overdue = (
                f' <span class="bdk-overdue">{escape(t("overdue", lang))}</span>'
                if a.overdue(today)
                else ""
            )
            item = (
                f" ({escape(t('question {item}', lang, item=item_label(a.checklist_id, a.item_id, lang)))})"
                if a.item_id
                else ""
            )
            info = ui.html(
                f"<div><strong>{escape(a.title)}</strong>{item}</div>"
                f"<div>{escape(due)} · "
                f"{escape(vocab.ActionStatus.label_of(a.status, lang))}{overdue}</div>"
            )
            children = [info]
            if a.status in vocab.OPEN_ACTION_STATUSES:
                children.append(
                    ui.button(
                        t("Mark done", lang),
                        lambda i=a.id: self._set_status(i, "done"),
                        f"bdk-action-done-{a.id}",
                    )
                )
            card = w.VBox(children, layout=ui.FULL)
            card.add_class("bdk-card")
            card.add_class("bdk-action")
            out.append(card)
        return out

    def _set_status(self, action_id: int, status: str) -> None:
        try:
            self.svc().set_action_status(action_id, status)
        except Exception as exc:  # noqa: BLE001
            self.fail(exc)
            return
        self.state.message = t("Action updated.", self.lang)
        self.render()

    def _visits(self, visits, evidence) -> w.HTML:
        lang = self.lang
        files: dict[int | None, list] = {}
        for e in evidence:
            files.setdefault(e.visit_id, []).append(e)
        parts = [f"<h3>{escape(t('Visits', lang))}</h3>"]
        if not visits:
            parts.append(f"<p>{escape(t('No visits yet.', lang))}</p>")
        for v in visits:
            met = (
                f"<div>{escape(t('Met with', lang))}: {escape(v.met_with)}</div>"
                if v.met_with
                else ""
            )
            attached = "".join(
                f"<li>{escape(e.filename)} ({e.size // 1024} KB)</li>" for e in files.get(v.id, [])
            )
            parts.append(
                f'<div class="bdk-visit"><strong>{escape(v.visited_on.isoformat())}</strong> · '
                f"{escape(vocab.VisitKind.label_of(v.kind, lang))} · {escape(v.facilitator)}{met}"
                f'<div class="bdk-visit-summary" style="white-space:pre-wrap">{escape(v.summary)}</div>'
                + (f"<ul>{attached}</ul>" if attached else "")
                + "</div>"
            )
        return ui.html("".join(parts), "bdk-visits")

    def _report_links(self, u, visits, actions, milestones, assessments) -> w.VBox:
        """The HTML print view at once; the PDF on request (embedding the font takes a while)."""
        lang = self.lang
        latest = visits[0] if visits else None
        html_doc = visit_report.visit_report_html(u, latest, actions, milestones, lang, assessments)
        print_view = ui.download_link(
            t("Visit report and action plan (print)", lang),
            f"laporan-{u.code}.html",
            html_doc,
            "text/html",
        )
        print_view.add_class("bdk-report-html")
        pdf_link = ui.html("", "bdk-report-pdf")

        def _make_pdf():
            try:
                pdf = visit_report.visit_report_pdf(
                    u, latest, actions, milestones, lang, assessments
                )
            except FileNotFoundError as exc:  # no font on this server: the print view works
                log.warning("No PDF visit report: %s", exc)
                pdf_link.value = f'<p class="bdk-help">{escape(t("This server cannot make the PDF (a font is missing). Use the print report instead.", lang))}</p>'
                return
            pdf_link.value = ui.download_link(
                t("Download the PDF", lang), f"laporan-{u.code}.pdf", pdf, "application/pdf"
            ).value

        make = ui.button(
            t("Visit report and action plan (PDF)", lang), _make_pdf, "bdk-report-pdf-make"
        )
        box = w.VBox([print_view, make, pdf_link], layout=ui.FULL)
        box.add_class("bdk-card")
        return box

    # --- forms (verify, visit, paper) ---------------------------------------------------------------
    def view_verify(self) -> list:
        from berdikari.apps.facilitator_forms import verify_form

        return verify_form(self)

    def view_visit(self) -> list:
        from berdikari.apps.facilitator_forms import visit_form

        return visit_form(self)

    def view_paper(self) -> list:
        from berdikari.apps.facilitator_forms import paper_form

        return paper_form(self)


def app(lang: str = "id") -> w.VBox:
    """Build the facilitator app; the notebook displays what this returns."""
    # Built first (a preheated kernel does this before anyone visits), then opened for the
    # staff member the page request's session cookie names (berdikari.apps.staff).
    built = FacilitatorApp(FacilitatorState(lang=lang, view="opening"))
    built.open_from_page(staff.from_page_request())
    return built.root
