"""The Etalase (public showcase of the programme's permitted products) as light pages at ``/etalase/``.

Anyone may read these pages; nobody signs in. Every route answers GET only:

- ``/etalase/``                        the list: browse by regency (``kabupaten``), product type
  (``jenis``), local speciality (``khas``), search (``q``), pages (``hal``); the products by regency
- ``/etalase/produk/<slug>``           one product: photo, type, regency, speciality, permit and
  certificate numbers with how to check each, awards, how to order, its QR code
- ``/etalase/produk/<slug>/label``     a printable shelf card with the QR code
- ``/etalase/qr/<slug>.svg|png``       the QR code that opens the product's page
- ``/etalase/foto/<slug>/<token>-<w>.webp|jpg``  the product's photo, resized (:mod:`.etalase_media`)
- ``/etalase/selebaran.pdf[?kabupaten=CODE]``  a one-page leaflet for exhibitions (:mod:`.etalase_print`)
- ``/etalase/static/etalase.<hash>.css``       the style, cached for a year

``?lang=en`` gives English; Indonesian is the default. What a page may show comes only from
:class:`berdikari.store.showcase.PublicShowcase`, which returns approved products whose owner
agreed, and only the fields of :class:`berdikari.showcase.PublicProduct`; a product taken down or
whose consent was revoked answers 404 at the next request (pages are ``no-cache`` with an ETag,
so a browser asks again each time and gets a cheap 304 when nothing changed). A photo is served
only through its product's slug, so it disappears with the page. Each client may make
:class:`berdikari.web.limits.RequestLimiter`'s number of requests; a PDF costs more. Nothing is
kept between requests but resized photos in memory, so two instances behind one proxy and a
restart show the same pages.

This module must never query the database itself, never show anything about a UMKM that is not
in a ``PublicProduct``, never start a kernel, and never echo a request's text unescaped.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

from tornado import web

from berdikari import vocab
from berdikari.config import settings
from berdikari.i18n import LANGS, t
from berdikari.showcase import PER_PAGE_MAX, QUERY_MAX, PublicProduct
from berdikari.web import etalase_media
from berdikari.web.limits import client_address, limit_key, request_limiter
from berdikari.web.render import render

log = logging.getLogger("berdikari.web.etalase")

ROOT = "etalase/"
SHOWCASE_SETTING = "berdikari_showcase"
"""A tornado application setting holding the public showcase to read (tests set it); without it,
:class:`berdikari.store.showcase.PublicShowcase` on the pages' store."""
STATIC = Path(__file__).parent / "static"
PER_PAGE = 24
SLUG = r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?"
PDF_COST = 10.0
"""A leaflet takes this many requests of a client's allowance (it costs the server more)."""
BPOM_CHECK = "https://cekbpom.pom.go.id/"
HALAL_CHECK = "https://halal.go.id/"
BPOM_KINDS = (vocab.MilestoneKind.BPOM_MD, vocab.MilestoneKind.BPOM_TR, vocab.MilestoneKind.BPOM_NA)


@cache
def asset() -> tuple[str, bytes]:
    """``(hashed name, content)`` of the style: ``etalase.1a2b3c4d5e.css``."""
    content = (STATIC / "etalase.css").read_bytes()
    return f"etalase.{hashlib.sha256(content).hexdigest()[:10]}.css", content


def texts(lang: str) -> dict[str, str]:
    """Every sentence the pages may show, translated (the templates hold no words of their own)."""
    return {
        "title": t("Showcase of UMKM products", lang),
        "intro": t(
            "Products of Central Kalimantan's small businesses that hold a permit. "
            "Each owner agreed to show their product here.",
            lang,
        ),
        "search": t("Search", lang),
        "search_label": t("Product or business name", lang),
        "regency": t("Regency or city", lang),
        "category": t("Product type", lang),
        "speciality": t("Local speciality", lang),
        "all": t("All", lang),
        "clear": t("Show all products", lang),
        "none_found": t("No product fits this choice. Choose less, or show all products.", lang),
        "by_regency": t("Products by regency or city", lang),
        "page_of": t("Page {page} of {pages}", lang),
        "next": t("Next page", lang),
        "previous": t("Previous page", lang),
        "found": t("{n} products", lang),
        "leaflet": t("Leaflet of these products (PDF)", lang),
        "leaflet_all": t("Leaflet of all products (PDF)", lang),
        "made_by": t("Made by", lang),
        "permits": t("Permits and certificates", lang),
        "no_permit_shown": t("The owner has not chosen to show a permit number here.", lang),
        "halal": t("Halal certificate", lang),
        "awards": t("Awards", lang),
        "order": t("How to order", lang),
        "whatsapp": t("Message on WhatsApp", lang),
        "no_order": t("The owner has not shared a way to order here.", lang),
        "qr": t("QR code of this page", lang),
        "qr_help": t("Scan it with a phone camera to open this page.", lang),
        "label": t("Print a shelf card", lang),
        "label_help": t(
            "Use your browser's Print menu. The card fits on a quarter of an A4 page.", lang
        ),
        "back": t("Back to the showcase", lang),
        "updated": t("Last changed: {date}", lang),
        "guides": t("Berdikari guides", lang),
        "about": t(
            "These products come from UMKM mentored by the programme "
            "'one UMKM, one facilitator' of the Balai Besar POM in Palangka Raya.",
            lang,
        ),
        "photo_of": t("Photo of {name}", lang),
        "scan": t("Scan to see this product's permits", lang),
        "switch": "English" if lang == "id" else "Bahasa Indonesia",
        "switch_lang": "en" if lang == "id" else "id",
        "sorry": t("Sorry", lang),
        "skip": t("Skip to the content", lang),
    }


def check_how(kind: str, regency: str, lang: str) -> dict:
    """How a buyer checks a number of ``kind``: a sentence and, where there is one, the public
    place to look it up."""
    if kind == vocab.MilestoneKind.P_IRT:
        return {
            "text": t(
                "A P-IRT number is issued by the regent or mayor. To check it, ask the "
                "health office (Dinas Kesehatan) of {regency}.",
                lang,
                regency=regency,
            ),
            "link": None,
        }
    if kind in BPOM_KINDS:
        return {
            "text": t("Check this number on BPOM's public site:", lang),
            "link": {"href": BPOM_CHECK, "text": "cekbpom.pom.go.id"},
        }
    if kind == vocab.MilestoneKind.HALAL:
        return {
            "text": t("Check this certificate on the site of BPJPH, the halal agency:", lang),
            "link": {"href": HALAL_CHECK, "text": "halal.go.id"},
        }
    return {"text": "", "link": None}


def long_date(when, lang: str) -> str:
    from berdikari.owner_report import long_date as _long

    return _long(when.date() if hasattr(when, "date") else when, lang)


# --- addresses ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """The addresses a page links to: on the server (``/etalase/...``, with ``?lang=en``), or in
    the offline build (relative files, Indonesian only)."""

    root: str
    """``/etalase/`` on the server; the relative path to the offline ``etalase/`` folder."""
    guides: str
    lang: str = "id"
    offline: bool = False

    def _q(self, **query) -> str:
        query = {k: v for k, v in query.items() if v not in (None, "", 1)}
        if self.lang != "id" and not self.offline:
            query["lang"] = self.lang
        return "?" + urlencode(query) if query else ""

    def home(self, **query) -> str:
        if self.offline:
            return self.root + "index.html"
        return self.root + self._q(**query)

    def product(self, slug: str) -> str:
        if self.offline:
            return f"{self.root}produk/{slug}.html"
        return f"{self.root}produk/{quote(slug)}{self._q()}"

    def label(self, slug: str) -> str:
        return f"{self.root}produk/{quote(slug)}/label{self._q()}"

    def qr(self, slug: str, ext: str = "svg") -> str:
        if self.offline:
            return f"{self.root}qr/{slug}.{ext}"
        return f"{self.root}qr/{quote(slug)}.{ext}"

    def photo(self, p: PublicProduct, width: int, fmt: str) -> str:
        if self.offline:
            return f"{self.root}foto/{p.slug}-{width}.{fmt}"
        return f"{self.root}foto/{quote(p.slug)}/{photo_token(p)}-{width}.{fmt}"

    def leaflet(self, regency_code: str | None = None) -> str:
        return self.root + "selebaran.pdf" + self._q(kabupaten=regency_code)

    def css(self) -> str:
        return self.root + ("etalase.css" if self.offline else "static/" + asset()[0])

    def switch(self) -> str:
        return "?lang=" + ("en" if self.lang == "id" else "id")


def photo_token(p: PublicProduct) -> str:
    """A photo's part of its address: changes when the photo does (so caches fetch the new one)
    without showing the store's row number."""
    return hashlib.sha256(f"{p.slug}/{p.photo_id}".encode()).hexdigest()[:12]


def page_url(base_url: str, slug: str) -> str:
    """The absolute address a QR code carries: ``BERDIKARI_SITE_URL`` (or the visitor's) +
    ``etalase/produk/<slug>``."""
    root = base_url if base_url.endswith("/") else base_url + "/"
    return f"{root}{ROOT}produk/{quote(slug)}"


# --- what pages show ----------------------------------------------------------------------------


def product_view(p: PublicProduct, lang: str, links: Links) -> dict:
    """A product as the templates render it: words, never stored keys or ids."""
    name = p.product_name
    photo = None
    if p.photo_id is not None:
        photo = {
            "src": links.photo(p, etalase_media.WIDTHS[0], "jpg"),
            "webp": ", ".join(f"{links.photo(p, w, 'webp')} {w}w" for w in etalase_media.WIDTHS),
            "jpg": ", ".join(f"{links.photo(p, w, 'jpg')} {w}w" for w in etalase_media.WIDTHS),
            "alt": t("Photo of {name}", lang, name=name),
        }
        if links.offline:
            photo["webp"] = ""
            photo["jpg"] = ""
    permits = [
        {"label": x.label(lang), "number": x.number, "how": check_how(x.kind, p.regency, lang)}
        for x in p.permits
    ]
    if p.halal_number:
        permits.append(
            {
                "label": vocab.MilestoneKind.HALAL.label(lang),
                "number": p.halal_number,
                "how": check_how(vocab.MilestoneKind.HALAL, p.regency, lang),
            }
        )
    order = []
    if p.order_whatsapp:
        digits = "".join(ch for ch in p.order_whatsapp if ch.isdigit())
        if digits:
            order.append(
                {"href": "https://wa.me/" + digits, "text": t("Message on WhatsApp", lang)}
            )
    if p.order_phone:
        dial = "".join(ch for ch in p.order_phone if ch.isdigit() or ch == "+")
        if dial:
            order.append(
                {"href": "tel:" + dial, "text": t("Call {phone}", lang, phone=p.order_phone)}
            )
    return {
        "slug": p.slug,
        "url": links.product(p.slug),
        "name": name,
        "description": p.description,
        "category": p.category_label(lang),
        "regency": p.regency,
        "regency_url": links.home(kabupaten=p.regency_code),
        "speciality": p.speciality_label(lang),
        "speciality_url": links.home(khas=p.speciality.key) if p.speciality else "",
        "permits": permits,
        "awards": [
            {"text": t("{award} ({year})", lang, award=a.label(lang), year=a.year)}
            for a in p.awards
        ],
        "order": order,
        "umkm": p.umkm_name,
        "photo": photo,
        "updated": long_date(p.updated_at, lang),
        "qr": links.qr(p.slug),
        "label": links.label(p.slug),
    }


@dataclass(frozen=True)
class Filters:
    """The list's choices from the query, each checked (unknown values are dropped)."""

    regency: str | None = None
    category: str | None = None
    speciality: str | None = None
    query: str | None = None
    page: int = 1

    @classmethod
    def of(cls, get) -> Filters:
        def one(name: str, pattern_max: int = 80) -> str | None:
            value = (get(name, "") or "").strip()[:pattern_max]
            return value or None

        category = one("jenis")
        if category not in vocab.ProductCategory.values():
            category = None
        try:
            page = max(1, min(10_000, int(get("hal", "1") or "1")))
        except ValueError:
            page = 1
        return cls(
            regency=one("kabupaten", 16),
            category=category,
            speciality=one("khas", 80),
            query=one("q", QUERY_MAX),
            page=page,
        )

    def query_args(self, **changes) -> dict:
        base = {
            "kabupaten": self.regency,
            "jenis": self.category,
            "khas": self.speciality,
            "q": self.query,
        }
        base.update(changes)
        return base


def facet_options(facets: dict, lang: str, chosen: Filters) -> dict:
    def opts(name: str, current: str | None):
        return [
            {
                "key": f.key,
                "label": f.label(lang),
                "count": f.count,
                "selected": f.key == current,
            }
            for f in facets.get(name, ())
        ]

    return {
        "regency": opts("regency", chosen.regency),
        "category": [
            {**o, "label": vocab.ProductCategory.label_of(o["key"], lang)}
            for o in opts("category", chosen.category)
        ],
        "speciality": opts("speciality", chosen.speciality),
    }


# --- handlers -----------------------------------------------------------------------------------


def showcase(handler: web.RequestHandler):
    """The public showcase the pages read (anonymous: it needs no identity)."""
    found = handler.settings.get(SHOWCASE_SETTING)
    if found is not None:
        return found
    from berdikari.store.showcase import PublicShowcase
    from berdikari.web.sessions import store_for

    return PublicShowcase(store_for(handler))


async def blocking(fn, *args, **kwargs):
    """A store call off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(*args, **kwargs))


class EtalaseHandler(web.RequestHandler):
    """Shared by every route: limits, language, headers, errors in plain words."""

    cost = 1.0
    lang = "id"

    def initialize(self, base: str) -> None:
        self.base = base
        self.root = base + ROOT

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "public, no-cache")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header(
            "Content-Security-Policy",
            "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'",
        )

    def prepare(self) -> None:
        lang = self.get_query_argument("lang", "id")
        self.lang = lang if lang in LANGS else "id"
        self.links = Links(self.root, self.base, self.lang)
        wait = request_limiter("etalase").allow(limit_key(client_address(self)), self.cost)
        if wait > 0:
            self.retry_after = max(1, round(wait))
            raise web.HTTPError(429)

    def page(self, template: str, status: int = 200, **context) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(
            render(
                template,
                self.lang,
                tx=texts(self.lang),
                links=self.links,
                **context,
            )
        )

    def write_error(self, status_code: int, **kwargs) -> None:
        lang = self.lang
        if status_code == 404:
            why = t("This product is not in the showcase, or is no longer shown.", lang)
        elif status_code == 429:
            why = t("Too many requests from this device. Wait a minute and try again.", lang)
        elif status_code == 405:
            why = t("This page can only be read.", lang)
        else:
            why = t("Something went wrong. Try again in a moment.", lang)
        self.set_header("Cache-Control", "no-store")
        if status_code == 429:
            self.set_header("Retry-After", str(getattr(self, "retry_after", 60)))
        self.clear_header("Content-Disposition")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        links = getattr(self, "links", None) or Links(self.root, self.base, lang)
        self.finish(render("etalase/message.html", lang, tx=texts(lang), links=links, text=why))

    def public_url(self) -> str:
        return settings().site_url or f"{self.request.protocol}://{self.request.host}{self.base}"

    async def product_or_404(self, slug: str) -> PublicProduct:
        found = await blocking(showcase(self).product, slug)
        if found is None:
            raise web.HTTPError(404)
        return found


class ListHandler(EtalaseHandler):
    async def get(self) -> None:
        chosen = Filters.of(self.get_query_argument)
        source = showcase(self)
        result = await blocking(
            source.products,
            regency=chosen.regency,
            category=chosen.category,
            speciality=chosen.speciality,
            query=chosen.query,
            page=chosen.page,
            per_page=min(PER_PAGE, PER_PAGE_MAX),
        )
        try:
            facets = await blocking(source.facets)
        except Exception:  # noqa: BLE001  the list still works without its menus
            log.exception("Could not count the showcase's products for the menus")
            facets = {}
        options = facet_options(facets, self.lang, chosen)
        links = self.links
        pages = result.pages
        self.page(
            "etalase/list.html",
            chosen=chosen,
            options=options,
            items=[product_view(p, self.lang, links) for p in result.items],
            total=result.total,
            page=result.page,
            pages=pages,
            previous=links.home(**chosen.query_args(hal=result.page - 1))
            if result.page > 1
            else "",
            next=links.home(**chosen.query_args(hal=result.page + 1))
            if result.page < pages
            else "",
            regencies=[
                {"label": o["label"], "count": o["count"], "url": links.home(kabupaten=o["key"])}
                for o in options["regency"]
            ],
            filtered=any((chosen.regency, chosen.category, chosen.speciality, chosen.query)),
            leaflet=links.leaflet(chosen.regency),
        )


class ProductHandler(EtalaseHandler):
    async def get(self, slug: str) -> None:
        p = await self.product_or_404(slug)
        self.page("etalase/product.html", p=product_view(p, self.lang, self.links))


class LabelHandler(EtalaseHandler):
    async def get(self, slug: str) -> None:
        p = await self.product_or_404(slug)
        view = product_view(p, self.lang, self.links)
        view["address"] = page_url(self.public_url(), p.slug)
        self.page("etalase/label.html", p=view)


class QrHandler(EtalaseHandler):
    async def get(self, slug: str, ext: str) -> None:
        p = await self.product_or_404(slug)
        url = page_url(self.public_url(), p.slug)
        # A QR made from the Host header is the visitor's own: no shared cache keeps it.
        self.set_header(
            "Cache-Control",
            "public, max-age=3600" if settings().site_url else "private, max-age=3600",
        )
        if ext == "svg":
            self.set_header("Content-Type", "image/svg+xml")
            self.finish(etalase_media.qr_svg(url))
        else:
            self.set_header("Content-Type", "image/png")
            self.finish(etalase_media.qr_png(url))


class PhotoHandler(EtalaseHandler):
    async def get(self, slug: str, token: str, width: str, fmt: str) -> None:
        p = await self.product_or_404(slug)
        if p.photo_id is None or photo_token(p) != token:
            raise web.HTTPError(404)
        source = showcase(self)

        def load():
            found = source.photo(p.photo_id)
            return found.content if found is not None else None

        try:
            data = await blocking(etalase_media.resized, p.photo_id, int(width), fmt, load)
        except (ValueError, OSError):
            log.exception("Could not resize photo %s", p.photo_id)
            raise web.HTTPError(404) from None
        if data is None:
            raise web.HTTPError(404)
        # A photo id's content never changes; a day lets a taken-down photo leave caches soon.
        self.set_header("Cache-Control", "public, max-age=86400")
        self.set_header("Content-Type", etalase_media.FORMATS[fmt])
        self.finish(data)


class LeafletHandler(EtalaseHandler):
    cost = PDF_COST

    async def get(self) -> None:
        from berdikari.web.etalase_print import leaflet_pdf

        code = (self.get_query_argument("kabupaten", "") or "").strip()[:16] or None
        products = await blocking(showcase(self).all_products, regency=code)
        if code and not products:
            raise web.HTTPError(404)
        regency = products[0].regency if code else None
        pdf = await blocking(
            leaflet_pdf,
            products,
            self.lang,
            regency=regency,
            list_url=self.public_url() + ROOT,
            page_url=lambda slug: page_url(self.public_url(), slug),
        )
        self.set_header("Content-Type", "application/pdf")
        self.set_header("Cache-Control", "public, no-cache")
        safe = re.sub(r"[^a-z0-9]", "", (code or "").lower())[:16]
        name = f"etalase-{safe or 'semua'}.pdf"
        self.set_header("Content-Disposition", f'inline; filename="{name}"')
        self.finish(pdf)


class AssetHandler(EtalaseHandler):
    def get(self, name: str) -> None:
        hashed, content = asset()
        if name != hashed:
            raise web.HTTPError(404)
        self.set_header("Content-Type", "text/css; charset=UTF-8")
        self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        self.finish(content)


def handlers(base: str) -> list[tuple]:
    root = base + ROOT
    opt = {"base": base}
    widths = "|".join(str(w) for w in etalase_media.WIDTHS)
    return [
        (base + ROOT.rstrip("/"), web.RedirectHandler, {"url": root, "permanent": True}),
        (root, ListHandler, opt),
        (f"{root}produk/({SLUG})", ProductHandler, opt),
        (f"{root}produk/({SLUG})/label", LabelHandler, opt),
        (f"{root}qr/({SLUG})\\.(svg|png)", QrHandler, opt),
        (f"{root}foto/({SLUG})/([0-9a-f]{{12}})-({widths})\\.(webp|jpg)", PhotoHandler, opt),
        (f"{root}selebaran\\.pdf", LeafletHandler, opt),
        (f"{root}static/(etalase\\.[0-9a-f]{{10}}\\.css)", AssetHandler, opt),
        (f"{root}.*", NotFoundHandler, opt),
    ]


class NotFoundHandler(EtalaseHandler):
    def get(self) -> None:
        raise web.HTTPError(404)
