"""Reference data: the regencies and cities (kabupaten/kota) a UMKM can be located in.

Kalimantan Tengah's 13 kabupaten and Kota Palangka Raya are loaded by the first migration. Other
provinces are added with :meth:`berdikari.store.service.Service.add_region`. This module holds data
only; it never touches the database.
"""

from __future__ import annotations

from berdikari import vocab

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

# The stored words each column may hold, as plain strings: declared once, with their labels, in
# berdikari.vocab (the database CHECK constraints are built from the same classes).
REGION_KINDS = vocab.RegionKind.values()
SIZES = vocab.Size.values()
ORGANISATION_KINDS = vocab.OrganisationKind.values()
STAFF_ROLES = tuple(str(r) for r in vocab.STAFF_ROLES)
ASSESSMENT_STATUSES = vocab.AssessmentStatus.values()
ACTION_STATUSES = vocab.ActionStatus.values()
ACTION_RESPONSIBLE = tuple(str(r) for r in vocab.PARTIES)
VISIT_KINDS = vocab.VisitKind.values()
MILESTONE_KINDS = vocab.MilestoneKind.values()
PERMIT_MILESTONES = tuple(str(k) for k in vocab.PERMIT_MILESTONES)
