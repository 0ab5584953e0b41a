"""The demo programme's Etalase: which demo UMKM agreed to show a product, what they chose, the
manager's approvals, the photos, and two hand-over days with their awards.

Called once by :func:`berdikari.store.demo.fill` inside its write, after the businesses and
their milestones exist; rows are written directly with past timestamps, like the rest of the
demo. The photos are drawings made here with Pillow (a jar, a pouch, a box, a bottle or a bar
with the product's name on its label): no real people, places or brands. Permit numbers come
only from the milestones a facilitator recorded in the demo; this module never invents a
number. It has its own random generator, so the rest of the demo stays as it was. Never call it
outside the demo.
"""

from __future__ import annotations

import hashlib
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select
from sqlalchemy.orm import Session

from berdikari import vocab
from berdikari.store.models import (
    Account,
    HandoverEntry,
    HandoverEvent,
    Milestone,
    Product,
    ShowcaseListing,
    ShowcasePhoto,
    ShowcaseTerm,
    Umkm,
)
from berdikari.store.showcase import slugify

HANDED = vocab.HandoverKind
TERM = vocab.ShowcaseTermKind
SEED_OFFSET = 15  # issue 15: a generator of its own, so the other demo rows do not move

# demo product name -> (speciality key | None, drawing, colour, description)
LOOKS: dict[str, tuple[str | None, str, tuple[int, int, int], str]] = {
    "Kerupuk ikan haruan": (
        "kerupuk-haruan",
        "pouch",
        (214, 120, 40),
        "Kerupuk dari ikan haruan sungai Kalimantan Tengah, digoreng sendiri di rumah. Renyah, "
        "tanpa pengawet. Kemasan 250 gram.",
    ),
    "Amplang ikan pipih": (
        "amplang",
        "pouch",
        (196, 160, 60),
        "Amplang ikan pipih yang gurih, dibuat dengan resep keluarga. Kemasan 200 gram.",
    ),
    "Madu kelulut": (
        "madu-kelulut",
        "jar",
        (190, 130, 20),
        "Madu kelulut dari lebah tanpa sengat yang dipelihara di kebun sendiri. Rasa asam manis "
        "yang khas. Botol 250 ml.",
    ),
    "Teh kelakai": (
        "teh-kelakai",
        "box",
        (60, 130, 70),
        "Teh dari daun kelakai muda yang dikeringkan. Seduh dengan air panas. Isi 20 kantong.",
    ),
    "Kopi bubuk liberika": (
        "kopi-dayak",
        "pouch",
        (110, 70, 40),
        "Kopi liberika dari kebun rakyat, disangrai sedang dan digiling halus. Kemasan 200 gram.",
    ),
    "Minuman jahe merah instan": (
        None,
        "box",
        (170, 50, 40),
        "Serbuk jahe merah dengan gula aren. Larutkan satu sachet dalam air hangat.",
    ),
    "Rengginang ketan": (
        None,
        "pouch",
        (230, 200, 150),
        "Rengginang ketan putih, tinggal digoreng. Kemasan 500 gram.",
    ),
    "Stik jamur tiram": (
        None,
        "pouch",
        (150, 120, 90),
        "Stik renyah dari jamur tiram segar. Kemasan 150 gram.",
    ),
    "Jamu kunyit asam": (
        None,
        "bottle",
        (220, 160, 30),
        "Jamu kunyit asam siap minum, dibuat setiap pagi. Botol 250 ml.",
    ),
    "Jamu beras kencur": (
        None,
        "bottle",
        (230, 210, 160),
        "Jamu beras kencur siap minum. Botol 250 ml.",
    ),
    "Serbuk akar kuning": (
        None,
        "box",
        (200, 170, 30),
        "Serbuk akar kuning untuk diseduh. Isi 100 gram.",
    ),
    "Pupur dingin beras": (
        None,
        "soap",
        (240, 235, 220),
        "Pupur dingin dari tepung beras dan rempah, untuk wajah. Isi 50 gram.",
    ),
}
WAITING = 2
"""How many pages the owner agreed to still wait for the manager (so the queue is not empty)."""
MAX_SHOWN = 12
"""The demo's shown pages at most (a few of each kind is enough to browse)."""
PLACE = "Aula BBPOM di Palangka Raya (demo)"
AWARDS = ("umkm-berprestasi", "kemasan-terbaik", "produk-unggulan-daerah")
"""Given at the past hand-over day: two to businesses with a permit, one to a speciality."""
COMING_AWARD = "produk-baru-terbaik"
"""Given at the coming hand-over day: not on the showcase before that day."""


@dataclass(frozen=True)
class Shown:
    """One demo page as written (for the hand-over entries)."""

    listing: ShowcaseListing
    umkm: Umkm
    product: Product
    permits: tuple[Milestone, ...]


def _at(day: date, hour: int) -> datetime:
    """``hour`` o'clock WIB (UTC+7) on ``day``, as UTC."""
    return (datetime.combine(day, time(hour)) - timedelta(hours=7)).replace(tzinfo=UTC)


def _font(size: int):
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:  # no DejaVu on this machine: Pillow's own font still draws the name
        return ImageFont.load_default(size)


def product_photo(name: str, brand: str, drawing: str, colour: tuple[int, int, int]) -> bytes:
    """A JPEG drawing (720 x 540) of the product's package with its name on the label."""
    w, h = 720, 540
    im = Image.new("RGB", (w, h), (246, 241, 232))
    d = ImageDraw.Draw(im)
    d.rectangle((0, 400, w, h), fill=(205, 180, 145))  # the table
    d.line((0, 400, w, 400), fill=(160, 130, 100), width=4)
    dark = tuple(max(0, c - 70) for c in colour)
    if drawing == "jar":
        d.rounded_rectangle((250, 150, 470, 420), 30, fill=colour, outline=dark, width=5)
        d.rectangle((270, 110, 450, 155), fill=(90, 60, 30))
        label = (270, 230, 450, 350)
    elif drawing == "bottle":
        d.rectangle((330, 80, 390, 170), fill=colour, outline=dark, width=4)
        d.rectangle((322, 60, 398, 90), fill=(60, 110, 60))
        d.rounded_rectangle((270, 160, 450, 420), 40, fill=colour, outline=dark, width=5)
        label = (280, 240, 440, 350)
    elif drawing == "box":
        d.polygon([(230, 170), (430, 170), (500, 130), (300, 130)], fill=dark)
        d.polygon([(430, 170), (500, 130), (500, 380), (430, 420)], fill=dark)
        d.rectangle((230, 170, 430, 420), fill=colour, outline=dark, width=4)
        d.ellipse((300, 190, 360, 230), fill=(120, 190, 100))  # a leaf
        label = (240, 250, 420, 360)
    elif drawing == "soap":
        d.rounded_rectangle((200, 260, 520, 420), 40, fill=colour, outline=(180, 170, 150), width=5)
        d.ellipse((470, 180, 560, 250), fill=(250, 250, 245), outline=(200, 190, 170), width=3)
        label = (240, 300, 480, 380)
    else:  # a standing pouch with a window onto the crackers
        d.polygon([(240, 120), (480, 120), (500, 420), (220, 420)], fill=colour, outline=dark)
        d.rectangle((240, 110, 480, 135), fill=dark)
        d.ellipse((290, 320, 430, 400), fill=(250, 240, 215), outline=dark, width=3)
        for x, y in ((320, 345), (360, 335), (395, 355), (340, 370)):
            d.ellipse((x - 14, y - 10, x + 14, y + 10), fill=(235, 205, 150))
        label = (255, 170, 465, 300)
    d.rounded_rectangle(label, 14, fill=(255, 252, 245), outline=dark, width=3)
    cx = (label[0] + label[2]) // 2
    lines = [brand[:18], *_wrap(name, 16)[:2]]
    y = label[1] + 14
    for n, line in enumerate(lines):
        font = _font(20 if n == 0 else 17)
        d.text((cx, y), line, fill=dark if n == 0 else (40, 40, 40), font=font, anchor="ma")
        y += 30
    out = io.BytesIO()
    im.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _brand(umkm: Umkm, product: Product) -> str:
    """The business name without the product's words (``Madu Kelulut Huma Betang`` -> ``Huma
    Betang``): the demo's brands are fictional."""
    known = {w.lower() for w in product.name.split()} | {"jamu", "herbal", "pupur", "instan"}
    rest = [w for w in umkm.name.split() if w.lower() not in known]
    return " ".join(rest) or umkm.name


def fill(s: Session, umkms: list[Umkm], manager: Account, today: date, seed: int) -> list[Shown]:
    """Write the demo's showcase pages and hand-over days into ``s``; return the pages shown."""
    rng = random.Random(seed + SEED_OFFSET)
    s.flush()
    terms = {(t.kind, t.key): t for t in s.execute(select(ShowcaseTerm)).scalars()}  # 0005's
    permits_of: dict[int, list[Milestone]] = {}
    for m in s.execute(
        select(Milestone)
        .where(
            Milestone.kind.in_([str(k) for k in vocab.SHOWABLE_PERMITS]),
            Milestone.recorded_by_role == vocab.Role.FACILITATOR.value,
            Milestone.number.is_not(None),
        )
        .order_by(Milestone.id)
    ).scalars():
        permits_of.setdefault(m.umkm_id, []).append(m)
    product_of = {
        p.umkm_id: p for p in s.execute(select(Product).order_by(Product.id.desc())).scalars()
    }  # each UMKM's first product
    # Every business with a recorded permit whose product has a look, then one business of each
    # local speciality without a permit yet (promoted too, with no number).
    with_permit: list[tuple[Umkm, Product]] = []
    specials: list[tuple[Umkm, Product]] = []
    for u in umkms:
        product = product_of.get(u.id)
        look = LOOKS.get(product.name) if product else None
        if look is None:
            continue
        if u.id in permits_of:
            with_permit.append((u, product))
        elif look[0] is not None and look[0] not in {LOOKS[p.name][0] for _u, p in specials}:
            specials.append((u, product))
    # The last businesses with a permit agreed lately: their pages wait for the manager.
    cut = max(0, len(with_permit) - WAITING)
    chosen = (with_permit[:cut] + specials)[:MAX_SHOWN] + with_permit[cut:]
    shown: list[Shown] = []
    for n, (u, product) in enumerate(chosen):
        speciality, drawing, colour, description = LOOKS[product.name]
        content = product_photo(product.name, _brand(u, product), drawing, colour)
        agreed = today - timedelta(days=rng.randint(4, 25))
        photo = ShowcasePhoto(
            umkm_id=u.id,
            mime="image/jpeg",
            width=720,
            height=540,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            created_by=u.owner_name,
            created_at=_at(agreed, 10),
        )
        s.add(photo)
        s.flush()
        permits = tuple(m for m in permits_of.get(u.id, ()) if m.product_id in (None, product.id))
        waiting = n >= len(chosen) - len(with_permit[cut:])
        approved = agreed + timedelta(days=rng.randint(1, 3))
        wa = rng.random() < 0.6
        listing = ShowcaseListing(
            umkm_id=u.id,
            product_id=product.id,
            slug=f"{slugify(product.name)}-{product.id}",
            description=description,
            speciality_id=terms[(TERM.SPECIALITY.value, speciality)].id if speciality else None,
            photo_id=photo.id,
            state=vocab.ListingState.DRAFT.value if waiting else vocab.ListingState.APPROVED.value,
            consent=True,
            consent_at=_at(agreed, 10),
            consent_by_role=vocab.Role.OWNER.value,
            consent_by_name=u.owner_name,
            owner_present=True,
            show_photo=True,
            show_whatsapp=wa,
            show_phone=False,
            show_permits=[str(k) for k in vocab.SHOWABLE_PERMITS if k in {m.kind for m in permits}],
            # 0810 is no operator's prefix (as far as the programme knows): a demo number must
            # never open a real person's WhatsApp
            order_whatsapp=f"628100000{u.id:04d}" if wa else None,
            approved_at=None if waiting else _at(approved, 14),
            approved_by=None if waiting else manager.name,
            created_at=_at(agreed, 10),
            updated_at=_at(agreed if waiting else approved, 14),
        )
        s.add(listing)
        if not waiting:
            shown.append(Shown(listing, u, product, permits))
    s.flush()
    _handover_days(s, shown, terms, manager, today)
    return shown


def _handover_days(s: Session, shown: list[Shown], terms, manager: Account, today: date) -> None:
    """A hand-over day three days ago (its awards are on the showcase) and one in two weeks (its
    award appears when the day comes)."""
    past = HandoverEvent(
        title="Penyerahan nomor izin edar dan piagam UMKM binaan (demo)",
        held_on=today - timedelta(days=3),
        place=PLACE,
        note="Acara contoh dalam data demo.",
        created_by=manager.name,
        created_at=_at(today - timedelta(days=10), 9),
    )
    coming = HandoverEvent(
        title="Pameran dan penyerahan piagam produk unggulan (demo)",
        held_on=today + timedelta(days=14),
        place="Halaman kantor gubernur (demo)",
        created_by=manager.name,
        created_at=_at(today - timedelta(days=1), 9),
    )
    s.add_all([past, coming])
    s.flush()
    position = 0

    def add(ev: HandoverEvent, x: Shown, kind: str, **cols) -> None:
        nonlocal position
        position += 1
        s.add(
            HandoverEntry(
                event_id=ev.id,
                umkm_id=x.umkm.id,
                kind=kind,
                position=position,
                created_at=ev.created_at,
                **cols,
            )
        )

    permitted = [x for x in shown if x.permits]
    others = [x for x in shown if not x.permits]
    award_of = dict(zip(permitted[:2], AWARDS[:2], strict=False))
    award_of.update(zip(others[:1], AWARDS[2:], strict=False))
    numbers = {str(k) for k in vocab.PERMIT_MILESTONES}
    for x in shown:
        for m in x.permits:
            if m.kind in numbers:
                add(past, x, HANDED.PERMIT.value, milestone_id=m.id, product_id=x.product.id)
        if x in award_of:
            term = terms[(TERM.AWARD.value, award_of[x])]
            add(past, x, HANDED.AWARD.value, award_id=term.id, product_id=x.product.id)
        elif not x.permits:
            add(past, x, HANDED.COMPLETION.value)
    if permitted:
        position = 0
        x = permitted[-1]
        term = terms[(TERM.AWARD.value, COMING_AWARD)]
        add(coming, x, HANDED.AWARD.value, award_id=term.id, product_id=x.product.id)
