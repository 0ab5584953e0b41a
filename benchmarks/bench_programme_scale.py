"""Benchmark: the staff apps on a programme of 5,000 and 50,000 UMKM with 10 assessments each,
on SQLite and on a real PostgreSQL server (started as the store tests start one).

For each engine and size it builds the programme (printed apart), then prints medians of the
new path and, in the same run, of the old one where it still exists:

* ``standing``: the kept standing read (``Service.standing``) against the old path, the standing
  recomputed from every assessment (:func:`berdikari.store.standing.compute`, what every view
  did before the table);
* ``manager overview``: the manager's screen computed and rendered (``ProgrammeApp``: aggregate
  queries over the kept standing), against the old path's figures (recompute, then
  :mod:`berdikari.stats` over the rows, without rendering);
* ``filter``: the manager picks another regency (aggregate queries again);
* ``facilitator list``: the facilitator's list rendered (one page of the caseload), against the
  old recompute of that caseload;
* ``rebuild``: ``berdikari standing rebuild`` (every UMKM's standing from scratch);
* ``excel``: the whole programme's workbook written by ``berdikari export FILE.xlsx`` in a fresh
  process (as the nightly job runs it), its time, size and the peak memory of that process. The
  old path (openpyxl's write-only mode over every assessment and answer) no longer exists, so
  it has no baseline in the same run.

The data is bulk-loaded with set-based inserts: the answers (37 per assessment, 18.5 million at
50,000 UMKM) are copied by the database from 60 answer patterns; the stored results of the
latest two assessments of each UMKM (the ones every read path reads) are the full scoring
results, older ones carry their figures without the gap list, so the build takes minutes.

Printed, never asserted. Run: ``.venv/bin/python benchmarks/bench_programme_scale.py
[sizes] [assessments] [repeats] [engines]`` (defaults ``5000,50000 10 3 sqlite,postgresql``).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, insert, select, text  # noqa: E402

from berdikari import scoring, stats  # noqa: E402
from berdikari.checklists import load  # noqa: E402
from berdikari.report_text import result_json  # noqa: E402
from berdikari.store import models as m  # noqa: E402
from berdikari.store import open_store  # noqa: E402
from berdikari.store import standing as kept_standing  # noqa: E402
from berdikari.store.auth import hash_secret  # noqa: E402
from berdikari.store.casework import today  # noqa: E402

PASSWORD = "benchmark-password"
FACILITATORS = 100
ORGANISATIONS = 5
PATTERNS = 60
CPPOB = "cppob-irtp"
BATCH = 20_000
EXPORT_TIMEOUT = float(os.environ.get("BENCH_EXPORT_TIMEOUT", "600"))
"""Seconds the export may take before it is stopped and printed as "> timeout"."""

scratch = MetaData()
PATTERN = Table(
    "bench_pattern", scratch, Column("pattern", Integer, primary_key=True), Column("result", JSON)
)
PATTERN_ANSWER = Table(
    "bench_pattern_answer",
    scratch,
    Column("pattern", Integer),
    Column("item_id", String(40)),
    Column("value", String(10)),
)
HEAD = Table(
    "bench_head",
    scratch,
    Column("aid", Integer, primary_key=True),
    Column("pattern", Integer),
    Column("latest", Integer),
)


def _insert(conn, table, rows) -> None:
    for n in range(0, len(rows), BATCH):
        conn.execute(insert(table), rows[n : n + BATCH])


def generate(store, n_umkm: int, n_assessments: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    c = load(CPPOB)
    items = [i.id for i in c.items]
    patterns = []  # poor to good; scored once each and reused
    for k in range(PATTERNS):
        p_yes = 0.3 + 0.7 * k / (PATTERNS - 1)
        ans = {
            i: ("yes" if rnd.random() < p_yes else rnd.choice(["no", "partial", "unknown"]))
            for i in items
        }
        patterns.append((ans, result_json(scoring.score(c, ans))))
    now = datetime.now(UTC)
    pw = hash_secret(PASSWORD)
    scratch.create_all(store.engine)
    with store.engine.begin() as conn:
        regions = list(conn.execute(select(m.Region.id, m.Region.code)))
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
        staff.append(staff[0] | {"id": FACILITATORS + 1, "username": "manajer"})
        staff[-1].update(name="Manajer", role="manager", organisation_id=None)
        conn.execute(insert(m.Account), staff)
        conn.execute(
            insert(PATTERN),
            [{"pattern": k, "result": res} for k, (_ans, res) in enumerate(patterns)],
        )
        conn.execute(
            insert(PATTERN_ANSWER),
            [
                {"pattern": k, "item_id": i, "value": v}
                for k, (ans, _res) in enumerate(patterns)
                for i, v in ans.items()
            ],
        )
        umkm, assign, heads, marks, actions, visits, milestones = [], [], [], [], [], [], []
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
                res = patterns[level][1]
                at = enrolled + timedelta(days=30 * (k + 1))
                # odd ones are the facilitator's verified copies of the owner's one before
                verified_copy = k % 2 == 1
                # every fourth UMKM has its latest self-assessment waiting for verification
                last_waiting = u % 4 == 0 and k == n_assessments - 1
                latest = k >= n_assessments - 2
                compact = {
                    key: res.get(key) for key in ("readiness", "level", "passed", "complete")
                }
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
                        "result": compact,
                    }
                )
                marks.append({"aid": aid, "pattern": level, "latest": int(latest)})
            for k in range(3):
                actions.append(
                    {
                        "umkm_id": u,
                        "title": f"Tindakan {k}",
                        "checklist_id": CPPOB,
                        "item_id": rnd.choice(items),
                        "due_date": date.today() + timedelta(days=rnd.randint(-60, 60)),
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
        for table, rows in (
            (m.Umkm, umkm),
            (m.Assignment, assign),
            (m.Assessment, heads),
            (HEAD, marks),
            (m.ActionItem, actions),
            (m.Visit, visits),
            (m.Milestone, milestones),
        ):
            _insert(conn, table, rows)
        # set-based: the database copies the answers and the full results from the patterns
        conn.execute(
            text(
                "INSERT INTO answer (assessment_id, item_id, value, set_by_role, set_by_name,"
                " set_at) SELECT h.aid, p.item_id, p.value, 'owner', 'Pemilik', a.created_at"
                " FROM bench_head h JOIN bench_pattern_answer p ON p.pattern = h.pattern"
                " JOIN assessment a ON a.id = h.aid"
            )
        )
        conn.execute(
            text(
                "UPDATE assessment SET result = (SELECT p.result FROM bench_head h"
                " JOIN bench_pattern p ON p.pattern = h.pattern WHERE h.aid = assessment.id)"
                " WHERE id IN (SELECT aid FROM bench_head WHERE latest = 1)"
            )
        )
        if store.dialect == "postgresql":
            for table in ("account", "organisation", "umkm", "assessment"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT max(id) FROM {table}))"
                    )
                )
    scratch.drop_all(store.engine)
    with store.engine.begin() as conn:
        conn.execute(text("ANALYZE"))  # fresh statistics, as after a night's autovacuum


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


PEAK = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(done.returncode, use.ru_maxrss // 1024, use.ru_utime + use.ru_stime)\n"
    "sys.stderr.write(done.stdout + done.stderr)\n"
)
"""A fresh wrapper process whose one child is the CLI export: the child's peak RSS (MB) is the
wrapper's RUSAGE_CHILDREN maximum, and nothing the benchmark built counts."""


def export_fresh(url: str, path: Path) -> tuple[float, int, int, float]:
    """``berdikari export path --database-url url`` in a fresh process, as a nightly job runs
    it: ``(seconds, bytes written, peak RSS of that process in MB, its CPU seconds)``; ``inf``
    seconds when it failed or took longer than EXPORT_TIMEOUT. The CPU seconds say what the
    export costs when the wall time includes waiting for a shared machine."""
    berdikari = [sys.executable, "-c", "from berdikari.cli import app; app()"]
    cli = [*berdikari, "export", str(path), "--database-url", url]
    t0 = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", PEAK, *cli],
            capture_output=True,
            text=True,
            timeout=EXPORT_TIMEOUT,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return float("inf"), 0, 0, 0.0
    took = time.perf_counter() - t0
    code, peak, cpu = done.stdout.split()
    if code != "0":
        print(done.stderr[-2000:], file=sys.stderr)
        return float("inf"), 0, int(peak), float(cpu)
    return took, path.stat().st_size, int(peak), float(cpu)


def run(url: str, engine: str, n_umkm: int, n_assess: int, repeats: int) -> dict:
    from berdikari.apps.facilitator import FacilitatorApp
    from berdikari.apps.programme import ProgrammeApp
    from berdikari.apps.staff import sign_in

    store = open_store(url)
    out: dict = {"engine": engine, "umkm": n_umkm}
    t0 = time.perf_counter()
    generate(store, n_umkm, n_assess)
    out["build"] = time.perf_counter() - t0
    out["rebuild"], _n = median_time(lambda: kept_standing.rebuild(store), 1)
    manager = sign_in("manajer", PASSWORD, store)
    facilitator = sign_in("pendamping001", PASSWORD, store)
    svc = manager.service()

    def old_standing():
        with store.read() as s:
            return kept_standing.compute(s, select(m.Umkm.id), today())

    slow = max(1, repeats // 2)
    out["standing_old"], old_rows = median_time(old_standing, slow)
    out["standing"], rows = median_time(svc.standing, repeats)
    assert_same = rows == old_rows  # printed, so a wrong kept table shows in the table
    out["same"] = assert_same

    def old_overview():
        with store.read() as s:
            r = kept_standing.compute(s, select(m.Umkm.id), today())
        return (
            stats.headline(r),
            stats.by(r, "regency"),
            stats.workload(r),
            stats.common_gaps(r),
            stats.stuck(r, 30),
            stats.level_distribution(r),
            stats.readiness_distribution(r),
        )

    out["overview_old"], _ = median_time(old_overview, slow)
    out["overview"], app = median_time(lambda: ProgrammeApp(session=manager, store=store), repeats)
    regions = sorted({r.regency for r in rows})
    flip = iter(regions * repeats)
    out["filter"], _ = median_time(
        lambda: app.go("overview", filters=stats.Filters(regency=next(flip))), repeats
    )
    fid = facilitator.service().identity.user_id

    def old_caseload():
        with store.read() as s:
            mine = select(m.Assignment.umkm_id).where(
                m.Assignment.facilitator_id == fid, m.Assignment.active.is_(True)
            )
            return kept_standing.compute(s, mine, today())

    out["flist_old"], cases = median_time(old_caseload, repeats)
    out["caseload"] = len(cases)
    out["flist"], _ = median_time(lambda: FacilitatorApp(session=facilitator, store=store), repeats)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "programme.xlsx"
        got = export_fresh(url, path)
        out["excel"], out["excel_bytes"], out["excel_peak_mb"], out["excel_cpu"] = got
    out["headline"] = stats.headline(rows)
    store.close()
    return out


def print_table(results: list[dict]) -> None:
    def cell(r, key, fmt="{:.3f} s"):
        if key not in r:
            return "—"
        return f"> {EXPORT_TIMEOUT:.0f} s" if r[key] == float("inf") else fmt.format(r[key])

    cols = [f"{r['engine']} {r['umkm']:,}" for r in results]
    lines = [
        ("build (generate, bulk insert)", "build", "{:.1f} s"),
        ("standing rebuild (all UMKM)", "rebuild", "{:.2f} s"),
        ("standing(), kept", "standing", "{:.3f} s"),
        ("  old: recomputed", "standing_old", "{:.3f} s"),
        ("manager overview, rendered", "overview", "{:.3f} s"),
        ("  old: recompute + stats", "overview_old", "{:.3f} s"),
        ("manager changes a filter", "filter", "{:.3f} s"),
        ("facilitator list, rendered", "flist", "{:.3f} s"),
        ("  old: caseload recomputed", "flist_old", "{:.3f} s"),
        ("excel, whole programme (fresh process)", "excel", "{:.1f} s"),  # inf: stopped
        ("  its CPU time (user + system)", "excel_cpu", "{:.1f} s"),
    ]
    width = max(len(label) for label, *_ in lines) + 2
    print("| " + "".ljust(width) + " | " + " | ".join(c.rjust(16) for c in cols) + " |")
    print("|" + "-" * (width + 2) + "|" + "|".join("-" * 18 for _ in cols) + "|")
    for label, key, fmt in lines:
        print(
            "| "
            + label.ljust(width)
            + " | "
            + " | ".join(cell(r, key, fmt).rjust(16) for r in results)
            + " |"
        )
    print(
        "| "
        + "excel size / peak memory".ljust(width)
        + " | "
        + " | ".join(
            f"{r['excel_bytes'] / 1e6:.0f} MB / {r['excel_peak_mb']} MB".rjust(16) for r in results
        )
        + " |"
    )
    for r in results:
        print(
            f"  {r['engine']} {r['umkm']:,}: kept == recomputed: {r['same']}; facilitator "
            f"caseload {r['caseload']} UMKM; headline {r['headline']}"
        )


def main() -> None:
    sizes = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "5000,50000").split(",")]
    n_assess = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    engines = (sys.argv[4] if len(sys.argv) > 4 else "sqlite,postgresql").split(",")
    n_items = len(load(CPPOB).items)
    results = []
    pg = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for engine in engines:
                for n in sizes:
                    if engine == "sqlite":
                        url = f"sqlite:///{tmp}/bench-{n}.db"
                    else:
                        if pg is None:
                            from tests.store import pgserver

                            pg = pgserver.PgServer(pgserver.bin_dir()).start()
                        name = f"bench{n}"
                        pg.execute(f'CREATE DATABASE "{name}"')
                        url = pg.url(name)
                    results.append(run(url, engine, n, n_assess, repeats))
                    r = results[-1]
                    print_table([r])
                    print(
                        f"{engine} {n}: build {r['build']:.1f} s, overview {r['overview']:.3f} s,"
                        f" facilitator list {r['flist']:.3f} s",
                        flush=True,
                    )
                    if engine == "sqlite":
                        Path(f"{tmp}/bench-{n}.db").unlink(missing_ok=True)
                    else:
                        pg.execute(f'DROP DATABASE "bench{n}" WITH (FORCE)')
    finally:
        if pg is not None:
            pg.stop()
    print(
        f"\nProgramme: UMKM x {n_assess} assessments (CPPB-IRT, {n_items} answers"
        f" each), {FACILITATORS} facilitators; medians of {repeats} (old paths and the export:"
        " fewer)\n"
    )
    print_table(results)


if __name__ == "__main__":
    main()
