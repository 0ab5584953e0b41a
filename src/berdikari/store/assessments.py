"""Assessments: start or resume, save answers, submit, verify. Part of the service layer.

Each write runs in one transaction that first locks the assessment row, so concurrent saves queue
and the stored result always counts every committed answer. The result (``scoring.score`` as
``report_text.result_json``) is recomputed and stored on every write, so it stays readable after
the checklist changes. An assessment whose checklist has since changed version is read-only.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from berdikari import checklists as cl
from berdikari import report_text, scoring
from berdikari.store.access import Guarded, rights
from berdikari.store.errors import InvalidInput
from berdikari.store.models import Account, Answer, Assessment, Umkm, utcnow
from berdikari.store.validate import NOTE_MAX, an_id, one_of, text
from berdikari.store.views import AnswerView, AssessmentView, answer_view, assessment_view


def checklist(checklist_id: str) -> cl.Checklist:
    """The current checklist ``checklist_id``, or :class:`InvalidInput` naming the known ones."""
    known = cl.load_all()
    if checklist_id not in known:
        raise InvalidInput(
            "unknown-checklist",
            field="checklist_id",
            checklist=checklist_id,
            known=", ".join(sorted(known)),
        )
    return known[checklist_id]


def find_item(item_id: str) -> cl.Checklist:
    """The checklist that holds ``item_id`` (IDs are unique across checklists)."""
    for c in cl.load_all().values():
        if any(i.id == item_id for i in c.items):
            return c
    raise InvalidInput("unknown-item", field="item_id", item=str(item_id))


def compute_result(c: cl.Checklist, answers: dict[str, str]) -> dict:
    # stored=True: an 'na' saved before the checklist refused it counts as unanswered (never as
    # met) and is listed in the result's na_refused, instead of making the assessment unsavable.
    return report_text.result_json(scoring.score(c, answers, stored=True))


class AssessmentOps(Guarded):
    # --- reading -----------------------------------------------------------------------------
    def _view(self, s: Session, a: Assessment) -> AssessmentView:
        answers = list(
            s.execute(select(Answer).where(Answer.assessment_id == a.id).order_by(Answer.id))
            .scalars()
            .all()
        )
        verifier = s.get(Account, a.verified_by_id).name if a.verified_by_id else None
        return assessment_view(a, answers, verifier)

    def _assessment(self, s: Session, assessment_id: int, *, lock: bool = False) -> Assessment:
        assessment_id = an_id("assessment_id", assessment_id)
        q = select(Assessment).where(Assessment.id == assessment_id)
        if lock:
            q = q.with_for_update()
        a = s.execute(q).scalar_one_or_none()
        if a is None:
            self._missing(s, "assessment", assessment_id, "see")
        self._umkm(s, a.umkm_id, filled_by=a.filled_by)
        return a

    @rights(owner="own", facilitator="assigned", manager=True)
    def assessment(self, assessment_id: int) -> AssessmentView:
        """One assessment with its answers and stored result."""
        with self.store.read() as s:
            return self._view(s, self._assessment(s, assessment_id))

    @rights(owner="own", facilitator="assigned", manager=True)
    def assessments(self, umkm_id: int) -> list[AssessmentView]:
        """Every assessment of a UMKM, oldest first."""
        with self.store.read() as s:
            self._umkm(s, umkm_id)
            rows = s.execute(
                select(Assessment)
                .where(Assessment.umkm_id == umkm_id)
                .order_by(Assessment.created_at, Assessment.id)
            ).scalars()
            return [self._view(s, a) for a in rows]

    # --- writing -----------------------------------------------------------------------------
    def _for_writing(self, s: Session, assessment_id: int) -> tuple[Assessment, cl.Checklist]:
        a = self._assessment(s, assessment_id, lock=True)  # rights: own drafts (@rights)
        if a.status != "draft":
            raise InvalidInput("not-a-draft", field="status", status=a.status, id=a.id)
        c = checklist(a.checklist_id)
        if c.version != a.checklist_version:
            raise InvalidInput(
                "checklist-changed",
                field="checklist_version",
                checklist=a.checklist_id,
                old=a.checklist_version,
                new=c.version,
            )
        return a, c

    def _answers(self, s: Session, a: Assessment) -> dict[str, Answer]:
        rows = s.execute(select(Answer).where(Answer.assessment_id == a.id)).scalars()
        return {x.item_id: x for x in rows}

    def _rescore(self, s: Session, a: Assessment, c: cl.Checklist) -> None:
        s.flush()
        a.result = compute_result(c, {k: v.value for k, v in self._answers(s, a).items()})
        a.updated_at = utcnow()

    @rights(owner="own", facilitator="assigned")
    def start_or_resume_assessment(self, umkm_id: int, checklist_id: str) -> AssessmentView:
        """Resume the latest draft of this checklist (at its current version) or start one.

        An owner's draft is ``filled_by='owner'``; a facilitator's is ``filled_by='facilitator'``.
        """
        c = checklist(checklist_id)
        with self.store.write() as s:
            return self._view(s, self._start_or_resume(s, umkm_id, c))

    def _start_or_resume(self, s: Session, umkm_id: int, c: cl.Checklist) -> Assessment:
        self._umkm(s, umkm_id)
        s.execute(select(Umkm.id).where(Umkm.id == umkm_id).with_for_update()).one()
        role = self.identity.role
        a = (
            s.execute(
                select(Assessment)
                .where(
                    Assessment.umkm_id == umkm_id,
                    Assessment.checklist_id == c.id,
                    Assessment.checklist_version == c.version,
                    Assessment.filled_by == role,
                    Assessment.status == "draft",
                )
                .order_by(Assessment.created_at.desc(), Assessment.id.desc())
            )
            .scalars()
            .first()
        )
        if a is None:
            a = Assessment(
                umkm_id=umkm_id,
                checklist_id=c.id,
                checklist_version=c.version,
                filled_by=role,
                status="draft",
                created_by_id=self.identity.user_id if role == "facilitator" else None,
                result=compute_result(c, {}),
            )
            s.add(a)
            s.flush()
            self._audit(s, "assessment-start", "assessment", a.id, umkm_id, {"ref": c.ref})
            self._carry_over(s, a, c)
        return a

    def _carry_over(self, s: Session, a: Assessment, c: cl.Checklist) -> None:
        """A new draft on a new checklist version starts with the answers that still hold.

        The source is the same filler's latest assessment of this checklist on an older version;
        an answer carries over when its item ID is unchanged (``checklists/_mapping.yaml`` lists
        the IDs whose meaning changed). The old assessment is left as it was."""
        from berdikari import versions

        old = (
            s.execute(
                select(Assessment)
                .where(
                    Assessment.umkm_id == a.umkm_id,
                    Assessment.checklist_id == c.id,
                    Assessment.checklist_version != c.version,
                    Assessment.filled_by == a.filled_by,
                )
                .order_by(Assessment.created_at.desc(), Assessment.id.desc())
            )
            .scalars()
            .first()
        )
        if old is None:
            return
        rows = self._answers(s, old)
        kept = versions.carried_answers(
            c.id,
            old.checklist_version,
            c.version,
            {k: (r.value, r.note) for k, r in rows.items()},
            {i.id for i in c.items},
        )
        for item_id in sorted(kept):
            r = rows[item_id]
            s.add(
                Answer(
                    assessment_id=a.id,
                    item_id=item_id,
                    value=r.value,
                    note=r.note,
                    set_by_role=r.set_by_role,
                    set_by_id=r.set_by_id,
                    set_by_name=r.set_by_name,
                    set_at=r.set_at,
                )
            )
        d = versions.diff(c.id, old.checklist_version, c.version)
        detail = {
            "from_assessment": old.id,
            "from": f"{c.id}@{old.checklist_version}",
            "to": c.ref,
            "carried": sorted(kept),
            "not_carried": sorted(set(rows) - set(kept)),
            "changed": sorted(d.changed),
            "added": sorted(d.added),
        }
        self._audit(s, "assessment-carry-over", "assessment", a.id, a.umkm_id, detail)
        self._rescore(s, a, c)

    def _check_answer(self, c: cl.Checklist, item_id: object, value: object, note: object):
        if not isinstance(item_id, str) or item_id not in {i.id for i in c.items}:
            raise InvalidInput("not-an-item", field="answer", item=str(item_id), checklist=c.ref)
        one_of("answer", value, scoring.ANSWERS, item=item_id)
        return text("note", note, NOTE_MAX, required=False, item=item_id)

    def _set(self, s: Session, a: Assessment, existing: dict, item_id: str, value, note) -> Answer:
        i = self.identity
        row = existing.get(item_id)
        old = (row.value, row.note) if row else None
        if row is None:
            row = Answer(assessment_id=a.id, item_id=item_id)
            s.add(row)
            existing[item_id] = row
        row.value, row.note = value, note
        row.set_by_role = i.role
        row.set_by_id = i.user_id if i.role == "facilitator" else None
        row.set_by_name = i.name[:120]
        row.set_at = utcnow()
        detail = {"item_id": item_id, "value": value, "note": note}
        if old:
            detail |= {"old_value": old[0], "old_note": old[1]}
        self._audit(s, "answer-set", "assessment", a.id, a.umkm_id, detail)
        return row

    @rights(owner="own", facilitator="assigned", own_drafts=True)
    def save_answer(
        self, assessment_id: int, item_id: str, value: str, note: str | None = None
    ) -> AnswerView:
        """Save one answer (and its note) to a draft; returns after a durable commit.

        Raises :class:`InvalidInput` for an unknown item ID, a value outside
        ``scoring.ANSWERS``, or a note over ``NOTE_MAX`` characters; nothing is written then.
        """
        with self.store.write() as s:
            a, c = self._for_writing(s, assessment_id)
            note = self._check_answer(c, item_id, value, note)
            row = self._set(s, a, self._answers(s, a), item_id, value, note)
            self._rescore(s, a, c)
            view = answer_view(row)
        return view

    @rights(owner="own", facilitator="assigned", own_drafts=True)
    def save_answers(self, assessment_id: int, answers: dict[str, tuple[str, str | None]]):
        """Save several answers at once, all or nothing: ``{item_id: (value, note)}``."""
        with self.store.write() as s:
            return self._view(s, self._save_answers(s, assessment_id, answers))

    def _save_answers(self, s: Session, assessment_id: int, answers: dict) -> Assessment:
        a, c = self._for_writing(s, assessment_id)
        checked = {k: (v, self._check_answer(c, k, v, n)) for k, (v, n) in answers.items()}
        existing = self._answers(s, a)
        for item_id, (value, note) in checked.items():
            self._set(s, a, existing, item_id, value, note)
        self._rescore(s, a, c)
        return a

    @rights(owner="own", facilitator="assigned", own_drafts=True)
    def submit_assessment(self, assessment_id: int) -> AssessmentView:
        """Submit a draft for verification. Every item must be answered (``unknown`` counts)."""
        with self.store.write() as s:
            return self._view(s, self._submit(s, assessment_id))

    def _submit(self, s: Session, assessment_id: int) -> Assessment:
        a, c = self._for_writing(s, assessment_id)
        answered = self._answers(s, a)
        missing = [i.id for i in c.items if i.id not in answered]
        if missing:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            raise InvalidInput("unanswered", field="answers", n=len(missing), items=shown)
        a.status = "submitted"
        a.submitted_at = utcnow()
        self._rescore(s, a, c)
        self._audit(s, "assessment-submit", "assessment", a.id, a.umkm_id)
        return a

    @rights(facilitator="assigned")
    def verify_assessment(
        self,
        assessment_id: int,
        corrections: dict[str, str | tuple[str, str | None]] | None = None,
        note: str | None = None,
    ) -> AssessmentView:
        """A facilitator verifies a submitted assessment of a UMKM assigned to them.

        Creates a new, ``verified`` assessment (``filled_by='facilitator'``, ``verifies_id`` =
        the original) holding the original answers with ``corrections`` applied
        (``{item_id: value}`` or ``{item_id: (value, note)}``). The original keeps its answers
        and becomes ``verified``. Returns the new assessment.
        """
        with self.store.write() as s:
            return self._view(s, self._verify(s, assessment_id, corrections, note))

    def _verify(self, s: Session, assessment_id: int, corrections, note) -> Assessment:
        src = self._assessment(s, assessment_id, lock=True)
        if src.status != "submitted":
            raise InvalidInput("not-submitted", field="status", status=src.status, id=src.id)
        c = checklist(src.checklist_id)
        if c.version != src.checklist_version:
            raise InvalidInput(
                "checklist-changed-verify",
                field="checklist_version",
                checklist=c.id,
                old=src.checklist_version,
                new=c.version,
            )
        note = text("note", note, NOTE_MAX, required=False)
        fixes = {}
        for item_id, fix in (corrections or {}).items():
            value, fix_note = fix if isinstance(fix, tuple) else (fix, None)
            fixes[item_id] = (value, self._check_answer(c, item_id, value, fix_note))
        now = utcnow()
        new = Assessment(
            umkm_id=src.umkm_id,
            checklist_id=src.checklist_id,
            checklist_version=src.checklist_version,
            filled_by="facilitator",
            status="verified",
            verifies_id=src.id,
            created_by_id=self.identity.user_id,
            submitted_at=now,
            verified_at=now,
            verified_by_id=self.identity.user_id,
            note=note,
        )
        s.add(new)
        s.flush()
        for x in self._answers(s, src).values():
            s.add(
                Answer(
                    assessment_id=new.id,
                    item_id=x.item_id,
                    value=x.value,
                    note=x.note,
                    set_by_role=x.set_by_role,
                    set_by_id=x.set_by_id,
                    set_by_name=x.set_by_name,
                    set_at=x.set_at,
                )
            )
        s.flush()
        existing = self._answers(s, new)
        for item_id, (value, fix_note) in fixes.items():
            self._set(s, new, existing, item_id, value, fix_note)
        src.status, src.verified_at, src.verified_by_id = "verified", now, self.identity.user_id
        src.updated_at = now
        self._rescore(s, new, c)
        self._audit(
            s,
            "assessment-verify",
            "assessment",
            new.id,
            src.umkm_id,
            {"verifies": src.id, "corrections": sorted(fixes)},
        )
        return new

    @rights(facilitator="assigned", own_drafts=True)
    def key_in_paper(
        self,
        umkm_id: int,
        checklist_id: str,
        answers: dict[str, str],
        verified: bool = False,
        note: str | None = None,
    ) -> AssessmentView:
        """A facilitator types a paper checklist: every item's answer (``{item_id: value}``),
        submitted, and with ``verified`` also verified by them (``note`` on the verification).

        All or nothing: the draft, its answers, the submission and the verification are one
        transaction, so a failure (or a server killed half-way) leaves no half-entered form.
        Returns the verified assessment, or the submitted one."""
        c = checklist(checklist_id)
        with self.store.write() as s:
            self._umkm(s, umkm_id)
            a = self._start_or_resume(s, umkm_id, c)
            self._save_answers(s, a.id, {k: (v, None) for k, v in answers.items()})
            a = self._submit(s, a.id)
            if verified:
                a = self._verify(s, a.id, None, note)
            return self._view(s, a)
