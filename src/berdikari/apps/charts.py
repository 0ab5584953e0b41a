"""Light charts for the staff apps: inline SVG and HTML/CSS bars built from escaped data.

The progress chart is drawn by pygal (pinned in pyproject: static SVG, no JavaScript, no CDN,
no numpy); bars and tables are plain HTML. Every label goes through ``html.escape`` (pygal escapes
its own text). Functions take plain values and return HTML; they never read the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from html import escape

from berdikari import vocab
from berdikari.i18n import t

SERIES_COLOURS = {vocab.Role.OWNER: "#8a4b00", vocab.Role.FACILITATOR: "#1e6b52"}
"""Brown for the owner's self-assessments, the programme's green for verified results (both
above 4.5:1 on white)."""
_SCRIPT = re.compile(r"<script.*?</script>|<!--.*?-->", re.S)


def history_chart(
    points: Sequence[tuple[date | datetime, int | None, str | None, str]], lang: str
) -> str:
    """Readiness over time for one checklist: one labelled line for the owner's self-assessments,
    one for the facilitator's verified results, a legend, dates as ``YYYY-MM-DD``, alt text, and
    the same figures as a table beside the chart.

    ``points`` are ``(when, readiness, level, who)`` oldest first, ``who`` being ``owner`` or
    ``facilitator``. Rendered by pygal as static SVG (its JavaScript left out).
    """
    import pygal
    from pygal.style import Style

    if not points:
        return ""
    names = {
        vocab.Role.OWNER: t("Owner's self-assessment", lang),
        vocab.Role.FACILITATOR: t("Verified by the facilitator", lang),
    }
    style = Style(
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#222",
        foreground_subtle="#555",
        colors=tuple(SERIES_COLOURS.values()),
        font_family="sans-serif",
        legend_font_size=15,
        label_font_size=13,
        major_label_font_size=13,
    )
    day = [p[0].date() if isinstance(p[0], datetime) else p[0] for p in points]
    chart = pygal.DateLine(
        js=[],
        disable_xml_declaration=True,
        style=style,
        width=400,
        height=300,
        range=(0, 100),
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        x_label_rotation=30,
        x_labels=sorted(set(day)),
        x_value_formatter=lambda d: d.isoformat(),
        value_formatter=lambda v: f"{v:.0f}%",
        y_title=t("Readiness (%)", lang),
        show_minor_x_labels=True,
        dots_size=4,
        allow_interruptions=False,
        explicit_size=False,
        truncate_legend=-1,
        truncate_label=-1,
    )
    for who in vocab.PARTIES:
        chart.add(
            names[who],
            [
                (d, p[1])
                for d, p in zip(day, points, strict=True)
                if p[3] == who and p[1] is not None
            ],
        )
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    counts = {who: sum(1 for p in points if p[3] == who) for who in names}
    alt = t(
        "Readiness over time: {a} self-assessment(s) by the owner and {b} verified result(s); the table beside it gives every figure.",
        lang,
        a=counts[vocab.Role.OWNER],
        b=counts[vocab.Role.FACILITATOR],
    )
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(alt)}" ', 1)
    heads = (t("Date", lang), t("Whose result", lang), t("Level", lang), t("Readiness", lang))
    rows = []
    for d, (_w, readiness, level, who) in zip(day, points, strict=True):
        cells = (
            d.isoformat(),
            names[who],
            vocab.Level.label_of(level, lang) if level else "—",
            "—" if readiness is None else f"{int(readiness)}%",
        )
        rows.append(
            f'<tr class="bdk-history-{who}">'
            + "".join(
                f'<td data-label="{escape(h)}">{escape(c)}</td>'
                for h, c in zip(heads, cells, strict=True)
            )
            + "</tr>"
        )
    # bdk-list-table: the staff CSS keeps its words whole and makes it a list on a phone
    table = (
        '<table class="bdk-list-table bdk-history-table">'
        f"<caption>{escape(t('Figures of the chart', lang))}</caption><thead><tr>"
        + "".join(f'<th scope="col">{escape(h)}</th>' for h in heads)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return (
        f'<div class="bdk-history-chart" style="display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start">'
        f'<div class="bdk-history-svg" style="flex:1 1 300px;max-width:520px">{svg}</div>'
        f'<div style="flex:1 1 260px;overflow-x:auto">{table}</div></div>'
    )


def bars(counts: Mapping[str, int], css_class: str = "bdk-dist") -> str:
    """Horizontal bars, one per key, scaled to the largest value; value shown as text."""
    top = max(counts.values(), default=0) or 1
    rows = []
    for key, value in counts.items():
        pct = round(100 * value / top)
        rows.append(
            f'<div class="bdk-chart-row" data-key="{escape(str(key))}" data-value="{int(value)}">'
            f"<div>{escape(str(key))}: <strong>{int(value)}</strong></div>"
            f'<div class="bdk-bar"><span style="width:{pct}%"></span></div></div>'
        )
    return f'<div class="{escape(css_class)}">' + "".join(rows) + "</div>"


def table(
    columns: Sequence[tuple[str, str]], rows: Sequence[Mapping], css_class: str = "bdk-table"
) -> str:
    """An HTML table: ``columns`` are ``(key, heading)``; every cell is escaped. Each cell carries
    ``data-col`` so tests can read a column."""
    head = "".join(f"<th>{escape(h)}</th>" for _k, h in columns)
    body = []
    for r in rows:
        cells = "".join(
            f'<td data-col="{escape(k)}">{escape("" if r.get(k) is None else str(r.get(k)))}</td>'
            for k, _h in columns
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div style="overflow-x:auto"><table class="{escape(css_class)}">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
