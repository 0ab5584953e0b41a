"""The programme manager's app (notebooks/program.ipynb): the whole programme on one screen.

Headline (enrolled, assessed, verified, meeting the standard now, permits), a table by regency /
product category / facilitator organisation / facilitator / month, level and readiness
distributions, facilitator workload and overdue actions, the gaps most common across the programme,
who is stuck, assigning facilitators, and the export (Excel, CSV) with the filters applied.

Figures come from :meth:`Service.programme_figures` (aggregate queries over the kept standing,
equal to :mod:`berdikari.stats` over the rows, which the Excel summary uses). The identity stays
in the kernel; every callback goes through the service layer, which re-checks it. Every text a
user typed is escaped. Never touches the database.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape

import ipywidgets as w

from berdikari import promotion, reports, standard, stats, vocab
from berdikari.apps import charts, staff
from berdikari.apps import widgets as ui
from berdikari.apps.shell import AppShell
from berdikari.apps.staff import StaffSession, error_text
from berdikari.checklists import guide_url, load_all
from berdikari.i18n import t
from berdikari.routes import CATEGORIES
from berdikari.store.errors import NotFound

ALL = "__all__"
STUCK_SHOWN = 30


@dataclass
class ProgrammeState:
    lang: str = "id"
    view: str = "signin"
    filters: stats.Filters = field(default_factory=stats.Filters)
    dimension: str = "regency"
    show: str | None = None
    """The headline figure whose UMKM are listed under the cards (None: none listed)."""
    message: str = ""
    error: str = ""


def dimension_label(d: str, lang: str) -> str:
    return {
        "regency": t("Regency/city", lang),
        "category": t("Product category", lang),
        "organisation": t("Facilitator organisation", lang),
        "facilitator": t("Facilitator", lang),
        "month": t("Month", lang),
    }[d]


def headline_labels(lang: str) -> dict[str, str]:
    return {
        "enrolled": t("Enrolled", lang),
        "assessed": t("Assessed", lang),
        "verified": t("Verified", lang),
        "meets_standard": t("Meet the standard now", lang),
        "with_permit": t("With a permit", lang),
        "permits": t("Permits obtained", lang),
        "stuck": t("Stuck", lang),
        "overdue_actions": t("Overdue actions", lang),
        "submissions_waiting": t("Waiting for verification", lang),
        "unassigned": t("Without a facilitator", lang),
    }


def headline_definitions(lang: str) -> dict[str, str]:
    """What each headline figure counts: the one place its definition is written (the cards say
    it; :data:`FIGURE_ROWS` lists the UMKM behind it by the same rule)."""
    days = standard.STUCK_VISIT_DAYS
    return {
        "enrolled": t("UMKM enrolled in the programme (with the filters above).", lang),
        "assessed": t("UMKM with at least one self-assessment or checklist.", lang),
        "verified": t("UMKM with an assessment verified by the facilitator.", lang),
        "meets_standard": t(
            "The latest assessment verified by the facilitator passed (CPPB-IRT: level I or II).",
            lang,
        ),
        "with_permit": t("UMKM with at least one permit recorded (P-IRT, BPOM, halal …).", lang),
        "permits": t("All permits recorded, counted one by one.", lang),
        "stuck": t(
            "Not meeting the standard, with an overdue action or no visit for {n} days.",
            lang,
            n=days,
        ),
        "overdue_actions": t("Open actions past their due date, counted one by one.", lang),
        "submissions_waiting": t("Self-assessments sent and not yet verified.", lang),
        "unassigned": t("UMKM that no facilitator is assigned to.", lang),
    }


FIGURE_ROWS = {
    "enrolled": lambda r: True,
    "assessed": lambda r: r.assessed,
    "verified": lambda r: r.verified,
    "meets_standard": lambda r: r.meets_standard,
    "with_permit": stats.has_permit,
    "permits": stats.has_permit,
    "stuck": stats.is_stuck,
    "overdue_actions": lambda r: r.overdue_actions > 0,
    "submissions_waiting": lambda r: r.submissions_waiting > 0,
    "unassigned": lambda r: r.facilitator_id is None,
}
"""Which UMKM stand behind each headline figure (the standing row's own fields, as
:func:`berdikari.stats.headline` counts them)."""

ROWS_SHOWN = 100


def kpi_html(key: str, value: int, lang: str) -> str:
    """One headline card's text; the number carries ``data-value`` for tests and the export check."""
    label = headline_labels(lang)[key]
    return (
        f'<div class="bdk-kpi bdk-kpi-{key.replace("_", "-")}" data-value="{int(value)}">'
        f'<div class="bdk-kpi-number">{int(value)}</div>'
        f'<div class="bdk-kpi-label">{escape(label)}</div>'
        f'<div class="bdk-kpi-def">{escape(headline_definitions(lang)[key])}</div></div>'
    )


def level_key(key: str, lang: str) -> str:
    """A level distribution's key in words: "Level II"; no level at all says so."""
    if key == stats.NONE:
        return t("No level yet", lang)
    return t("Level {level}", lang, level=key)


def band_key(key: str, lang: str) -> str:
    return t("No readiness yet", lang) if key == stats.NONE else key


def in_words(counts: dict, words) -> dict:
    return {words(k): v for k, v in counts.items()}


def fill_months(lines: list[dict], until: date | None = None) -> list[dict]:
    """Every month from the first with an event to the last (or to ``until``'s month, when
    later): a month without one shows zeros (a gap would read as a month not counted)."""
    if not lines:
        return lines
    got = {line["key"]: line for line in lines}
    first, last = min(got), max(got)
    if until is not None:
        last = max(last, until.strftime("%Y-%m"))
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        key = f"{y:04d}-{m:02d}"
        out.append(got.get(key) or {"key": key, "enrolled": 0, "meets_standard": 0, "permits": 0})
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def figure_rows_html(rows: list, key: str, lang: str) -> str:
    """The UMKM behind one headline figure, with both readings where the owner's latest
    self-assessment and the facilitator's verification differ."""
    lines = []
    for r in rows:
        verified = level_key(r.verified_level or stats.NONE, lang)
        own = level_key(r.self_level or stats.NONE, lang)
        lines.append(
            {
                "code": r.code,
                "name": r.name,
                "regency": r.regency,
                "facilitator": r.facilitator or t("No facilitator yet", lang),
                "verified": verified,
                "self": own if own != verified else t("Same as verified", lang),
            }
        )
    cols = [
        ("code", t("Code", lang)),
        ("name", t("Name", lang)),
        ("regency", t("Regency/city", lang)),
        ("facilitator", t("Facilitator", lang)),
        ("verified", t("Level, verified by the facilitator", lang)),
        ("self", t("Level, latest self-assessment", lang)),
    ]
    caption = t("UMKM behind: {figure}", lang, figure=headline_labels(lang)[key])
    return ui.table_html(cols, lines, "bdk-figure-rows", caption)


def by_table_html(lines: list[dict], dimension: str, lang: str) -> str:
    labels = headline_labels(lang)
    if dimension == "month":
        lines = fill_months(lines, until=date.today())
        cols = [
            ("key", t("Month", lang)),
            ("enrolled", labels["enrolled"]),
            ("meets_standard", t("Reached the standard", lang)),
            ("permits", labels["permits"]),
        ]
    else:
        none = {  # a group of UMKM without the thing, in words ("—" says nothing)
            "category": t("No product category yet", lang),
            "organisation": t("No organisation", lang),
            "facilitator": t("No facilitator yet", lang),
        }.get(dimension, stats.NONE)
        lines = [{**line, "key": none} if line["key"] == stats.NONE else line for line in lines]
        if dimension == "category":  # the stored key in words ("pangan-olahan" is no heading)
            lines = [
                line
                if line["key"] == none
                else {**line, "key": vocab.ProductCategory.label_of(line["key"], lang)}
                for line in lines
            ]
        cols = [("key", dimension_label(dimension, lang))] + [
            (k, labels[k])
            for k in ("enrolled", "assessed", "verified", "meets_standard", "with_permit", "stuck")
        ]
    nums = tuple(k for k, _h in cols if k != "key")
    return ui.table_html(cols, lines, "bdk-table bdk-by", numeric=nums)


def workload_html(lines: list[dict], lang: str) -> str:
    cols = [
        ("facilitator", t("Facilitator", lang)),
        ("organisation", t("Organisation", lang)),
        ("caseload", t("UMKM", lang)),
        ("overdue_actions", t("Overdue actions", lang)),
        ("submissions_waiting", t("Waiting for verification", lang)),
        ("not_visited", t("No visit for {n} days", lang, n=standard.STUCK_VISIT_DAYS)),
        ("meets_standard", t("Meet the standard now", lang)),
        ("stuck", t("Stuck", lang)),
    ]
    nums = tuple(k for k, _h in cols[2:])
    return ui.table_html(cols, lines, "bdk-table bdk-workload", numeric=nums)


def gaps_html(gaps: list[tuple[str, int]], lang: str, guide_base: str = "/") -> str:
    """The gaps most common across the programme, with the guide to improve for each."""
    if not gaps:
        return f"<p>{escape(t('No gaps recorded yet.', lang))}</p>"
    # an item as people know it (its checklist and question number), never its stored ID
    items = {
        i.id: (c, number, i) for c in load_all().values() for number, i in enumerate(c.items, 1)
    }
    rows = []
    for item_id, n in gaps:
        found = items.get(item_id)
        item = found[2] if found else None
        text = (
            f"{found[0].title.get(lang)}, {t('Question {n}', lang, n=found[1])}: "
            f"{item.requirement.get(lang)}"
            if found
            else item_id
        )
        link = (
            f' <a href="{escape(guide_url(item.guide, guide_base))}" target="_blank" '
            f'rel="noopener">{escape(t("Guide", lang))}</a>'
            if item
            else ""
        )
        rows.append(
            f'<li data-item="{escape(item_id)}" data-count="{int(n)}"><strong>{int(n)}</strong> '
            f"UMKM · {escape(text)}{link}</li>"
        )
    return f'<ol class="bdk-common-gaps">{"".join(rows)}</ol>'


def stuck_html(rows: list, lang: str) -> str:
    lines = [
        {
            "code": r.code,
            "name": r.name,
            "regency": r.regency,
            "facilitator": r.facilitator or t("No facilitator yet", lang),
            "overdue": r.overdue_actions,
            "days": t("Never visited", lang) if r.days_since_visit is None else r.days_since_visit,
            "readiness": t("Not verified yet", lang)
            if r.verified_readiness is None
            else f"{r.verified_readiness}%",
            "self": t("No self-assessment yet", lang)
            if r.self_readiness is None
            else f"{r.self_readiness}%",
        }
        for r in rows
    ]
    cols = [
        ("code", t("Code", lang)),
        ("name", t("Name", lang)),
        ("regency", t("Regency/city", lang)),
        ("facilitator", t("Facilitator", lang)),
        ("overdue", t("Overdue actions", lang)),
        ("days", t("Days since the last visit", lang)),
        ("readiness", t("Readiness, verified by the facilitator", lang)),
        ("self", t("Readiness, latest self-assessment", lang)),
    ]
    return ui.table_html(cols, lines, "bdk-table bdk-stuck", numeric=("overdue", "days"))


class ProgrammeApp(AppShell):
    """Renders :class:`ProgrammeState` and handles the manager's actions."""

    role = "manager"
    first_view = "overview"
    css = "bdk-programme"

    def __init__(self, state=None, session: StaffSession | None = None, store=None):
        super().__init__(state or ProgrammeState(), session, store)
        self.exports = ui.html("", "bdk-exports")
        self._standing: list | None = None
        self._read_at = ""
        self._staff: list = []
        self.render()

    def title(self, lang: str) -> str:
        return t("Programme", lang)

    def signin_intro(self, lang: str) -> str:
        return t("Sign in with your manager account.", lang)

    def app_views(self) -> dict:
        return {"overview": self.view_overview}

    # --- the overview ------------------------------------------------------------------------------
    def standing(self, svc) -> list:
        """Every UMKM's standing rows (the kept standing, one query), read for an export;
        the screen's figures come from :meth:`Service.programme_figures` instead."""
        if self._standing is None:
            self._standing = svc.standing()
        return self._standing

    def refresh(self) -> None:
        self._standing = None
        self.render()

    def _filters(self, options: dict) -> w.VBox:
        lang, f = self.lang, self.state.filters
        any_ = t("All", lang)
        regencies = options["regencies"]
        orgs = options["organisations"]
        facilitators = options["facilitators"]

        def dropdown(css, label, options, value):
            d = w.Dropdown(
                options=[(any_, ALL), *options],
                value=value if value is not None else ALL,
                description=label,
                layout=ui.FULL,
                style={"description_width": "initial"},
            )
            d.add_class(css)
            return d

        regency = dropdown(
            "bdk-filter-regency",
            t("Regency/city", lang),
            [(x, x) for x in regencies],
            f.regency,
        )
        category = dropdown(
            "bdk-filter-category",
            t("Product category", lang),
            [(c.get(lang), k) for k, c in CATEGORIES.items()],
            f.category,
        )
        org = dropdown(
            "bdk-filter-organisation",
            t("Facilitator organisation", lang),
            [(x, x) for x in orgs],
            f.organisation,
        )
        fac = dropdown(
            "bdk-filter-facilitator",
            t("Facilitator", lang),
            [(n, i) for n, i in facilitators],
            f.facilitator_id,
        )

        def _changed(_change):
            def val(d):
                return None if d.value == ALL else d.value

            self.go(
                "overview",
                filters=stats.Filters(val(regency), val(category), val(org), val(fac)),
            )

        for d in (regency, category, org, fac):
            d.observe(_changed, names="value")
        box = w.VBox([regency, category, org, fac], layout=ui.FULL)
        box.add_class("bdk-card")
        box.add_class("bdk-filters")
        return box

    def view_overview(self) -> list:
        lang, s = self.lang, self.state
        svc = self.svc()
        # a manager-only call on every render: a disabled account or a changed role stops here
        self._staff = [x for x in svc.staff(role="facilitator") if x.active]
        # aggregated in the database: a filter or a table switch reads figures, not every UMKM
        got = svc.programme_figures(s.filters, s.dimension, stuck=STUCK_SHOWN)
        self._standing = None  # an export reads the rows it needs afresh
        self._read_at = datetime.now().strftime("%H:%M")
        figures = got["headline"]

        def words(k):
            return level_key(k, lang)

        def bands(k):
            return band_key(k, lang)

        dim = w.ToggleButtons(
            options=[(dimension_label(d, lang), d) for d in stats.DIMENSIONS],
            value=s.dimension,
            description=t("Table by", lang),
            style={"button_width": "auto", "description_width": "initial"},
            layout=ui.FULL,
        )
        dim.add_class("bdk-dimension")
        dim.observe(lambda ch: self.go("overview", dimension=ch["new"]), names="value")
        question = t("How many UMKM meet the standard now, where, and who is stuck?", lang)
        out: list = [
            ui.html(f"<h2>{escape(question)}</h2>"),
            self._filters(got["options"]),
            self._headline(figures),
            *self._figure_rows(svc),
            ui.button(
                t("Refresh figures (read at {time})", lang, time=self._read_at),
                self.refresh,
                "bdk-refresh",
            ),
            dim,
            ui.html(by_table_html(got["by"], s.dimension, lang), "bdk-by-widget"),
            ui.html(
                f"<h3>{escape(t('Who is stuck', lang))}</h3>"
                f'<p class="bdk-help">{escape(t("Not meeting the standard, with an overdue action or no visit for {n} days. Most overdue first.", lang, n=standard.STUCK_VISIT_DAYS))}</p>'
                + stuck_html(got["stuck"], lang),
                "bdk-stuck-widget",
            ),
            ui.html(
                f"<h3>{escape(t('IRTP level, verified by the facilitator', lang))}</h3>"
                + charts.bars(in_words(got["levels"]["verified"], words), "bdk-levels")
                + f"<h3>{escape(t('IRTP level, latest self-assessment', lang))}</h3>"
                + charts.bars(in_words(got["levels"]["self"], words), "bdk-levels-self")
                + f"<h3>{escape(t('Readiness, verified by the facilitator', lang))}</h3>"
                + charts.bars(in_words(got["readiness"]["verified"], bands), "bdk-readiness")
                + f"<h3>{escape(t('Readiness, latest self-assessment', lang))}</h3>"
                + charts.bars(in_words(got["readiness"]["self"], bands), "bdk-readiness-self"),
                "bdk-distributions",
            ),
            ui.html(
                f"<h3>{escape(t('Facilitator workload', lang))}</h3>"
                + workload_html(got["workload"], lang),
                "bdk-workload-widget",
            ),
            ui.html(
                f"<h3>{escape(t('Most common gaps', lang))}</h3>"
                f'<p class="bdk-help">{escape(t("Where many UMKM fall short: improve that guide, or hold a training on it.", lang))}</p>'
                + gaps_html(got["gaps"], lang),
                "bdk-gaps-widget",
            ),
            ui.html(promotion.html(svc.showcase_figures(), lang), "bdk-promotion-widget"),
            self._assign(),
            self._export_box(),
        ]
        return out

    def _headline(self, figures: dict[str, int]) -> w.VBox:
        """The headline as cards: the number, what it counts, and a button listing its UMKM."""
        lang = self.lang
        cards = []
        for key in headline_labels(lang):
            if key not in figures:
                continue
            shown = self.state.show == key
            label = t("Hide the list", lang) if shown else t("Show these UMKM", lang)
            b = ui.button(
                label,
                lambda k=key, shown=shown: self.go("overview", show=None if shown else k),
                "bdk-kpi-show",
                f"bdk-kpi-show-{key.replace('_', '-')}",
            )
            b.tooltip = headline_labels(lang)[key]
            card = w.VBox([ui.html(kpi_html(key, figures[key], lang)), b])
            card.add_class("bdk-kpi-card")
            card.add_class(f"bdk-kpi-card-{key.replace('_', '-')}")
            cards.append(card)
        grid = w.Box(cards, layout=ui.FULL)
        grid.add_class("bdk-kpis")
        heading = ui.html(
            f'<h3 class="bdk-kpis-heading">{escape(t("Headline figures", lang))}</h3>'
        )
        return w.VBox([heading, grid], layout=ui.FULL)

    def _figure_rows(self, svc) -> list:
        """The UMKM behind the figure whose button was pressed (with the filters applied)."""
        key, lang = self.state.show, self.lang
        if key not in FIGURE_ROWS:
            return []
        rows = [
            r for r in stats.apply(self.standing(svc), self.state.filters) if FIGURE_ROWS[key](r)
        ]
        out = figure_rows_html(rows[:ROWS_SHOWN], key, lang)
        if len(rows) > ROWS_SHOWN:
            more = t(
                "The first {n} of {m}; the export has them all.", lang, n=ROWS_SHOWN, m=len(rows)
            )
            out += f'<p class="bdk-help">{escape(more)}</p>'
        return [ui.html(out, "bdk-figure-rows-widget")]

    # --- assign ------------------------------------------------------------------------------------
    def _assign(self) -> w.VBox:
        lang = self.lang
        staff = self._staff
        code = w.Text(
            placeholder=t("UMKM code, e.g. PKY-0001", lang),
            description=t("UMKM code", lang),
            style={"description_width": "initial"},
            layout=ui.FULL,
        )
        code.add_class("bdk-assign-code")
        who = w.Dropdown(
            options=[
                (f"{x.name} ({x.organisation})" if x.organisation else x.name, x.id) for x in staff
            ],
            description=t("Facilitator", lang),
            style={"description_width": "initial"},
            layout=ui.FULL,
        )
        who.add_class("bdk-assign-facilitator")
        status = ui.html("")

        def _assign():
            typed = code.value.strip().upper()
            try:
                umkm_id = self.svc().umkm_id_for_code(typed) if typed else None
            except NotFound:
                umkm_id = None
            if umkm_id is None:
                status.value = f'<p class="bdk-error">{escape(t("No UMKM with code {code}.", lang, code=code.value.strip()))}</p>'
                return
            if who.value is None:
                status.value = (
                    f'<p class="bdk-error">{escape(t("Choose a facilitator.", lang))}</p>'
                )
                return
            try:
                a = self.svc().assign(umkm_id, who.value)
            except Exception as exc:  # noqa: BLE001
                status.value = f'<p class="bdk-error">{escape(error_text(exc, lang))}</p>'
                return
            self.state.message = t(
                "{code} is now with {name}.", lang, code=typed, name=a.facilitator
            )
            self.refresh()

        box = w.VBox(
            [
                ui.html(f"<h3>{escape(t('Assign or reassign a facilitator', lang))}</h3>"),
                code,
                who,
                ui.button(t("Assign", lang), _assign, "bdk-primary", "bdk-assign"),
                status,
            ],
            layout=ui.FULL,
        )
        box.add_class("bdk-card")
        return box

    # --- export -------------------------------------------------------------------------------------
    def _export_box(self) -> w.VBox:
        lang = self.lang
        self.exports = ui.html("", "bdk-exports")  # a fresh one per render (old ones are closed)
        excel = ui.button(t("Export to Excel", lang), self.export_excel, "bdk-export-excel")
        csv = ui.button(t("Export CSV", lang), self.export_csv, "bdk-export-csv")
        box = w.VBox(
            [
                ui.html(
                    f"<h3>{escape(t('Export', lang))}</h3>"
                    f'<p class="bdk-help">{escape(t("With the filters above. One sheet each for UMKM, assessments, answers, actions, milestones and visits.", lang))}</p>'
                ),
                excel,
                csv,
                self.exports,
            ],
            layout=ui.FULL,
        )
        box.add_class("bdk-card")
        return box

    def _tables(self):
        svc = self.svc()
        # the figures on screen, so that the files hold exactly what the manager sees
        rows = stats.apply(self.standing(svc), self.state.filters)
        return reports.export_tables(svc, self.state.filters, rows), rows

    def export_excel(self) -> None:
        lang = self.lang
        try:
            svc = self.svc()
            rows = stats.apply(self.standing(svc), self.state.filters)
            buf = io.BytesIO()
            # the rows on screen, in the reader's language, with the filters on screen
            reports.write_programme_workbook(
                svc, buf, lang=lang, filters=self.state.filters, fmt="xlsx", rows=rows
            )
            data = buf.getvalue()
        except Exception as exc:  # noqa: BLE001  StoreError
            self.exports.value = f'<p class="bdk-error">{escape(error_text(exc, lang))}</p>'
            return
        name = f"berdikari-program-{date.today().isoformat()}.xlsx"
        self.exports.value = link(
            t("Download {name}", lang, name=name),
            name,
            data,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "bdk-download-excel",
        )

    def export_csv(self) -> None:
        lang = self.lang
        try:
            tables, _rows = self._tables()
        except Exception as exc:  # noqa: BLE001
            self.exports.value = f'<p class="bdk-error">{escape(error_text(exc, lang))}</p>'
            return
        links = []
        stamp = date.today().isoformat()
        for name in ("umkm", "assessments", "answers", "actions", "milestones", "visits"):
            fname = f"berdikari-{name}-{stamp}.csv"
            links.append(
                link(
                    t("Download {name}", lang, name=fname),
                    fname,
                    reports.csv_bytes(tables[name], name, lang),
                    "text/csv",
                    f"bdk-download-csv-{name}",
                )
            )
        self.exports.value = "<br>".join(links)


def link(label: str, filename: str, content: bytes, mime: str, css: str) -> str:
    """A download link (a data URL) with a class tests can find."""
    return (
        f'<a class="bdk-download {escape(css)}" download="{escape(filename)}" '
        f'href="{ui.data_url(content, mime)}">{escape(label)}</a>'
    )


def app(lang: str = "id") -> w.VBox:
    """Build the programme app; the notebook displays what this returns."""
    # Built first (a preheated kernel does this before anyone visits), then opened for the
    # staff member the page request's session cookie names (berdikari.apps.staff).
    built = ProgrammeApp(ProgrammeState(lang=lang, view="opening"))
    built.open_from_page(staff.from_page_request())
    return built.root
