"""Evidence: photos and documents a facilitator attaches to a visit. Part of the service layer.

Only JPEG, PNG and PDF are accepted, recognised by their first bytes (never by the file name or
the browser's claim), and at most ``EVIDENCE_MAX_BYTES`` each. The assigned facilitator adds
evidence; whoever may see the UMKM may list and read it. Every write has an audit-log row (with the
file name, size and hash, never the bytes).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from berdikari.store.access import Guarded, rights
from berdikari.store.errors import InvalidInput
from berdikari.store.models import Evidence, Umkm, Visit
from berdikari.store.validate import an_id, text
from berdikari.store.views import EvidenceView

EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def sniff(content: bytes) -> str | None:
    """The MIME type of ``content`` by its first bytes (JPEG, PNG, PDF), else None."""
    for magic, mime in MAGIC:
        if content.startswith(magic):
            return mime
    return None


def check_evidence(filename: object, content: object) -> tuple[str, bytes, str]:
    """``(filename, bytes, mime)`` or :class:`InvalidInput` saying what is wrong."""
    filename = text("filename", filename, 200)
    if isinstance(content, memoryview | bytearray):
        content = bytes(content)
    if not isinstance(content, bytes) or not content:
        raise InvalidInput("file-empty", field="file", name=filename)
    if len(content) > EVIDENCE_MAX_BYTES:
        raise InvalidInput(
            "file-too-big",
            field="file",
            name=filename,
            size=f"{len(content) / 1048576:.1f}",
            mb=EVIDENCE_MAX_BYTES // 1048576,
        )
    mime = sniff(content)
    if mime is None:
        raise InvalidInput("file-type", field="file", name=filename)
    return filename, content, mime


def _view(e: Evidence) -> EvidenceView:
    return EvidenceView(e.id, e.umkm_id, e.visit_id, e.filename, e.mime, e.size, e.created_at)


def insert_evidence(
    ops: Guarded, s: Session, u: Umkm, checked: tuple[str, bytes, str], visit_id: int | None
) -> Evidence:
    """Add one checked file (:func:`check_evidence`) and its audit row inside the caller's
    transaction; rights are the caller's to check first."""
    filename, content, mime = checked
    digest = hashlib.sha256(content).hexdigest()
    e = Evidence(
        umkm_id=u.id,
        visit_id=visit_id,
        filename=filename,
        mime=mime,
        size=len(content),
        sha256=digest,
        content=content,
        created_by_id=ops.identity.user_id,
    )
    s.add(e)
    s.flush()
    ops._audit(
        s,
        "evidence-add",
        "evidence",
        e.id,
        u.id,
        {"filename": filename, "size": len(content), "sha256": digest, "visit_id": visit_id},
    )
    return e


class EvidenceOps(Guarded):
    @rights(facilitator="assigned")
    def add_evidence(
        self, umkm_id: int, filename: str, content: bytes, visit_id: int | None = None
    ) -> EvidenceView:
        """The assigned facilitator attaches a photo or document (to a visit of that UMKM).

        To save a visit together with its files, use ``record_visit(..., files=...)``: one
        transaction for all of them."""
        checked = check_evidence(filename, content)
        with self.store.write() as s:
            u = self._umkm(s, umkm_id)
            if visit_id is not None:
                v = s.get(Visit, an_id("visit_id", visit_id))
                if v is None or v.umkm_id != u.id:
                    raise InvalidInput("visit-of-other-umkm", field="visit_id", id=visit_id)
            return _view(insert_evidence(self, s, u, checked, visit_id))

    @rights(owner="own", facilitator="assigned", manager=True)
    def evidence(self, umkm_id: int) -> list[EvidenceView]:
        """The evidence of a UMKM (without the bytes), newest first."""
        with self.store.read() as s:
            self._umkm(s, umkm_id)
            rows = s.execute(
                select(Evidence)
                .where(Evidence.umkm_id == umkm_id)
                .order_by(Evidence.created_at.desc(), Evidence.id.desc())
            ).scalars()
            return [_view(e) for e in rows]

    @rights(owner="own", facilitator="assigned", manager=True)
    def evidence_content(self, evidence_id: int) -> tuple[EvidenceView, bytes]:
        """One piece of evidence with its bytes (whoever may see the UMKM)."""
        with self.store.read() as s:
            e = s.get(Evidence, an_id("evidence_id", evidence_id))
            if e is None:
                self._missing(s, "evidence", evidence_id, "see")
            self._umkm(s, e.umkm_id)
            return _view(e), bytes(e.content)
