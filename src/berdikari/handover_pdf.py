"""The hand-over day's papers as PDF (fpdf2): the master of ceremonies' list, and one page per
recipient: a certificate of programme completion (*sertifikat pendampingan*) or an award
(*piagam*) with the programme's name, the UMKM, the achievement and the date.

Input is a :class:`berdikari.store.showcase.HandoverEventView` (read through the service layer);
this module never reads the database, and prints no PIN, code or other internal key.
"""

from __future__ import annotations

from berdikari import vocab
from berdikari.i18n import t
from berdikari.owner_report import _font, long_date
from berdikari.report_text import office_name

PROGRAMME = "Program Pendampingan UMKM Pangan dan Obat Tradisional"
"""The programme's name as printed on its certificates (a proper name: not translated)."""


def _text(pdf, height: float, text: str) -> None:
    """A left-aligned paragraph, then the next line."""
    pdf.multi_cell(0, height, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _pdf(orientation: str = "P"):
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    pdf.set_creator("Berdikari")
    return pdf


def mc_list_pdf(event, lang: str = "id") -> bytes:
    """The list the master of ceremonies reads, in calling order."""
    pdf = _pdf()
    pdf.set_title(event.title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    _text(pdf, 8, event.title)
    pdf.set_font("DejaVu", "", 11)
    _text(pdf, 6, f"{long_date(event.held_on, lang)} · {event.place}")
    _text(pdf, 6, t("List for the master of ceremonies", lang))
    pdf.ln(4)
    for e in event.entries:
        pdf.set_font("DejaVu", "B", 12)
        _text(pdf, 7, f"{e.position}. {e.umkm_name} ({e.regency})")
        pdf.set_font("DejaVu", "", 11)
        who = t("Received by {name}", lang, name=e.owner_name)
        what = vocab.HandoverKind.label_of(e.kind, lang)
        _text(pdf, 6, f"{what}: {e.achievement(lang)}")
        _text(pdf, 6, who)
        pdf.ln(2)
    if not event.entries:
        _text(pdf, 6, t("No recipients recorded yet.", lang))
    return bytes(pdf.output())


def certificates_pdf(event, lang: str = "id") -> bytes:
    """One landscape page per recipient: *piagam* for an award, *sertifikat pendampingan*
    otherwise (a permit hand-over is also the end of the UMKM's mentoring)."""
    pdf = _pdf("L")
    pdf.set_title(event.title)
    for e in event.entries or ():
        pdf.add_page()
        pdf.set_line_width(1.2)
        pdf.rect(10, 10, 277, 190)
        pdf.set_y(28)
        award = e.kind == vocab.HandoverKind.AWARD
        heading = (
            t("Award (piagam)", lang) if award else t("Certificate of programme completion", lang)
        )
        pdf.set_font("DejaVu", "B", 28)
        pdf.cell(0, 14, heading.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 13)
        pdf.cell(0, 8, PROGRAMME, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(10)
        pdf.cell(0, 8, t("is given to", lang), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 24)
        pdf.multi_cell(0, 12, e.umkm_name, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 13)
        pdf.cell(0, 8, e.regency, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font("DejaVu", "B", 15)
        pdf.multi_cell(0, 9, e.achievement(lang), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        pdf.set_font("DejaVu", "", 12)
        pdf.cell(
            0,
            7,
            f"{event.place}, {long_date(event.held_on, lang)}",
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.cell(0, 7, office_name(lang), align="C", new_x="LMARGIN", new_y="NEXT")
    if not event.entries:
        pdf.add_page()
        pdf.set_font("DejaVu", "", 12)
        _text(pdf, 6, t("No recipients recorded yet.", lang))
    return bytes(pdf.output())
