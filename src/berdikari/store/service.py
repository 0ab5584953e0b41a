"""The service layer: the only way apps read or write Berdikari data.

Every method takes the acting :class:`~berdikari.store.auth.Identity` (given to ``Service``) and
checks its rights first (:mod:`berdikari.store.access`); each write is one transaction with an
audit-log row, so nothing is half-written. Apps never open a session or write SQL.

Usage::

    from berdikari.store import open_store
    from berdikari.store.auth import sign_in_owner, sign_in_staff   # -> Identity, or AuthError
    from berdikari.store.service import Service, AccessDenied, InvalidInput

    store = open_store()                      # BERDIKARI_DATABASE_URL; migrates on first use
    # lockout: BERDIKARI_LOCKOUT_TRIES / _MINUTES (5, 15), or open_store(url, lockout=LockoutPolicy(...))
    me = sign_in_owner(store, "PKY-0001", "123456")
    svc = Service(store, me)

Errors (all subclasses of ``StoreError``: a key of the one catalogue :mod:`berdikari.messages`,
``.params``, and ``.message``, its English sentence; ``error_text(e, lang)`` says it in either
language): ``AccessDenied`` (not your data or role), ``InvalidInput`` (``.field`` names the
field, ``.item`` the checklist item, ``.row`` the n-th entry of a form), ``NotFound``
(managers only; others get AccessDenied), ``Conflict`` (a colliding concurrent write; nothing
saved), ``AuthError`` (sign-in: ``bad-format``, ``bad-credentials``, ``locked`` with
``.locked_until``).

Rights are declared once, on each method (``@rights`` in :mod:`berdikari.store.access`), and the
index below is generated from those declarations when this module is imported (``help()`` or
``pydoc berdikari.store.service`` shows it); a public method without a declaration stops the
import. O = owner, own UMKM (``own``); F = facilitator, the UMKM assigned to them now
(``assigned``), or without a scope where no UMKM is involved; M = manager and the CLI's system
identity (everything). Lists (``my_umkm``, ``standing``, ``export_rows``) hold only what the role
may see. What each method does is in its own docstring.

{rights}

Untrusted text (names, notes, summaries) is stored exactly as typed and length-limited; the
display must escape it.
"""

from __future__ import annotations

from berdikari.store.access import rights_index
from berdikari.store.admin import AdminOps
from berdikari.store.assessments import AssessmentOps
from berdikari.store.casework import CaseworkOps
from berdikari.store.errors import (
    AccessDenied,
    AuthError,
    Conflict,
    InvalidInput,
    NotFound,
    StoreError,
)
from berdikari.store.evidence import EvidenceOps
from berdikari.store.exports import ExportOps
from berdikari.store.showcase import ShowcaseOps
from berdikari.store.standing import StandingOps

__all__ = [
    "Service",
    "AccessDenied",
    "AuthError",
    "Conflict",
    "InvalidInput",
    "NotFound",
    "StoreError",
]


class Service(
    AssessmentOps, CaseworkOps, AdminOps, ExportOps, StandingOps, EvidenceOps, ShowcaseOps
):
    """``Service(store, identity)``: every read and write of one acting identity."""


# Every public method declares its rights (TypeError here otherwise); the index is derived.
__doc__ = __doc__.replace("{rights}", rights_index(Service))
