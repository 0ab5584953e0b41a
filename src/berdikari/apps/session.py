"""Where an owner's answers go: nowhere (no account) or the service layer (signed in).

``AnonymousSession`` stores nothing on the server. ``SignedInSession`` keeps the ``Identity`` the
sign-in function returned, inside the kernel, and passes it to the service layer at every call;
the service checks who may do what. A widget's value never says who the user is.

Owners who stay signed in do so on the light web app (:mod:`berdikari.web.sessions`); no kernel
reads an owner's cookie any more.

This module never touches the database directly and never keeps a PIN.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger("berdikari.apps.session")
log.addHandler(logging.NullHandler())  # never onto the owner's page (kernel stderr is shown)


@dataclass
class Loaded:
    """Answers and notes of one checklist as the session found them."""

    answers: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    last_item: str | None = None
    """The item answered most recently: where the owner was."""


class AnonymousSession:
    """No account: nothing is stored on the server; the owner downloads a file instead."""

    signed_in = False
    display_name = ""
    category: str | None = None

    def open_checklist(self, checklist_id: str) -> Loaded:
        return Loaded()

    def latest_draft(self) -> str | None:
        return None

    def actions(self) -> list:
        """No account, no facilitator's action plan."""
        return []

    def save_answer(self, checklist_id: str, item_id: str, value: str, note: str | None) -> bool:
        """Return True when the answer is durably saved (never, here)."""
        return False


class SignedInSession:
    """A signed-in owner. Created only by :func:`sign_in`; holds the identity in the kernel."""

    signed_in = True

    def __init__(self, store, identity, umkm_id, display_name: str, category: str | None):
        self._store = store
        self._identity = identity
        self.umkm_id = umkm_id
        self.display_name = display_name
        self.category = category
        self._assessments: dict[str, object] = {}

    def _service(self):
        from berdikari.store.service import Service

        return Service(self._store, self._identity)

    def open_checklist(self, checklist_id: str) -> Loaded:
        view = self._service().start_or_resume_assessment(self.umkm_id, checklist_id)
        self._assessments[checklist_id] = view.id
        loaded = Loaded()
        for item_id, answer in (view.answers or {}).items():
            loaded.answers[item_id] = answer.value
            if answer.note:
                loaded.notes[item_id] = answer.note
        if view.answers:
            loaded.last_item = max(view.answers.values(), key=lambda a: a.set_at).item_id
        return loaded

    def save_answer(self, checklist_id: str, item_id: str, value: str, note: str | None) -> bool:
        """Save one answer; returns after the service's durable commit (raises StoreError)."""
        if checklist_id not in self._assessments:
            self.open_checklist(checklist_id)
        self._service().save_answer(self._assessments[checklist_id], item_id, value, note or None)
        return True

    def latest_draft(self) -> str | None:
        """The checklist of the owner's most recently changed draft, to resume where they were."""
        drafts = [
            a
            for a in self._service().assessments(self.umkm_id)
            if a.status == "draft" and a.filled_by == "owner" and a.answers
        ]
        if not drafts:
            return None
        return max(drafts, key=lambda a: a.updated_at).checklist_id

    def actions(self) -> list:
        """The action plan the facilitator set for this UMKM (``ActionView`` list, open first).

        The service checks that this identity may read it; a store error leaves the list empty
        (logged) so the owner's page still works."""
        try:
            return self._service().actions(self.umkm_id)
        except Exception:  # noqa: BLE001  the plan is extra: the questions still work without it
            log.exception("Could not read the action plan")
            return []

    def submit(self, checklist_id: str) -> None:
        if checklist_id not in self._assessments:
            self.open_checklist(checklist_id)
        self._service().submit_assessment(self._assessments[checklist_id])


def open_default_store():
    """The store of this server (``BERDIKARI_DATABASE_URL``), opened once per kernel."""
    global _STORE
    if _STORE is None:
        from berdikari.store import open_store

        _STORE = open_store()
    return _STORE


_STORE = None


def sign_in(umkm_code: str, pin: str, store=None) -> SignedInSession:
    """Sign an owner in; raises ``berdikari.store.errors.AuthError`` on failure."""
    from berdikari.store.auth import sign_in_owner

    store = store if store is not None else open_default_store()
    return _session_for(store, sign_in_owner(store, umkm_code, pin))


def _session_for(store, identity) -> SignedInSession:
    from berdikari.store.service import Service

    umkm = Service(store, identity).umkm(identity.umkm_id)
    category = umkm.categories[0] if umkm.categories else None
    return SignedInSession(store, identity, identity.umkm_id, umkm.name or identity.name, category)
