"""Every vocabulary of Berdikari, declared once: one ``StrEnum`` per vocabulary, with its labels.

A vocabulary is a closed set of stored words (a product category, a visit kind, an answer...).
Its values are written here and nowhere else; the database CHECK constraints
(:mod:`berdikari.store.models`), the checklist models' pydantic types
(:mod:`berdikari.checklists`), the command line's choices and help, the reference tuples
(:mod:`berdikari.store.reference`) and every label on screens, PDFs and exports are built from
these classes. ``tests/test_vocab.py`` holds the live schema's CHECK constraints (SQLite and
PostgreSQL) to them and fails when a vocabulary's values are listed anywhere else in the package.

Each member is ``NAME = "stored-value", "English label"``. The English label is a msgid of the
one translation mechanism (:func:`berdikari.i18n.t`, ``i18n/id/berdikari.po``), so the
Indonesian words live in the catalogue beside every other UI string and translators edit one
file; ``label(lang)`` gives either. Changing a value changes the database: never do it without
a migration. This module holds words only: no I/O, no database, no app code.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from berdikari.i18n import t


class Vocabulary(StrEnum):
    """A closed set of stored words. A member equals (and hashes as) its stored string."""

    msgid: str

    def __new__(cls, value: str, msgid: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.msgid = msgid
        return member

    def label(self, lang: str) -> str:
        """The words people read for this value, in ``lang`` (``id`` or ``en``)."""
        return t(self.msgid, lang)

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """The stored values, in declaration order (plain strings)."""
        return tuple(m.value for m in cls)

    @classmethod
    def literal(cls) -> Any:
        """``Literal[...]`` of the values, for pydantic fields that keep plain strings."""
        return Literal[cls.values()]

    @classmethod
    def label_of(cls, value: object, lang: str) -> str:
        """The label of a stored value; a value this vocabulary does not know is shown as it is."""
        try:
            return cls(value).label(lang)
        except ValueError:
            return "" if value is None else str(value)

    @classmethod
    def listed(cls, last: str = "or") -> str:
        """The values as a phrase for help texts: ``a, b or c``."""
        return listed(cls.values(), last)


def listed(values, last: str = "or") -> str:
    """Stored values as a phrase for help texts and messages: ``a, b or c``."""
    values = [str(v) for v in values]
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} {last} {values[-1]}"


# --- what a UMKM makes and which permit it needs -----------------------------------------------


class ProductCategory(Vocabulary):
    PANGAN_OLAHAN = "pangan-olahan", "Processed food or drink"
    OBAT_TRADISIONAL = "obat-tradisional", "Jamu or traditional medicine"
    KOSMETIK = "kosmetik", "Cosmetics"
    SUPLEMEN_KESEHATAN = "suplemen-kesehatan", "Health supplement"


class PermitRoute(Vocabulary):
    """The permit routes a checklist can name (``applies_to.routes``); each one's content (the
    office, the next steps, the sources) is data in ``checklists/_routes.yaml``."""

    SPP_IRT = "spp-irt", "SPP-IRT"
    BPOM_MD = "bpom-md", "BPOM MD"
    HALAL = "halal", "Halal certificate"
    BPOM_TR = "bpom-tr", "BPOM TR"
    BPOM_NA = "bpom-na", "BPOM NA"
    BPOM_SD = "bpom-sd", "BPOM SD"


# --- checklists and answers --------------------------------------------------------------------


class Criticality(Vocabulary):
    """Grades of a finding, least serious first (CPPB-IRT inspection form)."""

    MINOR = "minor", "Minor"
    MAYOR = "mayor", "Major"
    SERIUS = "serius", "Serious"
    KRITIS = "kritis", "Critical"


class ScoringRule(Vocabulary):
    IRTP_LEVEL = "irtp-level", "Level I-IV (CPPB-IRT)"
    READINESS = "readiness", "Readiness (%)"
    NEVER = "never", "Not scored"


class Answer(Vocabulary):
    YES = "yes", "Yes"
    NO = "no", "No"
    PARTIAL = "partial", "Partly"
    UNKNOWN = "unknown", "Don't know"
    NA = "na", "Does not apply"


class Level(Vocabulary):
    """An IRTP's level from the CPPB-IRT inspection (``irtp-level`` checklists), best first."""

    ONE = "I", "Level I"
    TWO = "II", "Level II"
    THREE = "III", "Level III"
    FOUR = "IV", "Level IV"


class AssessmentStatus(Vocabulary):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    VERIFIED = "verified", "Verified"


# --- people and organisations ------------------------------------------------------------------


class Role(Vocabulary):
    """Who acts: the owner, the two staff roles, and the command line (``system``)."""

    OWNER = "owner", "Owner"
    FACILITATOR = "facilitator", "Facilitator"
    MANAGER = "manager", "Manager"
    SYSTEM = "system", "Administrator"


STAFF_ROLES: tuple[Role, ...] = (Role.FACILITATOR, Role.MANAGER)
"""The roles a staff account can have (``account.role``)."""
PARTIES: tuple[Role, ...] = (Role.OWNER, Role.FACILITATOR)
"""Who fills in an assessment (``assessment.filled_by``) or is responsible for an action."""


class SessionKind(Vocabulary):
    """Who a signed-in browser belongs to (``web_session.kind``)."""

    OWNER = "owner", "Owner"
    STAFF = "staff", "Staff"


class OrganisationKind(Vocabulary):
    BBPOM = "bbpom", "BBPOM"
    PEMERINTAH_DAERAH = "pemerintah-daerah", "Local government"
    PERGURUAN_TINGGI = "perguruan-tinggi", "University"
    SWASTA = "swasta", "Private company"
    KOMUNITAS = "komunitas", "Community organisation"


class Size(Vocabulary):
    MIKRO = "mikro", "Micro"
    KECIL = "kecil", "Small"


class RegionKind(Vocabulary):
    KABUPATEN = "kabupaten", "Regency (kabupaten)"
    KOTA = "kota", "City (kota)"


# --- mentoring ---------------------------------------------------------------------------------


class VisitKind(Vocabulary):
    SITE = "site", "Site visit"
    PHONE = "phone", "Phone call"
    ONLINE = "online", "Online meeting"
    TRAINING = "training", "Training"


class ActionStatus(Vocabulary):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in-progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES: tuple[ActionStatus, ...] = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
"""An action still to do (counted as open on every screen)."""


class MilestoneKind(Vocabulary):
    NIB = "nib", "NIB"  # Nomor Induk Berusaha from OSS
    PKP_TRAINING = "pkp-training", "PKP certificate"  # Penyuluhan Keamanan Pangan
    P_IRT = "p-irt", "P-IRT"  # SPP-IRT number
    BPOM_MD = "bpom-md", "BPOM MD"
    BPOM_TR = "bpom-tr", "BPOM TR"
    BPOM_NA = "bpom-na", "BPOM NA"
    HALAL = "halal", "Halal certificate"
    AWARD = "award", "Award"


PERMIT_MILESTONES: tuple[MilestoneKind, ...] = (
    MilestoneKind.P_IRT,
    MilestoneKind.BPOM_MD,
    MilestoneKind.BPOM_TR,
    MilestoneKind.BPOM_NA,
)
"""The milestones that are a permit number."""


class EvidenceType(Vocabulary):
    """The files a facilitator may attach to a visit (``evidence.mime``)."""

    JPEG = "image/jpeg", "Photo (JPEG)"
    PNG = "image/png", "Picture (PNG)"
    PDF = "application/pdf", "PDF document"


# --- the Etalase (public showcase) -------------------------------------------------------------


class ListingState(Vocabulary):
    """Where a product's showcase page stands with the programme manager (``showcase_listing``).
    It is public only when approved and the owner's consent stands."""

    DRAFT = "draft", "Waiting for approval"
    APPROVED = "approved", "Approved"
    TAKEN_DOWN = "taken-down", "Taken down"


class ShowcaseTermKind(Vocabulary):
    """The two programme vocabularies the manager extends (rows of ``showcase_term``)."""

    SPECIALITY = "speciality", "Local speciality"
    AWARD = "award", "Programme award"


class HandoverKind(Vocabulary):
    """What a UMKM receives at a hand-over event (``handover_entry``)."""

    PERMIT = "permit", "Permit number handed over"
    AWARD = "award", "Award (piagam)"
    COMPLETION = "completion", "Certificate of programme completion"


SHOWCASE_PHOTO_TYPES: tuple[EvidenceType, ...] = (EvidenceType.JPEG, EvidenceType.PNG)
"""The photo files a showcase page accepts (``showcase_photo.mime``)."""
SHOWABLE_PERMITS: tuple[MilestoneKind, ...] = (*PERMIT_MILESTONES, MilestoneKind.HALAL)
"""The milestones whose number an owner may choose to show on the showcase."""


VOCABULARIES: dict[str, type[Vocabulary]] = {
    "category": ProductCategory,
    "permit_route": PermitRoute,
    "criticality": Criticality,
    "scoring_rule": ScoringRule,
    "answer": Answer,
    "level": Level,
    "assessment_status": AssessmentStatus,
    "role": Role,
    "session_kind": SessionKind,
    "organisation_kind": OrganisationKind,
    "size": Size,
    "region_kind": RegionKind,
    "visit_kind": VisitKind,
    "action_status": ActionStatus,
    "milestone_kind": MilestoneKind,
    "evidence_type": EvidenceType,
    "listing_state": ListingState,
    "showcase_term_kind": ShowcaseTermKind,
    "handover_kind": HandoverKind,
}
"""Every vocabulary by the name exports and tests use for it."""
