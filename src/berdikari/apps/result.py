"""The owner app's result page: what to do next, the level, gaps, readiness, summary to share.

Every number comes from :func:`berdikari.scoring.score`; texts of the plain summary from
:func:`berdikari.report_text.result_text`. Never stores anything; never touches the database.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from berdikari import scoring
from berdikari.apps import widgets as ui
from berdikari.apps.messages import error_text
from berdikari.checklists import Checklist, guide_url
from berdikari.i18n import t
from berdikari.report_text import criticality_label, result_text
from berdikari.routes import Recommendation


def headline(checklist: Checklist, result: scoring.Result, lang: str) -> str:
    """The first thing the owner reads: the outcome and what to do next, in one or two lines."""
    if result.level:
        first = t("An inspector would likely give Level {level}.", lang, level=result.level)
        second = (
            t("This level qualifies for SPP-IRT.", lang)
            if result.eligible
            else t("This level does not qualify for SPP-IRT yet. Fix the gaps below first.", lang)
        )
    elif result.rule == "never":
        first = (
            t("No forbidden ingredient reported.", lang)
            if not result.gaps
            else t("Forbidden ingredient reported: stop and talk to your facilitator.", lang)
        )
        second = ""
    else:
        first = t("Readiness: {pct}%", lang, pct=result.readiness)
        second = (
            t("You are ready for this step.", lang)
            if result.passed
            else t("Fix the gaps below, most serious first.", lang)
        )
    if not result.complete:
        second += " " + t(
            "{n} questions not answered yet: the result is provisional.",
            lang,
            n=len(result.unanswered),
        )
    return f"{first} {second}".strip()


def short_summary(
    checklist: Checklist, result: scoring.Result, lang: str, product: str = ""
) -> str:
    """A few lines for WhatsApp: outcome, readiness, the first gaps."""
    lines = [f"Berdikari — {checklist.title.get(lang)}"]
    if product:
        lines.append(product[:80])
    lines.append(headline(checklist, result, lang))
    if result.rule != "never":
        lines.append(t("Readiness: {pct}%", lang, pct=result.readiness))
    if result.gaps:
        lines.append(t("What to fix first", lang) + ":")
        for g in result.gaps[:3]:
            lines.append(f"- {g.requirement.get(lang)}")
        if len(result.gaps) > 3:
            lines.append(t("and {n} more", lang, n=len(result.gaps) - 3))
    return "\n".join(lines)


def summary_document(
    checklist: Checklist,
    result: scoring.Result,
    lang: str,
    product: str,
    rec: Recommendation | None,
) -> str:
    """A printable HTML page (escaped) the owner can save, print or send."""
    steps = ""
    if rec is not None:
        items = "".join(
            f"<li>{escape(step.get(lang))}</li>" for r in rec.routes for step in r.next_steps
        )
        steps = f"<h2>{escape(t('Next steps to your permit', lang))}</h2><ol>{items}</ol>"
    product_html = f"<p>{escape(product)}</p>" if product else ""
    return (
        f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(checklist.title.get(lang))}</title></head>"
        '<body style="font-family:sans-serif;max-width:40em;margin:1em auto;padding:0 1em">'
        f"<h1>{escape(t('Self-assessment', lang))}</h1>{product_html}"
        f"<p><strong>{escape(headline(checklist, result, lang))}</strong></p>"
        f'<pre style="white-space:pre-wrap">{escape(result_text(checklist, result, lang))}</pre>'
        f"{steps}</body></html>"
    )


def result_view(owner) -> list:
    """Widgets of the result page for an :class:`~berdikari.apps.owner.OwnerApp`."""
    lang, checklist, s = owner.lang, owner.checklist, owner.state
    answers = s.answers_for(checklist.id)
    result = scoring.score(checklist, answers)
    rec = owner.recommendation()

    level_html = ""
    if result.level:
        eligible = (
            t("Qualifies for SPP-IRT", lang)
            if result.eligible
            else t("Does not yet qualify for SPP-IRT", lang)
        )
        level_html = (
            f'<p class="bdk-level-line">{escape(t("Level", lang))} '
            f'<strong class="bdk-level" data-level="{escape(result.level)}">'
            f"{escape(result.level)}</strong> · "
            f'<span class="bdk-eligible" data-eligible="{str(result.eligible).lower()}">'
            f"{escape(eligible)}</span></p>"
        )
        if result.audit_frequency:
            level_html += f"<p>{escape(t('Self-inspection (internal audit): {freq}', lang, freq=result.audit_frequency.get(lang)))}</p>"
    counts_html = ""
    if result.counts:
        counts_html = (
            f"<p>{escape(t('Findings by grade', lang))}: "
            + ", ".join(
                f"{escape(criticality_label(key, lang))} {result.counts[key]}"
                for key in ("kritis", "serius", "mayor", "minor")
            )
            + "</p>"
        )

    steps_html = ""
    if rec is not None:
        items = []
        for r in rec.routes:
            steps = "".join(f"<li>{escape(step.get(lang))}</li>" for step in r.next_steps)
            tutorial = (
                f' <a href="{escape(guide_url(r.tutorial, owner.guide_base))}" target="_blank" '
                f'rel="noopener">{escape(t("Step-by-step guide", lang))}</a>'
                if r.tutorial
                else ""
            )
            items.append(
                f"<li><strong>{escape(r.permit.get(lang))}</strong>{tutorial}<ol>{steps}</ol></li>"
            )
        steps_html = (
            f"<h3>{escape(t('Next steps to your permit', lang))}</h3><ul>{''.join(items)}</ul>"
        )

    # A "never" list passes or stops the product: a percentage (and 100% for the other product's
    # section, all "does not apply") under "stop and talk to your facilitator" would read as
    # nearly ready, so its result page shows the headline and the gaps only. A readiness list
    # says its percentage in the headline already: the line is for the IRTP level only.
    never = result.rule == "never"
    readiness_html = (
        f"<p>{escape(t('Readiness: {pct}%', lang, pct=result.readiness))}</p>"
        if result.level
        else ""
    )
    caveat = t(
        "This is a self-check to guide you. Only the inspector decides the level and the permit.",
        lang,
    )
    if checklist.scoring.uncertain:
        caveat += " " + t(
            "Part of the scoring rule could not be checked against the regulation text yet.", lang
        )
    top = ui.html(
        f"<h2>{escape(t('Your result', lang))}</h2>"
        f'<p class="bdk-headline"><strong>{escape(headline(checklist, result, lang))}</strong></p>'
        f"{level_html}{counts_html}{readiness_html}"
        f'<p class="bdk-help bdk-caveat">{escape(caveat)}</p>'
    )
    summary = short_summary(checklist, result, lang, s.product)
    doc = summary_document(checklist, result, lang, s.product, rec)
    share = [
        ui.download_link(
            t("Download the summary (to print or send)", lang),
            f"berdikari-hasil-{checklist.id}.html",
            doc,
            "text/html",
        ),
        ui.whatsapp_link(summary, lang),
    ]
    if not owner.session.signed_in:
        share.append(ui.answers_download(checklist, answers, s.notes_for(checklist.id), lang))
    share_box = w.VBox(share, layout=ui.FULL)
    share_box.add_class("bdk-card")
    share_box.add_class("bdk-share")

    panel = w.VBox(
        [
            top,
            ui.gap_list(result.gaps, lang, owner.guide_base),
            ui.html(steps_html),
            ui.html("") if never else ui.readiness_chart(result.sections, lang),
            share_box,
        ],
        layout=ui.FULL,
    )
    panel.add_class("bdk-result")
    out: list = [panel]
    if owner.session.signed_in:
        out.append(owner.action_plan())
        status = ui.html("")

        def _submit():
            try:
                owner.session.submit(checklist.id)
            except Exception as exc:  # noqa: BLE001  shown, nothing lost
                status.value = f'<p class="bdk-error">{escape(error_text(exc, lang))}</p>'
                return
            status.value = (
                f'<p class="bdk-saved">{escape(t("Sent to your facilitator.", lang))}</p>'
            )

        out.append(
            ui.button(t("Send to my facilitator", lang), _submit, "bdk-primary", "bdk-submit")
        )
        out.append(status)
    out.append(ui.button(t("Back to the task list", lang), lambda: owner.go("tasks")))
    return out
