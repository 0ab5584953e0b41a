"""Benchmark: the staff apps on a programme of 5,000 UMKM with 10 assessments each.

Generates the programme into a fresh SQLite file (bulk inserts straight into the tables: the
service layer would spend most of the time hashing 5,000 PINs, which is not what is measured),
then prints medians of:

* ``standing``: :meth:`Service.standing` for the manager (one row per UMKM);
* ``overview``: the manager's screen computed and rendered (``ProgrammeApp`` with the widgets);
* ``filter``: the manager picks another regency (figures from the rows already read);
* ``facilitator list``: :meth:`Service.my_umkm` and the facilitator's list rendered;
* ``one UMKM``: the facilitator opens one UMKM (profile, history chart, comparison, actions,
  visits, and the visit report as HTML; the PDF is made on request);
* ``excel (one regency)``: the filtered export built into an .xlsx in memory (answers of the
  current assessments, as the app exports them).

Printed, never asserted. Run: ``.venv/bin/python benchmarks/bench_programme_scale.py [umkm]
[assessments] [repeats]`` (defaults 5000 10 5).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from berdikari import scoring, stats  # noqa: E402
from berdikari.checklists import load  # noqa: E402
from berdikari.report_text import result_json  # noqa: E402
from berdikari.store import models as m  # noqa: E402
from berdikari.store import open_store  # noqa: E402
from berdikari.store.auth import hash_secret  # noqa: E402

PASSWORD = "benchmark-password"
FACILITATORS = 100
ORGANISATIONS = 5
PATTERNS = 60
CPPOB = "cppob-irtp"


def generate(store, n_umkm: int, n_assessments: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    c = load(CPPOB)
    items = [i.id for i in c.items]
    # A few answer patterns from poor to good, scored once each and reused.
    patterns = []
    for k in range(PATTERNS):
        p_yes = 0.3 + 0.7 * k / (PATTERNS - 1)
        ans = {
            i: ("yes" if rnd.random() < p_yes else rnd.choice(["no", "partial", "unknown", "na"]))
            for i in items
        }
        patterns.append((ans, result_json(scoring.score(c, ans))))
    now = datetime.now(UTC)
    pw = hash_secret(PASSWORD)
    with store.engine.begin() as conn:
        regions = [r for r in conn.execute(select(m.Region.id, m.Region.code))]
        conn.execute(
            insert(m.Organisation),
            [
                {"id": o + 1, "name": f"Lembaga {o + 1}", "kind": "komunitas"}
                for o in range(ORGANISATIONS)
            ],
        )
        staff = [
            {
                "id": f + 1,
                "username": f"pendamping{f + 1:03d}",
                "name": f"Pendamping {f + 1:03d}",
                "role": "facilitator",
                "organisation_id": f % ORGANISATIONS + 1,
                "password_hash": pw,
                "active": True,
                "failed_attempts": 0,
                "created_at": now,
            }
            for f in range(FACILITATORS)
        ]
        staff.append(
            {
                "id": FACILITATORS + 1,
                "username": "manajer",
                "name": "Manajer",
                "role": "manager",
                "organisation_id": None,
                "password_hash": pw,
                "active": True,
                "failed_attempts": 0,
                "created_at": now,
            }
        )
        conn.execute(insert(m.Account), staff)
        umkm, assign, heads, answers, actions, visits, milestones = [], [], [], [], [], [], []
        aid = 0
        for u in range(1, n_umkm + 1):
            rid, rcode = regions[u % len(regions)]
            enrolled = now - timedelta(days=rnd.randint(30, 720))
            umkm.append(
                {
                    "id": u,
                    "code": f"{rcode}-{u:05d}",
                    "name": f"UMKM {u}",
                    "owner_name": f"Pemilik {u}",
                    "region_id": rid,
                    "size": "mikro",
                    "categories": ["pangan-olahan"],
                    "failed_attempts": 0,
                    "created_at": enrolled,
                    "updated_at": enrolled,
                }
            )
            fid = u % FACILITATORS + 1
            assign.append(
                {
                    "umkm_id": u,
                    "facilitator_id": fid,
                    "active": True,
                    "started_at": enrolled,
                    "ended_at": None,
                    "assigned_by": "bench",
                }
            )
            level = rnd.randrange(PATTERNS // 2)
            for k in range(n_assessments):
                aid += 1
                level = min(PATTERNS - 1, level + rnd.randint(0, 6))
                ans, res = patterns[level]
                at = enrolled + timedelta(days=30 * (k + 1))
                # odd ones are the facilitator's verified copies of the owner's one before
                verified_copy = k % 2 == 1
                # every fourth UMKM has its latest self-assessment waiting for verification
                last_waiting = u % 4 == 0 and k == n_assessments - 1
                heads.append(
                    {
                        "id": aid,
                        "umkm_id": u,
                        "checklist_id": CPPOB,
                        "checklist_version": c.version,
                        "filled_by": "facilitator"
                        if verified_copy and not last_waiting
                        else "owner",
                        "status": "submitted" if last_waiting else "verified",
                        "verifies_id": aid - 1 if verified_copy and not last_waiting else None,
                        "created_by_id": fid if verified_copy else None,
                        "created_at": at,
                        "updated_at": at,
                        "submitted_at": at,
                        "verified_at": None if last_waiting else at,
                        "verified_by_id": None if last_waiting else fid,
                        "result": res,
                    }
                )
                answers.extend(
                    {
                        "assessment_id": aid,
                        "item_id": i,
                        "value": v,
                        "set_by_role": "owner",
                        "set_by_name": f"Pemilik {u}",
                        "set_at": at,
                    }
                    for i, v in ans.items()
                )
            for k in range(3):
                due = date.today() + timedelta(days=rnd.randint(-60, 60))
                actions.append(
                    {
                        "umkm_id": u,
                        "title": f"Tindakan {k}",
                        "checklist_id": CPPOB,
                        "item_id": rnd.choice(items),
                        "due_date": due,
                        "status": rnd.choice(["open", "in-progress", "done"]),
                        "responsible": "owner",
                        "created_by_id": fid,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            for _k in range(4):
                visits.append(
                    {
                        "umkm_id": u,
                        "facilitator_id": fid,
                        "visited_on": date.today() - timedelta(days=rnd.randint(0, 200)),
                        "kind": "site",
                        "summary": "Kunjungan",
                        "created_at": now,
                    }
                )
            if rnd.random() < 0.3:
                milestones.append(
                    {
                        "umkm_id": u,
                        "kind": "p-irt",
                        "achieved_on": date.today() - timedelta(days=rnd.randint(0, 300)),
                        "number": f"P-IRT {u}",
                        "recorded_by": "bench",
                        "created_at": now,
                    }
                )
        conn.execute(insert(m.Umkm), umkm)
        conn.execute(insert(m.Assignment), assign)
        for table, rows in (
            (m.Assessment, heads),
            (m.Answer, answers),
            (m.ActionItem, actions),
            (m.Visit, visits),
            (m.Milestone, milestones),
        ):
            for n in range(0, len(rows), 20_000):
                conn.execute(insert(table), rows[n : n + 20_000])


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    n_umkm = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    n_assess = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    from berdikari import reports
    from berdikari.apps.facilitator import FacilitatorApp
    from berdikari.apps.programme import ProgrammeApp
    from berdikari.apps.staff import sign_in

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.db")
        t0 = time.perf_counter()
        generate(store, n_umkm, n_assess)
        build = time.perf_counter() - t0
        manager = sign_in("manajer", PASSWORD, store)
        facilitator = sign_in("pendamping001", PASSWORD, store)
        svc = manager.service()
        t_stand, rows = median_time(svc.standing, repeats)
        t_over, app = median_time(lambda: ProgrammeApp(session=manager, store=store), repeats)
        regions = sorted({r.regency for r in app._standing})
        flip = iter(regions * repeats)
        t_filter, _ = median_time(
            lambda: app.go("overview", filters=stats.Filters(regency=next(flip))), repeats
        )
        t_my, cases = median_time(facilitator.service().my_umkm, repeats)
        t_flist, fapp = median_time(
            lambda: FacilitatorApp(session=facilitator, store=store), repeats
        )
        first = cases[0].id
        t_one, _ = median_time(lambda: fapp.go("umkm", umkm_id=first), repeats)
        regency = rows[0].regency
        filters = stats.Filters(regency=regency)

        def excel():
            part = stats.apply(rows, filters)
            tables = reports.export_tables(svc, filters, part, current_answers=True)
            return reports.excel_bytes(tables, reports.summary_rows(part))

        t_xlsx, data = median_time(excel, max(1, repeats // 2))
        figures = stats.headline(rows)
        print(
            f"Programme: {n_umkm} UMKM x {n_assess} assessments (CPPB-IRT, "
            f"{len(load(CPPOB).items)} answers each), {FACILITATORS} facilitators, SQLite"
        )
        print(f"  build (generate and insert)          {build:8.2f} s")
        print(f"  standing() for the manager           {t_stand:8.3f} s  (median of {repeats})")
        print(f"  manager overview computed + rendered {t_over:8.3f} s  (median of {repeats})")
        print(f"  manager changes a filter (re-render) {t_filter:8.3f} s  (median of {repeats})")
        print(
            f"  facilitator my_umkm() ({len(cases)} UMKM)      {t_my:8.3f} s  (median of {repeats})"
        )
        print(f"  facilitator list computed + rendered {t_flist:8.3f} s  (median of {repeats})")
        print(
            f"  facilitator opens one UMKM ({n_assess} assessments, print view) "
            f"{t_one:6.3f} s  (median of {repeats})"
        )
        print(
            f"  excel export, one regency ({len(stats.apply(rows, filters))} UMKM) "
            f"{t_xlsx:6.2f} s, {len(data) / 1e6:.1f} MB"
        )
        print(f"  headline: {figures}")
        store.close()


if __name__ == "__main__":
    main()
