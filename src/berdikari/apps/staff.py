"""Staff sign-in for the facilitator and programme apps, and the session that keeps the identity.

:class:`StaffSession` holds the :class:`~berdikari.store.auth.Identity` that
:func:`~berdikari.store.auth.sign_in_staff` returned, inside the kernel (never in a widget value),
and hands a fresh :class:`~berdikari.store.service.Service` to every callback, so the service
re-checks the account on every call: a disabled account or a changed role loses access at once.

On the server, staff sign in on the web page ``/masuk/staf`` (:mod:`berdikari.web.staff_signin`),
and the server starts an app's kernel only for a request that carries a valid ``bdk_staff``
session cookie. :func:`from_page_request` reads that cookie from the page request the kernel
serves (:mod:`berdikari.apps.page_request`; a preheated kernel waits for it) and turns it into a
:class:`StaffSession` through :func:`berdikari.store.sessions.identity_for_token`. The in-kernel
sign-in form (:func:`signin_form`) is only for a kernel that serves no web page (JupyterLab,
nbval). Sign-out (:func:`signout_html`) is a form that POSTs the page's XSRF token to the server.

This module never touches the database directly, never keeps a password and never shows or logs
a session token.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import ipywidgets as w

from berdikari import vocab
from berdikari.apps import widgets as ui
from berdikari.i18n import t
from berdikari.messages import error_text as error_text  # the one error → sentence function
from berdikari.messages import sentence

log = logging.getLogger("berdikari.apps.staff")
log.addHandler(logging.NullHandler())  # never onto the page (kernel stderr is shown)

STAFF_COOKIE = "bdk_staff"
"""The staff session cookie (``berdikari.web.sessions.STAFF_COOKIE``; a test keeps them equal)."""
XSRF_COOKIE = "_xsrf"
SIGNIN_PATH = "masuk/staf"
SIGNOUT_PATH = "masuk/staf/keluar"
APPS = {vocab.Role.FACILITATOR.value: "pendamping.ipynb", vocab.Role.MANAGER.value: "program.ipynb"}


RECHECK_SECONDS = 5.0
"""How long a web session, once confirmed, counts as current before the store is asked again."""


class StaffSession:
    """A signed-in facilitator or manager.

    Signed in on the web page (``token`` given), the session is checked again in the store before
    every service call (at most once every :data:`RECHECK_SECONDS`): a sign-out in another tab,
    an ended or revoked session ends this app's access too, not only the next page's."""

    def __init__(self, store, identity, token: str | None = None):
        self._store = store
        self._identity = identity
        self._token = token
        self._checked = time.monotonic() if token else 0.0
        self.ended = False

    def still_signed_in(self) -> bool:
        """False once the web session this app was opened with has ended (always True for an
        in-app sign-in, which has no web session)."""
        if self._token is None:
            return True
        if self.ended:
            return False
        now = time.monotonic()
        if now - self._checked < RECHECK_SECONDS:
            return True
        try:
            from berdikari.store.sessions import identity_for_token

            found = identity_for_token(self._store, self._token, "staff")
        except Exception:  # noqa: BLE001  the store is down: the service call will say so
            log.exception("Could not check a staff session")
            return True
        if found is None or found.user_id != self._identity.user_id:
            self.ended = True
            return False
        self._checked = now
        return True

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
        from berdikari.store.errors import AccessDenied
        from berdikari.store.service import Service

        if not self.still_signed_in():
            raise AccessDenied("session-ended")
        return Service(self._store, self._identity)


def sign_in(username: str, password: str, store=None) -> StaffSession:
    """Sign a facilitator or manager in; raises ``AuthError``."""
    from berdikari.apps.session import open_default_store
    from berdikari.store.auth import sign_in_staff

    store = store if store is not None else open_default_store()
    return StaffSession(store, sign_in_staff(store, username, password))


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
            status.value = f'<p class="bdk-error">{escape(error_text(exc, lang))}</p>'
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


# --- signed in on the web page ---------------------------------------------------------------


@dataclass
class PageSignIn:
    """What the page request this kernel serves says about who is signed in."""

    session: StaffSession | None
    """The staff member the request's session cookie names (checked in the store), or None."""
    served: bool
    """The kernel serves a Voila page: sign-in happens on the web page, never in the app."""
    xsrf: str | None = None
    """The page's ``_xsrf`` cookie, for the sign-out form (None: the form cannot be posted)."""


def served_by_voila() -> bool:
    """True in a kernel Voila started for a page (preheated or not); False in JupyterLab/nbval."""
    return "VOILA_PREHEAT" in os.environ or os.environ.get("SERVER_SOFTWARE", "").startswith(
        "voila/"
    )


def from_page_request(store=None) -> PageSignIn:
    """Who the page request's ``bdk_staff`` cookie names. A preheated kernel first waits for the
    visitor's request (:func:`berdikari.apps.page_request.wait_for_request`)."""
    from berdikari.apps import page_request

    page_request.wait_for_request()
    served = served_by_voila()
    token = page_request.cookie(STAFF_COOKIE)
    xsrf = page_request.cookie(XSRF_COOKIE)
    return PageSignIn(session_for_token(token, store), served, xsrf)


def session_for_token(token: str | None, store=None) -> StaffSession | None:
    """The staff session a cookie token stands for, checked in the store; None otherwise."""
    if not token:
        return None
    try:
        from berdikari.apps.session import open_default_store
        from berdikari.store.sessions import identity_for_token

        store = store if store is not None else open_default_store()
        identity = identity_for_token(store, token, "staff")
    except Exception:  # noqa: BLE001  a store that cannot be read: no session, no data shown
        log.exception("Could not check a staff session")
        return None
    if identity is None or identity.role not in APPS:
        return None
    return StaffSession(store, identity, token)


def app_url(role: str) -> str:
    from berdikari.apps import page_request

    return f"{page_request.base_url()}voila/render/{APPS[role]}"


def signin_link_html(role: str, lang: str) -> str:
    """For a page without a valid staff session: where to sign in (no form inside the app)."""
    from urllib.parse import urlencode

    from berdikari.apps import page_request

    url = f"{page_request.base_url()}{SIGNIN_PATH}?{urlencode({'next': app_url(role)})}"
    return (
        f'<p class="bdk-signed-out">{escape(t("You are not signed in (or your session ended).", lang))}</p>'
        f'<p><a class="bdk-signout-link bdk-staff-signin-link" href="{escape(url)}">'
        f"{escape(t('Sign in', lang))}</a></p>"
    )


def signout_html(lang: str, xsrf: str | None) -> str:
    """The app's "Sign out": a form that POSTs the page's XSRF token to the server, which ends
    the session and shows the sign-in page. Without the token: a link to the sign-in page, which
    offers the same button."""
    from berdikari.apps import page_request

    base = page_request.base_url()
    label = escape(t("Sign out", lang))
    if not xsrf:
        return f'<a class="bdk-signout-link bdk-staff-signout" href="{escape(base + SIGNIN_PATH)}">{label}</a>'
    return (
        f'<form class="bdk-signout" method="post" action="{escape(base + SIGNOUT_PATH)}">'
        f'<input type="hidden" name="_xsrf" value="{escape(xsrf)}">'
        f'<button type="submit" class="bdk-signout-link bdk-staff-signout">{label}</button></form>'
    )


def session_ended(lang: str) -> str:
    return sentence("session-ended", lang)


def open_from_page(app, page: PageSignIn, role: str, first_view: str) -> None:
    """Open ``app`` at ``first_view`` for the staff member of ``role`` that the page's session
    cookie names; else its sign-in view (with the wrong-role message when the role differs).
    The one opening both staff apps share."""
    app.served = page.served
    session = page.session
    if session is not None and session.role != role:
        app.state.error = wrong_role(role, app.lang)
        session = None
    if session is None:
        app.go("signin")
        return
    app.session = session
    app.signout = signout_html(app.lang, page.xsrf)
    app.go(first_view)
