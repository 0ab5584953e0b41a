"""The owner's self-assessment as a light web app at ``/penilaian/`` (no kernel, no framework).

Pages are server-rendered (:mod:`berdikari.web.render`, templates under ``owner/``); one small
script (``static/owner.js``) shows one view of a checklist page at a time and keeps answers:

- ``GET  /penilaian/``             welcome: start without an account, sign in, continue from a file
- ``GET/POST /penilaian/masuk``    sign in with UMKM code + PIN (:func:`berdikari.web.sessions.sign_in_owner`)
- ``POST /penilaian/keluar``       sign out (XSRF)
- ``GET  /penilaian/mulai``        what you make, route questions, permit route, checklists
- ``GET  /penilaian/rute``         the route panel alone (the script swaps it in, no reload)
- ``GET  /penilaian/daftar/<id>``  a checklist: task list, every section, check, result; or, once
  sent, its status (sent, waiting for whom, verified level, corrections, action plan)
- ``POST /penilaian/daftar/<id>/hasil``  the result without JavaScript (saves when signed in)
- ``POST /penilaian/berkas``       an answers file (validated; stored nowhere), opens its checklist
- ``POST /penilaian/api/jawab``    signed in: save queued answers; answers after the commit
- ``POST /penilaian/api/nilai``    score posted answers (``scoring.score``), store nothing
- ``POST /penilaian/kirim``, ``/penilaian/baru``  submit; start a new round
- ``GET  /penilaian/pdf/<id>``, ``POST /penilaian/pdf``  the result as PDF (signed in; anonymous)
- ``GET  /penilaian/static/owner.<hash>.js|css``  the script and style, cached for a year

Anonymous owners' answers never reach the server except to be scored or printed, and are never
stored there. Every write goes through :class:`berdikari.store.service.Service` with the owner's
identity from the session cookie. This module must never start a kernel, never show a raw item
ID or a traceback to an owner, and never trust a posted answer it has not checked.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from tornado import web

from berdikari import routes, scoring, versions
from berdikari.checklists import Checklist, guide_url, load_all
from berdikari.i18n import t
from berdikari.messages import sentence
from berdikari.owner_report import (
    Header,
    answer_label,
    corrections,
    long_date,
    numbers,
    paper_form_url,
    summary,
    summary_pdf,
)
from berdikari.vocab import OPEN_ACTION_STATUSES
from berdikari.web.owner_files import AnswersFileError, read_answers_file, storable
from berdikari.web.owner_texts import script_texts, texts
from berdikari.web.render import render

log = logging.getLogger("berdikari.web.owner_app")

STATIC = Path(__file__).parent / "static"
ASSETS = ("owner.js", "owner.css")
NOTE_MAX = 500
ANSWER_ORDER = ("yes", "no", "partial", "unknown")
OLD_APP = "voila/render/penilaian-mandiri.ipynb"


@cache
def asset(name: str) -> tuple[str, bytes]:
    """``(hashed name, content)`` of a static file: ``owner.js`` → ``owner.1a2b3c4d5e.js``."""
    content = (STATIC / name).read_bytes()
    stem, ext = name.rsplit(".", 1)
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:10]}.{ext}", content


def _sessions():
    from berdikari.web import sessions

    return sessions


async def blocking(fn, *args, **kwargs):
    """Run a store call off the event loop (a durable commit must not stall other phones)."""
    return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(*args, **kwargs))


def service(handler, identity):
    """The service layer acting as ``identity``, on the store of this application."""
    from berdikari.store.service import Service

    return Service(_sessions().store_for(handler), identity)


# --- what pages show ------------------------------------------------------------------------------


def route_answers(args: dict[str, str], category: str) -> dict[str, str]:
    """The route questions' answers from a query (``at_home=yes``), only known ones."""
    out = {}
    for q in routes.questions_for(category):
        value = args.get(q.id)
        if value in ("yes", "no", "unknown"):
            out[q.id] = value
    return out


def recommendation(category: str | None, answers: dict[str, str]):
    if category not in routes.CATEGORIES:
        return None
    value = {"yes": True, "no": False, "unknown": None}
    return routes.recommend(category, {k: value[v] for k, v in answers.items()})


def query_of(category: str | None, answers: dict[str, str]) -> str:
    if not category:
        return ""
    return urlencode({"kategori": category, **answers})


def question_rows(checklist: Checklist, lang: str, base: str) -> list[dict]:
    """Sections with their questions as the templates render them (numbers, never IDs shown)."""
    nums = numbers(checklist)
    out = []
    for section in checklist.sections:
        items = []
        for item in section.items:
            na = item.not_applicable if item.na_allowed else None
            items.append(
                {
                    "id": item.id,
                    "key": item.id.lower(),
                    "number": nums[item.id],
                    "question": item.question.get(lang),
                    "help": item.evidence.get(lang),
                    "guide": guide_url(item.guide, base),
                    "na_when": na.when.get(lang) if na is not None else None,
                }
            )
        out.append(
            {
                "id": section.id,
                "key": section.id.lower(),
                "title": section.title.get(lang),
                "items": items,
            }
        )
    return out


def checked_answers(checklist: Checklist, raw: object) -> tuple[dict, dict, dict]:
    """``(answers, notes, refused)`` from posted ``{item: {"v": value, "n": note}}`` (or a plain
    value). Refused items map to a reason key; nothing unchecked gets through."""
    items = {i.id: i for i in checklist.items}
    answers, notes, refused = {}, {}, {}
    if not isinstance(raw, dict):
        return answers, notes, refused
    for item_id, entry in raw.items():
        value, note = (entry.get("v"), entry.get("n")) if isinstance(entry, dict) else (entry, None)
        item = items.get(item_id)
        if item is None:
            refused[str(item_id)[:40]] = "not-an-item"
        elif value not in scoring.ANSWERS:
            refused[item_id] = "not-one-of"
        elif value == "na" and not item.na_allowed:
            refused[item_id] = "na-not-allowed"
        elif note is not None and (not isinstance(note, str) or not storable(note)):
            refused[item_id] = "bad-note"
        else:
            answers[item_id] = value
            if note:
                notes[item_id] = note.strip()[:NOTE_MAX]
    return answers, notes, refused


def refusal_text(key: str, lang: str) -> str:
    return {
        "na-not-allowed": t("Does not apply cannot be chosen for this question.", lang),
        "bad-note": t("The note holds characters that cannot be saved. Type it again.", lang),
    }.get(key, t("This answer does not fit the question.", lang))


def action_rows(actions, checklist: Checklist | None, lang: str) -> list[dict]:
    """Open actions of the facilitator's plan in plain words (question number, not item ID)."""
    nums = numbers(checklist) if checklist else {}
    all_nums = {}
    for c in load_all().values():
        for n, i in enumerate(c.items, 1):
            all_nums.setdefault(i.id, (c, n))
    today = date.today()
    out = []
    for a in actions:
        if a.status not in OPEN_ACTION_STATUSES:
            continue
        about = ""
        if a.item_id:
            if a.item_id in nums:
                about = t("Question {n}", lang, n=nums[a.item_id])
            elif a.item_id in all_nums:
                c, n = all_nums[a.item_id]
                about = f"{c.title.get(lang)}, " + t("Question {n}", lang, n=n)
        out.append(
            {
                "title": a.title,
                "about": about,
                "due": long_date(a.due_date, lang) if a.due_date else "",
                "overdue": a.overdue(today),
            }
        )
    return out


def whatsapp_url(text: str) -> str:
    from urllib.parse import quote

    return "https://wa.me/?text=" + quote(text, safe="")


def phone_links(phone: str | None) -> dict | None:
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    wa = digits.lstrip("+")
    if wa.startswith("0"):
        wa = "62" + wa[1:]
    return {"text": phone, "tel": "tel:" + digits, "wa": "https://wa.me/" + wa}


def share_text(s, lang: str) -> str:
    lines = [f"Berdikari — {s.checklist.title.get(lang)}", s.headline, s.first_step]
    for f in s.findings[:3]:
        lines.append("- " + t("Question {n}: {title}", lang, n=f.number, title=f.title))
    return "\n".join(lines)


# --- handlers -------------------------------------------------------------------------------------


class OwnerHandler(web.RequestHandler):
    """Shared by every page: language, identity, rendering, errors in plain words."""

    lang = "id"

    def initialize(self, base: str) -> None:
        self.base = base
        self.root = f"{base}penilaian/"

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")

    def check_xsrf_cookie(self) -> None:
        # Every POST here checks the token, whatever the application settings say.
        super().check_xsrf_cookie()

    def prepare(self) -> None:
        if self.request.method == "POST":
            self.check_xsrf_cookie()

    def identity(self):
        try:
            return _sessions().owner_identity(self)
        except Exception:  # noqa: BLE001  a store that cannot answer: the anonymous path works
            log.exception("Could not read the owner's session")
            return None

    def page(self, template: str, http_status: int = 200, **context) -> None:
        self.set_status(http_status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        context.setdefault("me", None)
        context.setdefault("error", "")
        context.setdefault("message", "")
        self.finish(
            render(
                template,
                self.lang,
                tx=texts(self.lang),
                sx=json.dumps(script_texts(self.lang), ensure_ascii=False).replace("</", "<\\/"),
                root=self.root,
                base=self.base,
                xsrf=self.xsrf_token.decode("ascii"),
                js=self.root + "static/" + asset("owner.js")[0],
                css=self.root + "static/" + asset("owner.css")[0],
                **context,
            )
        )

    def write_error(self, status_code: int, **kwargs) -> None:
        lang = self.lang
        if status_code == 403:
            why = t("This page has expired. Go back, reload the page and try again.", lang)
        elif status_code == 404:
            why = t("This page does not exist.", lang)
        else:
            why = sentence("store-error", lang)  # the catalogue's fallback (berdikari.messages)
        self.set_header("Cache-Control", "no-store")
        if self.request.path.startswith(self.root + "api/"):
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"error": str(status_code), "message": why}))
            return
        self.clear_header("Content-Disposition")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(
            render(
                "owner/message.html",
                lang,
                tx=texts(lang),
                root=self.root,
                base=self.base,
                css=self.root + "static/" + asset("owner.css")[0],
                heading=t("Sorry", lang),
                text=why,
            )
        )

    async def me(self):
        """The signed-in owner as ``{identity, umkm}``, or None."""
        identity = self.identity()
        if identity is None or identity.umkm_id is None:
            return None
        try:
            umkm = await blocking(service(self, identity).umkm, identity.umkm_id)
        except Exception:  # noqa: BLE001
            log.exception("Could not read the owner's UMKM")
            return None
        return {"identity": identity, "umkm": umkm, "name": umkm.name}

    async def me_or_sign_in(self):
        """The signed-in owner, or None after sending the browser to the sign-in page."""
        me = await self.me()
        if not me:
            self.redirect(self.root + "masuk", status=303)
        return me


class WelcomeHandler(OwnerHandler):
    async def get(self) -> None:
        if await self.me():
            self.redirect(self.root + "mulai", status=303)
            return
        self.page("owner/welcome.html")


class SignInHandler(OwnerHandler):
    def get(self) -> None:
        self.page("owner/signin.html", code="", remember=True)

    async def post(self) -> None:
        from berdikari.messages import error_text
        from berdikari.store.errors import AuthError

        code = self.get_body_argument("code", "").strip()[:40]
        pin = self.get_body_argument("pin", "").strip()[:40]
        remember = self.get_body_argument("remember", "") == "1"
        lang = self.lang
        try:
            identity = await _sessions().sign_in_owner(self, code, pin, remember)
        except AuthError as exc:
            why = error_text(exc, lang)  # the one catalogue: berdikari.messages
            status = 429 if exc.key in ("locked", "throttled") else 400
            self.page("owner/signin.html", status, code=code, remember=remember, error=why)
            return
        except Exception:  # noqa: BLE001
            log.exception("Owner sign-in failed")
            self.page(
                "owner/signin.html",
                503,
                code=code,
                remember=remember,
                error=t(
                    "Signing in is not available right now. You can start without an account.", lang
                ),
            )
            return
        self.redirect(await self._resume_url(identity), status=303)

    async def _resume_url(self, identity) -> str:
        """Back where the owner was: the section of their latest draft, or the start page."""
        try:
            views = await blocking(service(self, identity).assessments, identity.umkm_id)
        except Exception:  # noqa: BLE001
            return self.root + "mulai"
        drafts = [a for a in views if a.filled_by == "owner" and a.status == "draft" and a.answers]
        known = load_all()
        drafts = [a for a in drafts if a.checklist_id in known]
        if not drafts:
            return self.root + "mulai"
        latest = max(drafts, key=lambda a: a.updated_at)
        c = known[latest.checklist_id]
        last = max(latest.answers.values(), key=lambda a: a.set_at).item_id
        target = "#tugas"
        ids = [s.id for s in c.sections]
        if last in {i.id for i in c.items}:
            start = ids.index(c.section_of(last).id)
            for section in c.sections[start:] + c.sections[:start]:
                if any(i.id not in latest.answers for i in section.items):
                    target = f"#bagian-{section.id.lower()}"
                    break
        return f"{self.root}daftar/{c.id}{target}"


class SignOutHandler(OwnerHandler):
    def post(self) -> None:
        try:
            _sessions().sign_out(self)
        except Exception:  # noqa: BLE001  the cookie is cleared by the auth helper's code
            log.exception("Sign-out failed")
        self.redirect(self.root, status=303)


class StartHandler(OwnerHandler):
    async def get(self) -> None:
        me = await self.me()
        args = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        category = args.get("kategori")
        if category not in routes.CATEGORIES:
            category = None
            if me and me["umkm"].categories and me["umkm"].categories[0] in routes.CATEGORIES:
                category = me["umkm"].categories[0]
        answers = route_answers(args, category) if category else {}
        states = await self._states(me) if me else {}
        self.page(
            "owner/start.html",
            me=me,
            categories=[(k, v.get(self.lang)) for k, v in routes.CATEGORIES.items()],
            category=category,
            questions=[
                (q.id, q.text.get(self.lang), q.help.get(self.lang))
                for q in (routes.questions_for(category) if category else ())
            ],
            route=answers,
            panel=route_panel(category, answers, self.lang, self.root, self.base, states),
        )

    async def _states(self, me) -> dict:
        try:
            views = await blocking(service(self, me["identity"]).assessments, me["umkm"].id)
        except Exception:  # noqa: BLE001
            return {}
        out = {}
        for a in views:
            if a.filled_by == "owner":
                out[a.checklist_id] = a
        return out


def route_panel(category, answers, lang, root, base, states=None) -> dict | None:
    """What the route panel shows: permits, reasons, offices, checklists with their state."""
    rec = recommendation(category, answers)
    if rec is None:
        return None
    query = query_of(category, answers)
    lists = []
    for c in rec.checklists:
        a = (states or {}).get(c.id)
        state, label = "belum", t("Not started", lang)
        if a is not None:
            if a.status == "submitted":
                state, label = "terkirim", t("Sent to your facilitator", lang)
            elif a.status == "verified":
                state, label = "diperiksa", t("Checked by your facilitator", lang)
            elif a.answers:
                done = len(a.answers) >= len(c.items)
                state = "selesai" if done else "sedang"
                label = t("Done", lang) if done else t("In progress", lang)
        lists.append(
            {
                "id": c.id,
                "title": c.title.get(lang),
                "summary": c.summary.get(lang),
                "total": len(c.items),
                "answered": len(a.answers) if a is not None else 0,
                "state": state,
                "label": label,
                "href": f"{root}daftar/{c.id}" + (f"?{query}" if query else ""),
            }
        )
    return {
        "routes": [
            {
                "permit": r.permit.get(lang),
                "issuer": r.issuer.get(lang),
                "regulation": r.regulation,
                "contact": r.contact.get(lang) if getattr(r, "contact", None) else "",
                "tutorial": guide_url(r.tutorial, base) if r.tutorial else None,
            }
            for r in rec.routes
        ],
        "reasons": [x.get(lang) for x in rec.reasons],
        "uncertain": [x.get(lang) for x in rec.uncertain],
        "checklists": lists,
    }


class RouteHandler(OwnerHandler):
    """The route panel alone, for the script to swap in without reloading the page."""

    async def get(self) -> None:
        args = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        category = args.get("kategori")
        if category not in routes.CATEGORIES:
            raise web.HTTPError(404)
        me = await self.me()
        states = await StartHandler._states(self, me) if me else {}
        answers = route_answers(args, category)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(
            render(
                "owner/_route.html",
                self.lang,
                tx=texts(self.lang),
                panel=route_panel(category, answers, self.lang, self.root, self.base, states),
            )
        )


def result_context(checklist, answers, lang, category, route, base) -> dict:
    s = summary(checklist, answers, lang, recommendation(category, route), base)
    return {"s": s, "share": whatsapp_url(share_text(s, lang))}


class ChecklistHandler(OwnerHandler):
    async def get(self, checklist_id: str, preload: dict | None = None) -> None:
        checklist = load_all().get(checklist_id)
        if checklist is None:
            raise web.HTTPError(404)
        me = await self.me()
        args = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        category = args.get("kategori")
        if category not in routes.CATEGORIES or category not in checklist.applies_to.categories:
            category = None
            if me and me["umkm"].categories:
                first = me["umkm"].categories[0]
                category = first if first in checklist.applies_to.categories else None
            category = category or checklist.applies_to.categories[0]
        route = route_answers(args, category)
        context = {
            "me": me,
            "c": checklist,
            "sections": question_rows(checklist, self.lang, self.base),
            "total": len(checklist.items),
            "query": query_of(category, route),
            "query_pairs": [("kategori", category), *route.items()],
            "paper_form": paper_form_url(checklist.id, self.lang, self.base),
            "answers": {},
            "notes": {},
            "assessment": None,
            "status": None,
            "imported": preload is not None,
            "actions": [],
            "marks": {},
        }
        if preload is not None:
            context["answers"], context["notes"] = preload["answers"], preload["notes"]
            context["message"] = t("Your answers were loaded from the file.", self.lang)
        if me:
            try:
                await self._signed_in(me, checklist, context, category, route)
            except Exception as exc:  # noqa: BLE001  said plainly; nothing lost
                from berdikari.messages import error_text

                log.exception("Could not open the owner's assessment")
                context["error"] = t(
                    "Your saved answers could not be loaded. {why}",
                    self.lang,
                    why=error_text(exc, self.lang),
                )
        self.page("owner/checklist.html", **context)

    async def _signed_in(self, me, checklist, context, category, route) -> None:
        svc = service(self, me["identity"])
        umkm = me["umkm"]
        views = await blocking(svc.assessments, umkm.id)
        mine = [a for a in views if a.filled_by == "owner" and a.checklist_id == checklist.id]
        latest = mine[-1] if mine else None
        if latest is None or latest.checklist_version != checklist.version:
            # a new version continues from the old one: what still holds is carried over
            latest = await blocking(svc.start_or_resume_assessment, umkm.id, checklist.id)
        older = [a for a in mine if a.checklist_version != checklist.version]
        if older and latest.checklist_version == checklist.version:
            d = versions.diff(checklist.id, older[-1].checklist_version, checklist.version)
            context["marks"] = {i.id: m for i in checklist.items if (m := d.mark(i.id))}
            if context["marks"]:
                context["message"] = t(
                    "This checklist was updated. Questions marked New or Changed need your "
                    "answer; your other answers were kept.",
                    self.lang,
                )
        actions = await blocking(svc.actions, umkm.id)
        context["actions"] = action_rows(actions, checklist, self.lang)
        context["assessment"] = latest.id
        context["answers"] = {k: a.value for k, a in latest.answers.items()}
        context["notes"] = {k: a.note for k, a in latest.answers.items() if a.note}
        if latest.status == "draft":
            return
        context["status"] = status_context(
            latest, views, checklist, umkm, self.lang, category, route, self.base
        )


def status_context(latest, views, checklist, umkm, lang, category, route, base) -> dict:
    """After *Kirim*: sent on when, waiting for whom, how to reach them; once verified, the
    verified level, each correction with its reason, the facilitator's note."""
    nums = numbers(checklist)
    verified = next((a for a in views if a.verifies_id == latest.id), None)
    out = {
        "sent": long_date(latest.submitted_at, lang),
        "facilitator": umkm.facilitator,
        "phone": phone_links(umkm.facilitator_phone),
        "verified": None,
        "rows": [
            {
                "number": nums[i.id],
                "question": i.question.get(lang),
                "answer": answer_label(
                    latest.answers[i.id].value if i.id in latest.answers else None, lang
                ),
                "note": latest.answers[i.id].note if i.id in latest.answers else "",
            }
            for i in checklist.items
        ],
        "pdf": latest.id,
    }
    answers = {k: a.value for k, a in latest.answers.items()}
    if verified is not None and checklist.version == verified.checklist_version:
        vanswers = {k: a.value for k, a in verified.answers.items()}
        out["verified"] = {
            "by": verified.verified_by or umkm.facilitator or "",
            "on": long_date(verified.verified_at, lang),
            "note": verified.note or "",
            "corrections": corrections(checklist, latest.answers, verified.answers, lang),
            **result_context(checklist, _fit(checklist, vanswers), lang, category, route, base),
        }
        out["pdf"] = verified.id
    else:
        out.update(result_context(checklist, _fit(checklist, answers), lang, category, route, base))
    return out


def _fit(checklist: Checklist, answers: dict[str, str]) -> dict[str, str]:
    """Stored answers as scoring accepts them today (an answer the rules no longer allow is
    left out, so the result shows it as unanswered rather than failing)."""
    try:
        scoring.validate_answers(checklist, answers)
        return answers
    except scoring.AnswerError as exc:
        return {k: v for k, v in answers.items() if k not in set(exc.item_ids)}


class ResultFormHandler(OwnerHandler):
    """Without JavaScript the checklist page is one form: this scores it (and saves it when the
    owner is signed in) and shows the result."""

    async def post(self, checklist_id: str) -> None:
        checklist = load_all().get(checklist_id)
        if checklist is None:
            raise web.HTTPError(404)
        raw = {}
        for item in checklist.items:
            value = self.get_body_argument("a-" + item.id.lower(), None)
            if value:
                raw[item.id] = {"v": value, "n": self.get_body_argument("n-" + item.id.lower(), "")}
        answers, notes, _refused = checked_answers(checklist, raw)
        me = await self.me()
        error = ""
        if me:
            aid = self.get_body_argument("assessment", "")
            try:
                await blocking(
                    service(self, me["identity"]).save_answers,
                    int(aid),
                    {k: (v, notes.get(k)) for k, v in answers.items()},
                )
            except Exception as exc:  # noqa: BLE001
                from berdikari.messages import error_text

                error = t("Not saved. {why}", self.lang, why=error_text(exc, self.lang))
        category = self.get_body_argument("kategori", None)
        if category not in checklist.applies_to.categories:
            category = checklist.applies_to.categories[0]
        route = route_answers(
            {k: v[-1].decode() for k, v in self.request.body_arguments.items()}, category
        )
        self.page(
            "owner/result_page.html",
            me=me,
            c=checklist,
            error=error,
            paper_form=paper_form_url(checklist.id, self.lang, self.base),
            **result_context(checklist, answers, self.lang, category, route, self.base),
        )


class UploadHandler(OwnerHandler):
    async def post(self) -> None:
        files = self.request.files.get("berkas") or []
        try:
            if not files:
                raise AnswersFileError(t("Choose a file first.", self.lang))
            checklist, answers, notes = read_answers_file(files[0]["body"], self.lang)
        except AnswersFileError as exc:
            self.page("owner/welcome.html", 400, error=str(exc))
            return
        await ChecklistHandler.get(self, checklist.id, {"answers": answers, "notes": notes})


class JsonHandler(OwnerHandler):
    def body(self) -> dict:
        if len(self.request.body) > 256 * 1024:
            raise web.HTTPError(413)
        try:
            data = json.loads(self.request.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise web.HTTPError(400) from None
        if not isinstance(data, dict):
            raise web.HTTPError(400)
        return data

    def reply(self, status: int, **data) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data, ensure_ascii=False))


class SaveHandler(JsonHandler):
    """``{"assessment": id, "answers": {item: {"v": value, "n": note}}}`` → saved after the
    commit: ``{"saved": {item: value}, "refused": {item: reason}}``."""

    async def post(self) -> None:
        from berdikari.messages import error_text
        from berdikari.store.errors import AccessDenied, Conflict, InvalidInput, NotFound

        lang = self.lang
        identity = self.identity()
        if identity is None or identity.umkm_id is None:
            self.reply(401, error="signed-out")
            return
        data = self.body()
        try:
            aid = int(data.get("assessment"))
        except (TypeError, ValueError):
            raise web.HTTPError(400) from None
        svc = service(self, identity)
        try:
            view = await blocking(svc.assessment, aid)
        except (AccessDenied, NotFound):
            self.reply(403, error="not-yours")
            return
        checklist = load_all().get(view.checklist_id)
        if checklist is None:
            raise web.HTTPError(400)
        answers, notes, refused = checked_answers(checklist, data.get("answers"))
        reasons = {k: refusal_text(v, lang) for k, v in refused.items()}
        if answers:
            try:
                await blocking(
                    svc.save_answers, aid, {k: (v, notes.get(k)) for k, v in answers.items()}
                )
            except InvalidInput as exc:
                if exc.key in ("not-a-draft", "checklist-changed"):
                    self.reply(409, error=exc.key, message=error_text(exc, lang))
                    return
                self.reply(400, error=exc.key, message=error_text(exc, lang))
                return
            except Conflict:
                self.reply(503, error="conflict")
                return
        self.reply(200, saved=answers, refused=reasons)


class ScoreHandler(JsonHandler):
    """``{"checklist": id, "answers": {...}, "query": "kategori=..."}`` → the result as HTML.
    Stores nothing."""

    def post(self) -> None:
        from urllib.parse import parse_qsl

        data = self.body()
        checklist = load_all().get(data.get("checklist"))
        if checklist is None:
            raise web.HTTPError(400)
        answers, _notes, _refused = checked_answers(checklist, data.get("answers"))
        args = dict(parse_qsl(str(data.get("query") or "")[:500]))
        category = args.get("kategori")
        if category not in checklist.applies_to.categories:
            category = checklist.applies_to.categories[0]
        assessment = data.get("assessment")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(
            render(
                "owner/_result_view.html",
                self.lang,
                tx=texts(self.lang),
                c=checklist,
                root=self.root,
                xsrf=self.xsrf_token.decode("ascii"),
                signed=bool(data.get("signed")),
                assessment=assessment if isinstance(assessment, int) else None,
                pdf_id=None,
                paper_form=paper_form_url(checklist.id, self.lang, self.base),
                **result_context(
                    checklist,
                    answers,
                    self.lang,
                    category,
                    route_answers(args, category),
                    self.base,
                ),
            )
        )


class SubmitHandler(OwnerHandler):
    async def post(self) -> None:
        from berdikari.messages import error_text

        me = await self.me_or_sign_in()
        if not me:
            return
        try:
            aid = int(self.get_body_argument("assessment", ""))
            view = await blocking(service(self, me["identity"]).submit_assessment, aid)
        except Exception as exc:  # noqa: BLE001  said plainly; the answers stay
            if isinstance(exc, ValueError):
                raise web.HTTPError(400) from None
            self.page(
                "owner/message.html",
                400,
                me=me,
                heading=t("Not sent yet", self.lang),
                text=error_text(exc, self.lang),
            )
            return
        self.redirect(f"{self.root}daftar/{view.checklist_id}#status", status=303)


class NewRoundHandler(OwnerHandler):
    async def post(self) -> None:
        me = await self.me_or_sign_in()
        if not me:
            return
        checklist_id = self.get_body_argument("checklist", "")
        if checklist_id not in load_all():
            raise web.HTTPError(400)
        await blocking(
            service(self, me["identity"]).start_or_resume_assessment, me["umkm"].id, checklist_id
        )
        self.redirect(f"{self.root}daftar/{checklist_id}#tugas", status=303)


class PdfHandler(OwnerHandler):
    """The result as PDF: a signed-in owner's stored assessment (GET), or posted answers of an
    owner without an account (POST; stored nowhere)."""

    async def get(self, assessment_id: str | None = None) -> None:
        me = await self.me()
        if assessment_id is None:
            raise web.HTTPError(404)
        if not me:
            raise web.HTTPError(403)
        svc = service(self, me["identity"])
        try:
            view = await blocking(svc.assessment, int(assessment_id))
            views = await blocking(svc.assessments, me["umkm"].id)
            actions = await blocking(svc.actions, me["umkm"].id)
        except Exception:  # noqa: BLE001
            raise web.HTTPError(404) from None
        checklist = load_all().get(view.checklist_id)
        if checklist is None or checklist.version != view.checklist_version:
            raise web.HTTPError(404)
        umkm = me["umkm"]
        lang = self.lang
        header = Header(
            umkm=f"{umkm.name} — {umkm.owner_name}",
            when=long_date(view.updated_at, lang),
            facilitator=umkm.facilitator or "",
            facilitator_phone=umkm.facilitator_phone or "",
            actions=[
                (f"{a['about']}: " if a["about"] else "") + a["title"]
                for a in action_rows(actions, checklist, lang)
            ],
        )
        if view.filled_by == "facilitator" and view.verifies_id:
            original = next((a for a in views if a.id == view.verifies_id), None)
            header.verified_by = view.verified_by or ""
            header.status = t(
                "Checked by your facilitator on {date}.",
                lang,
                date=long_date(view.verified_at, lang),
            )
            if original is not None:
                header.corrections = corrections(checklist, original.answers, view.answers, lang)
        elif view.status == "submitted":
            header.status = t(
                "Sent to your facilitator on {date}.", lang, date=long_date(view.submitted_at, lang)
            )
        answers = _fit(checklist, {k: a.value for k, a in view.answers.items()})
        category = umkm.categories[0] if umkm.categories else None
        if category not in checklist.applies_to.categories:
            category = checklist.applies_to.categories[0]
        s = summary(checklist, answers, lang, recommendation(category, {}), self.base)
        self._send(summary_pdf(s, header, lang), checklist)

    def post(self) -> None:
        checklist = load_all().get(self.get_body_argument("checklist", ""))
        if checklist is None:
            raise web.HTTPError(400)
        try:
            raw = json.loads(self.get_body_argument("answers", "{}")[:100_000])
        except (json.JSONDecodeError, RecursionError):
            raise web.HTTPError(400) from None
        answers, _notes, _refused = checked_answers(checklist, raw)
        from urllib.parse import parse_qsl

        args = dict(parse_qsl(self.get_body_argument("query", "")[:500]))
        category = args.get("kategori")
        if category not in checklist.applies_to.categories:
            category = checklist.applies_to.categories[0]
        s = summary(
            checklist,
            answers,
            self.lang,
            recommendation(category, route_answers(args, category)),
            self.base,
        )
        self._send(
            summary_pdf(s, Header(when=long_date(date.today(), self.lang)), self.lang), checklist
        )

    def _send(self, pdf: bytes, checklist: Checklist) -> None:
        self.set_header("Content-Type", "application/pdf")
        self.set_header(
            "Content-Disposition",
            f'attachment; filename="berdikari-hasil-{checklist.id}-{date.today().isoformat()}.pdf"',
        )
        self.finish(pdf)


class AssetHandler(web.RequestHandler):
    """``owner.<hash>.js|css``: the name changes with the content, so phones keep it a year."""

    def get(self, name: str) -> None:
        for plain in ASSETS:
            hashed, content = asset(plain)
            if name == hashed:
                kind = "application/javascript" if plain.endswith(".js") else "text/css"
                self.set_header("Content-Type", f"{kind}; charset=UTF-8")
                self.set_header("Cache-Control", "public, max-age=31536000, immutable")
                self.set_header("X-Content-Type-Options", "nosniff")
                self.finish(content)
                return
        raise web.HTTPError(404)


class OldAppHandler(web.RequestHandler):
    """The Voila owner app's address now leads to the web app."""

    def initialize(self, base: str) -> None:
        self.base = base

    def get(self) -> None:
        self.redirect(self.base + "penilaian/", permanent=True)


def handlers(base: str) -> list[tuple]:
    root = f"{base}penilaian/"
    opt = {"base": base}
    return [
        (f"{base}{OLD_APP}", OldAppHandler, opt),
        (root, WelcomeHandler, opt),
        (f"{root}masuk", SignInHandler, opt),
        (f"{root}keluar", SignOutHandler, opt),
        (f"{root}mulai", StartHandler, opt),
        (f"{root}rute", RouteHandler, opt),
        (f"{root}daftar/([a-z0-9-]+)", ChecklistHandler, opt),
        (f"{root}daftar/([a-z0-9-]+)/hasil", ResultFormHandler, opt),
        (f"{root}berkas", UploadHandler, opt),
        (f"{root}api/jawab", SaveHandler, opt),
        (f"{root}api/nilai", ScoreHandler, opt),
        (f"{root}kirim", SubmitHandler, opt),
        (f"{root}baru", NewRoundHandler, opt),
        (f"{root}pdf/([0-9]+)", PdfHandler, opt),
        (f"{root}pdf", PdfHandler, opt),
        (f"{root}static/([a-z]+\\.[0-9a-f]+\\.(?:js|css))", AssetHandler),
    ]
