"""The demo programme: a fictional "satu UMKM satu pendamping" year in Kalimantan Tengah.

About 40 UMKM (kerupuk, amplang, madu kelulut, teh kelakai, jamu, abon ikan …) across the
regencies, facilitators from several kinds of organisation, six months of assessments that improve
over time (submitted by owners, verified by facilitators), visits, action plans tied to checklist
items, milestones (NIB, PKP training, P-IRT, halal, TR, NA, awards) and a few reassignments.

Every person and business is fictional; so are the organisations other than BBPOM di Palangka
Raya. The content is deterministic for a seed (dates are relative to the day it runs), and the
sign-ins are fixed: :func:`sign_ins` returns them and DEMO.md lists them (a test keeps the two
equal). Rows are written directly (with past timestamps) but scored with the same functions the
service layer uses. Never run against a production database: :func:`fill` refuses a database
that already holds UMKM unless ``reset`` is given.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from berdikari import checklists as cl
from berdikari import vocab
from berdikari.scoring import NOT_MET
from berdikari.store import db, demo_showcase
from berdikari.store.assessments import compute_result
from berdikari.store.auth import hash_secret
from berdikari.store.db import Store
from berdikari.store.errors import InvalidInput
from berdikari.store.models import (
    Account,
    ActionItem,
    Answer,
    Assessment,
    Assignment,
    AuditLog,
    Milestone,
    Organisation,
    Product,
    Region,
    Umkm,
    Visit,
)

SEED = 2026
DAYS = 182
MANAGER = ("manajer", "Dewi Lestari Putri", "demo-manajer-2026")
FACILITATOR_PASSWORD = "demo-pendamping"

ORGANISATIONS = (
    ("BBPOM di Palangka Raya", "bbpom"),
    ("Dinas Kesehatan Kota Palangka Raya", "pemerintah-daerah"),
    ("Dinas Koperasi dan UKM Kabupaten Kapuas", "pemerintah-daerah"),
    ("Politeknik Kahayan", "perguruan-tinggi"),
    ("Rumah Kemasan Isen Mulang", "swasta"),
    ("Gugus Depan Pramuka Sebangau", "komunitas"),
)
# username, name, organisation index
FACILITATORS = (
    ("rina", "Rina Anggraini", 0),
    ("yohanes", "Yohanes Tingang", 0),
    ("siti", "Siti Mardiyah", 1),
    ("dedi", "Dedi Sapariadi", 2),
    ("maria", "Maria Ulin Kristina", 3),
    ("fajar", "Fajar Ramadhan", 3),
    ("lusi", "Lusi Handayani", 4),
    ("bayu", "Bayu Pratama Putra", 5),
)

# product, category, business-name pattern
PRODUCTS = (
    ("Kerupuk ikan haruan", "pangan-olahan", "Kerupuk Haruan {brand}"),
    ("Amplang ikan pipih", "pangan-olahan", "Amplang {brand}"),
    ("Madu kelulut", "pangan-olahan", "Madu Kelulut {brand}"),
    ("Teh kelakai", "pangan-olahan", "Teh Kelakai {brand}"),
    ("Abon ikan patin", "pangan-olahan", "Abon Patin {brand}"),
    ("Kerupuk basah", "pangan-olahan", "Kerupuk Basah {brand}"),
    ("Keripik kelakai", "pangan-olahan", "Keripik Kelakai {brand}"),
    ("Dodol nanas", "pangan-olahan", "Dodol Nanas {brand}"),
    ("Keripik singkong balado", "pangan-olahan", "Keripik {brand}"),
    ("Sambal ikan asap", "pangan-olahan", "Sambal Asap {brand}"),
    ("Stik jamur tiram", "pangan-olahan", "Stik Jamur {brand}"),
    ("Kue bingka kentang", "pangan-olahan", "Bingka {brand}"),
    ("Minuman jahe merah instan", "pangan-olahan", "Jahe Instan {brand}"),
    ("Rengginang ketan", "pangan-olahan", "Rengginang {brand}"),
    ("Kopi bubuk liberika", "pangan-olahan", "Kopi {brand}"),
    ("Jamu beras kencur", "obat-tradisional", "Jamu Gendong {brand}"),
    ("Serbuk akar kuning", "obat-tradisional", "Herbal {brand}"),
    ("Jamu kunyit asam", "obat-tradisional", "Jamu {brand}"),
    ("Pupur dingin beras", "kosmetik", "Pupur {brand}"),
    ("Sabun madu kelulut", "kosmetik", "Sabun Alami {brand}"),
    ("Lulur rempah", "kosmetik", "Lulur {brand}"),
    ("Serbuk daun kelor", "suplemen-kesehatan", "Kelor {brand}"),
)
BRANDS = (
    "Isen Mulang",
    "Tambun Bungai",
    "Kahayan",
    "Sebangau",
    "Barito Jaya",
    "Tingang",
    "Berkah Ibu",
    "Mandiri",
    "Sari Rasa",
    "Dapur Kalteng",
    "Bukit Raya",
    "Huma Betang",
    "Katingan Asri",
    "Pasak Bumi",
    "Mentaya",
    "Rungan",
    "Sumber Rezeki",
    "Danum",
    "Lawang",
    "Mekar Sari",
    "Pelangi",
    "Cahaya Baru",
    "Bintang Timur",
    "Tiga Saudara",
    "Dua Putri",
    "Karya Bunda",
    "Rumah Kelakai",
    "Sungai Arut",
    "Lewu Hante",
    "Batang Garing",
    "Enggang",
    "Arwana",
    "Pantai Ujung Pandaran",
    "Kereng",
    "Tumbang",
    "Seroja",
    "Ayu Lestari",
    "Bawi Kameloh",
    "Hasupa Hasundau",
    "Putri Kahayan",
)
# Given names: Indonesians often have one or two; the second list gives the second name.
WOMEN = (
    "Ani",
    "Rusmini",
    "Hj. Salmah",
    "Yuliana",
    "Nurhayati",
    "Eka",
    "Ratna",
    "Lilis",
    "Marlina",
    "Santi",
    "Herlina",
    "Fitri",
    "Rahmah",
    "Wati",
    "Ningsih",
    "Elisabet",
    "Sri",
)
WOMEN_2 = ("Rahayu", "Saputri", "Ningrum", "Lestari", "Hartini", "Pratiwi", "Wulandari", "Susanti")
MEN = ("Darmawan", "Hendra", "Sapri", "Ahmad", "Joko", "Rudi", "Yulius", "Markus", "Iwan", "Agus")
MEN_2 = ("Damang", "Tundan", "Sahay", "Hidayat", "Gunawan", "Setiawan", "Nugraha", "Saputra")
STREETS = (
    "Jl. Kenanga",
    "Jl. Anggrek",
    "Jl. Cempaka",
    "Jl. Melati",
    "Jl. Mahir Mahar",
    "Jl. Rajawali",
    "Jl. Temanggung",
    "Jl. Pramuka",
    "Jl. Sisingamangaraja",
    "Jl. Pelatuk",
    "Jl. Merdeka",
)
# regency name -> weight (Palangka Raya and the larger towns have more businesses)
REGENCY_WEIGHTS = {
    "Palangka Raya": 9,
    "Kotawaringin Timur": 5,
    "Kapuas": 5,
    "Kotawaringin Barat": 4,
    "Pulang Pisau": 3,
    "Katingan": 3,
    "Gunung Mas": 2,
    "Barito Selatan": 2,
    "Barito Utara": 2,
    "Barito Timur": 1,
    "Seruyan": 1,
    "Lamandau": 1,
    "Sukamara": 1,
    "Murung Raya": 1,
}
VISIT_SUMMARIES = (
    "Melihat ruang produksi dan gudang bahan. Lantai sudah disemen, ventilasi masih kurang.",
    "Membahas label: komposisi dan berat bersih sudah ada, tanggal kedaluwarsa belum.",
    "Memeriksa air dan tempat cuci tangan. Pemilik sudah membeli sabun dan lap sekali pakai.",
    "Mendampingi pengisian penilaian mandiri di ponsel. Beberapa butir dijawab 'Belum tahu'.",
    "Membantu membuat akun OSS dan mengunggah dokumen untuk NIB.",
    "Memeriksa catatan produksi dan cara penyimpanan produk jadi. Sudah lebih rapi.",
    "Penyuluhan singkat tentang kebersihan pekerja: celemek, penutup kepala, kuku pendek.",
    "Mengecek rencana aksi. Dua langkah selesai, satu tertunda karena biaya.",
    "Diskusi lewat telepon tentang jadwal Penyuluhan Keamanan Pangan di dinas kesehatan.",
    "Memotret tata letak dapur untuk bahan perbaikan alur produksi.",
)
AWARDS = (
    "Juara 2 lomba produk unggulan UMKM tingkat kota (fiktif)",
    "Peserta pameran produk daerah di Palangka Raya (fiktif)",
)


@dataclass(frozen=True)
class SignIn:
    role: str
    login: str
    secret: str
    name: str
    about: str


@dataclass
class DemoSummary:
    counts: dict[str, int]
    sign_ins: list[SignIn]
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    """One fictional business before it is written."""

    code: str
    name: str
    owner: str
    regency: str
    category: str
    product: str
    size: str
    pin: str
    facilitator: int
    enrolled: int  # days after the programme start
    quality: float  # how well-prepared the business is at the start (0..1)
    progress: float  # how much it improves per round
    reassigned_to: int | None = None


def _plans(seed: int) -> list[_Plan]:
    rng = random.Random(seed)
    names = list(REGENCY_WEIGHTS)
    weights = list(REGENCY_WEIGHTS.values())
    codes = {
        "Palangka Raya": "PKY",
        "Kotawaringin Timur": "KTM",
        "Kapuas": "KPS",
        "Kotawaringin Barat": "KBR",
        "Pulang Pisau": "PPS",
        "Katingan": "KTG",
        "Gunung Mas": "GMS",
        "Barito Selatan": "BSL",
        "Barito Utara": "BUT",
        "Barito Timur": "BTM",
        "Seruyan": "SRY",
        "Lamandau": "LMD",
        "Sukamara": "SKM",
        "Murung Raya": "MRY",
    }
    seq: dict[str, int] = {}
    plans: list[_Plan] = []
    products = list(PRODUCTS) + list(PRODUCTS[:15])  # food is most of the programme
    products += [PRODUCTS[2], PRODUCTS[3], PRODUCTS[1]]
    rng.shuffle(products)
    brands = list(BRANDS)
    rng.shuffle(brands)
    for i, (product, category, pattern) in enumerate(products[:40]):
        # every regency has at least one business; the rest follow the weights
        regency = names[i] if i < len(names) else rng.choices(names, weights)[0]
        seq[regency] = seq.get(regency, 0) + 1
        brand = brands[i]
        plans.append(
            _Plan(
                code=f"{codes[regency]}-{seq[regency]:04d}",
                name=pattern.format(brand=brand),
                owner=_person(rng),
                regency=regency,
                category=category,
                product=product,
                size="kecil" if rng.random() < 0.2 else "mikro",
                pin=f"{rng.randrange(10**6):06d}",
                facilitator=i % len(FACILITATORS),
                enrolled=rng.randrange(0, 55),
                quality=rng.uniform(0.3, 0.7),
                progress=rng.uniform(0.1, 0.25),
            )
        )
    for p in rng.sample(plans, 5):
        p.reassigned_to = (p.facilitator + 3) % len(FACILITATORS)
    return plans


def _person(rng: random.Random) -> str:
    if rng.random() < 0.7:  # most owners in the programme are women
        return f"{rng.choice(WOMEN)} {rng.choice(WOMEN_2)}"
    return f"{rng.choice(MEN)} {rng.choice(MEN_2)}"


def sign_ins(seed: int = SEED) -> list[SignIn]:
    """The demo's sign-ins: the manager, each facilitator, and each owner (code and PIN)."""
    out = [SignIn("manager", MANAGER[0], MANAGER[2], MANAGER[1], "programme manager")]
    for username, name, org in FACILITATORS:
        out.append(
            SignIn("facilitator", username, FACILITATOR_PASSWORD, name, ORGANISATIONS[org][0])
        )
    for p in _plans(seed):
        out.append(SignIn("owner", p.code, p.pin, p.owner, f"{p.name} ({p.regency})"))
    return out


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on ``day`` (08:00-17:00 WIB, UTC+7) as UTC."""
    local = datetime.combine(day, time(rng.randrange(8, 17), rng.randrange(60)))
    return (local - timedelta(hours=7)).replace(tzinfo=UTC)


_K = vocab.Criticality


def _answer(item: cl.Item, rule: str, quality: float, rng: random.Random) -> str:
    if rule == "never":  # forbidden ingredients: almost everyone is clean
        return "yes" if rng.random() < 0.97 else "unknown"
    # owners fix the graver findings first, as their facilitators advise
    grade = {_K.KRITIS: 0.3, _K.SERIUS: 0.2, _K.MAYOR: 0.05, _K.MINOR: -0.05}.get(
        item.criticality or "", 0.0
    )
    r = rng.random()
    p_yes = min(0.995, quality + grade)
    if r < p_yes:
        return "yes"
    if r < p_yes + (1 - p_yes) * 0.45:
        return "partial"
    if r < p_yes + (1 - p_yes) * 0.75:
        return "no"
    # "na" only where the checklist allows it (scoring counts any other "na" as unanswered)
    return "na" if rng.random() >= 0.6 and item.na_allowed else "unknown"


def _programme_checklists(category: str, rng: random.Random) -> list[cl.Checklist]:
    found = cl.for_category(category)
    main = [c for c in found if c.scoring.rule in ("irtp-level", "never")]
    rest = [c for c in found if c not in main]
    rng.shuffle(rest)
    return (main + rest)[: rng.randint(2, 3)] if found else []


def _is_empty(store: Store) -> bool:
    with store.read() as s:
        return not s.execute(select(func.count(Umkm.id))).scalar_one()


def fill(
    store: Store, *, seed: int = SEED, reset: bool = False, today: date | None = None
) -> DemoSummary:
    """Fill ``store`` with the demo programme; return the row counts and the sign-ins.

    Refuses a database that already holds UMKM (``InvalidInput``) unless ``reset`` is true, in
    which case every table is dropped and migrated again first.
    """
    started = datetime.now(UTC)
    if not _is_empty(store):
        if not reset:
            raise InvalidInput("demo-needs-empty", field="database")
        db.downgrade(store.engine, "base")
        db.upgrade(store.engine)
    today = today or datetime.now(UTC).date()
    start = today - timedelta(days=DAYS)
    rng = random.Random(seed)
    plans = _plans(seed)
    # Argon2 is slow on purpose: hash the PINs in threads while the rows are built.
    pool = ThreadPoolExecutor(2)
    pin_hashes = [pool.submit(hash_secret, p.pin) for p in plans]
    staff_hash = hash_secret(FACILITATOR_PASSWORD)
    manager_hash = hash_secret(MANAGER[2])

    with store.write() as s:
        regions = {r.name: r for r in s.execute(select(Region)).scalars()}
        orgs = [Organisation(name=n, kind=k) for n, k in ORGANISATIONS]
        s.add_all(orgs)
        s.flush()
        created = _at(start - timedelta(days=14), rng)
        manager = Account(
            username=MANAGER[0],
            name=MANAGER[1],
            role="manager",
            password_hash=manager_hash,
            organisation_id=orgs[0].id,
            active=True,
            failed_attempts=0,
            created_at=created,
            email="manajer@contoh.invalid",
        )
        facs = [
            Account(
                username=u,
                name=n,
                role="facilitator",
                password_hash=staff_hash,
                organisation_id=orgs[o].id,
                active=True,
                failed_attempts=0,
                created_at=created,
                email=f"{u}@contoh.invalid",
            )
            for u, n, o in FACILITATORS
        ]
        s.add_all([manager, *facs])
        s.flush()
        umkms = [_write_business(s, p, regions, facs, manager, start, today, rng) for p in plans]
        for u, pin_hash in zip(umkms, pin_hashes, strict=True):
            u.pin_hash = pin_hash.result()
        pool.shutdown()
        demo_showcase.fill(s, umkms, manager, today, seed)  # the Etalase (issue 15)
        s.add(
            AuditLog(
                actor_role="system",
                actor_name="berdikari demo",
                action="demo-fill",
                entity="database",
                detail={"seed": seed, "umkm": len(plans)},
            )
        )
    counts = _counts(store)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return DemoSummary(counts, sign_ins(seed), seconds)


def _counts(store: Store) -> dict[str, int]:
    from berdikari.store.models import Base

    with store.read() as s:
        return {
            t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
        }


def _write_business(s, p: _Plan, regions, facs, manager, start, today, rng) -> Umkm:
    enrolled = start + timedelta(days=p.enrolled)
    u = Umkm(
        code=p.code,
        name=p.name,
        owner_name=p.owner,
        region_id=regions[p.regency].id,
        address=f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}, {p.regency}",
        size=p.size,
        categories=[p.category],
        pin_hash=None,  # set from the hashing threads before commit
        failed_attempts=0,
        created_at=_at(enrolled, rng),
        updated_at=_at(enrolled, rng),
    )
    s.add(u)
    s.flush()
    product = Product(umkm_id=u.id, name=p.product, category=p.category)
    s.add(product)
    s.flush()  # the permit milestones below name the product by its id
    fac = facs[p.facilitator]
    switch_day = None
    if p.reassigned_to is not None:
        switch_day = enrolled + timedelta(days=rng.randint(50, 100))
        if switch_day >= today:
            switch_day = None
    first = Assignment(
        umkm_id=u.id,
        facilitator_id=fac.id,
        active=switch_day is None,
        started_at=_at(enrolled, rng),
        assigned_by=manager.name,
        ended_at=_at(switch_day, rng) if switch_day else None,
    )
    s.add(first)
    if switch_day:
        s.add(
            Assignment(
                umkm_id=u.id,
                facilitator_id=facs[p.reassigned_to].id,
                active=True,
                started_at=_at(switch_day, rng),
                assigned_by=manager.name,
            )
        )

    def facilitator_on(day: date) -> Account:
        return facs[p.reassigned_to] if switch_day and day >= switch_day else fac

    # Visits every three to six weeks; a few businesses have not been visited lately.
    neglected = rng.random() < 0.15
    day = enrolled + timedelta(days=rng.randint(2, 10))
    last_ok = today - timedelta(days=70 if neglected else 1)
    while day <= last_ok:
        s.add(
            Visit(
                umkm_id=u.id,
                facilitator_id=facilitator_on(day).id,
                visited_on=day,
                kind=rng.choices(vocab.VisitKind.values(), (6, 2, 1, 1))[0],
                summary=rng.choice(VISIT_SUMMARIES),
                created_at=_at(day, rng),
            )
        )
        day += timedelta(days=rng.randint(21, 42))

    # Milestones on the way.
    ms_day = enrolled + timedelta(days=rng.randint(5, 40))
    if ms_day < today and rng.random() < 0.85:
        u.nib = f"{rng.randrange(10**12, 10**13)}"
        s.add(
            Milestone(
                umkm_id=u.id,
                kind="nib",
                achieved_on=ms_day,
                number=u.nib,
                recorded_by=facilitator_on(ms_day).name,
                recorded_by_role="facilitator",
                created_at=_at(ms_day, rng),
            )
        )
    if p.category == "pangan-olahan" and rng.random() < 0.6:
        d = enrolled + timedelta(days=rng.randint(30, 120))
        if d < today:
            s.add(
                Milestone(
                    umkm_id=u.id,
                    kind="pkp-training",
                    achieved_on=d,
                    number=f"PKP/{d.year}/{rng.randint(100, 999)}",
                    note="Penyuluhan Keamanan Pangan di dinas kesehatan",
                    recorded_by=facilitator_on(d).name,
                    recorded_by_role="facilitator",
                    created_at=_at(d, rng),
                )
            )

    # Assessment rounds: each about six weeks apart, better each time.
    lists = _programme_checklists(p.category, rng)
    quality = p.quality
    round_day = enrolled + timedelta(days=rng.randint(3, 14))
    last_results: dict[str, dict] = {}
    answers_now: dict[str, dict[str, str]] = {}
    while round_day < today - timedelta(days=3):
        final_round = round_day + timedelta(days=42) >= today - timedelta(days=3)
        for c in lists:
            result, answers = _assessment_round(
                s,
                u,
                c,
                quality,
                rng,
                round_day,
                today,
                facilitator_on(round_day),
                final_round,
            )
            if result:
                last_results[c.id] = result
                answers_now[c.id] = answers
        quality = min(0.97, quality + p.progress)
        round_day += timedelta(days=rng.randint(35, 50))

    # Actions from the latest gaps: done when a later answer says yes, else open (some overdue).
    for c in lists:
        result = last_results.get(c.id)
        if not result:
            continue
        for gap in result["gaps"][: rng.randint(1, 3)]:
            due = today + timedelta(days=rng.randint(-30, 45))
            created = due - timedelta(days=rng.randint(30, 50))
            status = rng.choices(("open", "in-progress", "done"), (5, 3, 2))[0]
            s.add(
                ActionItem(
                    umkm_id=u.id,
                    title=f"Perbaiki: {gap['requirement']['id']}"[:300],
                    checklist_id=c.id,
                    item_id=gap["item_id"],
                    due_date=due,
                    status=status,
                    responsible="owner" if rng.random() < 0.8 else "facilitator",
                    created_by_id=facilitator_on(min(created, today)).id,
                    created_at=_at(min(created, today), rng),
                    updated_at=_at(min(created, today), rng),
                    done_at=_at(min(due, today), rng) if status == "done" else None,
                )
            )
        # a closed action from earlier rounds, to show history
        s.add(
            ActionItem(
                umkm_id=u.id,
                title="Membuat jadwal pembersihan ruang produksi",
                checklist_id=None,
                item_id=None,
                due_date=enrolled + timedelta(days=30),
                status="done",
                responsible="owner",
                created_by_id=fac.id,
                created_at=_at(enrolled, rng),
                updated_at=_at(enrolled + timedelta(days=25), rng),
                done_at=_at(enrolled + timedelta(days=25), rng),
            )
        )
        break

    # Permits and awards for the best-prepared businesses.
    irtp = last_results.get("cppob-irtp")
    granted = today - timedelta(days=rng.randint(5, 40))
    if irtp and irtp.get("eligible") and rng.random() < 0.8:
        number = f"{rng.randint(1, 5)}{rng.randrange(10**11, 10**12)}-{(granted.year + 5) % 100}"
        product.permit_kind, product.permit_number, product.permit_date = "p-irt", number, granted
        s.add(
            Milestone(
                umkm_id=u.id,
                kind="p-irt",
                achieved_on=granted,
                number=number,
                product_id=product.id,
                recorded_by=facilitator_on(granted).name,
                recorded_by_role="facilitator",
                created_at=_at(granted, rng),
            )
        )
        if rng.random() < 0.5:
            hd = granted + timedelta(days=rng.randint(1, 4))
            if hd <= today:
                s.add(
                    Milestone(
                        umkm_id=u.id,
                        kind="halal",
                        achieved_on=hd,
                        number=f"ID62110{rng.randrange(10**9, 10**10)}",
                        note="Sertifikat halal jalur pernyataan pelaku usaha",
                        recorded_by=facilitator_on(hd).name,
                        recorded_by_role="facilitator",
                        created_at=_at(hd, rng),
                    )
                )
    elif p.category in ("obat-tradisional", "kosmetik") and quality > 0.85 and rng.random() < 0.6:
        kind = "bpom-tr" if p.category == "obat-tradisional" else "bpom-na"
        prefix = "POM TR" if kind == "bpom-tr" else "NA"
        number = f"{prefix} {rng.randrange(10**9, 10**10)}"
        product.permit_kind, product.permit_number, product.permit_date = kind, number, granted
        s.add(
            Milestone(
                umkm_id=u.id,
                kind=kind,
                achieved_on=granted,
                number=number,
                product_id=product.id,
                recorded_by=facilitator_on(granted).name,
                recorded_by_role="facilitator",
                created_at=_at(granted, rng),
            )
        )
    if quality > 0.9 and rng.random() < 0.15:
        d = today - timedelta(days=rng.randint(1, 20))
        s.add(
            Milestone(
                umkm_id=u.id,
                kind="award",
                achieved_on=d,
                note=rng.choice(AWARDS),
                recorded_by=manager.name,
                recorded_by_role="manager",
                created_at=_at(d, rng),
            )
        )
    return u


def _assessment_round(s, u, c, quality, rng, day, today, fac, final_round):
    """An owner's assessment on ``day``: submitted, then usually verified a week later.

    Returns the result that counts (the verified one, else the owner's) and its answers.
    """
    answers = {i.id: _answer(i, c.scoring.rule, quality, rng) for i in c.items}
    notes = {i: "Belum yakin, tanya pendamping" for i, v in answers.items() if v == "unknown"}
    at = _at(day, rng)
    status_draft = final_round and rng.random() < 0.15
    if status_draft:  # the owner is still filling in the latest one
        answers = dict(list(answers.items())[: len(answers) // 2])
    owner_a = Assessment(
        umkm_id=u.id,
        checklist_id=c.id,
        checklist_version=c.version,
        filled_by="owner",
        status="draft" if status_draft else "submitted",
        created_at=at,
        updated_at=at,
        submitted_at=None if status_draft else at,
        result=compute_result(c, answers),
    )
    for item_id, value in answers.items():
        owner_a.answers.append(
            Answer(
                item_id=item_id,
                value=value,
                note=notes.get(item_id),
                set_by_role="owner",
                set_by_name=u.owner_name,
                set_at=at,
            )
        )
    s.add(owner_a)
    verify_day = day + timedelta(days=rng.randint(3, 12))
    if status_draft or verify_day >= today or (final_round and rng.random() < 0.35):
        return (None if status_draft else owner_a.result), answers
    vat = _at(verify_day, rng)
    corrected = dict(answers)
    fixes = {}
    for item_id in rng.sample(list(answers), k=min(len(answers), rng.randint(1, 4))):
        old = answers[item_id]
        new = "partial" if old == "yes" else ("yes" if old == "unknown" else old)
        if old in NOT_MET and old != "unknown" and rng.random() < 0.5:
            new = "no"
        corrected[item_id] = new
        fixes[item_id] = new
    owner_a.status, owner_a.verified_at, owner_a.verified_by_id = "verified", vat, fac.id
    owner_a.updated_at = vat
    ver = Assessment(
        umkm_id=u.id,
        checklist_id=c.id,
        checklist_version=c.version,
        filled_by="facilitator",
        status="verified",
        verifies=owner_a,
        created_by_id=fac.id,
        created_at=vat,
        updated_at=vat,
        submitted_at=vat,
        verified_at=vat,
        verified_by_id=fac.id,
        note="Diverifikasi saat kunjungan",
        result=compute_result(c, corrected),
    )
    for item_id, value in corrected.items():
        mine = item_id in fixes
        ver.answers.append(
            Answer(
                item_id=item_id,
                value=value,
                note="Dicek di lokasi" if mine else notes.get(item_id),
                set_by_role="facilitator" if mine else "owner",
                set_by_id=fac.id if mine else None,
                set_by_name=fac.name if mine else u.owner_name,
                set_at=vat if mine else at,
            )
        )
    s.add(ver)
    return ver.result, corrected


def sign_ins_text(rows: list[SignIn]) -> str:
    """The sign-ins as aligned plain text (what ``berdikari demo`` prints)."""
    lines = ["Demo sign-ins (fictional people; also in DEMO.md):"]
    labels = {"manager": "Manager", "facilitator": "Pendamping", "owner": "Pemilik UMKM"}
    for r in rows:
        lines.append(f"  {labels[r.role]:<13} {r.login:<10} {r.secret:<18} {r.name} — {r.about}")
    return "\n".join(lines)


def sign_ins_markdown(rows: list[SignIn]) -> str:
    """The sign-ins as the Markdown table in DEMO.md (a test keeps the file equal to this)."""
    lines = [
        "| Role | Sign in with | Password / PIN | Name | About |",
        "| --- | --- | --- | --- | --- |",
    ]
    labels = {"manager": "Manager", "facilitator": "Pendamping", "owner": "Pemilik UMKM"}
    for r in rows:
        lines.append(f"| {labels[r.role]} | `{r.login}` | `{r.secret}` | {r.name} | {r.about} |")
    return "\n".join(lines)
