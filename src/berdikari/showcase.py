"""The Etalase (public showcase of the programme's products): what the public may see, and the
programme's own vocabularies of local specialities and awards.

:class:`PublicProduct` is the contract between the store (:mod:`berdikari.store.showcase`, which
builds it only for products that are approved by the programme manager and consented to by the
owner) and the public pages (:mod:`berdikari.web.etalase`, which only render it). Every field here
is something the owner agreed to show; nothing else about a UMKM (its assessments, PIN, address,
owner's name, people) may ever be added to these classes.

Specialities and awards are programme vocabularies the manager can extend, so they are rows in
the database (``showcase_term``) with an Indonesian and an English label; the rows below seed
them (migration 0005). Fixed enums (the listing's state, the kinds of hand-over entries) are in
:mod:`berdikari.vocab`. This module holds data shapes and words only: no I/O, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from berdikari import vocab

# --- limits (a public server: every size is bounded) ---------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
"""The largest photo file stored (the original; the public pages serve resized copies)."""
PHOTO_MAX_PIXELS = 40_000_000
"""A larger picture is refused before it is decoded (a decompression bomb)."""
DESCRIPTION_MAX = 1000
PRODUCT_NAME_MAX = 160
QUERY_MAX = 80
PER_PAGE_MAX = 48
PLACE_MAX = 200
EVENT_TITLE_MAX = 200
TERM_LABEL_MAX = 80
ORDER_CONTACT_MAX = 30

# --- the programme's vocabularies, seeded as rows (the manager adds more) -------------------------

SPECIALITIES: tuple[tuple[str, str, str], ...] = (
    # (key, Indonesian label, English label): Kalimantan Tengah's own products
    ("madu-kelulut", "Madu kelulut", "Kelulut (stingless bee) honey"),
    ("kerupuk-haruan", "Kerupuk haruan", "Snakehead fish crackers"),
    ("teh-kelakai", "Teh kelakai", "Kelakai fern tea"),
    ("amplang", "Amplang", "Amplang fish crackers"),
    ("ikan-asin", "Ikan asin sungai", "River dried salted fish"),
    ("kopi-dayak", "Kopi lokal Kalimantan Tengah", "Central Kalimantan local coffee"),
    ("jamu-pasak-bumi", "Jamu pasak bumi", "Pasak bumi herbal drink"),
    ("dodol-durian", "Dodol/lempok durian", "Durian dodol (lempok)"),
    ("rotan-muda", "Olahan rotan muda", "Young rattan shoot products"),
)
AWARDS: tuple[tuple[str, str, str], ...] = (
    ("umkm-berprestasi", "UMKM berprestasi", "Outstanding UMKM"),
    ("produk-baru-terbaik", "Produk baru terbaik", "Best new product"),
    ("produk-unggulan-daerah", "Produk unggulan daerah", "Regional flagship product"),
    ("kemasan-terbaik", "Kemasan terbaik", "Best packaging"),
    ("pendampingan-teladan", "Peserta pendampingan teladan", "Model programme participant"),
)


# --- what the public sees (the contract with the public pages) ------------------------------------


@dataclass(frozen=True)
class Term:
    """One speciality or award of the programme vocabulary, with its two labels."""

    key: str
    label_id: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_id if lang == "id" else self.label_en


@dataclass(frozen=True)
class PublicPermit:
    """A permit or certificate number a facilitator recorded as a milestone and the owner chose
    to show. ``kind`` is a :class:`berdikari.vocab.MilestoneKind` value (``p-irt``, ``bpom-md``,
    ``bpom-tr``, ``bpom-na``); halal is :attr:`PublicProduct.halal_number`."""

    kind: str
    number: str

    def label(self, lang: str) -> str:
        return vocab.MilestoneKind.label_of(self.kind, lang)


@dataclass(frozen=True)
class PublicAward:
    """An award given at a hand-over event that has taken place."""

    term: Term
    year: int

    def label(self, lang: str) -> str:
        return self.term.label(lang)


@dataclass(frozen=True)
class PublicProduct:
    """One product page of the showcase. Built only for an approved, consented listing."""

    slug: str
    """Stable for the listing's life (QR codes are printed with it)."""
    product_name: str
    description: str
    category: str
    """A :class:`berdikari.vocab.ProductCategory` value."""
    regency: str
    """The regency's or city's name (never the address)."""
    regency_code: str
    """The region's short code (``PKY``), for filter links."""
    speciality: Term | None
    permits: tuple[PublicPermit, ...]
    halal_number: str | None
    awards: tuple[PublicAward, ...]
    order_whatsapp: str | None
    """Digits with the country code (``6281234567890``), for ``https://wa.me/<digits>``."""
    order_phone: str | None
    photo_id: int | None
    umkm_name: str
    updated_at: datetime

    def category_label(self, lang: str) -> str:
        return vocab.ProductCategory.label_of(self.category, lang)

    def speciality_label(self, lang: str) -> str | None:
        return self.speciality.label(lang) if self.speciality else None


@dataclass(frozen=True)
class PublicPage:
    """One page of a filtered list of the showcase."""

    items: tuple[PublicProduct, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class PublicPhoto:
    """The stored original of a public product's photo (JPEG or PNG, checked with Pillow)."""

    photo_id: int
    mime: str
    content: bytes
    width: int
    height: int
    sha256: str
    updated_at: datetime


@dataclass(frozen=True)
class Facet:
    """A value to browse by and how many public products it holds (for the filter menus)."""

    key: str
    label_id: str
    label_en: str
    count: int

    def label(self, lang: str) -> str:
        return self.label_id if lang == "id" else self.label_en
