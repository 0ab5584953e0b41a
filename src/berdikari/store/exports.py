"""Flat tables of everything the identity may see, for analysts (:func:`berdikari.data.frames`).

Part of the service layer: an owner gets their own UMKM's rows, a facilitator those of the UMKM
assigned now, a manager everything. Secrets (PIN and password hashes) are never exported.
"""

from __future__ import annotations

from sqlalchemy import select

from berdikari.store.access import Guarded, rights
from berdikari.store.models import (
    ActionItem,
    Answer,
    Assessment,
    Assignment,
    Milestone,
    Region,
    Umkm,
    Visit,
)

TABLES = ("umkm", "assessments", "answers", "actions", "milestones", "visits")


class ExportOps(Guarded):
    @rights(owner="own", facilitator="assigned", manager=True)
    def export_rows(
        self, umkm_ids: list[int] | None = None, answers_of: list[int] | None = None
    ) -> dict[str, list[dict]]:
        """``{table: [row, ...]}`` for the tables in ``TABLES``, limited to what the identity
        may see (and, with ``umkm_ids``, to those UMKM: the programme export's filters; with
        ``answers_of``, the answers table holds only those assessments' answers)."""
        with self.store.read() as s:
            ids = list(s.execute(self._visible_umkm_ids(s)).scalars())
            if umkm_ids is not None:
                wanted = set(umkm_ids)
                ids = [i for i in ids if i in wanted]
            regions = {r.id: r for r in s.execute(select(Region)).scalars()}
            facilitator = {
                a.umkm_id: a.facilitator.name
                for a in s.execute(
                    select(Assignment).where(
                        Assignment.active.is_(True), Assignment.umkm_id.in_(ids)
                    )
                ).scalars()
            }
            umkms = list(
                s.execute(select(Umkm).where(Umkm.id.in_(ids)).order_by(Umkm.id)).scalars()
            )
            code = {u.id: u.code for u in umkms}
            out: dict[str, list[dict]] = {t: [] for t in TABLES}
            for u in umkms:
                r = regions[u.region_id]
                out["umkm"].append(
                    {
                        "umkm_id": u.id,
                        "code": u.code,
                        "name": u.name,
                        "owner_name": u.owner_name,
                        "regency": r.name,
                        "province": r.province,
                        "size": u.size,
                        "nib": u.nib,
                        "categories": ",".join(u.categories),
                        "facilitator": facilitator.get(u.id),
                        "created_at": u.created_at,
                    }
                )
            checklist_of = {}
            for a in s.execute(
                select(Assessment).where(Assessment.umkm_id.in_(ids)).order_by(Assessment.id)
            ).scalars():
                res = a.result or {}
                checklist_of[a.id] = a.checklist_id
                out["assessments"].append(
                    {
                        "assessment_id": a.id,
                        "umkm_id": a.umkm_id,
                        "code": code[a.umkm_id],
                        "checklist_id": a.checklist_id,
                        "checklist_version": a.checklist_version,
                        "filled_by": a.filled_by,
                        "status": a.status,
                        "verifies_id": a.verifies_id,
                        "created_at": a.created_at,
                        "submitted_at": a.submitted_at,
                        "verified_at": a.verified_at,
                        "readiness": res.get("readiness"),
                        "level": res.get("level"),
                        "complete": res.get("complete"),
                        "passed": res.get("passed"),
                    }
                )
            answers_q = (
                select(Answer, Assessment.umkm_id)
                .join(Assessment, Answer.assessment_id == Assessment.id)
                .where(Assessment.umkm_id.in_(ids))
                .order_by(Answer.id)
            )
            if answers_of is not None:
                answers_q = answers_q.where(Answer.assessment_id.in_(list(answers_of)))
            for x, umkm_id in s.execute(answers_q):
                out["answers"].append(
                    {
                        "assessment_id": x.assessment_id,
                        "umkm_id": umkm_id,
                        "checklist_id": checklist_of[x.assessment_id],
                        "item_id": x.item_id,
                        "value": x.value,
                        "note": x.note,
                        "set_by_role": x.set_by_role,
                        "set_by": x.set_by_name,
                        "set_at": x.set_at,
                    }
                )
            for a in s.execute(
                select(ActionItem).where(ActionItem.umkm_id.in_(ids)).order_by(ActionItem.id)
            ).scalars():
                out["actions"].append(
                    {
                        "action_id": a.id,
                        "umkm_id": a.umkm_id,
                        "code": code[a.umkm_id],
                        "title": a.title,
                        "checklist_id": a.checklist_id,
                        "item_id": a.item_id,
                        "due_date": a.due_date,
                        "status": a.status,
                        "responsible": a.responsible,
                        "created_at": a.created_at,
                        "done_at": a.done_at,
                    }
                )
            for x in s.execute(
                select(Milestone).where(Milestone.umkm_id.in_(ids)).order_by(Milestone.id)
            ).scalars():
                out["milestones"].append(
                    {
                        "milestone_id": x.id,
                        "umkm_id": x.umkm_id,
                        "code": code[x.umkm_id],
                        "kind": x.kind,
                        "achieved_on": x.achieved_on,
                        "number": x.number,
                        "product_id": x.product_id,
                        "note": x.note,
                    }
                )
            for v in s.execute(
                select(Visit).where(Visit.umkm_id.in_(ids)).order_by(Visit.id)
            ).scalars():
                out["visits"].append(
                    {
                        "visit_id": v.id,
                        "umkm_id": v.umkm_id,
                        "code": code[v.umkm_id],
                        "facilitator": v.facilitator.name,
                        "visited_on": v.visited_on,
                        "kind": v.kind,
                        "met_with": v.met_with,
                        "summary": v.summary,
                    }
                )
            return out
