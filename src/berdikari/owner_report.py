"""The owner's result in plain words: what the result page, the print view and the PDF say.

:func:`summary` turns a checklist and answers (or a stored assessment and its verification) into
a :class:`Summary`: the headline (level, stop, or readiness) and the first thing to do, before
any numbers; findings by question number and plain title; next steps of the permit routes with
the office to ask; the facilitator. :func:`summary_pdf` prints it as an Indonesian PDF (fpdf2,
DejaVu Sans embedded, as :mod:`berdikari.reports` does).

Every number comes from :func:`berdikari.scoring.score`. This module never touches the database
and never shows a raw item ID: owners read question numbers and titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from babel.dates import format_date

from berdikari import scoring, vocab
from berdikari.checklists import Checklist, guide_url
from berdikari.i18n import t
from berdikari.report_text import GRAVEST_FIRST, criticality_label
from berdikari.routes import Recommendation
from berdikari.site_pages import checklist_page


def answer_label(value: str | None, lang: str) -> str:
    """The answer as the owner chose it, in words."""
    if value in vocab.Answer.values():
        return vocab.Answer(value).label(lang)
    return t("Not answered", lang)


def numbers(checklist: Checklist) -> dict[str, int]:
    """Item ID → its question number (1, 2, …) in the checklist, as owners see it."""
    return {item.id: n for n, item in enumerate(checklist.items, 1)}


def paper_form_url(checklist_id: str, lang: str = "id", base: str = "/") -> str:
    """The site's reference page of a checklist, which prints as the blank paper form."""
    return guide_url(checklist_page(checklist_id, lang), base)


def long_date(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return ""
    d = value.date() if isinstance(value, datetime) else value
    return format_date(d, format="long", locale=lang)


def headline(checklist: Checklist, result: scoring.Result, lang: str) -> str:
    """The first thing the owner reads: the outcome, in one or two sentences."""
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


@dataclass
class Finding:
    number: int
    title: str
    """The requirement, in plain words."""
    question: str
    answer: str
    grade: str
    check: bool
    guide: str


@dataclass
class Step:
    permit: str
    issuer: str
    steps: list[str]
    contact: str
    tutorial: str | None


@dataclass
class Correction:
    number: int
    title: str
    owner_answer: str
    verified_answer: str
    reason: str


@dataclass
class Summary:
    checklist: Checklist
    result: scoring.Result
    headline: str
    first_step: str
    findings: list[Finding]
    next_steps: list[Step]
    sections: list[tuple[str, int]]
    caveat: str
    show_readiness: bool
    grades: list[tuple[str, int]] = field(default_factory=list)
    audit: str = ""


def _first_step(findings: list[Finding], steps: list[Step], result, lang: str) -> str:
    if result.rule == "never" and findings:
        return t("Stop making or selling this product, and talk to your facilitator.", lang)
    if findings:
        f = findings[0]
        return t("Start here: question {n}, {title}", lang, n=f.number, title=f.title)
    if not result.complete:
        return t("Answer the remaining questions first.", lang)
    if steps and steps[0].steps:
        return steps[0].steps[0]
    return t("Show this result to your facilitator.", lang)


def summary(
    checklist: Checklist,
    answers: dict[str, str],
    lang: str = "id",
    rec: Recommendation | None = None,
    guide_base: str = "/",
) -> Summary:
    """What the owner's result says; ``answers`` must fit the checklist (scoring validates)."""
    result = scoring.score(checklist, answers)
    nums = numbers(checklist)
    findings = [
        Finding(
            number=nums[g.item_id],
            title=g.requirement.get(lang),
            question=g.question.get(lang),
            answer=answer_label(g.answer, lang),
            grade=criticality_label(g.criticality, lang),
            check=g.check,
            guide=guide_url(g.guide, guide_base),
        )
        for g in result.gaps
    ]
    steps = []
    for r in rec.routes if rec is not None else []:
        steps.append(
            Step(
                permit=r.permit.get(lang),
                issuer=r.issuer.get(lang),
                steps=[s.get(lang) for s in r.next_steps],
                contact=r.contact.get(lang) if getattr(r, "contact", None) else "",
                tutorial=guide_url(r.tutorial, guide_base) if r.tutorial else None,
            )
        )
    caveat = t(
        "This is a self-check to guide you. Only the inspector decides the level and the permit.",
        lang,
    )
    if checklist.scoring.uncertain:
        caveat += " " + t(
            "Part of the scoring rule could not be checked against the regulation text yet.", lang
        )
    never = result.rule == "never"
    grades = []
    if result.counts and not never:
        grades = [(criticality_label(k, lang), result.counts[k]) for k in GRAVEST_FIRST]
    return Summary(
        checklist=checklist,
        result=result,
        headline=headline(checklist, result, lang),
        first_step=_first_step(findings, steps, result, lang),
        findings=findings,
        next_steps=steps,
        sections=[] if never else [(f"{s.title.get(lang)}", s.readiness) for s in result.sections],
        caveat=caveat,
        show_readiness=bool(result.level),
        grades=grades,
        audit=result.audit_frequency.get(lang) if result.audit_frequency else "",
    )


def corrections(
    checklist: Checklist, owner_answers: dict, verified_answers: dict, lang: str
) -> list[Correction]:
    """Items the facilitator answered differently, with the facilitator's note as the reason.

    Both arguments map item ID → an object with ``value`` and ``note`` (``AnswerView``).
    """
    out = []
    nums = numbers(checklist)
    for item in checklist.items:
        mine, theirs = owner_answers.get(item.id), verified_answers.get(item.id)
        if theirs is None or (mine is not None and mine.value == theirs.value):
            continue
        out.append(
            Correction(
                number=nums[item.id],
                title=item.requirement.get(lang),
                owner_answer=answer_label(mine.value if mine else None, lang),
                verified_answer=answer_label(theirs.value, lang),
                reason=(theirs.note or "").strip(),
            )
        )
    return out


@dataclass
class Header:
    """Who and when, for the print view and the PDF."""

    umkm: str = ""
    when: str = ""
    facilitator: str = ""
    facilitator_phone: str = ""
    status: str = ""
    verified_by: str = ""
    actions: list[str] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)


def _font(name: str) -> str:
    from berdikari.visit_report import font_path

    return str(font_path(name))


def summary_pdf(s: Summary, header: Header, lang: str = "id") -> bytes:
    """The owner's result as a PDF in ``lang``: UMKM, date, checklist and version, level or
    readiness, findings by question number, next steps, the facilitator."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", _font("DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", _font("DejaVuSans-Bold.ttf"))
    title = t("Self-assessment result", lang)
    pdf.set_title(title)
    pdf.set_creator("Berdikari")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: int = 11, bold: bool = False, gap: float = 0) -> None:
        if gap:
            pdf.ln(gap)
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")

    c = s.checklist
    line(title, 16, True)
    if header.umkm:
        line(header.umkm)
    line(f"{t('Date', lang)}: {header.when or long_date(date.today(), lang)}")
    line(
        t("Checklist: {title}, version {version}", lang, title=c.title.get(lang), version=c.version)
    )
    if header.status:
        line(header.status)
    line(s.headline, 13, True, gap=3)
    line(s.first_step, 11, True)
    if s.result.level:
        line(
            t("Level {level}", lang, level=s.result.level)
            + " · "
            + (
                t("Qualifies for SPP-IRT", lang)
                if s.result.eligible
                else t("Does not yet qualify for SPP-IRT", lang)
            )
        )
        line(t("Readiness: {pct}%", lang, pct=s.result.readiness))
    if s.grades:
        line(t("Findings by grade", lang) + ": " + ", ".join(f"{g} {n}" for g, n in s.grades))
    if header.verified_by:
        line(t("Checked by your facilitator {name}.", lang, name=header.verified_by), gap=2)
    if header.corrections:
        line(t("What your facilitator corrected", lang), 13, True, gap=3)
        for x in header.corrections:
            reason = f" — {x.reason}" if x.reason else ""
            line(
                t(
                    "Question {n}: {title}. You answered {mine}; your facilitator found {theirs}.",
                    lang,
                    n=x.number,
                    title=x.title,
                    mine=x.owner_answer,
                    theirs=x.verified_answer,
                )
                + reason
            )
    line(t("What to fix first", lang), 13, True, gap=3)
    if not s.findings:
        line(t("Nothing to fix among the answered questions.", lang))
    for f in s.findings:
        grade = f" [{f.grade}]" if f.grade else ""
        check = f" ({t('check with your facilitator', lang)})" if f.check else ""
        line(
            t("Question {n}: {title}", lang, n=f.number, title=f.title)
            + f"{grade} — {f.answer}{check}"
        )
    if header.actions:
        line(t("Action plan", lang), 13, True, gap=3)
        for n, a in enumerate(header.actions, 1):
            line(f"{n}. {a}")
    if s.next_steps:
        line(t("Next steps to your permit", lang), 13, True, gap=3)
        for st in s.next_steps:
            line(f"{st.permit} — {st.issuer}", 11, True, gap=1)
            for n, step in enumerate(st.steps, 1):
                line(f"{n}. {step}")
            if st.contact:
                line(t("Ask: {office}", lang, office=st.contact))
    if header.facilitator:
        phone = f", {header.facilitator_phone}" if header.facilitator_phone else ""
        line(t("Your facilitator: {name}", lang, name=header.facilitator) + phone, gap=3)
    line(s.caveat, 9, gap=4)
    line(t("Made with Berdikari on {date}.", lang, date=long_date(date.today(), lang)), 9)
    return bytes(pdf.output())
