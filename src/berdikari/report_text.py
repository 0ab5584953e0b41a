"""Scoring results as plain text (CLI, WhatsApp summary) and as JSON-ready dicts.

Formats only; every number comes from :mod:`berdikari.scoring`.
"""

from __future__ import annotations

from berdikari import vocab
from berdikari.checklists import CRITICALITIES, Checklist
from berdikari.i18n import t
from berdikari.scoring import Result

GRAVEST_FIRST = tuple(reversed(CRITICALITIES))
"""The grades as reports list them: the most serious first."""


def office_name(lang: str) -> str:
    """The office that runs the programme, as its papers (visit report, certificates) name it."""
    return t("Balai Besar POM in Palangka Raya", lang)


def criticality_label(criticality: str | None, lang: str) -> str:
    return vocab.Criticality.label_of(criticality, lang) if criticality else ""


def result_json(result: Result) -> dict:
    """The documented JSON shape of a result (``berdikari score --format json``)."""
    d = result.to_dict()
    return {
        "checklist": d["checklist"],
        "version": d["version"],
        "rule": d["rule"],
        "total": d["total"],
        "answered": d["answered"],
        "unanswered": d["unanswered"],
        "complete": d["complete"],
        "counts": d["counts"],
        "unanswered_counts": d["unanswered_counts"],
        "level": d["level"],
        "eligible": d["eligible"],
        "audit_frequency": d["audit_frequency"],
        "readiness": d["readiness"],
        "passed": d["passed"],
        "sections": d["sections"],
        "gaps": d["gaps"],
        "to_check": d["to_check"],
        "notes": d["notes"],
        "na_refused": d["na_refused"],
    }


def result_text(checklist: Checklist, result: Result, lang: str = "id") -> str:
    lines = [f"{checklist.title.get(lang)} ({checklist.ref})", ""]
    if result.level:
        lines.append(t("Level {level}", lang, level=result.level))
        lines.append(
            t("Qualifies for SPP-IRT", lang)
            if result.eligible
            else t("Does not yet qualify for SPP-IRT", lang)
        )
        if result.audit_frequency:
            lines.append(
                t(
                    "Self-inspection (internal audit): {freq}",
                    lang,
                    freq=result.audit_frequency.get(lang),
                )
            )
    if result.rule == "never":
        lines.append(
            t("No forbidden ingredient reported.", lang)
            if not result.gaps
            else t("Forbidden ingredient reported: stop and talk to your facilitator.", lang)
        )
    lines.append(t("Readiness: {pct}%", lang, pct=result.readiness))
    lines.append(
        t(
            "Answered {answered} of {total} questions",
            lang,
            answered=result.answered,
            total=result.total,
        )
    )
    if result.unanswered:
        lines.append(
            t(
                "{n} questions not answered yet: the result is provisional.",
                lang,
                n=len(result.unanswered),
            )
        )
    if result.counts:
        lines += ["", t("Findings by grade", lang)]
        for crit in GRAVEST_FIRST:
            lines.append(f"  {criticality_label(crit, lang)}: {result.counts[crit]}")
    lines += ["", t("What to fix first", lang)]
    if not result.gaps:
        lines.append("  " + t("Nothing to fix among the answered questions.", lang))
    for g in result.gaps:
        crit = f"[{criticality_label(g.criticality, lang)}] " if g.criticality else ""
        check = f" ({t('check with your facilitator', lang)})" if g.check else ""
        lines.append(f"  - {g.item_id} {crit}{g.requirement.get(lang)}{check}")
        lines.append(f"    {t('Guide', lang)}: {g.guide}")
    lines += ["", t("Readiness by section", lang)]
    for s in result.sections:
        lines.append(f"  {s.id}. {s.title.get(lang)}: {s.readiness}%")
    return "\n".join(lines)
