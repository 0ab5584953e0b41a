"""Light charts for the staff apps: inline SVG and HTML/CSS bars built from escaped data.

No plotting library: a chart is a string of markup whose every label goes through
``html.escape``. Functions take plain values and return HTML; they never read the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from html import escape

from berdikari import vocab

LEVEL_Y = dict(zip(vocab.Level.values(), (100, 70, 40, 10), strict=True))


def history_svg(points: Sequence[tuple[date | datetime, int | None, str | None, str]]) -> str:
    """Readiness (line, 0–100 %) and IRTP level (labels) over time.

    ``points`` are ``(when, readiness, level, label)`` oldest first; ``label`` is shown as the
    point's tooltip (escaped).
    """
    if not points:
        return ""
    w, h, pad = 320, 140, 24
    n = len(points)

    def x(i: int) -> float:
        return pad + (w - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)

    def y(pct: float) -> float:
        return h - pad - (h - 2 * pad) * pct / 100

    parts = [
        f'<svg class="bdk-history-svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'style="max-width:480px" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{pad}" y1="{y(0)}" x2="{w - pad}" y2="{y(0)}" stroke="#999"/>',
        f'<line x1="{pad}" y1="{y(100)}" x2="{w - pad}" y2="{y(100)}" stroke="#ddd"/>',
        f'<text x="2" y="{y(100) + 4}" font-size="9">100%</text>',
        f'<text x="2" y="{y(0) + 4}" font-size="9">0%</text>',
    ]
    line = [f"{x(i):.1f},{y(p[1]):.1f}" for i, p in enumerate(points) if p[1] is not None]
    if len(line) > 1:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="#1e6b52" stroke-width="2"/>'
        )
    for i, (when, readiness, level, label) in enumerate(points):
        cx = x(i)
        if readiness is not None:
            parts.append(
                f'<circle class="bdk-point" cx="{cx:.1f}" cy="{y(readiness):.1f}" r="4" '
                f'fill="#1e6b52" data-readiness="{int(readiness)}">'
                f"<title>{escape(label)}</title></circle>"
            )
        if level:
            parts.append(
                f'<text x="{cx:.1f}" y="{y(readiness or 0) - 8:.1f}" font-size="10" '
                f'text-anchor="middle">{escape(level)}</text>'
            )
        parts.append(
            f'<text x="{cx:.1f}" y="{h - 6}" font-size="8" text-anchor="middle">'
            f"{escape(when.strftime('%d/%m/%y'))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


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
