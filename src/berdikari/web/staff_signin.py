"""The staff sign-in page (``/masuk/staf``) and the gate in front of the two staff apps.

Facilitators and programme managers sign in here, on a light page that needs no kernel; the
session itself (a server-side row and the HttpOnly ``bdk_staff`` cookie) is made by
:func:`berdikari.web.sessions.sign_in_staff`. The staff apps (``pendamping.ipynb`` for
facilitators, ``program.ipynb`` for managers) are Voila pages: :func:`gate` runs at the top of
:class:`berdikari.web.busy.GuardedVoilaHandler`'s ``get`` and answers a request without a valid staff
session (a 303 to this page) or with the wrong role (this page, saying which app is theirs)
*before* any kernel is started or taken from the pool.

- ``GET /masuk/staf[?next=APP]``: the form (username, password, ``_xsrf``). Already signed in
  with the right role for ``next``: straight on to it.
- ``POST /masuk/staf``: signs in; on success a 303 to ``next`` or to the app of the person's
  role. A refusal (``AuthError`` key ``bad-credentials``, ``bad-format``, ``locked``,
  ``throttled``) is one sentence that never says whether the username exists.
- ``POST /masuk/staf/keluar`` (``_xsrf``): ends the session on the server, then this page.

``next`` is honoured only when it is exactly one of the two staff app paths: this module must
never redirect anywhere else (no open redirect), never start or touch a kernel, never log or show
a password or a session token, and never read the database except through the auth functions.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import posixpath
from functools import cache
from urllib.parse import urlencode

from markupsafe import Markup
from tornado import web

from berdikari.i18n import LANGS, t
from berdikari.store.reference import STAFF_ROLES
from berdikari.web.render import TEMPLATES, render

log = logging.getLogger("berdikari.web.staff_signin")

SIGNIN_PATH = "masuk/staf"
SIGNOUT_PATH = "masuk/staf/keluar"

STAFF_APPS: dict[str, str] = {"pendamping.ipynb": "facilitator", "program.ipynb": "manager"}
"""Staff app notebook → the one role that may open it."""

APP_FOR_ROLE: dict[str, str] = {role: name for name, role in STAFF_APPS.items()}

MAX_FIELD = 256
"""Longer usernames or passwords are refused without asking the store (hashing is costly)."""


def app_path(base: str, notebook: str) -> str:
    return f"{base}voila/render/{notebook}"


def staff_app_of(path: str | None) -> str | None:
    """The staff notebook a render path names (``./pendamping.ipynb`` and ``a//program.ipynb``
    count too: every spelling that could reach a staff notebook is gated), or None."""
    clean = posixpath.normpath("/" + (path or "").strip("/"))
    name = posixpath.basename(clean)
    return name if name in STAFF_APPS else None


def safe_next(base: str, value: str | None) -> str | None:
    """``value`` when it is exactly one of the two staff app paths, else None."""
    allowed = {app_path(base, name) for name in STAFF_APPS}
    return value if value in allowed else None


def signin_url(base: str, next_path: str | None = None, **extra: str) -> str:
    query = {"next": next_path} if next_path else {}
    query.update({k: v for k, v in extra.items() if v})
    return base + SIGNIN_PATH + ("?" + urlencode(query) if query else "")


def _sessions():
    from berdikari.web import sessions

    return sessions


def current_staff(handler: web.RequestHandler):
    """The staff identity the request's cookie names (checked in the store), or None.

    Fails closed: any trouble reading the session counts as "not signed in"."""
    try:
        return _sessions().staff_identity(handler)
    except Exception:  # noqa: BLE001  no session we can confirm: the sign-in page
        log.exception("Could not check a staff session")
        return None


# --- texts ------------------------------------------------------------------------------------


def texts(lang: str) -> dict[str, str]:
    """Every sentence the page may show, translated (msgids live here, not in the template)."""
    return {
        "title": t("Staff sign-in", lang),
        "intro": t("For facilitators and programme managers of Berdikari.", lang),
        "username": t("Username", lang),
        "password": t("Password", lang),
        "sign_in": t("Sign in", lang),
        "sign_out": t("Sign out", lang),
        "guides": t("Berdikari guides", lang),
        "owners": t("UMKM owners: the self-assessment is here.", lang),
        "signed_out": t("You are signed out.", lang),
        "open_app": t("Open your app", lang),
        "other_account": t("Sign in with another account", lang),
        "facilitator_app": t("Facilitator app", lang),
        "manager_app": t("Programme app", lang),
        "switch": "English" if lang == "id" else "Bahasa Indonesia",
    }


def wrong_role_message(app_role: str, lang: str) -> str:
    if app_role == "manager":
        return t("This app is for programme managers. Facilitators use the facilitator app.", lang)
    return t("This app is for facilitators. Managers use the programme app.", lang)


@cache
def _style() -> tuple[str, str]:
    """The page's CSS and its CSP hash (no inline style without it, no script at all)."""
    css = (TEMPLATES / "staff" / "style.css").read_text(encoding="utf-8").strip()
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return css, f"'sha256-{digest}'"


# --- the page ---------------------------------------------------------------------------------


class StaffPage(web.RequestHandler):
    """Shared by the sign-in handlers and the gate: renders ``staff/signin.html``."""

    def initialize(self, base: str = "/") -> None:
        self.base = base

    def set_default_headers(self) -> None:
        set_page_headers(self)

    def write_error(self, status_code: int, **kwargs) -> None:
        # A stale form (XSRF cookie gone or changed) or a malformed request: the form again,
        # with a sentence, never a traceback.
        lang = page_lang(self)
        if status_code == 403:
            error = t("This page was open too long. Sign in again.", lang)
        else:
            error = t("Signing in is not available right now.", lang)
        self.finish(page_html(self, self.base, lang, error=error, status=status_code))


def set_page_headers(handler: web.RequestHandler) -> None:
    handler.set_header("Cache-Control", "no-store")
    handler.set_header("X-Content-Type-Options", "nosniff")
    handler.set_header("Referrer-Policy", "same-origin")
    handler.set_header(
        "Content-Security-Policy",
        f"default-src 'none'; style-src {_style()[1]}; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'",
    )


def page_lang(handler: web.RequestHandler) -> str:
    lang = handler.get_argument("lang", "id")
    return lang if lang in LANGS else "id"


def page_html(
    handler: web.RequestHandler,
    base: str,
    lang: str,
    *,
    next_path: str | None = None,
    error: str = "",
    notice: str = "",
    username: str = "",
    identity=None,
    wrong_role: str | None = None,
    status: int = 200,
) -> str:
    """The sign-in page, in ``lang``; sets ``status`` and the headers on ``handler``."""
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=UTF-8")
    tx = texts(lang)
    apps = {role: (tx[f"{role}_app"], app_path(base, APP_FOR_ROLE[role])) for role in STAFF_ROLES}
    own_app = apps.get(identity.role) if identity is not None else None
    other_lang = "en" if lang == "id" else "id"
    return render(
        "staff/signin.html",
        lang,
        tx=tx,
        css=Markup(_style()[0]),  # our own stylesheet (its CSP hash is of these bytes)
        action=base + SIGNIN_PATH + ("?lang=en" if lang == "en" else ""),
        signout_action=base + SIGNOUT_PATH,
        switch_url=signin_url(base, next_path, lang=other_lang if other_lang == "en" else ""),
        home=base,
        owner_app=base + "penilaian/",
        xsrf=handler.xsrf_token.decode("ascii"),
        next_path=next_path or "",
        error=error,
        notice=notice,
        username=username[:MAX_FIELD],
        who=t("You are signed in as {name}.", lang, name=identity.name) if identity else "",
        wrong_role=wrong_role_message(wrong_role, lang) if wrong_role else "",
        own_app=own_app,
    )


class SignInHandler(StaffPage):
    """``GET``/``POST /masuk/staf``."""

    def get(self) -> None:
        lang = page_lang(self)
        next_path = safe_next(self.base, self.get_argument("next", None))
        identity = current_staff(self)
        if identity is not None and next_path is not None:
            if STAFF_APPS[staff_app_of(next_path)] == identity.role:
                return self.redirect(next_path, status=303)
            return self._wrong_role(lang, next_path, identity)
        notice = texts(lang)["signed_out"] if self.get_argument("keluar", "") == "1" else ""
        self.finish(
            page_html(self, self.base, lang, next_path=next_path, identity=identity, notice=notice)
        )

    async def post(self) -> None:
        self.check_xsrf_cookie()  # whatever the app settings say: only our own form may post
        lang = page_lang(self)
        next_path = safe_next(self.base, self.get_body_argument("next", None))
        username = self.get_body_argument("username", "")
        password = self.get_body_argument("password", "")
        from berdikari.store.errors import AuthError

        if not username.strip() or not password or max(len(username), len(password)) > MAX_FIELD:
            refusal = AuthError("bad-credentials", who="staff")
            return self._refused(lang, next_path, username, refusal)
        try:
            identity = await _sessions().sign_in_staff(self, username, password)
        except AuthError as exc:
            return self._refused(lang, next_path, username, exc)
        except Exception:  # noqa: BLE001  a store that cannot be reached: say so, keep the form
            log.exception("Staff sign-in failed")
            return self.finish(
                page_html(
                    self,
                    self.base,
                    lang,
                    next_path=next_path,
                    username=username,
                    error=t("Signing in is not available right now.", lang),
                    status=503,
                )
            )
        wanted = staff_app_of(next_path) if next_path else None
        if wanted is not None and STAFF_APPS[wanted] != identity.role:
            return self._wrong_role(lang, next_path, identity)
        own = APP_FOR_ROLE.get(identity.role)
        if own is None:  # not a staff role (cannot happen with sign_in_staff): stay here
            return self.finish(page_html(self, self.base, lang, identity=identity))
        self.redirect(next_path or app_path(self.base, own), status=303)

    def _wrong_role(self, lang, next_path, identity) -> None:
        """403: signed in, but the app asked for is the other staff role's."""
        self.finish(
            page_html(
                self,
                self.base,
                lang,
                next_path=next_path,
                identity=identity,
                wrong_role=STAFF_APPS[staff_app_of(next_path)],
                status=403,
            )
        )

    def _refused(self, lang, next_path, username, refusal) -> None:
        """The form again with the one sentence of the catalogue (berdikari.messages) for the
        refusal; none of them says whether the username exists."""
        from berdikari.messages import error_text

        status = 429 if refusal.key == "throttled" else 400
        if status == 429:
            self.set_header("Retry-After", "60")
        self.finish(
            page_html(
                self,
                self.base,
                lang,
                next_path=next_path,
                username=username,
                error=error_text(refusal, lang),
                status=status,
            )
        )


class SignOutHandler(StaffPage):
    """``POST /masuk/staf/keluar``: the session ends on the server, then the sign-in page.

    A ``GET`` (a link, another site's image) ends nothing: it shows the sign-in page, which
    offers the sign-out button to whoever is signed in."""

    def get(self) -> None:
        self.redirect(signin_url(self.base), status=303)

    def post(self) -> None:
        self.check_xsrf_cookie()  # a cross-site page cannot sign anyone out
        try:
            _sessions().sign_out(self)
        except Exception:  # noqa: BLE001  the cookie is cleared below whatever the store said
            log.exception("Staff sign-out failed")
            self.clear_cookie(_sessions().STAFF_COOKIE, path="/")
        self.redirect(signin_url(self.base, keluar="1"), status=303)


def gate(handler: web.RequestHandler, path: str | None) -> bool:
    """At the top of the Voila render handler: True when this answered the request (no kernel).

    A staff app without a valid staff session: a 303 to the sign-in page (``next`` = the app).
    A valid session of the other role: the sign-in page saying so (403). Anything else: False,
    and Voila goes on."""
    notebook = staff_app_of(path)
    if notebook is None:
        return False
    base = handler.settings.get("base_url", "/") or "/"
    base = base if base.endswith("/") else base + "/"
    identity = current_staff(handler)
    if identity is None:
        handler.redirect(signin_url(base, app_path(base, notebook)), status=303)
        return True
    if identity.role != STAFF_APPS[notebook]:
        set_page_headers(handler)
        lang = page_lang(handler)
        handler.finish(
            page_html(
                handler,
                base,
                lang,
                next_path=app_path(base, notebook),
                identity=identity,
                wrong_role=STAFF_APPS[notebook],
                status=403,
            )
        )
        return True
    return False


def handlers(base: str) -> list[tuple]:
    return [
        (base + SIGNIN_PATH, SignInHandler, {"base": base}),
        (base + SIGNOUT_PATH, SignOutHandler, {"base": base}),
    ]
