"""Staff sign-in for the facilitator and programme apps, and the session that keeps the identity.

:class:`StaffSession` holds the :class:`~berdikari.store.auth.Identity` that
:func:`~berdikari.store.auth.sign_in_staff` returned, inside the kernel (never in a widget value),
and hands a fresh :class:`~berdikari.store.service.Service` to every callback, so the service
re-checks the account on every call: a disabled account or a changed role loses access at once.
This module never touches the database directly and never keeps a password.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from berdikari.apps import widgets as ui
from berdikari.apps.messages import error_text as error_text  # the one error → sentence function
from berdikari.i18n import t


class StaffSession:
    """A signed-in facilitator or manager."""

    def __init__(self, store, identity):
        self._store = store
        self._identity = identity

    @property
    def role(self) -> str:
        return self._identity.role

    @property
    def name(self) -> str:
        return self._identity.name

    @property
    def identity(self):
        return self._identity

    def service(self):
        from berdikari.store.service import Service

        return Service(self._store, self._identity)


def sign_in(username: str, password: str, store=None) -> StaffSession:
    """Sign a facilitator or manager in; raises ``AuthError``."""
    from berdikari.apps.session import open_default_store
    from berdikari.store.auth import sign_in_staff

    store = store if store is not None else open_default_store()
    return StaffSession(store, sign_in_staff(store, username, password))


def auth_message(exc, lang: str) -> str:
    if getattr(exc, "key", "") == "locked":
        return t("Too many wrong tries. Wait a few minutes and try again.", lang)
    return t("The username or the password is not right.", lang)


def signin_form(
    lang: str, role: str, on_signed_in: Callable[[StaffSession], None], store=None
) -> list:
    """Username and password fields and a button; only ``role`` may enter."""
    user = w.Text(placeholder=t("Username", lang), layout=ui.FULL)
    user.add_class("bdk-staff-user")
    password = w.Password(placeholder=t("Password", lang), layout=ui.FULL)
    password.add_class("bdk-staff-password")
    status = ui.html("")

    def _go():
        from berdikari.store.errors import AuthError

        try:
            session = sign_in(user.value, password.value, store)
        except AuthError as exc:
            password.value = ""
            status.value = f'<p class="bdk-error">{escape(auth_message(exc, lang))}</p>'
            return
        except Exception:  # noqa: BLE001  a store that cannot be opened
            status.value = f'<p class="bdk-error">{escape(t("Signing in is not available right now.", lang))}</p>'
            return
        password.value = ""
        if session.role != role:
            status.value = f'<p class="bdk-error">{escape(wrong_role(role, lang))}</p>'
            return
        on_signed_in(session)

    go = ui.button(t("Sign in", lang), _go, "bdk-primary", "bdk-staff-signin")
    return [user, password, go, status]


def wrong_role(role: str, lang: str) -> str:
    if role == "manager":
        return t("This app is for programme managers. Facilitators use the facilitator app.", lang)
    return t("This app is for facilitators. Managers use the programme app.", lang)
