"""The Etalase's data: the owner's consent and choices, the manager's curation, photos, the
programme's specialities and awards, hand-over events, the promotion figures, and the one
anonymous entry point of the public pages (:class:`PublicShowcase`).

Part of the service layer (rights on each method, see :mod:`berdikari.store.service`). The rules:

- the owner (or the assigned facilitator with the owner present) opts a product in and chooses
  what is shown (photo, WhatsApp, phone, which permits); a change that shows something new sends
  the page back to the manager; showing less applies at once;
- a permit number is shown only when a facilitator recorded it as a milestone
  (``milestone.recorded_by_role``) and the owner chose that kind;
- the manager approves a page before it is public and takes it down at once; revoking consent
  removes it at once; a page is public only while it is approved *and* consented to;
- every change has an audit-log row in the same transaction; a save is all or nothing; every
  input is bounded (:mod:`berdikari.showcase`) and kept as typed (the display escapes it).

:class:`PublicShowcase` needs no identity: it returns :class:`berdikari.showcase.PublicProduct`
for public pages only, and never anything else about a UMKM. It never writes.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from berdikari import showcase as sc
from berdikari import vocab
from berdikari.showcase import PublicAward, PublicPermit, PublicProduct, Term
from berdikari.store.access import Guarded, rights
from berdikari.store.db import Store
from berdikari.store.errors import AccessDenied, InvalidInput
from berdikari.store.models import (
    HandoverEntry,
    HandoverEvent,
    Milestone,
    Product,
    Region,
    ShowcaseListing,
    ShowcasePhoto,
    ShowcaseTerm,
    Umkm,
    utcnow,
)
from berdikari.store.validate import a_date, an_id, one_of, text

MAX_ENTRIES = 500
"""Recipients per hand-over event (a bounded form)."""
PUBLIC_STATE = vocab.ListingState.APPROVED.value
SHOWABLE = tuple(str(k) for k in vocab.SHOWABLE_PERMITS)
PERMITS = tuple(str(k) for k in vocab.PERMIT_MILESTONES)
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
"""Pillow's format name → the stored MIME type (``vocab.SHOWCASE_PHOTO_TYPES``)."""


def today() -> date:
    return datetime.now(UTC).date()


# --- what the staff and owner screens get --------------------------------------------------------


@dataclass(frozen=True)
class TermView:
    id: int
    kind: str
    term: Term
    active: bool


@dataclass(frozen=True)
class ListingView:
    """One product of a UMKM and its showcase page (``listing_id`` None: never opted in)."""

    listing_id: int | None
    umkm_id: int
    umkm_name: str
    regency: str
    product_id: int
    product_name: str
    category: str
    slug: str | None
    description: str
    speciality: Term | None
    photo_id: int | None
    state: str | None
    consent: bool
    consent_at: datetime | None
    consent_by_role: str | None
    consent_by_name: str | None
    owner_present: bool
    show_photo: bool
    show_whatsapp: bool
    show_phone: bool
    show_permits: tuple[str, ...]
    order_whatsapp: str | None
    order_phone: str | None
    recorded_permits: tuple[PublicPermit, ...]
    """The permits and halal certificate a facilitator recorded for this product (the ones an
    owner may choose to show)."""
    approved_by: str | None
    approved_at: datetime | None
    taken_down_by: str | None
    taken_down_at: datetime | None
    take_down_reason: str | None
    updated_at: datetime | None

    @property
    def public(self) -> bool:
        return self.consent and self.state == PUBLIC_STATE


@dataclass(frozen=True)
class HandoverEntryView:
    id: int
    position: int
    umkm_id: int
    umkm_name: str
    owner_name: str
    regency: str
    kind: str
    product_name: str | None
    permit: PublicPermit | None
    award: Term | None

    def achievement(self, lang: str) -> str:
        """What the UMKM receives, in words (for the MC list and the certificate)."""
        from berdikari.i18n import t

        if self.kind == vocab.HandoverKind.PERMIT and self.permit is not None:
            what = f"{self.permit.label(lang)} {self.permit.number}"
            return f"{what} ({self.product_name})" if self.product_name else what
        if self.kind == vocab.HandoverKind.AWARD and self.award is not None:
            label = self.award.label(lang)
            return f"{label} ({self.product_name})" if self.product_name else label
        return t("Certificate of programme completion", lang)


@dataclass(frozen=True)
class HandoverEventView:
    id: int
    title: str
    held_on: date
    place: str
    note: str | None
    created_by: str
    entries: tuple[HandoverEntryView, ...]


@dataclass(frozen=True)
class ShowcaseFigures:
    """The promotion figures: products shown, those with a permit shown, by regency and by
    speciality (``None``: no speciality)."""

    shown: int
    with_permit: int
    waiting: int
    """Consented pages waiting for the manager's approval."""
    by_regency: tuple[tuple[str, int, int], ...]
    """(regency, shown, with a permit shown), by regency name."""
    by_speciality: tuple[tuple[Term | None, int, int], ...]


# --- input checks (no I/O) -----------------------------------------------------------------------


def slugify(name: str) -> str:
    """Lower-case ASCII words joined by hyphens (``Madu Kelulut "Hutan"`` → ``madu-kelulut-hutan``)."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    return slug[:60].rstrip("-") or "produk"


def whatsapp_number(field: str, value: object) -> str | None:
    """Digits with Indonesia's country code (``0812-3456-7890`` → ``6281234567890``), or None."""
    raw = text(field, value, sc.ORDER_CONTACT_MAX, required=False)
    if raw is None:
        return None
    digits = re.sub(r"[\s().+-]", "", raw)
    if not digits.isdigit():
        raise InvalidInput("not-a-phone", field=field)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not (digits.startswith("62") and 10 <= len(digits) <= 15):
        raise InvalidInput("not-a-phone", field=field)
    return digits


def phone_number(field: str, value: object) -> str | None:
    raw = text(field, value, sc.ORDER_CONTACT_MAX, required=False)
    if raw is None:
        return None
    if not re.fullmatch(r"\+?[0-9][0-9 ()-]{5,28}", raw):
        raise InvalidInput("not-a-phone", field=field)
    return raw


def check_photo(content: object) -> dict[str, Any]:
    """The columns of a photo (JPEG or PNG, at most ``PHOTO_MAX_BYTES``, decodable by Pillow,
    not larger than ``PHOTO_MAX_PIXELS``), or :class:`InvalidInput`."""
    if isinstance(content, memoryview | bytearray):
        content = bytes(content)
    if not isinstance(content, bytes) or not content:
        raise InvalidInput("photo-empty", field="photo")
    mb = sc.PHOTO_MAX_BYTES // 1048576
    if len(content) > sc.PHOTO_MAX_BYTES:
        raise InvalidInput(
            "photo-too-big", field="photo", size=f"{len(content) / 1048576:.1f}", mb=mb
        )
    bad = InvalidInput("photo-type", field="photo")
    try:
        with Image.open(io.BytesIO(content)) as im:
            mime = PHOTO_TYPES.get(im.format or "")
            width, height = im.size
            if mime is None:
                raise bad
            if width * height > sc.PHOTO_MAX_PIXELS:
                raise InvalidInput("photo-too-large", field="photo", width=width, height=height)
            im.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise bad from None
    return {
        "mime": mime,
        "width": width,
        "height": height,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "content": content,
    }


CHOICES = (
    "description",
    "speciality",
    "show_photo",
    "show_whatsapp",
    "show_phone",
    "show_permits",
    "order_whatsapp",
    "order_phone",
)
"""What an owner chooses for a showcase page (:meth:`ShowcaseOps.set_showcase_choices`)."""


def _choices(
    description: object,
    show_photo: object,
    show_whatsapp: object,
    show_phone: object,
    show_permits: object,
    order_whatsapp: object,
    order_phone: object,
) -> dict[str, Any]:
    description = text("description", description, sc.DESCRIPTION_MAX, required=False) or ""
    permits = tuple(dict.fromkeys(show_permits or ()))
    for kind in permits:
        one_of("show_permits", kind, SHOWABLE)
    wa = whatsapp_number("order_whatsapp", order_whatsapp)
    phone = phone_number("order_phone", order_phone)
    if show_whatsapp and wa is None:
        raise InvalidInput("required", field="order_whatsapp")
    if show_phone and phone is None:
        raise InvalidInput("required", field="order_phone")
    return {
        "description": description,
        "show_photo": bool(show_photo),
        "show_whatsapp": bool(show_whatsapp),
        "show_phone": bool(show_phone),
        "show_permits": [k for k in SHOWABLE if k in permits],
        "order_whatsapp": wa,
        "order_phone": phone,
    }


def _shows_more(old: ShowcaseListing, new: Mapping[str, Any], photo_changed: bool) -> bool:
    """Whether the new choices show anything the manager has not approved yet."""
    if photo_changed and new["show_photo"]:
        return True
    if new["description"] != old.description or new.get("speciality_id") != old.speciality_id:
        return True
    for flag in ("show_photo", "show_whatsapp", "show_phone"):
        if new[flag] and not getattr(old, flag):
            return True
    if new["show_whatsapp"] and new["order_whatsapp"] != old.order_whatsapp:
        return True
    if new["show_phone"] and new["order_phone"] != old.order_phone:
        return True
    return not set(new["show_permits"]) <= set(old.show_permits or ())


# --- reading rows into views (shared by the service and the public entry point) -------------------


def _term(row: ShowcaseTerm | None) -> Term | None:
    return Term(row.key, row.label_id, row.label_en) if row is not None else None


def recorded_permits(s: Session, product: Product) -> tuple[PublicPermit, ...]:
    """The latest facilitator-recorded number of each showable kind for ``product`` (a halal
    certificate may be recorded for the whole UMKM), in ``vocab.SHOWABLE_PERMITS`` order."""
    rows = s.execute(
        select(Milestone)
        .where(
            Milestone.umkm_id == product.umkm_id,
            Milestone.kind.in_(SHOWABLE),
            Milestone.number.is_not(None),
            Milestone.recorded_by_role == vocab.Role.FACILITATOR.value,
            or_(
                Milestone.product_id == product.id,
                and_(
                    Milestone.product_id.is_(None),
                    Milestone.kind == vocab.MilestoneKind.HALAL.value,
                ),
            ),
        )
        .order_by(Milestone.achieved_on, Milestone.id)
    ).scalars()
    latest = {m.kind: m.number for m in rows}
    return tuple(PublicPermit(k, latest[k]) for k in SHOWABLE if k in latest)


def _awards(s: Session, listing: ShowcaseListing, on: date) -> tuple[PublicAward, ...]:
    rows = s.execute(
        select(ShowcaseTerm, HandoverEvent.held_on)
        .join(HandoverEntry, HandoverEntry.award_id == ShowcaseTerm.id)
        .join(HandoverEvent, HandoverEvent.id == HandoverEntry.event_id)
        .where(
            HandoverEntry.umkm_id == listing.umkm_id,
            HandoverEntry.kind == vocab.HandoverKind.AWARD.value,
            or_(HandoverEntry.product_id.is_(None), HandoverEntry.product_id == listing.product_id),
            HandoverEvent.held_on <= on,
        )
        .order_by(HandoverEvent.held_on.desc(), HandoverEntry.id)
    ).all()
    seen: dict[tuple[str, int], PublicAward] = {}
    for term, held_on in rows:
        seen.setdefault((term.key, held_on.year), PublicAward(_term(term), held_on.year))
    return tuple(seen.values())


def public_product(s: Session, listing: ShowcaseListing, on: date | None = None) -> PublicProduct:
    """What the public page of ``listing`` shows (whether or not it is public now: the manager's
    preview uses it too). Only the owner's choices and facilitator-recorded numbers."""
    product = s.get(Product, listing.product_id)
    umkm = s.get(Umkm, listing.umkm_id)
    region = s.get(Region, umkm.region_id)
    chosen = set(listing.show_permits or ())
    permits = [p for p in recorded_permits(s, product) if p.kind in chosen]
    halal = next((p.number for p in permits if p.kind == vocab.MilestoneKind.HALAL), None)
    return PublicProduct(
        slug=listing.slug,
        product_name=product.name,
        description=listing.description or "",
        category=product.category,
        regency=region.name,
        regency_code=region.code,
        speciality=_term(s.get(ShowcaseTerm, listing.speciality_id))
        if listing.speciality_id
        else None,
        permits=tuple(p for p in permits if p.kind != vocab.MilestoneKind.HALAL),
        halal_number=halal,
        awards=_awards(s, listing, on or today()),
        order_whatsapp=listing.order_whatsapp if listing.show_whatsapp else None,
        order_phone=listing.order_phone if listing.show_phone else None,
        photo_id=listing.photo_id if listing.show_photo else None,
        umkm_name=umkm.name,
        updated_at=listing.updated_at,
    )


def _listing_view(
    s: Session, umkm: Umkm, product: Product, listing: ShowcaseListing | None
) -> ListingView:
    region = s.get(Region, umkm.region_id)
    x = listing
    return ListingView(
        listing_id=x.id if x else None,
        umkm_id=umkm.id,
        umkm_name=umkm.name,
        regency=region.name,
        product_id=product.id,
        product_name=product.name,
        category=product.category,
        slug=x.slug if x else None,
        description=x.description if x else "",
        speciality=_term(s.get(ShowcaseTerm, x.speciality_id)) if x and x.speciality_id else None,
        photo_id=x.photo_id if x else None,
        state=x.state if x else None,
        consent=bool(x and x.consent),
        consent_at=x.consent_at if x else None,
        consent_by_role=x.consent_by_role if x else None,
        consent_by_name=x.consent_by_name if x else None,
        owner_present=bool(x and x.owner_present),
        show_photo=bool(x and x.show_photo),
        show_whatsapp=bool(x and x.show_whatsapp),
        show_phone=bool(x and x.show_phone),
        show_permits=tuple(x.show_permits or ()) if x else (),
        order_whatsapp=x.order_whatsapp if x else None,
        order_phone=x.order_phone if x else None,
        recorded_permits=recorded_permits(s, product),
        approved_by=x.approved_by if x else None,
        approved_at=x.approved_at if x else None,
        taken_down_by=x.taken_down_by if x else None,
        taken_down_at=x.taken_down_at if x else None,
        take_down_reason=x.take_down_reason if x else None,
        updated_at=x.updated_at if x else None,
    )


def _public_filter():
    return and_(ShowcaseListing.state == PUBLIC_STATE, ShowcaseListing.consent.is_(True))


# --- the service ---------------------------------------------------------------------------------


class ShowcaseOps(Guarded):
    # --- the programme's vocabularies ------------------------------------------------------------
    @rights(owner=True, facilitator=True, manager=True)
    def showcase_terms(self, kind: str, include_inactive: bool = False) -> list[TermView]:
        """The specialities (``kind="speciality"``) or awards (``"award"``), by Indonesian label."""
        kind = one_of("kind", kind, vocab.ShowcaseTermKind.values())
        with self.store.read() as s:
            self._check(s)
            q = select(ShowcaseTerm).where(ShowcaseTerm.kind == kind)
            if not include_inactive:
                q = q.where(ShowcaseTerm.active.is_(True))
            rows = s.execute(q.order_by(ShowcaseTerm.label_id)).scalars()
            return [TermView(r.id, r.kind, _term(r), r.active) for r in rows]

    @rights(manager=True)
    def add_showcase_term(self, kind: str, label_id: str, label_en: str) -> TermView:
        """The manager adds a speciality or an award (both labels; the key is made from the
        Indonesian one)."""
        kind = one_of("kind", kind, vocab.ShowcaseTermKind.values())
        label_id = text("label_id", label_id, sc.TERM_LABEL_MAX)
        label_en = text("label_en", label_en, sc.TERM_LABEL_MAX)
        key = slugify(label_id)[:40]
        with self.store.write() as s:
            self._check(s)
            taken = s.execute(
                select(ShowcaseTerm.id).where(ShowcaseTerm.kind == kind, ShowcaseTerm.key == key)
            ).first()
            if taken:
                raise InvalidInput("term-exists", field="label_id", label=label_id)
            r = ShowcaseTerm(kind=kind, key=key, label_id=label_id, label_en=label_en, active=True)
            s.add(r)
            s.flush()
            self._audit(
                s, "showcase-term-add", "showcase_term", r.id, None, {"kind": kind, "key": key}
            )
            return TermView(r.id, r.kind, _term(r), r.active)

    @rights(manager=True)
    def set_showcase_term_active(self, term_id: int, active: bool) -> TermView:
        """Retire a term from the choices (pages and awards already given keep it) or bring it back."""
        with self.store.write() as s:
            self._check(s)
            r = s.get(ShowcaseTerm, an_id("term_id", term_id))
            if r is None:
                self._missing(s, "showcase-term", term_id, "change")
            r.active = bool(active)
            self._audit(
                s, "showcase-term-active", "showcase_term", r.id, None, {"active": r.active}
            )
            return TermView(r.id, r.kind, _term(r), r.active)

    # --- the owner's consent and choices ---------------------------------------------------------
    @rights(owner="own", facilitator="assigned", manager=True)
    def showcase_of(self, umkm_id: int) -> list[ListingView]:
        """Every product of a UMKM with its showcase page (or none yet) and the recorded permits
        its owner may choose to show."""
        with self.store.read() as s:
            u = self._umkm(s, umkm_id)
            listings = {
                x.product_id: x
                for x in s.execute(
                    select(ShowcaseListing).where(ShowcaseListing.umkm_id == u.id)
                ).scalars()
            }
            return [_listing_view(s, u, p, listings.get(p.id)) for p in u.products]

    def _product_of(self, s: Session, u: Umkm, product_id: int) -> Product:
        p = s.get(Product, an_id("product_id", product_id))
        if p is None or p.umkm_id != u.id:
            raise InvalidInput("product-of-other-umkm", field="product_id")
        return p

    def _speciality_id(self, s: Session, speciality: str | None) -> int | None:
        if speciality in (None, ""):
            return None
        row = _term_row(s, vocab.ShowcaseTermKind.SPECIALITY, speciality)
        if row is None:
            raise InvalidInput("not-one-of", field="speciality", value=speciality)
        return row.id

    @rights(owner="own", facilitator="assigned")
    def set_showcase_choices(
        self,
        umkm_id: int,
        product_id: int,
        *,
        photo: bytes | None = None,
        owner_present: bool = False,
        **choices: Any,
    ) -> ListingView:
        """The owner agrees to show one product and chooses what is shown; the assigned
        facilitator may do it for them only with the owner present (``owner_present=True``).

        ``choices`` (each optional): ``description``, ``speciality`` (a speciality key),
        ``show_photo``, ``show_whatsapp``, ``show_phone``, ``show_permits`` (milestone kinds of
        ``vocab.SHOWABLE_PERMITS``), ``order_whatsapp``, ``order_phone``. ``photo``: new bytes
        (JPEG or PNG) replacing the page's photo. A new page, or a change that shows something
        the manager has not seen, waits for approval again; showing less applies at once. All or
        nothing, with an audit row."""
        unknown = sorted(set(choices) - set(CHOICES))
        if unknown:
            raise InvalidInput("unknown-showcase-choice", field=unknown[0])
        speciality = choices.get("speciality")
        role = self.identity.role
        if role == vocab.Role.FACILITATOR and not owner_present:
            raise AccessDenied("owner-not-present", field="owner_present")
        new = _choices(**{k: choices.get(k) for k in CHOICES if k != "speciality"})
        checked_photo = check_photo(photo) if photo is not None else None
        with self.store.write() as s:
            u = self._umkm(s, umkm_id)
            product = self._product_of(s, u, product_id)
            new["speciality_id"] = self._speciality_id(s, speciality)
            x = s.execute(
                select(ShowcaseListing).where(ShowcaseListing.product_id == product.id)
            ).scalar_one_or_none()
            created = x is None
            if created:
                x = ShowcaseListing(
                    umkm_id=u.id,
                    product_id=product.id,
                    slug=f"{slugify(product.name)}-{product.id}",
                    state=vocab.ListingState.DRAFT.value,
                    consent=False,
                    show_permits=[],
                    description="",
                )
                s.add(x)
            photo_id = x.photo_id
            current = s.get(ShowcasePhoto, photo_id) if photo_id else None
            if checked_photo is not None and (
                current is None or current.sha256 != checked_photo["sha256"]
            ):
                ph = ShowcasePhoto(
                    umkm_id=u.id, created_by=self.identity.name[:120], **checked_photo
                )
                s.add(ph)
                s.flush()
                photo_id = ph.id
            if new["show_photo"] and photo_id is None:
                raise InvalidInput("photo-required", field="photo")
            back_to_draft = created or not x.consent or _shows_more(x, new, photo_id != x.photo_id)
            now = utcnow()
            for field, value in new.items():
                setattr(x, field, value)
            x.photo_id = photo_id
            x.consent, x.consent_at = True, now
            x.consent_by_role, x.consent_by_name = role, self.identity.name[:120]
            x.owner_present = role == vocab.Role.OWNER or bool(owner_present)
            if back_to_draft and x.state != vocab.ListingState.TAKEN_DOWN:
                x.state = vocab.ListingState.DRAFT.value
            x.updated_at = now
            s.flush()
            self._audit(
                s,
                "showcase-consent",
                "showcase_listing",
                x.id,
                u.id,
                {
                    "product_id": product.id,
                    "state": x.state,
                    "owner_present": x.owner_present,
                    "show": [k for k in ("show_photo", "show_whatsapp", "show_phone") if new[k]]
                    + list(new["show_permits"]),
                    "photo_sha256": checked_photo["sha256"] if checked_photo else None,
                },
            )
            return _listing_view(s, u, product, x)

    @rights(owner="own", facilitator="assigned")
    def revoke_showcase_consent(self, umkm_id: int, product_id: int) -> ListingView:
        """The owner withdraws (or the facilitator records the owner withdrawing) the consent:
        the page leaves the showcase at once. Agreeing again needs the manager's approval."""
        with self.store.write() as s:
            u = self._umkm(s, umkm_id)
            product = self._product_of(s, u, product_id)
            x = s.execute(
                select(ShowcaseListing).where(ShowcaseListing.product_id == product.id)
            ).scalar_one_or_none()
            if x is None or not x.consent:
                raise InvalidInput("not-on-showcase", field="product_id")
            x.consent, x.updated_at = False, utcnow()
            if x.state == vocab.ListingState.APPROVED:
                x.state = vocab.ListingState.DRAFT.value
            self._audit(
                s, "showcase-revoke", "showcase_listing", x.id, u.id, {"product_id": product.id}
            )
            return _listing_view(s, u, product, x)

    # --- the manager's curation ------------------------------------------------------------------
    @rights(facilitator="assigned", manager=True)
    def showcase_queue(self, state: str | None = None) -> list[ListingView]:
        """The showcase pages the caller may see (a facilitator's assigned UMKM, every page for
        the manager), those waiting for approval first; ``state`` filters."""
        if state is not None:
            state = one_of("state", state, vocab.ListingState.values())
        with self.store.read() as s:
            visible = self._visible_umkm_ids(s)
            q = select(ShowcaseListing).where(ShowcaseListing.umkm_id.in_(visible))
            if state is not None:
                q = q.where(ShowcaseListing.state == state)
            rows = s.execute(q.order_by(ShowcaseListing.updated_at.desc())).scalars().all()
            views = [
                _listing_view(s, s.get(Umkm, x.umkm_id), s.get(Product, x.product_id), x)
                for x in rows
            ]
        order = vocab.ListingState.values()  # waiting first, then shown, then taken down
        return sorted(views, key=lambda v: (not v.consent, order.index(v.state)))

    def _listing(self, s: Session, listing_id: int, doing: str) -> ShowcaseListing:
        x = s.get(ShowcaseListing, an_id("listing_id", listing_id))
        if x is None:
            self._missing(s, "showcase-page", listing_id, doing)
        self._umkm(s, x.umkm_id)
        return x

    @rights(facilitator="assigned", manager=True)
    def preview_listing(self, listing_id: int) -> PublicProduct:
        """Exactly what the public page would show, before approval."""
        with self.store.read() as s:
            return public_product(s, self._listing(s, listing_id, "see"))

    @rights(manager=True)
    def approve_listing(self, listing_id: int) -> ListingView:
        """The manager puts a consented page on the public showcase."""
        with self.store.write() as s:
            x = self._listing(s, listing_id, "approve")
            if not x.consent:
                raise InvalidInput("no-consent", field="listing_id")
            x.state, x.approved_at = PUBLIC_STATE, utcnow()
            x.approved_by = self.identity.name[:120]
            x.taken_down_at = x.taken_down_by = x.take_down_reason = None
            x.updated_at = x.approved_at
            self._audit(s, "showcase-approve", "showcase_listing", x.id, x.umkm_id, {})
            return _listing_view(s, s.get(Umkm, x.umkm_id), s.get(Product, x.product_id), x)

    @rights(manager=True)
    def take_down_listing(self, listing_id: int, reason: str | None = None) -> ListingView:
        """The manager removes a page from the public showcase at once (a reason for the record)."""
        reason = text("reason", reason, 300, required=False)
        with self.store.write() as s:
            x = self._listing(s, listing_id, "take down")
            x.state, x.taken_down_at = vocab.ListingState.TAKEN_DOWN.value, utcnow()
            x.taken_down_by, x.take_down_reason = self.identity.name[:120], reason
            x.updated_at = x.taken_down_at
            self._audit(
                s, "showcase-take-down", "showcase_listing", x.id, x.umkm_id, {"reason": reason}
            )
            return _listing_view(s, s.get(Umkm, x.umkm_id), s.get(Product, x.product_id), x)

    @rights(owner="own", facilitator="assigned", manager=True)
    def showcase_photo(self, photo_id: int) -> tuple[str, bytes]:
        """A stored photo's MIME type and bytes, for the staff and owner screens."""
        with self.store.read() as s:
            ph = s.get(ShowcasePhoto, an_id("photo_id", photo_id))
            if ph is None:
                self._missing(s, "photo", photo_id, "see")
            self._umkm(s, ph.umkm_id)
            return ph.mime, bytes(ph.content)

    # --- hand-over events --------------------------------------------------------------------
    def _entry_columns(self, s: Session, n: int, entry: Mapping[str, Any]) -> dict[str, Any]:
        u = self._umkm(s, an_id("umkm_id", entry.get("umkm_id")))
        kind = one_of("kind", entry.get("kind"), vocab.HandoverKind)
        cols: dict[str, Any] = {"umkm_id": u.id, "kind": kind}
        product_id = entry.get("product_id")
        if product_id not in (None, ""):
            cols["product_id"] = self._product_of(s, u, product_id).id
        if kind == vocab.HandoverKind.PERMIT:
            m = s.get(Milestone, an_id("milestone_id", entry.get("milestone_id")))
            if m is None or m.umkm_id != u.id or m.kind not in SHOWABLE or not m.number:
                raise InvalidInput("handover-not-a-permit", field="milestone_id", n=n)
            cols["milestone_id"] = m.id
            cols.setdefault("product_id", m.product_id)
        if kind == vocab.HandoverKind.AWARD:
            award = entry.get("award")
            row = _term_row(s, vocab.ShowcaseTermKind.AWARD, award)
            if row is None:
                raise InvalidInput("handover-not-an-award", field="award_key", n=n)
            cols["award_id"] = row.id
        return cols

    @rights(manager=True)
    def record_handover_event(
        self,
        title: str,
        held_on: date | str,
        place: str,
        entries: Sequence[Mapping[str, Any]] = (),
        note: str | None = None,
    ) -> HandoverEventView:
        """The manager records a hand-over day and who receives what, in calling order:
        ``entries`` of ``{"umkm_id", "kind": permit|award|completion, "milestone_id"
        (permit), "award" (an award key), "product_id" (optional)}``. All or nothing: an error
        in the n-th entry names ``entry n``. Awards appear on the showcase from ``held_on``."""
        title = text("title", title, sc.EVENT_TITLE_MAX)
        held_on = a_date("held_on", held_on)
        place = text("place", place, sc.PLACE_MAX)
        note = text("note", note, 2000, required=False)
        if len(entries) > MAX_ENTRIES:
            raise InvalidInput("handover-too-many", field="entries", max=MAX_ENTRIES)
        with self.store.write() as s:
            self._check(s)
            ev = HandoverEvent(
                title=title,
                held_on=held_on,
                place=place,
                note=note,
                created_by=self.identity.name[:120],
            )
            s.add(ev)
            s.flush()
            self._audit(
                s,
                "handover-add",
                "handover_event",
                ev.id,
                None,
                {"held_on": held_on.isoformat(), "entries": len(entries)},
            )
            self._add_entries(s, ev, entries)
            return self._event_view(s, ev)

    def _add_entries(self, s: Session, ev: HandoverEvent, entries) -> None:
        start = (
            s.execute(
                select(func.max(HandoverEntry.position)).where(HandoverEntry.event_id == ev.id)
            ).scalar()
            or 0
        )
        for n, entry in enumerate(entries, 1):
            cols = self._entry_columns(s, n, entry)
            e = HandoverEntry(event_id=ev.id, position=start + n, **cols)
            s.add(e)
            s.flush()
            self._audit(
                s,
                "handover-entry-add",
                "handover_entry",
                e.id,
                e.umkm_id,
                {"event_id": ev.id, "kind": e.kind},
            )

    @rights(manager=True)
    def add_handover_entries(
        self, event_id: int, entries: Sequence[Mapping[str, Any]]
    ) -> HandoverEventView:
        """Add recipients to an event (after the ones already called); all or nothing."""
        if len(entries) > MAX_ENTRIES:
            raise InvalidInput("handover-too-many", field="entries", max=MAX_ENTRIES)
        with self.store.write() as s:
            self._check(s)
            ev = s.get(HandoverEvent, an_id("event_id", event_id))
            if ev is None:
                self._missing(s, "handover-event", event_id, "change")
            self._add_entries(s, ev, entries)
            return self._event_view(s, ev)

    @rights(manager=True)
    def remove_handover_entry(self, entry_id: int) -> HandoverEventView:
        with self.store.write() as s:
            self._check(s)
            e = s.get(HandoverEntry, an_id("entry_id", entry_id))
            if e is None:
                self._missing(s, "handover-entry", entry_id, "remove")
            ev = s.get(HandoverEvent, e.event_id)
            self._audit(
                s,
                "handover-entry-remove",
                "handover_entry",
                e.id,
                e.umkm_id,
                {"event_id": ev.id, "kind": e.kind},
            )
            s.delete(e)
            s.flush()
            s.expire(ev)
            return self._event_view(s, ev)

    def _event_view(self, s: Session, ev: HandoverEvent) -> HandoverEventView:
        entries = []
        rows = s.execute(
            select(HandoverEntry)
            .where(HandoverEntry.event_id == ev.id)
            .order_by(HandoverEntry.position, HandoverEntry.id)
        ).scalars()
        for e in rows:
            u = s.get(Umkm, e.umkm_id)
            m = s.get(Milestone, e.milestone_id) if e.milestone_id else None
            p = s.get(Product, e.product_id) if e.product_id else None
            entries.append(
                HandoverEntryView(
                    id=e.id,
                    position=e.position,
                    umkm_id=u.id,
                    umkm_name=u.name,
                    owner_name=u.owner_name,
                    regency=s.get(Region, u.region_id).name,
                    kind=e.kind,
                    product_name=p.name if p else None,
                    permit=PublicPermit(m.kind, m.number) if m else None,
                    award=_term(s.get(ShowcaseTerm, e.award_id)) if e.award_id else None,
                )
            )
        return HandoverEventView(
            ev.id, ev.title, ev.held_on, ev.place, ev.note, ev.created_by, tuple(entries)
        )

    @rights(manager=True)
    def handover_events(self) -> list[HandoverEventView]:
        """Every hand-over event, newest first."""
        with self.store.read() as s:
            self._check(s)
            rows = s.execute(
                select(HandoverEvent).order_by(HandoverEvent.held_on.desc(), HandoverEvent.id)
            ).scalars()
            return [self._event_view(s, ev) for ev in rows]

    @rights(manager=True)
    def handover_event(self, event_id: int) -> HandoverEventView:
        with self.store.read() as s:
            self._check(s)
            ev = s.get(HandoverEvent, an_id("event_id", event_id))
            if ev is None:
                self._missing(s, "handover-event", event_id, "see")
            return self._event_view(s, ev)

    @rights(manager=True)
    def handover_candidates(self) -> list[dict]:
        """Permits a facilitator recorded that can be handed over: ``{umkm_id, umkm_name,
        regency, milestone_id, kind, number, product_name}``, newest first."""
        with self.store.read() as s:
            self._check(s)
            rows = s.execute(
                select(Milestone, Umkm, Region, Product)
                .join(Umkm, Umkm.id == Milestone.umkm_id)
                .join(Region, Region.id == Umkm.region_id)
                .outerjoin(Product, Product.id == Milestone.product_id)
                .where(Milestone.kind.in_(SHOWABLE), Milestone.number.is_not(None))
                .order_by(Milestone.achieved_on.desc(), Milestone.id.desc())
                .limit(1000)
            ).all()
            return [
                {
                    "umkm_id": u.id,
                    "umkm_name": u.name,
                    "regency": r.name,
                    "milestone_id": m.id,
                    "kind": m.kind,
                    "number": m.number,
                    "product_name": p.name if p else None,
                }
                for m, u, r, p in rows
            ]

    # --- promotion figures -------------------------------------------------------------------
    @rights(facilitator="assigned", manager=True)
    def showcase_figures(self) -> ShowcaseFigures:
        """Products shown, products shown with a permit number, by regency and by speciality
        (of the UMKM the caller may see): one grouped query (:mod:`.showcase_figures`)."""
        from berdikari.store.showcase_figures import figures  # it imports ShowcaseFigures

        with self.store.read() as s:
            return figures(s, self._visible_umkm_ids(s))


def _term_row(s: Session, kind: vocab.ShowcaseTermKind, key) -> ShowcaseTerm | None:
    """The speciality or award row with ``key`` (None when there is none)."""
    return s.execute(
        select(ShowcaseTerm).where(ShowcaseTerm.kind == kind.value, ShowcaseTerm.key == key)
    ).scalar_one_or_none()


# --- the anonymous public entry point ------------------------------------------------------------


def _like(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


class PublicShowcase:
    """What an anonymous visitor may read: approved, consented product pages as
    :class:`~berdikari.showcase.PublicProduct`, their photos, and counts to browse by. Needs no
    identity and never writes; a bad filter value gives an empty page, never an error."""

    def __init__(self, store: Store):
        self.store = store

    def _public_rows(self, s: Session, regency=None, category=None, speciality=None, query=None):
        q = (
            select(ShowcaseListing)
            .join(Product, Product.id == ShowcaseListing.product_id)
            .join(Umkm, Umkm.id == ShowcaseListing.umkm_id)
            .join(Region, Region.id == Umkm.region_id)
            .outerjoin(ShowcaseTerm, ShowcaseTerm.id == ShowcaseListing.speciality_id)
            .where(_public_filter())
        )
        if regency:
            q = q.where(Region.code == str(regency)[:8])
        if category:
            q = q.where(Product.category == str(category)[:40])
        if speciality:
            q = q.where(ShowcaseTerm.key == str(speciality)[:40])
        if query:
            like = _like(str(query)[: sc.QUERY_MAX])
            q = q.where(
                or_(
                    func.lower(Product.name).like(like, escape="\\"),
                    func.lower(ShowcaseListing.description).like(like, escape="\\"),
                    func.lower(Umkm.name).like(like, escape="\\"),
                )
            )
        return q

    def products(
        self,
        regency: str | None = None,
        category: str | None = None,
        speciality: str | None = None,
        query: str | None = None,
        page: int = 1,
        per_page: int = 24,
    ) -> sc.PublicPage:
        """One page of the public products (newest change first), filtered by regency code,
        product category, speciality key and a text in the name, description or UMKM name."""
        per_page = max(1, min(int(per_page) if isinstance(per_page, int) else 24, sc.PER_PAGE_MAX))
        page = page if isinstance(page, int) and 1 <= page <= 10_000 else 0
        if page == 0 or (query is not None and len(str(query)) > sc.QUERY_MAX):
            return sc.PublicPage((), 0, max(page, 1), per_page)
        with self.store.read() as s:
            q = self._public_rows(s, regency, category, speciality, query)
            total = s.execute(select(func.count()).select_from(q.subquery())).scalar_one()
            rows = (
                s.execute(
                    q.order_by(ShowcaseListing.updated_at.desc(), ShowcaseListing.id.desc())
                    .offset((page - 1) * per_page)
                    .limit(per_page)
                )
                .scalars()
                .all()
            )
            on = today()
            items = tuple(public_product(s, x, on) for x in rows)
        return sc.PublicPage(items, total, page, per_page)

    def all_products(self, regency: str | None = None) -> tuple[PublicProduct, ...]:
        """Every public product (of one regency code), by regency then name: the leaflet and the
        offline build."""
        with self.store.read() as s:
            q = self._public_rows(s, regency=regency).order_by(Region.name, Product.name)
            on = today()
            return tuple(public_product(s, x, on) for x in s.execute(q).scalars())

    def product(self, slug: str) -> PublicProduct | None:
        """The public page of ``slug``, or None (not public, or no such page)."""
        if not isinstance(slug, str) or not slug or len(slug) > 200:
            return None
        with self.store.read() as s:
            x = s.execute(
                select(ShowcaseListing).where(ShowcaseListing.slug == slug, _public_filter())
            ).scalar_one_or_none()
            return public_product(s, x) if x is not None else None

    def photo(self, photo_id: int) -> sc.PublicPhoto | None:
        """The original photo of a public page that shows it, or None. For resizing only: the
        original may carry EXIF data (a place), so never send these bytes out as they are."""
        if isinstance(photo_id, bool) or not isinstance(photo_id, int) or photo_id < 1:
            return None
        with self.store.read() as s:
            shown = s.execute(
                select(ShowcaseListing.id).where(
                    ShowcaseListing.photo_id == photo_id,
                    ShowcaseListing.show_photo.is_(True),
                    _public_filter(),
                )
            ).first()
            ph = s.get(ShowcasePhoto, photo_id) if shown else None
            if ph is None:
                return None
            return sc.PublicPhoto(
                ph.id, ph.mime, bytes(ph.content), ph.width, ph.height, ph.sha256, ph.created_at
            )

    def facets(self) -> dict[str, tuple[sc.Facet, ...]]:
        """The regencies, categories and specialities that have public products, with counts."""
        with self.store.read() as s:
            base = self._public_rows(s).subquery()
            rows = s.execute(
                select(
                    Region.code,
                    Region.name,
                    Product.category,
                    ShowcaseTerm.key,
                    ShowcaseTerm.label_id,
                    ShowcaseTerm.label_en,
                )
                .select_from(base)
                .join(Product, Product.id == base.c.product_id)
                .join(Umkm, Umkm.id == base.c.umkm_id)
                .join(Region, Region.id == Umkm.region_id)
                .outerjoin(ShowcaseTerm, ShowcaseTerm.id == base.c.speciality_id)
            ).all()
        regencies: Counter = Counter()
        categories: Counter = Counter()
        specs: Counter = Counter()
        names: dict[str, tuple[str, str]] = {}
        for code, name, category, key, label_id, label_en in rows:
            regencies[code] += 1
            names[("r", code)] = (name, name)
            categories[category] += 1
            if key is not None:
                specs[key] += 1
                names[("s", key)] = (label_id, label_en)
        cat = vocab.ProductCategory
        return {
            "regency": tuple(
                sc.Facet(k, *names[("r", k)], n)
                for k, n in sorted(regencies.items(), key=lambda i: names[("r", i[0])])
            ),
            "category": tuple(
                sc.Facet(k, cat.label_of(k, "id"), cat.label_of(k, "en"), categories[k])
                for k in cat.values()
                if categories[k]
            ),
            "speciality": tuple(
                sc.Facet(k, *names[("s", k)], n)
                for k, n in sorted(specs.items(), key=lambda i: names[("s", i[0])])
            ),
        }

    def changed_at(self) -> datetime | None:
        """The latest change that can alter a public page (a listing, an award, a term): a cache
        key that every instance reads the same. Awards also appear when their day comes, so a
        cache should include today's date."""
        with self.store.read() as s:
            stamps = [
                s.execute(select(func.max(ShowcaseListing.updated_at))).scalar(),
                s.execute(select(func.max(HandoverEntry.created_at))).scalar(),
                s.execute(select(func.max(ShowcaseTerm.created_at))).scalar(),
                s.execute(select(func.max(Milestone.created_at))).scalar(),
            ]
        stamps = [x for x in stamps if x is not None]
        return max(stamps) if stamps else None
