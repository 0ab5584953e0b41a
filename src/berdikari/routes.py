"""Permit routes: from what an owner makes to the permit they need and the checklists that apply.

This is the data behind the decision guide ("Izin apa yang saya perlukan?") and the owner app's
start page. Checklists are never named here: they are chosen from ``checklists/`` by their
``applies_to`` (category and route), so a new checklist appears with no code change.
Pure data and one function; no I/O beyond reading checklists.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from berdikari.checklists import Checklist, Text, load_all

CATEGORIES: dict[str, Text] = {
    "pangan-olahan": Text(id="Makanan atau minuman olahan", en="Processed food or drink"),
    "obat-tradisional": Text(id="Jamu atau obat tradisional", en="Jamu or traditional medicine"),
    "kosmetik": Text(id="Kosmetik", en="Cosmetics"),
    "suplemen-kesehatan": Text(id="Suplemen kesehatan", en="Health supplement"),
}


@dataclass(frozen=True)
class Route:
    id: str
    permit: Text
    issuer: Text
    regulation: str
    tutorial: str | None
    """Guide page (under guides/) that walks the owner to this permit."""
    next_steps: tuple[Text, ...]
    uncertain: Text | None = None
    contact: Text | None = None
    """The office an owner can ask about this route (by name, as the owner would find it)."""


ROUTES: dict[str, Route] = {
    "spp-irt": Route(
        id="spp-irt",
        permit=Text(id="SPP-IRT (nomor P-IRT)", en="SPP-IRT (P-IRT number)"),
        issuer=Text(
            id="Bupati/Wali Kota melalui OSS; pemeriksaan oleh Dinas Kesehatan",
            en="Regent/Mayor through OSS; inspection by the district health office",
        ),
        regulation="Peraturan BPOM No. 4 Tahun 2024",
        tutorial="langkah/p-irt.md",
        next_steps=(
            Text(
                id="Buat NIB (Nomor Induk Berusaha) di OSS.", en="Get a business ID (NIB) in OSS."
            ),
            Text(
                id="Ikuti Penyuluhan Keamanan Pangan (PKP) di Dinas Kesehatan.",
                en="Attend the food-safety training (PKP) at the district health office.",
            ),
            Text(id="Siapkan label yang lengkap.", en="Prepare a complete label."),
            Text(
                id="Ajukan SPP-IRT di OSS, lalu siapkan dapur Anda untuk pemeriksaan.",
                en="Apply for SPP-IRT in OSS, then get your kitchen ready for the inspection.",
            ),
        ),
        contact=Text(
            id="Dinas Kesehatan kabupaten/kota Anda", en="Your district or city health office"
        ),
    ),
    "bpom-md": Route(
        id="bpom-md",
        permit=Text(id="Izin edar BPOM RI MD", en="BPOM RI MD registration"),
        issuer=Text(id="Badan POM", en="BPOM (the national agency)"),
        regulation="Peraturan BPOM No. 23 Tahun 2023",
        tutorial="langkah/p-irt-ke-md.md",
        next_steps=(
            Text(id="Buat NIB di OSS.", en="Get a business ID (NIB) in OSS."),
            Text(
                id="Penuhi CPPOB dan ajukan Izin Penerapan CPPOB.",
                en="Meet CPPOB (good manufacturing practice) and apply for the CPPOB licence.",
            ),
            Text(
                id="Daftarkan produk di sistem registrasi pangan BPOM.",
                en="Register the product in BPOM's food registration system.",
            ),
        ),
        contact=Text(id="Balai Besar POM di Palangka Raya", en="BPOM's office in Palangka Raya"),
    ),
    "halal": Route(
        id="halal",
        permit=Text(id="Sertifikat halal", en="Halal certificate"),
        issuer=Text(
            id="BPJPH (Badan Penyelenggara Jaminan Produk Halal)",
            en="BPJPH (the halal product assurance agency)",
        ),
        regulation="Undang-Undang No. 33 Tahun 2014; Peraturan Pemerintah No. 42 Tahun 2024",
        tutorial="langkah/halal-self-declare.md",
        next_steps=(
            Text(
                id="Periksa apakah usaha Anda bisa memakai jalur gratis (self-declare).",
                en="Check whether your business can use the free self-declare route.",
            ),
            Text(
                id="Daftar di SIHALAL dengan bantuan Pendamping Proses Produk Halal.",
                en="Register in SIHALAL with a halal process assistant.",
            ),
        ),
        contact=Text(
            id="Satgas Layanan Halal di Kantor Wilayah Kementerian Agama Kalimantan Tengah",
            en="The halal service task force at the provincial office of the Ministry of Religious Affairs",
        ),
    ),
    "bpom-tr": Route(
        id="bpom-tr",
        permit=Text(
            id="Izin edar obat tradisional (nomor TR)", en="Traditional medicine (TR number)"
        ),
        issuer=Text(id="Badan POM", en="BPOM (the national agency)"),
        regulation="Peraturan BPOM No. 25 Tahun 2023",
        tutorial="langkah/izin-tr.md",
        next_steps=(
            Text(
                id="Buat NIB dan izin usaha UMOT atau UKOT di OSS.",
                en="Get a NIB and a UMOT or UKOT business licence in OSS.",
            ),
            Text(
                id="Penuhi aspek CPOTB secara bertahap.",
                en="Meet the CPOTB (good manufacturing practice) aspects step by step.",
            ),
            Text(id="Daftarkan produk di BPOM.", en="Register the product with BPOM."),
        ),
        contact=Text(id="Balai Besar POM di Palangka Raya", en="BPOM's office in Palangka Raya"),
    ),
    "bpom-na": Route(
        id="bpom-na",
        permit=Text(id="Notifikasi kosmetik (nomor NA)", en="Cosmetic notification (NA number)"),
        issuer=Text(id="Badan POM", en="BPOM (the national agency)"),
        regulation="Peraturan BPOM No. 21 Tahun 2022",
        tutorial="langkah/notifikasi-kosmetik.md",
        next_steps=(
            Text(id="Buat NIB di OSS.", en="Get a NIB in OSS."),
            Text(
                id="Dapatkan persetujuan denah dan sertifikat pemenuhan aspek CPKB.",
                en="Get the layout approval and the CPKB (good manufacturing practice) certificate.",
            ),
            Text(
                id="Siapkan Dokumen Informasi Produk (DIP), lalu ajukan notifikasi.",
                en="Prepare the product information file (DIP), then notify.",
            ),
        ),
        contact=Text(id="Balai Besar POM di Palangka Raya", en="BPOM's office in Palangka Raya"),
    ),
    "bpom-sd": Route(
        id="bpom-sd",
        permit=Text(
            id="Izin edar suplemen kesehatan (nomor SD)", en="Health supplement (SD number)"
        ),
        issuer=Text(id="Badan POM", en="BPOM (the national agency)"),
        regulation="Peraturan BPOM No. 32 Tahun 2022",
        tutorial="panduan/suplemen-kesehatan.md",
        next_steps=(
            Text(
                id="Cari produsen maklon yang bersertifikat CPOB, CPOTB atau CPPOB.",
                en="Find a certified contract manufacturer (CPOB, CPOTB or CPPOB).",
            ),
            Text(
                id="Daftarkan produk bersama produsen maklon itu.",
                en="Register the product together with that manufacturer.",
            ),
        ),
        uncertain=Text(
            id="Belum pasti apakah sertifikat CPOTB usaha kecil (UKOT/UMOT) diterima untuk suplemen.",
            en="Not confirmed whether a small maker's CPOTB certificate (UKOT/UMOT) counts for supplements.",
        ),
        contact=Text(id="Balai Besar POM di Palangka Raya", en="BPOM's office in Palangka Raya"),
    ),
}

CATEGORY_ROUTE = {
    "obat-tradisional": "bpom-tr",
    "kosmetik": "bpom-na",
    "suplemen-kesehatan": "bpom-sd",
}

# The halal tutorial (langkah/halal-self-declare.md) is written for food: its deadline and its
# free route are the food ones. Jamu, cosmetics and supplements get the page on their own
# deadline, ingredients and whether self-declare is open to them.
NONFOOD_HALAL_TUTORIAL = "panduan/halal-obat-kosmetik.md"


@dataclass(frozen=True)
class Question:
    id: str
    text: Text
    help: Text


# Food only: the three conditions that decide between SPP-IRT and BPOM MD
# (Peraturan BPOM No. 22 Tahun 2018, Lampiran I; Peraturan BPOM No. 4 Tahun 2024).
FOOD_QUESTIONS: tuple[Question, ...] = (
    Question(
        id="at_home",
        text=Text(
            id="Apakah Anda membuat produk di rumah tinggal, dengan alat manual atau semi-otomatis?",
            en="Do you make the product in your home, with manual or semi-automatic equipment?",
        ),
        help=Text(
            id="Industri rumah tangga pangan bekerja di rumah pemilik, bukan di pabrik.",
            en="A home food industry works in the owner's home, not in a factory.",
        ),
    ),
    Question(
        id="shelf_stable",
        text=Text(
            id="Apakah produk Anda tahan lebih dari 7 hari pada suhu ruang?",
            en="Does your product keep for more than 7 days at room temperature?",
        ),
        help=Text(
            id="Contoh: kerupuk, keripik, abon, madu. Bukan: kue basah atau makanan beku.",
            en="For example crackers, chips, shredded meat, honey. Not: fresh cakes or frozen food.",
        ),
    ),
    Question(
        id="low_risk",
        text=Text(
            id="Apakah produk Anda BUKAN pangan beku, steril, pasteurisasi, "
            "atau makanan bayi dan diet khusus?",
            en="Is your product NOT frozen, sterilised, pasteurised, or baby or special-diet food?",
        ),
        help=Text(
            id="Produk seperti itu berisiko tinggi dan harus terdaftar di BPOM (MD).",
            en="Such products are high risk and must be registered with BPOM (MD).",
        ),
    ),
)


# Questions asked before the route is chosen, by category. A category with no entry has one
# route and asks nothing.
QUESTIONS: dict[str, tuple[Question, ...]] = {"pangan-olahan": FOOD_QUESTIONS}


def questions_for(category: str) -> tuple[Question, ...]:
    """The route questions to ask an owner of ``category`` (empty when there is one route)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    return QUESTIONS.get(category, ())


@dataclass
class Recommendation:
    category: str
    routes: list[Route]
    checklists: list[Checklist]
    reasons: list[Text] = field(default_factory=list)
    uncertain: list[Text] = field(default_factory=list)


def recommend(category: str, answers: dict[str, bool | None] | None = None) -> Recommendation:
    """The permit routes and checklists for a product category.

    ``answers`` (food only) maps each of :data:`FOOD_QUESTIONS` to True, False or None (not sure).
    A False sends the product to BPOM MD; None keeps SPP-IRT but says to check with a facilitator.
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    answers = answers or {}
    reasons: list[Text] = []
    uncertain: list[Text] = []
    if category == "pangan-olahan":
        failed = [q for q in FOOD_QUESTIONS if answers.get(q.id) is False]
        unsure = [q for q in FOOD_QUESTIONS if answers.get(q.id) is None]
        main = "bpom-md" if failed else "spp-irt"
        for q in failed:
            reasons.append(q.help)
        if unsure and not failed:
            uncertain.append(
                Text(
                    id="Beberapa jawaban belum pasti. Pastikan bersama pendamping Anda.",
                    en="Some answers are not certain yet. Check them with your facilitator.",
                )
            )
        route_ids = [main, "halal"]
    else:
        route_ids = [CATEGORY_ROUTE[category], "halal"]
    routes = [ROUTES[r] for r in route_ids]
    if category != "pangan-olahan":
        routes = [
            replace(r, tutorial=NONFOOD_HALAL_TUTORIAL) if r.id == "halal" else r for r in routes
        ]
    for r in routes:
        if r.uncertain:
            uncertain.append(r.uncertain)
    chosen: dict[str, Checklist] = {}
    for route_id in route_ids:
        for c in load_all().values():
            if category in c.applies_to.categories and route_id in c.applies_to.routes:
                chosen.setdefault(c.id, c)
    return Recommendation(category, routes, list(chosen.values()), reasons, uncertain)
