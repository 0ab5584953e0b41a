"""Flat tables of everything the identity may see: the programme export (:mod:`berdikari.reports`)
and the analysts' DataFrames (:func:`berdikari.data.frames`).

Part of the service layer: an owner gets their own UMKM's rows, a facilitator those of the UMKM
assigned now, a manager everything. Rows are streamed from one read transaction
(:meth:`ExportOps.export_stream`), a few thousand at a time, so the whole programme's export holds
no table in memory. Secrets (PIN and password hashes) are never exported. This module never writes.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from berdikari.store.access import Guarded, rights
from berdikari.store.models import (
    Account,
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
CHUNK = 5_000
"""Ids per ``IN (...)`` list (SQLite allows at most 32,766 parameters in one statement)."""
BATCH = 2_000
"""Rows fetched from the database at a time."""


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for n in range(0, len(ids), CHUNK):
        yield ids[n : n + CHUNK]


class ExportOps(Guarded):
    @rights(owner="own", facilitator="assigned", manager=True)
    def export_rows(
        self, umkm_ids: list[int] | None = None, assessments_of: list[int] | None = None
    ) -> dict[str, list[dict]]:
        """``{table: [row, ...]}`` for the tables in ``TABLES``: :meth:`export_stream` kept in
        lists (for the DataFrames and small exports)."""
        out: dict[str, list[dict]] = {t: [] for t in TABLES}
        for table, row in self.export_stream(umkm_ids, assessments_of):
            out[table].append(row)
        return out

    @rights(owner="own", facilitator="assigned", manager=True)
    def export_stream(
        self, umkm_ids: list[int] | None = None, assessments_of: list[int] | None = None
    ) -> Iterator[tuple[str, dict]]:
        """``(table, row)`` for every row of the tables in ``TABLES``, table after table in that
        order, limited to what the identity may see (and, with ``umkm_ids``, to those UMKM: the
        programme export's filters; with ``assessments_of``, the assessments and answers tables
        hold only those assessments and their answers). The identity and its rights are checked now; the rows are read
        as they are consumed, in one read transaction, so the tables agree with each other."""
        with self.store.read() as s:
            visible = self._visible_umkm_ids(s)
        return self._stream(visible, umkm_ids, assessments_of)

    def _stream(self, visible, umkm_ids, assessments_of) -> Iterator[tuple[str, dict]]:
        with self.store.read() as s:
            if umkm_ids is None:
                ids = None  # everything visible: one query per table, no id lists
            else:
                wanted = set(umkm_ids)
                ids = sorted(i for i in s.execute(visible).scalars() if i in wanted)

            # Core rows, not the ORM's: the ORM's per-row handling cost more than the workbook
            # (a whole programme streams millions of rows).
            conn = s.connection()

            def run(q):
                return conn.execute(q.execution_options(yield_per=BATCH))

            def rows(query, umkm_col, order):
                """The query's rows for the UMKM in scope, a batch at a time."""
                if ids is None:
                    q = query.where(umkm_col.in_(visible)).order_by(*order)
                    yield from run(q)
                    return
                for chunk in _chunks(ids):
                    q = query.where(umkm_col.in_(chunk)).order_by(*order)
                    yield from run(q)

            regions = {r.id: (r.name, r.province) for r in s.execute(select(Region)).scalars()}
            facilitator = dict(
                rows(
                    select(Assignment.umkm_id, Account.name)
                    .join(Account, Assignment.facilitator_id == Account.id)
                    .where(Assignment.active.is_(True)),
                    Assignment.umkm_id,
                    (Assignment.umkm_id,),
                )
            )
            code: dict[int, str] = {}
            umkm_q = select(
                Umkm.id,
                Umkm.code,
                Umkm.name,
                Umkm.owner_name,
                Umkm.region_id,
                Umkm.size,
                Umkm.nib,
                Umkm.categories,
                Umkm.created_at,
            )
            for u in rows(umkm_q, Umkm.id, (Umkm.id,)):
                code[u.id] = u.code
                regency, province = regions[u.region_id]
                yield (
                    "umkm",
                    {
                        "umkm_id": u.id,
                        "code": u.code,
                        "name": u.name,
                        "owner_name": u.owner_name,
                        "regency": regency,
                        "province": province,
                        "size": u.size,
                        "nib": u.nib,
                        "categories": ",".join(u.categories),
                        "facilitator": facilitator.get(u.id),
                        "created_at": u.created_at,
                    },
                )
            result = Assessment.result
            assessments_q = select(
                Assessment.id,
                Assessment.umkm_id,
                Assessment.checklist_id,
                Assessment.checklist_version,
                Assessment.filled_by,
                Assessment.status,
                Assessment.verifies_id,
                Assessment.created_at,
                Assessment.submitted_at,
                Assessment.verified_at,
                result["readiness"].as_integer().label("readiness"),
                result["level"].as_string().label("level"),
                result["complete"].as_boolean().label("complete"),
                result["passed"].as_boolean().label("passed"),
            )
            in_scope = code.__contains__
            if assessments_of is None:
                assessments = rows(assessments_q, Assessment.umkm_id, (Assessment.id,))
            else:
                # Only these assessments (and below, their answers), within the UMKM in scope.
                assessments = (
                    a
                    for chunk in _chunks(sorted(set(assessments_of)))
                    for a in run(
                        assessments_q.where(Assessment.id.in_(chunk)).order_by(Assessment.id)
                    )
                    if in_scope(a.umkm_id)
                )
            for a in assessments:
                yield (
                    "assessments",
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
                        "readiness": a.readiness,
                        "level": a.level,
                        "complete": a.complete,
                        "passed": a.passed,
                    },
                )
            answers_q = select(
                Answer.assessment_id,
                Assessment.umkm_id,
                Assessment.checklist_id,
                Answer.item_id,
                Answer.value,
                Answer.note,
                Answer.set_by_role,
                Answer.set_by_name,
                Answer.set_at,
            ).join(Assessment, Answer.assessment_id == Assessment.id)
            if assessments_of is None:
                answers = rows(answers_q, Assessment.umkm_id, (Answer.id,))
            else:
                answers = (
                    x
                    for chunk in _chunks(sorted(set(assessments_of)))
                    for x in run(
                        answers_q.where(Answer.assessment_id.in_(chunk)).order_by(
                            Answer.assessment_id, Answer.id
                        )
                    )
                    if in_scope(x.umkm_id)
                )
            for x in answers:
                yield (
                    "answers",
                    {
                        "assessment_id": x.assessment_id,
                        "umkm_id": x.umkm_id,
                        "checklist_id": x.checklist_id,
                        "item_id": x.item_id,
                        "value": x.value,
                        "note": x.note,
                        "set_by_role": x.set_by_role,
                        "set_by": x.set_by_name,
                        "set_at": x.set_at,
                    },
                )
            actions_q = select(
                ActionItem.id,
                ActionItem.umkm_id,
                ActionItem.title,
                ActionItem.checklist_id,
                ActionItem.item_id,
                ActionItem.due_date,
                ActionItem.status,
                ActionItem.responsible,
                ActionItem.created_at,
                ActionItem.done_at,
            )
            for a in rows(actions_q, ActionItem.umkm_id, (ActionItem.id,)):
                yield (
                    "actions",
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
                    },
                )
            milestones_q = select(
                Milestone.id,
                Milestone.umkm_id,
                Milestone.kind,
                Milestone.achieved_on,
                Milestone.number,
                Milestone.product_id,
                Milestone.note,
            )
            for x in rows(milestones_q, Milestone.umkm_id, (Milestone.id,)):
                yield (
                    "milestones",
                    {
                        "milestone_id": x.id,
                        "umkm_id": x.umkm_id,
                        "code": code[x.umkm_id],
                        "kind": x.kind,
                        "achieved_on": x.achieved_on,
                        "number": x.number,
                        "product_id": x.product_id,
                        "note": x.note,
                    },
                )
            visits_q = select(
                Visit.id,
                Visit.umkm_id,
                Account.name,
                Visit.visited_on,
                Visit.kind,
                Visit.met_with,
                Visit.summary,
            ).join(Account, Visit.facilitator_id == Account.id)
            for v in rows(visits_q, Visit.umkm_id, (Visit.id,)):
                yield (
                    "visits",
                    {
                        "visit_id": v.id,
                        "umkm_id": v.umkm_id,
                        "code": code[v.umkm_id],
                        "facilitator": v.name,
                        "visited_on": v.visited_on,
                        "kind": v.kind,
                        "met_with": v.met_with,
                        "summary": v.summary,
                    },
                )
