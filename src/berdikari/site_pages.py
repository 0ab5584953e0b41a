"""The pages the site generates from ``checklists/``, as Markdown, and the back-links in guides.

One reference page per checklist (Indonesian with English alongside, and English), the index of
checklists and the index of regulations; and, for a guide page, the box under each heading an item
links to. Also the one place that names things: an item's anchor, a checklist's page.

Pure functions over checklists: no MkDocs, no writing. The only reading is of guide headings (to
name a guide link by its heading). :mod:`berdikari.site` hands these pages to MkDocs.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from markdown.extensions.toc import slugify

from berdikari import checklists as cl
from berdikari.guide_anchors import line_anchors, lines_with_code_flag
from berdikari.i18n import t
from berdikari.report_text import GRAVEST_FIRST, criticality_label
from berdikari.scoring import IRTP_AUDIT_FREQUENCY, IRTP_LEVEL_TABLE

log = logging.getLogger("mkdocs.plugins.berdikari")

REFERENCE_DIR = {"id": "referensi/daftar-periksa", "en": "en/reference/checklists"}
REGULATIONS_PAGE = {"id": "referensi/regulasi.md", "en": "en/reference/regulations.md"}
LANGS = ("id", "en")


# --- names and links: the one place for each ------------------------------------------------------


def item_anchor(item_id: str) -> str:
    """The HTML anchor of an item on its reference page: ``CPPOB-IRTP-01.01`` → ``cppob-irtp-01.01``."""
    return item_id.lower()


def checklist_page(checklist_id: str, lang: str = "id") -> str:
    """The generated page (path under ``guides/``) of a checklist in ``lang``."""
    return f"{REFERENCE_DIR[lang]}/{checklist_id}.md"


def _bare_number(reg: cl.Regulation) -> str:
    """The number without a trailing "Tahun <year>" (some files write the year in it too)."""
    return re.sub(rf"\s+(Tahun|of)\s+{reg.year}\s*$", "", reg.number.strip())


def regulation_anchor(reg: cl.Regulation) -> str:
    """One anchor per regulation on the index, however a checklist spells its number."""
    return slugify(f"{_bare_number(reg)} {reg.year}", "-")


def _rel(target: str, from_page: str) -> str:
    """A relative link from one page (path under guides/) to another, ``#anchor`` kept."""
    path, sep, anchor = target.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(from_page) or ".")
    return rel + sep + anchor


def _reg_name(reg: cl.Regulation, lang: str) -> str:
    """How a regulation is named on the pages: its number and year."""
    return t("{number} of {year}", lang, number=_e(_bare_number(reg)), year=reg.year)


def _status(reg: cl.Regulation, lang: str) -> str:
    """Where a regulation stands, in words: in force, amended by …, revoked by …."""
    if reg.status is None:
        return t("in force", lang)
    by = ", ".join(_e(b) for b in reg.status.by)
    if reg.status.state == "revoked":
        return t("revoked by {by}", lang, by=by)
    if reg.status.state == "amended":
        return t("in force, amended by {by}", lang, by=by)
    return t("in force", lang)


def _date(d, lang: str) -> str:
    return format_date(d, format="long", locale=lang)


def _e(text: str) -> str:
    """Checklist text made safe inside Markdown/HTML (no markup from data)."""
    return html.escape(text.strip(), quote=True)


def _lang_of(src_uri: str) -> str:
    return "en" if src_uri.startswith("en/") else "id"


# --- rendering -----------------------------------------------------------------------------------


_NOT_INDEXED = "data-search-exclude"
"""English text on Indonesian pages stays out of the search index (the English pages hold it):
the index is downloaded on a first visit, so every byte counts on weak data."""


def _en(text: str, lang: str) -> str:
    """The English text shown alongside the Indonesian one (nothing on English pages)."""
    if lang == "en":
        return ""
    return f'\n<span class="bdk-en" lang="en" {_NOT_INDEXED}>{_e(text)}</span>'


def _uncertain(note: cl.Text | None, lang: str, indent: str = "") -> list[str]:
    """A 'Belum pasti' box: what the owner must do while a fact is not settled. Only the
    owner-facing ``owner_note`` is shown; the English ``uncertain`` notes and ``provenance``
    are for maintainers and stay in the data (issue 14, point 7)."""
    if note is None:
        return []
    return [
        f'{indent}!!! warning "{t("Not yet confirmed", lang)}"',
        "",
        f"{indent}    {_e(note.get(lang))}{_en(note.en, lang)}",
        "",
    ]


def _level_table(c: cl.Checklist, lang: str) -> list[str]:
    grades = GRAVEST_FIRST
    head = [t("Level", lang)] + [criticality_label(g, lang) for g in grades]
    head += [t("SPP-IRT", lang), t("Self-inspection", lang)]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    eligible = set(c.scoring.eligible_levels or [])
    for level, maxima in IRTP_LEVEL_TABLE:
        cells = [level]
        for g in grades:
            bound = maxima[g]
            if bound is None:
                cells.append(t("any", lang))
            elif bound == 0:
                cells.append(t("none", lang))
            else:
                cells.append(t("at most {n}", lang, n=bound))
        cells.append(t("eligible", lang) if level in eligible else t("not yet", lang))
        cells.append(IRTP_AUDIT_FREQUENCY[level].get(lang))
        rows.append("| " + " | ".join(cells) + " |")
    return [
        t("Findings per grade: the first row whose limits all hold gives the level.", lang),
        "",
        *rows,
        "",
    ]


def _other_language(checklist_id: str, lang: str) -> str:
    """A link to the same checklist in the other language, named in that language."""
    other, name = ("id", "Bahasa Indonesia") if lang == "en" else ("en", "English")
    link = _rel(checklist_page(checklist_id, other), checklist_page(checklist_id, lang))
    return f'[{name}]({link}){{ hreflang="{other}" lang="{other}" }}'


def render_checklist(
    c: cl.Checklist, lang: str = "id", guide_titles: dict[str, str] | None = None
) -> str:
    """The reference page (and printable form) of one checklist.

    ``guide_titles`` (item guide link → heading text, see :func:`guide_titles`) names each guide
    link; without it the link reads "Guide"."""
    page = checklist_page(c.id, lang)
    regs_page = REGULATIONS_PAGE[lang]
    blank = "________________________"
    out = [
        "---",
        f"title: {_yaml_str(c.title.get(lang))}",
        f"description: {_yaml_str(c.summary.get(lang))}",
        "---",
        "",
        f"# {_e(c.title.get(lang))}",
        "",
        '<div class="bdk-print-only bdk-form-header" data-search-exclude="true" markdown>',
        f"<p>{t('Business (UMKM) name', lang)}: {blank}</p>",
        f"<p>{t('Address', lang)}: {blank}</p>",
        f"<p>{t('Date', lang)}: {blank} &nbsp; {t('Facilitator', lang)}: {blank}</p>",
        "</div>",
        "",
        f'<p class="bdk-meta"><code>{c.ref}</code> · '
        f"{t('Checked against the regulations on {date}', lang, date=_date(c.checked, lang))} · "
        f"{t('{n} items', lang, n=len(c.items))}</p>",
        "",
        _e(c.summary.get(lang)) + _en(c.summary.en, lang),
        "",
        '<div class="bdk-screen-only" markdown>',
        "",
        _other_language(c.id, lang),
        "",
        f'!!! tip "{t("Print this page as a paper form", lang)}"',
        "",
        "    "
        + t(
            "Use your browser's Print menu. The printout is a form: each item with boxes to "
            "tick, a line for notes, and a place for signatures.",
            lang,
        ),
        "",
        f"## {t('How the result is worked out', lang)} {{ #hasil }}",
        "",
        _e(c.scoring.explanation.get(lang)) + _en(c.scoring.explanation.en, lang),
        "",
        t(
            "“Not applicable” may be answered only for an item that says when it does not apply; "
            "every other item applies to every producer.",
            lang,
        ),
        "",
    ]
    if c.scoring.rule == "irtp-level":
        out += _level_table(c, lang)
    choice = c.scoring.programme_choice
    if choice is not None:  # the programme's own choices, kept apart from what the law says
        out += [
            '!!! info "' + t("The programme's choice, not the regulation's", lang) + '"',
            "",
            "    " + _e(choice.get(lang)) + _en(choice.en, lang),
            "",
        ]
    out += _uncertain(c.scoring.owner_note, lang)
    out += [f"## {t('Regulations cited', lang)} {{ #peraturan }}", ""]
    for reg in c.regulations:
        link = _rel(f"{regs_page}#{regulation_anchor(reg)}", page)
        out.append(
            f"- [{_reg_name(reg, lang)}]({link}): {_e(reg.title.get(lang))} ({_status(reg, lang)})"
        )
    out.append("")
    for reg in c.regulations:
        if reg.owner_note:
            out += [f"**{_reg_name(reg, lang)}**", ""]
            out += _uncertain(reg.owner_note, lang)
    out += ["</div>", ""]

    for section in c.sections:
        out += [
            f"## {section.id}. {_e(section.title.get(lang))} {{ #bagian-{section.id.lower()} }}",
            "",
        ]
        if lang != "en":
            out += [f'<p class="bdk-en" lang="en" {_NOT_INDEXED}>{_e(section.title.en)}</p>', ""]
        for item in section.items:
            out += _render_item(c, item, lang, page, (guide_titles or {}).get(item.guide))

    out += [
        '<div class="bdk-print-only bdk-signatures" data-search-exclude="true" markdown>',
        f"<p>{t('Signature of the owner', lang)}: {blank}</p>",
        f"<p>{t('Signature of the facilitator', lang)}: {blank}</p>",
        f"<p><code>{c.ref}</code></p>",
        "</div>",
        "",
    ]
    return "\n".join(out)


def _render_item(
    c: cl.Checklist, item: cl.Item, lang: str, page: str, guide_title: str | None
) -> list[str]:
    reg = c.regulation(item.cites.regulation)
    reg_link = _rel(f"{REGULATIONS_PAGE[lang]}#{regulation_anchor(reg)}", page)
    guide_link = _rel(item.guide, page)
    meta = []
    if item.criticality:
        meta.append(
            f"{t('Grade', lang)}: <strong>{criticality_label(item.criticality, lang)}</strong>"
        )
    if item.form_no is not None:
        meta.append(t("No. {n} on the official form", lang, n=item.form_no))
    labels = [t("Yes", lang), t("No", lang), t("Partly", lang)]
    if item.na_allowed:  # the paper form offers "not applicable" only where the standard does
        labels.append(t("Not applicable", lang))
    boxes = " ".join(f'<span class="bdk-box">{label}</span>' for label in labels)
    guide_note = t("(in Indonesian)", lang) if lang == "en" else ""
    out = [
        f"### {item.id} {{ #{item_anchor(item.id)} .bdk-item }}",
        "",
        f'<p class="bdk-question"><strong>{_e(item.question.get(lang))}</strong>'
        + _en(item.question.en, lang)
        + "</p>",
        "",
    ]
    if meta:
        out += [f'<p class="bdk-meta">{" · ".join(meta)}</p>', ""]
    out += [
        f'<div class="bdk-print-only bdk-answer" data-search-exclude>{boxes}</div>',
        f'<div class="bdk-print-only bdk-notes" data-search-exclude>{t("Notes", lang)}:</div>',
        "",
        '<div class="bdk-detail" markdown>',
        "",
        t("Requirement", lang),
        ":   " + _e(item.requirement.get(lang)) + _en(item.requirement.en, lang),
        "",
        t("Regulation", lang),
        f":   [{_reg_name(reg, lang)}]({reg_link}), {_e(item.cites.clause)}",
        "",
        t("Evidence", lang),
        ":   " + _e(item.evidence.get(lang)) + _en(item.evidence.en, lang),
        "",
    ]
    na = item.not_applicable
    if na is not None:
        na_reg = c.regulation(na.cites.regulation)
        na_link = _rel(f"{REGULATIONS_PAGE[lang]}#{regulation_anchor(na_reg)}", page)
        out += [
            t("Not applicable only when", lang),
            ":   "
            + _e(na.when.get(lang))
            + f" ([{_reg_name(na_reg, lang)}]({na_link}), {_e(na.cites.clause)})"
            + _en(na.when.en, lang),
            "",
        ]
    out += [
        t("How to meet it", lang),
        f":   [{_e(guide_title) if guide_title else t('Guide', lang)}]({guide_link}) {guide_note}".rstrip(),
        "",
    ]
    out += _uncertain(item.owner_note, lang)
    out += _uncertain(na.owner_note if na else None, lang)
    out += ["</div>", ""]
    return out


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_index(checklists: dict[str, cl.Checklist], lang: str = "id") -> str:
    """The list of checklists (the section page of the generated reference pages)."""
    page = f"{REFERENCE_DIR[lang]}/index.md"
    out = [
        f"# {t('Checklists', lang)}",
        "",
        t(
            "Each checklist below comes from one standard. Each item names its regulation and "
            "links to a guide. Print a checklist to use it as a paper form.",
            lang,
        ),
        "",
    ]
    for c in checklists.values():
        link = _rel(checklist_page(c.id, lang), page)
        out += [
            f"## [{_e(c.title.get(lang))}]({link}) {{ #{c.id} }}",
            "",
            f"`{c.ref}` · {t('{n} items', lang, n=len(c.items))} · "
            f"{t('Checked against the regulations on {date}', lang, date=_date(c.checked, lang))}",
            "",
            _e(c.summary.get(lang)),
            "",
        ]
    return "\n".join(out)


@dataclass(frozen=True)
class _Citing:
    checklist: cl.Checklist
    item: cl.Item


def render_regulations(checklists: dict[str, cl.Checklist], lang: str = "id") -> str:
    """Every regulation any checklist cites, with the checklists and items citing it."""
    page = REGULATIONS_PAGE[lang]
    regs: dict[str, cl.Regulation] = {}
    notes: dict[str, list[cl.Text]] = defaultdict(list)
    citing: dict[str, list[_Citing]] = defaultdict(list)
    for c in checklists.values():
        for reg in c.regulations:
            anchor = regulation_anchor(reg)
            regs.setdefault(anchor, reg)
            if reg.owner_note and reg.owner_note not in notes[anchor]:
                notes[anchor].append(reg.owner_note)
        for item in c.items:
            citing[regulation_anchor(c.regulation(item.cites.regulation))].append(_Citing(c, item))
    out = [
        f"# {t('Regulations cited', lang)}",
        "",
        t(
            "Every regulation that an item of a checklist cites, newest first. Under each, the "
            "items that rest on it.",
            lang,
        ),
        "",
    ]
    for anchor, reg in sorted(regs.items(), key=lambda kv: (-kv[1].year, kv[1].number)):
        out += [
            f"## {_reg_name(reg, lang)} {{ #{anchor} }}",
            "",
            _e(reg.title.get(lang)) + _en(reg.title.en, lang),
            "",
        ]
        st = reg.status
        if st is not None:
            link = (
                f' · <a href="{_e(st.source)}">{t("where it was read", lang)}</a>'
                if st.source.startswith("https://")
                else ""
            )
            out += [
                f'<p class="bdk-meta bdk-reg-status bdk-reg-{st.state}">'
                f"{t('Status', lang)}: <strong>{_status(reg, lang)}</strong> · "
                + t("checked on {date}", lang, date=_date(st.checked, lang))
                + link
                + "</p>",
                "",
            ]
        for note in notes[anchor]:
            out += _uncertain(note, lang)
        by_checklist: dict[str, list[_Citing]] = defaultdict(list)
        for ci in citing[anchor]:
            by_checklist[ci.checklist.id].append(ci)
        if not by_checklist:
            out += [t("Listed by a checklist, but no item cites it yet.", lang), ""]
        for cid, cis in by_checklist.items():
            c = checklists[cid]
            target = checklist_page(cid, lang)
            links = ", ".join(
                f"[{ci.item.id}]({_rel(target + '#' + item_anchor(ci.item.id), page)}) "
                f"({_e(ci.item.cites.clause)})"
                for ci in cis
            )
            out += [
                f"- [{_e(c.title.get(lang))}]({_rel(target, page)}) `{c.ref}`: {links}",
            ]
        out.append("")
    return "\n".join(out)


# --- back-links in guide pages --------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


def backlink_targets(
    checklists: dict[str, cl.Checklist],
) -> dict[str, dict[str | None, list[_Citing]]]:
    """guide page → anchor (None: the page itself) → the items whose ``guide`` points there."""
    out: dict[str, dict[str | None, list[_Citing]]] = defaultdict(lambda: defaultdict(list))
    for c in checklists.values():
        for item in c.items:
            out[item.guide_page][item.guide_anchor].append(_Citing(c, item))
    return out


def _backlink_box(cis: list[_Citing], page: str) -> list[str]:
    lang = _lang_of(page)
    out = [f'!!! abstract "{t("Checklist items", lang)}"', ""]
    for ci in cis:
        target = f"{checklist_page(ci.checklist.id, lang)}#{item_anchor(ci.item.id)}"
        out.append(
            f"    - [{ci.item.id}]({_rel(target, page)}){{ .bdk-backlink }}: "
            f"{_e(ci.item.question.get(lang))}"
        )
    return ["", *out, ""]


def inject_backlinks(markdown: str, page: str, targets: dict[str | None, list[_Citing]]) -> str:
    """Insert, right under each heading an item links to, a box linking back to those items."""
    if not targets:
        return markdown
    out: list[str] = []
    pending = dict(targets)
    page_level = pending.pop(None, None)
    for line, in_code in lines_with_code_flag(markdown.split("\n")):
        out.append(line)
        if in_code:
            continue
        if page_level and line.startswith("# "):
            out += _backlink_box(page_level, page)
            page_level = None
        for anchor in line_anchors(line) & pending.keys():
            out += _backlink_box(pending.pop(anchor), page)
    if page_level:  # no H1: the box goes on top
        out = _backlink_box(page_level, page) + out
    for anchor, cis in pending.items():
        ids = ", ".join(ci.item.id for ci in cis)
        log.warning("%s: no heading with anchor #%s for the back-link of %s", page, anchor, ids)
    return "\n".join(out)


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def guide_titles(checklists: dict[str, cl.Checklist], docs_dir: Path) -> dict[str, str]:
    """Each item's ``guide`` link → the text of the heading it points to (the H1 for a page)."""
    wanted = {item.guide for c in checklists.values() for item in c.items}
    out: dict[str, str] = {}
    for page in {link.partition("#")[0] for link in wanted}:
        path = Path(docs_dir) / page
        if not path.is_file():
            continue
        for line, in_code in lines_with_code_flag(path.read_text(encoding="utf-8").splitlines()):
            m = None if in_code else _HEADING.match(line)
            if not m:
                continue
            text = _MD_LINK.sub(r"\1", re.sub(r"\s*\{[^}]*\}\s*$", "", m.group(2))).strip()
            if m.group(1) == "#":
                out.setdefault(page, text)
            for anchor in line_anchors(line):
                out.setdefault(f"{page}#{anchor}", text)
    return {link: out[link] for link in wanted if link in out}


def generated_pages(
    checklists: dict[str, cl.Checklist], docs_dir: Path | None = None
) -> dict[str, str]:
    """Every generated page: path under guides/ → Markdown."""
    titles = guide_titles(checklists, docs_dir) if docs_dir else {}
    pages: dict[str, str] = {}
    for lang in LANGS:
        pages[f"{REFERENCE_DIR[lang]}/index.md"] = render_index(checklists, lang)
        pages[REGULATIONS_PAGE[lang]] = render_regulations(checklists, lang)
        for c in checklists.values():
            pages[checklist_page(c.id, lang)] = render_checklist(c, lang, titles)
    return pages
