"""The Etalase leaflet: one A4 page of a regency's (or the whole programme's) permitted products,
for exhibitions and stands (fpdf2).

Each product gets a line: its name, the UMKM, the regency and product type, its permit and halal
numbers, and a small QR code that opens its page. One page at most: when more products than
:data:`MAX_ROWS` are shown, the last line says how many more are on the showcase, whose QR code
is at the top. Words come from :func:`berdikari.i18n.t` and the products' labels, never keys.

This module must never read the database: it prints the :class:`~berdikari.showcase.PublicProduct`
values it is given, and nothing else.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date

from berdikari import vocab
from berdikari.i18n import t
from berdikari.showcase import PublicProduct
from berdikari.web import etalase_media

MAX_ROWS = 12
"""Products that fit on the page with their QR codes."""
ROW_MM = 19.0
QR_MM = 17.0


def _font(name: str) -> str:
    from berdikari.owner_report import _font as font

    return font(name)


def numbers_line(p: PublicProduct, lang: str) -> str:
    parts = [f"{x.label(lang)} {x.number}" for x in p.permits]
    if p.halal_number:
        parts.append(f"{vocab.MilestoneKind.HALAL.label(lang)} {p.halal_number}")
    return " · ".join(parts)


def leaflet_rows(
    products: Sequence[PublicProduct], lang: str, page_url: Callable[[str], str]
) -> list[dict[str, str]]:
    """What each product's line on the leaflet says, in words (and the address its QR opens)."""
    rows = []
    for p in products:
        title = p.product_name
        if p.speciality:
            title += f"  [{p.speciality_label(lang)}]"
        rows.append(
            {
                "title": title,
                "maker": f"{p.umkm_name} · {p.regency} · {p.category_label(lang)}",
                "numbers": numbers_line(p, lang),
                "url": page_url(p.slug),
            }
        )
    return rows


def leaflet_pdf(
    products: Sequence[PublicProduct],
    lang: str,
    *,
    regency: str | None,
    list_url: str,
    page_url: Callable[[str], str],
    today: date | None = None,
) -> bytes:
    """The leaflet as PDF bytes (one page)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    pdf.set_title(t("Showcase of UMKM products", lang))
    pdf.add_page()
    width = pdf.w - 2 * pdf.l_margin

    pdf.image(io.BytesIO(etalase_media.qr_png(list_url, scale=6)), x=pdf.w - 40, y=10, w=28)
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(width - 32, 8, t("Showcase of UMKM products", lang))
    pdf.set_font("DejaVu", "", 11)
    where = regency or t("Central Kalimantan", lang)
    pdf.multi_cell(width - 32, 6, t("Permitted products from {where}", lang, where=where))
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        width - 32,
        5,
        t(
            "These products come from UMKM mentored by the programme "
            "'one UMKM, one facilitator' of the Balai Besar POM in Palangka Raya.",
            lang,
        ),
    )
    pdf.multi_cell(width - 32, 5, t("All products: {url}", lang, url=list_url))
    pdf.set_y(max(pdf.get_y(), 42) + 3)

    shown = list(products)[:MAX_ROWS]
    if not shown:
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(width, 6, t("No product is shown yet.", lang))
    for row in leaflet_rows(shown, lang, page_url):
        top = pdf.get_y()
        pdf.set_draw_color(200, 200, 200)
        pdf.line(pdf.l_margin, top, pdf.l_margin + width, top)
        pdf.image(
            io.BytesIO(etalase_media.qr_png(row["url"], scale=4)),
            x=pdf.l_margin,
            y=top + 1,
            w=QR_MM,
        )
        text_x = pdf.l_margin + QR_MM + 3
        for offset, style, size, text in (
            (1.5, "B", 10.5, row["title"]),
            (6.5, "", 8.5, row["maker"]),
            (11, "", 8.5, row["numbers"]),
        ):
            pdf.set_xy(text_x, top + offset)
            pdf.set_font("DejaVu", style, size)
            pdf.cell(width - QR_MM - 3, 4.5, text[:110])
        pdf.set_y(top + ROW_MM)
    rest = len(products) - len(shown)
    if rest > 0:
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(width, 6, t("And {n} more products: {url}", lang, n=rest, url=list_url))
    pdf.set_y(pdf.h - 18)
    pdf.set_font("DejaVu", "", 8)
    from berdikari.owner_report import long_date

    when = long_date(today or date.today(), lang)
    pdf.multi_cell(
        width,
        4,
        t(
            "Check BPOM numbers at cekbpom.pom.go.id and halal certificates at halal.go.id. "
            "Printed {date}.",
            lang,
            date=when,
        ),
    )
    return bytes(pdf.output())
