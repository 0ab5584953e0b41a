"""The Etalase's promotion figures in words, for the manager's screen and the programme
workbook (issue 15 point 6): one list of rows (:func:`rows`) and one HTML block (:func:`html`)
made from :class:`berdikari.store.showcase.ShowcaseFigures`, which
:mod:`berdikari.store.showcase_figures` counts. Words only, never a stored key; every text is
escaped. No I/O here: the caller reads the figures through the service (rights apply there).
"""

from __future__ import annotations

from html import escape

from berdikari.i18n import t

COLUMNS = ("group", "name", "shown", "with_permit")
"""The columns of :func:`rows` (the workbook's sheet and the screen's table)."""


def headers(lang: str) -> dict[str, str]:
    return {
        "group": t("Counted by", lang),
        "name": t("Regency, city or speciality", lang),
        "shown": t("Products shown", lang),
        "with_permit": t("Products shown with a permit number", lang),
    }


def rows(figures, lang: str) -> list[dict]:
    """The whole programme, then each regency, then each speciality (``None``: in words)."""
    out = [
        {
            "group": t("Whole programme", lang),
            "name": t("Whole programme", lang),
            "shown": figures.shown,
            "with_permit": figures.with_permit,
        }
    ]
    regency, speciality = t("Regency or city", lang), t("Local speciality", lang)
    for name, shown, permit in figures.by_regency:
        out.append({"group": regency, "name": name, "shown": shown, "with_permit": permit})
    for term, shown, permit in figures.by_speciality:
        name = term.label(lang) if term is not None else t("No local speciality", lang)
        out.append({"group": speciality, "name": name, "shown": shown, "with_permit": permit})
    return out


def html(figures, lang: str) -> str:
    """The manager's card: the totals, then a table by regency and by speciality."""
    head = headers(lang)
    cols = [(k, head[k]) for k in COLUMNS]
    body = []
    for r in rows(figures, lang):
        cells = "".join(
            f'<td data-col="{k}" data-label="{escape(head[k])}"'
            f"{' class=bdk-num' if k in ('shown', 'with_permit') else ''}>{escape(str(r[k]))}</td>"
            for k in COLUMNS
        )
        body.append(f"<tr>{cells}</tr>")
    th = "".join(f'<th scope="col">{escape(h)}</th>' for _k, h in cols)
    waiting = t("Pages waiting for approval", lang)
    return (
        f"<h3>{escape(t('Promotion figures', lang))}</h3>"
        f'<p class="bdk-help">{escape(waiting)}: '
        f'<strong data-value="{figures.waiting}">{figures.waiting}</strong></p>'
        f'<div class="bdk-table-wrap"><table class="bdk-list-table bdk-table bdk-promotion">'
        f"<thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
