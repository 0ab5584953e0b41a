"""The Etalase's promotion figures (issue 15 point 6): products shown, those shown with a permit
number, and the pages waiting for the manager, in total, by regency and by local speciality.

One grouped query whatever the number of pages (the database counts; no page is read into
Python), used by :meth:`berdikari.store.showcase.ShowcaseOps.showcase_figures` (which holds the
rights: the caller passes the UMKM it may see), the manager's screen and the programme workbook.

"Shown" means what :class:`berdikari.store.showcase.PublicShowcase` shows: approved and
consented. "With a permit" means the page shows a permit number (*izin edar*: P-IRT, MD, TR,
NA — ``vocab.PERMIT_MILESTONES``) that a facilitator recorded for that product and the owner
chose to show; a halal certificate alone is not a permit. It reads only; never returns a name
of a person or anything the public page does not show.
"""

from __future__ import annotations

from sqlalchemy import Select, and_, case, exists, func, select, true
from sqlalchemy.orm import Session

from berdikari import vocab
from berdikari.showcase import Term
from berdikari.store.models import Milestone, Region, ShowcaseListing, ShowcaseTerm, Umkm
from berdikari.store.showcase import ShowcaseFigures

PERMITS = tuple(str(k) for k in vocab.PERMIT_MILESTONES)


def _shows_a_permit(dialect: str):
    """True for a page whose chosen kinds hold a permit a facilitator recorded for its product."""
    x = ShowcaseListing
    each = "json_array_elements_text" if dialect == "postgresql" else "json_each"
    chosen = getattr(func, each)(x.show_permits).table_valued("value")
    return exists(
        select(Milestone.id)
        .select_from(Milestone)
        .join(chosen, true())
        .where(
            Milestone.kind == chosen.c.value,
            Milestone.umkm_id == x.umkm_id,
            Milestone.product_id == x.product_id,
            Milestone.kind.in_(PERMITS),
            Milestone.number.is_not(None),
            Milestone.recorded_by_role == vocab.Role.FACILITATOR.value,
        )
    )


def figures(s: Session, umkm_ids: Select) -> ShowcaseFigures:
    """The figures over the consented pages of the UMKM in ``umkm_ids`` (a select of ids)."""
    x = ShowcaseListing
    public = and_(x.state == vocab.ListingState.APPROVED.value, x.consent.is_(True))
    waiting = x.state == vocab.ListingState.DRAFT.value
    with_permit = and_(public, _shows_a_permit(s.get_bind().dialect.name))
    rows = s.execute(
        select(
            Region.name,
            ShowcaseTerm.key,
            ShowcaseTerm.label_id,
            ShowcaseTerm.label_en,
            func.sum(case((public, 1), else_=0)),
            func.sum(case((with_permit, 1), else_=0)),
            func.sum(case((waiting, 1), else_=0)),
        )
        .select_from(x)
        .join(Umkm, Umkm.id == x.umkm_id)
        .join(Region, Region.id == Umkm.region_id)
        .outerjoin(ShowcaseTerm, ShowcaseTerm.id == x.speciality_id)
        .where(x.consent.is_(True), x.umkm_id.in_(umkm_ids))
        .group_by(Region.name, ShowcaseTerm.key, ShowcaseTerm.label_id, ShowcaseTerm.label_en)
    ).all()
    # at most (regencies x specialities) groups: summed here into the two breakdowns
    regency: dict[str, list[int]] = {}
    speciality: dict[str | None, list] = {}
    total = [0, 0, 0]
    for name, key, label_id, label_en, shown, permit, queued in rows:
        shown, permit, queued = int(shown or 0), int(permit or 0), int(queued or 0)
        total = [total[0] + shown, total[1] + permit, total[2] + queued]
        if not shown:
            continue
        r = regency.setdefault(name, [0, 0])
        r[0], r[1] = r[0] + shown, r[1] + permit
        term = Term(key, label_id, label_en) if key is not None else None
        sp = speciality.setdefault(key, [term, 0, 0])
        sp[1], sp[2] = sp[1] + shown, sp[2] + permit
    return ShowcaseFigures(
        shown=total[0],
        with_permit=total[1],
        waiting=total[2],
        by_regency=tuple((name, n, p) for name, (n, p) in sorted(regency.items())),
        by_speciality=tuple(
            (t, n, p)
            for t, n, p in sorted(
                speciality.values(), key=lambda v: (v[0] is None, v[0].label_id if v[0] else "")
            )
        ),
    )
