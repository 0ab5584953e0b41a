"""The Etalase's owner and staff pages (light pages, no kernel, no script):

- ``GET/POST /penilaian/etalase``: the signed-in owner agrees to show a product and chooses what
  is shown (description, speciality, photo, WhatsApp, phone, which recorded permits), or stops
  showing it;
- ``GET /etalase-kelola/``: staff curation (a facilitator sees the UMKM assigned to them, the
  manager every page): pages and their state, the promotion figures, the hand-over events;
- ``POST /etalase-kelola/aksi``: approve or take down (manager), record a permit number
  (facilitator), record a hand-over event and its recipients (manager);
- ``GET /etalase-kelola/acara/<id>/mc.pdf`` and ``.../sertifikat.pdf``: the master of
  ceremonies' list and the certificates (:mod:`berdikari.handover_pdf`).

Every read and write goes through :class:`berdikari.store.service.Service` with the identity of
the session cookie; every POST checks the XSRF token; errors are one plain sentence
(:func:`berdikari.messages.error_text`), never a traceback. Text is autoescaped by Jinja2. This
module must never start a kernel, show a raw key or id as words, or trust a posted value it has
not checked through the service.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlencode

from markupsafe import Markup
from tornado import web

from berdikari import vocab
from berdikari.i18n import LANGS, t
from berdikari.messages import error_text, sentence
from berdikari.store.errors import StoreError
from berdikari.web.render import render
from berdikari.web.staff_signin import _style, set_page_headers, signin_url

log = logging.getLogger("berdikari.web.etalase_admin")

OWNER_PATH = "penilaian/etalase"
STAFF_PATH = "etalase-kelola/"
FORM_MAX = 400
"""Longer text fields are cut before they reach the store (which refuses them anyway)."""


def texts(lang: str) -> dict[str, str]:
    """Every sentence of these pages, translated (msgids here, not in the templates)."""
    return {
        "owner_title": t("Your products on the Etalase", lang),
        "owner_intro": t(
            "The Etalase is the programme's public showcase. Choose what buyers may see. "
            "The programme manager checks the page before it is shown.",
            lang,
        ),
        "staff_title": t("Etalase curation", lang),
        "description": t("Description", lang),
        "speciality": t("Local speciality", lang),
        "none": t("None", lang),
        "photo": t("Photo", lang),
        "show_photo": t("Show the photo", lang),
        "show_whatsapp": t("Show the WhatsApp number for orders", lang),
        "show_phone": t("Show the phone number for orders", lang),
        "order_whatsapp": t("WhatsApp number for orders", lang),
        "order_phone": t("Phone number for orders", lang),
        "permits": t("Permits to show", lang),
        "no_permits": t(
            "No permit number has been recorded yet. Your facilitator records it.", lang
        ),
        "agree": t("I agree: show this product", lang),
        "revoke": t("Stop showing this product", lang),
        "state": t("Status", lang),
        "not_shown": t("Not on the Etalase", lang),
        "public": t("Shown on the Etalase", lang),
        "approve": t("Approve", lang),
        "take_down": t("Take down", lang),
        "reason": t("Reason", lang),
        "open_page": t("Open the public page", lang),
        "record_permit": t("Record a permit number", lang),
        "consent_for_owner": t("The owner agrees here, with you", lang),
        "owner_present": t("The owner is with me and agrees", lang),
        "agree_for_owner": t("Save the owner's agreement", lang),
        "kind": t("Kind", lang),
        "number": t("Number (permit, certificate)", lang),
        "date": t("Date", lang),
        "product": t("Product", lang),
        "save": t("Save", lang),
        "figures": t("Promotion figures", lang),
        "shown": t("Products shown", lang),
        "with_permit": t("Products shown with a permit number", lang),
        "waiting": t("Pages waiting for approval", lang),
        "regency": t("Regency or city", lang),
        "events": t("Hand-over events", lang),
        "new_event": t("Record a hand-over event", lang),
        "event_title": t("Name of the event", lang),
        "held_on": t("Date of the event", lang),
        "place": t("Place", lang),
        "add_recipient": t("Add a recipient", lang),
        "umkm": "UMKM",
        "award_label": t("Award", lang),
        "permit_number": t("Permit number", lang),
        "mc_list": t("List for the master of ceremonies (PDF)", lang),
        "certificates": t("Certificates and awards (PDF)", lang),
        "back": t("Back to the self-assessment", lang),
        "saved": t("Saved.", lang),
        "owner_link": t("Etalase: show your products", lang),
    }


def _lang(handler) -> str:
    lang = handler.get_argument("lang", "id")
    return lang if lang in LANGS else "id"


async def blocking(fn, *args, **kwargs):
    return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(*args, **kwargs))


def _service(handler, identity):
    from berdikari.store.service import Service
    from berdikari.web import sessions

    return Service(sessions.store_for(handler), identity)


class Page(web.RequestHandler):
    def initialize(self, base: str) -> None:
        self.base = base

    def set_default_headers(self) -> None:
        set_page_headers(self)

    def prepare(self) -> None:
        self.lang = _lang(self)
        if self.request.method == "POST":
            self.check_xsrf_cookie()

    def show(self, template: str, status: int = 200, **context) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        context.setdefault("error", "")
        context.setdefault("notice", "")
        self.finish(
            render(
                template,
                self.lang,
                tx=texts(self.lang),
                css=Markup(_style()[0]),
                base=self.base,
                xsrf=self.xsrf_token.decode("ascii"),
                vocab=vocab,
                **context,
            )
        )

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.clear_header("Content-Disposition")
        why = (
            t("This page has expired. Go back, reload the page and try again.", self.lang)
            if status_code == 403
            else sentence("store-error", self.lang)
        )
        self.finish(
            render(
                "etalase_admin/message.html",
                getattr(self, "lang", "id"),
                tx=texts(getattr(self, "lang", "id")),
                css=Markup(_style()[0]),
                text=why,
                error="",
                notice="",
            )
        )


# --- the owner's page ----------------------------------------------------------------------------


class OwnerPage(Page):
    def _me(self):
        from berdikari.web import sessions

        try:
            identity = sessions.owner_identity(self)
        except Exception:  # noqa: BLE001  fail closed: the sign-in page
            log.exception("Could not read the owner's session")
            identity = None
        if identity is None or identity.umkm_id is None:
            self.redirect(f"{self.base}penilaian/masuk", status=303)
            return None
        return identity

    async def get(self, error: str = "", notice: str = "", status: int = 200) -> None:
        me = self._me()
        if me is None:
            return
        svc = _service(self, me)
        listings = await blocking(svc.showcase_of, me.umkm_id)
        terms = await blocking(svc.showcase_terms, "speciality")
        self.show(
            "etalase_admin/owner.html",
            status,
            listings=listings,
            terms=terms,
            action=self.base + OWNER_PATH,
            home=f"{self.base}penilaian/",
            public_url=f"{self.base}etalase/produk/",
            error=error,
            notice=notice,
        )

    async def post(self) -> None:
        me = self._me()
        if me is None:
            return
        svc = _service(self, me)
        arg = self.get_body_argument
        try:
            product_id = int(arg("product_id", "0") or 0)
            if arg("do", "") == "revoke":
                await blocking(svc.revoke_showcase_consent, me.umkm_id, product_id)
            else:
                files = self.request.files.get("photo") or []
                photo = files[0]["body"] if files and files[0]["body"] else None
                await blocking(
                    svc.set_showcase_choices,
                    me.umkm_id,
                    product_id,
                    photo=photo,
                    description=arg("description", ""),
                    speciality=arg("speciality", "") or None,
                    show_photo=arg("show_photo", "") == "1",
                    show_whatsapp=arg("show_whatsapp", "") == "1",
                    show_phone=arg("show_phone", "") == "1",
                    show_permits=self.get_body_arguments("show_permits")[:10],
                    order_whatsapp=arg("order_whatsapp", "")[:FORM_MAX] or None,
                    order_phone=arg("order_phone", "")[:FORM_MAX] or None,
                )
        except StoreError as e:
            await self.get(error=error_text(e, self.lang), status=400)
            return
        except ValueError:
            raise web.HTTPError(400) from None
        await self.get(notice=texts(self.lang)["saved"])


# --- the staff pages -----------------------------------------------------------------------------


class StaffPage(Page):
    def _me(self):
        from berdikari.web import sessions

        try:
            identity = sessions.staff_identity(self)
        except Exception:  # noqa: BLE001
            log.exception("Could not read a staff session")
            identity = None
        if identity is None:
            self.redirect(signin_url(self.base), status=303)
        return identity

    async def get(self, error: str = "", notice: str = "", status: int = 200) -> None:
        me = self._me()
        if me is None:
            return
        svc = _service(self, me)
        manager = me.role in ("manager", "system")
        queue = await blocking(svc.showcase_queue)
        figures = await blocking(svc.showcase_figures)
        events = await blocking(svc.handover_events) if manager else []
        candidates = await blocking(svc.handover_candidates) if manager else []
        awards = await blocking(svc.showcase_terms, "award") if manager else []
        caseload = [] if manager else await blocking(svc.my_umkm)
        products = []
        for row in caseload:
            products.extend(await blocking(svc.showcase_of, row.umkm_id))
        umkm_choices = sorted({(c["umkm_id"], c["umkm_name"]) for c in candidates})
        if manager:
            umkm_choices = sorted({(x.umkm_id, x.umkm_name) for x in queue} | set(umkm_choices))
        self.show(
            "etalase_admin/staff.html",
            status,
            me=me,
            manager=manager,
            queue=queue,
            figures=figures,
            events=events,
            candidates=candidates,
            awards=awards,
            products=products,
            umkm_choices=umkm_choices,
            permit_kinds=vocab.SHOWABLE_PERMITS,
            action=self.base + STAFF_PATH + "aksi",
            root=self.base + STAFF_PATH,
            public_url=f"{self.base}etalase/produk/",
            error=error,
            notice=notice,
        )


class StaffAction(StaffPage):
    async def post(self) -> None:
        me = self._me()
        if me is None:
            return
        svc = _service(self, me)
        arg = self.get_body_argument
        do = arg("do", "")
        try:
            if do == "approve":
                await blocking(svc.approve_listing, int(arg("listing_id")))
            elif do == "take-down":
                await blocking(
                    svc.take_down_listing, int(arg("listing_id")), arg("reason", "")[:FORM_MAX]
                )
            elif do == "permit":
                umkm_id, product_id = (int(x) for x in arg("product", "0:0").split(":", 1))
                await blocking(
                    svc.add_milestone,
                    umkm_id,
                    arg("kind", ""),
                    arg("achieved_on", ""),
                    arg("number", "")[:FORM_MAX],
                    product_id,
                )
            elif do == "consent":
                umkm_id, product_id = (int(x) for x in arg("product", "0:0").split(":", 1))
                await blocking(
                    svc.set_showcase_choices,
                    umkm_id,
                    product_id,
                    owner_present=arg("owner_present", "") == "1",
                    description=arg("description", ""),
                    show_permits=self.get_body_arguments("show_permits")[:10],
                )
            elif do == "event":
                await blocking(
                    svc.record_handover_event,
                    arg("title", "")[:FORM_MAX],
                    arg("held_on", ""),
                    arg("place", "")[:FORM_MAX],
                )
            elif do == "entry":
                entry = {"umkm_id": int(arg("umkm_id", "0")), "kind": arg("kind", "")}
                if entry["kind"] == vocab.HandoverKind.PERMIT:
                    entry["umkm_id"], entry["milestone_id"] = (
                        int(x) for x in arg("milestone", "0:0").split(":", 1)
                    )
                if entry["kind"] == vocab.HandoverKind.AWARD:
                    entry["award"] = arg("award", "")[:40]
                await blocking(svc.add_handover_entries, int(arg("event_id")), [entry])
            else:
                raise web.HTTPError(400)
        except StoreError as e:
            await self.get(error=error_text(e, self.lang), status=400)
            return
        except (ValueError, web.MissingArgumentError):
            raise web.HTTPError(400) from None
        self.redirect(
            self.base + STAFF_PATH + ("?" + urlencode({"lang": "en"}) if self.lang == "en" else ""),
            status=303,
        )


class HandoverPdf(StaffPage):
    async def get(self, event_id: str, which: str) -> None:
        me = self._me()
        if me is None:
            return
        from berdikari import handover_pdf

        try:
            event = await blocking(_service(self, me).handover_event, int(event_id))
        except StoreError as e:
            await StaffPage.get(self, error=error_text(e, self.lang), status=403)
            return
        make = handover_pdf.mc_list_pdf if which == "mc" else handover_pdf.certificates_pdf
        body = await blocking(make, event, self.lang)
        self.set_header("Content-Type", "application/pdf")
        name = "daftar-mc" if which == "mc" else "sertifikat"
        self.set_header("Content-Disposition", f'inline; filename="{name}-{event.id}.pdf"')
        self.finish(body)


def handlers(base: str) -> list[tuple]:
    opt = {"base": base}
    root = base + STAFF_PATH
    return [
        (base + OWNER_PATH, OwnerPage, opt),
        (root, StaffPage, opt),
        (root + "aksi", StaffAction, opt),
        (root + r"acara/([0-9]{1,9})/(mc|sertifikat)\.pdf", HandoverPdf, opt),
    ]
