"""Products for the Etalase's public-page tests, built as the contract's own frozen shapes.

:class:`FakeShowcase` answers like :class:`berdikari.store.showcase.PublicShowcase` (same
methods, same results) from a list of :class:`~berdikari.showcase.PublicProduct`, so the pages
can be tested fast and without a database; the store's own filtering is tested by its owner, and
``test_etalase_public.py`` also runs the pages on the real store.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime

from PIL import Image

from berdikari.showcase import (
    PER_PAGE_MAX,
    Facet,
    PublicAward,
    PublicPage,
    PublicPermit,
    PublicPhoto,
    PublicProduct,
    Term,
)

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
MADU = Term("madu-kelulut", "Madu kelulut", "Kelulut (stingless bee) honey")
BEST = Term("umkm-berprestasi", "UMKM berprestasi", "Outstanding UMKM")


def photo_bytes(width: int = 1600, height: int = 1200, seed: int = 1) -> bytes:
    """A made-up product photo: smooth colour patches with fine grain, as a camera's JPEG."""
    rnd = random.Random(seed)
    small = Image.frombytes(
        "RGB", (width // 40, height // 40), rnd.randbytes(width // 40 * height // 40 * 3)
    )
    im = small.resize((width, height), Image.BICUBIC)
    grain = Image.effect_noise((width, height), 24).convert("RGB")
    im = Image.blend(im, grain, 0.12)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90)
    return out.getvalue()


def product(slug: str = "madu-kelulut-sebangau", **changes) -> PublicProduct:
    values = dict(
        slug=slug,
        product_name="Madu Kelulut Sebangau",
        description="Madu dari lebah kelulut hutan gambut.",
        category="pangan-olahan",
        regency="Palangka Raya",
        regency_code="PKY",
        speciality=MADU,
        permits=(
            PublicPermit("p-irt", "2066271010123-30"),
            PublicPermit("bpom-md", "MD 123456789012"),
        ),
        halal_number="ID62110000123450625",
        awards=(PublicAward(BEST, 2026),),
        order_whatsapp="6281234567890",
        order_phone="0812-3456-7890",
        photo_id=7,
        umkm_name="Kelulut Jaya",
        updated_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    values.update(changes)
    return PublicProduct(**values)


def catalogue() -> list[PublicProduct]:
    return [
        product(),
        product(
            "kerupuk-haruan-kapuas",
            product_name="Kerupuk Haruan Kapuas",
            regency="Kapuas",
            regency_code="KPS",
            speciality=Term("kerupuk-haruan", "Kerupuk haruan", "Snakehead fish crackers"),
            permits=(PublicPermit("p-irt", "2016203010456-29"),),
            halal_number=None,
            awards=(),
            order_whatsapp=None,
            order_phone=None,
            photo_id=None,
            umkm_name="Haruan Mandiri",
        ),
        product(
            "jamu-pasak-bumi",
            product_name="Jamu Pasak Bumi",
            category="obat-tradisional",
            regency="Gunung Mas",
            regency_code="GMS",
            speciality=None,
            permits=(PublicPermit("bpom-tr", "TR 203012345"),),
            halal_number=None,
            awards=(),
            photo_id=9,
            umkm_name="Jamu Tambun",
        ),
    ]


class FakeShowcase:
    """The public showcase's methods over a list of products (see the module docstring)."""

    def __init__(self, products: list[PublicProduct], photos: dict[int, bytes] | None = None):
        self.items = list(products)
        self.photos = dict(photos or {})
        self.photo_loads = 0

    def _match(self, p, regency, category, speciality, query) -> bool:
        if regency and p.regency_code != regency:
            return False
        if category and p.category != category:
            return False
        if speciality and (p.speciality is None or p.speciality.key != speciality):
            return False
        if query and query.lower() not in (p.product_name + " " + p.umkm_name).lower():
            return False
        return True

    def products(
        self, regency=None, category=None, speciality=None, query=None, page=1, per_page=24
    ):
        per_page = max(1, min(per_page, PER_PAGE_MAX))
        found = [p for p in self.items if self._match(p, regency, category, speciality, query)]
        start = (page - 1) * per_page
        return PublicPage(tuple(found[start : start + per_page]), len(found), page, per_page)

    def product(self, slug):
        return next((p for p in self.items if p.slug == slug), None)

    def photo(self, photo_id):
        content = self.photos.get(photo_id)
        if content is None or not any(p.photo_id == photo_id for p in self.items):
            return None
        self.photo_loads += 1
        with Image.open(io.BytesIO(content)) as im:
            w, h = im.size
        return PublicPhoto(photo_id, "image/jpeg", content, w, h, "0" * 64, datetime.now(UTC))

    def facets(self):
        def count(key_of, label_of):
            seen: dict[str, list] = {}
            for p in self.items:
                key = key_of(p)
                if key:
                    seen.setdefault(key, [label_of(p), 0])[1] += 1
            return tuple(Facet(k, lab[0], lab[1], n) for k, (lab, n) in seen.items())

        return {
            "regency": count(lambda p: p.regency_code, lambda p: (p.regency, p.regency)),
            "category": count(lambda p: p.category, lambda p: (p.category, p.category)),
            "speciality": count(
                lambda p: p.speciality.key if p.speciality else None,
                lambda p: (p.speciality.label_id, p.speciality.label_en),
            ),
        }

    def all_products(self, regency=None):
        return tuple(p for p in self.items if not regency or p.regency_code == regency)

    def changed_at(self):
        return max((p.updated_at for p in self.items), default=None)
