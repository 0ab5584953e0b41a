"""Reference data: the regencies and cities (kabupaten/kota) a UMKM can be located in.

Kalimantan Tengah's 13 kabupaten and Kota Palangka Raya are loaded by the first migration. Other
provinces are added with :meth:`berdikari.store.service.Service.add_region`. This module holds data
only; it never touches the database.
"""

from __future__ import annotations

KALTENG = "Kalimantan Tengah"

# (code, name, kind). Codes are the short prefixes of UMKM codes (e.g. PKY-0007).
KALTENG_REGENCIES: tuple[tuple[str, str, str], ...] = (
    ("KBR", "Kotawaringin Barat", "kabupaten"),
    ("KTM", "Kotawaringin Timur", "kabupaten"),
    ("KPS", "Kapuas", "kabupaten"),
    ("BSL", "Barito Selatan", "kabupaten"),
    ("BUT", "Barito Utara", "kabupaten"),
    ("SKM", "Sukamara", "kabupaten"),
    ("LMD", "Lamandau", "kabupaten"),
    ("SRY", "Seruyan", "kabupaten"),
    ("KTG", "Katingan", "kabupaten"),
    ("PPS", "Pulang Pisau", "kabupaten"),
    ("GMS", "Gunung Mas", "kabupaten"),
    ("BTM", "Barito Timur", "kabupaten"),
    ("MRY", "Murung Raya", "kabupaten"),
    ("PKY", "Palangka Raya", "kota"),
)

REGION_KINDS = ("kabupaten", "kota")
SIZES = ("mikro", "kecil")
ORGANISATION_KINDS = ("bbpom", "pemerintah-daerah", "perguruan-tinggi", "swasta", "komunitas")
ORGANISATION_KIND_LABELS = {
    "bbpom": "BBPOM",
    "pemerintah-daerah": "Pemerintah daerah",
    "perguruan-tinggi": "Perguruan tinggi",
    "swasta": "Swasta",
    "komunitas": "Komunitas",
}
STAFF_ROLES = ("facilitator", "manager")
ASSESSMENT_STATUSES = ("draft", "submitted", "verified")
ACTION_STATUSES = ("open", "in-progress", "done", "dropped")
ACTION_RESPONSIBLE = ("owner", "facilitator")
VISIT_KINDS = ("site", "phone", "online", "training")
MILESTONE_KINDS = (
    "nib",  # Nomor Induk Berusaha from OSS
    "pkp-training",  # Penyuluhan Keamanan Pangan certificate
    "p-irt",  # SPP-IRT number
    "bpom-md",
    "bpom-tr",
    "bpom-na",
    "halal",
    "award",
)
PERMIT_MILESTONES = ("p-irt", "bpom-md", "bpom-tr", "bpom-na")
