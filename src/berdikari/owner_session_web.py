"""The two web endpoints of "stay signed in on this phone": set and forget the owner's cookie.

A kernel cannot set cookies, so the owner app hands its page a 2-minute grant
(:mod:`berdikari.owner_sessions`) and the page template's static script posts it here:

- ``POST /masuk/sesi`` (form field ``grant``, header ``X-XSRFToken`` matching the ``_xsrf``
  cookie): answers 204 and sets ``bdk_owner``, a 30-day session token: HttpOnly, SameSite=Lax,
  Secure when the request came over https (directly or through a proxy's
  ``X-Forwarded-Proto``), and sent back only with the owner app's page (its ``Path``), never
  with the site, the staff apps or Voila's other URLs. A bad or expired grant gets 400.
- ``GET`` or ``POST /keluar``: forgets the cookie and redirects to the owner app, which opens
  at its welcome page (the app's "Sign out" link).

Voila hands a preheated kernel its visitor's request info (now with the ``Cookie`` header) over
the ``/voila/query/<kernel id>`` websocket, keeping it in memory when the kernel has not
connected yet, and forever. :class:`OneShotRequestInfoHandler` hands it over once and drops it.

This module must never touch the database (the kernel checked the PIN before issuing the grant,
and every use of the cookie is checked against the store), never log a token, and never
redirect anywhere but the owner app.
"""

from __future__ import annotations

from tornado import web
from tornado.escape import url_escape
from voila.request_info_handler import RequestInfoSocketHandler

from berdikari import owner_sessions


class _OwnerCookieHandler(web.RequestHandler):
    def initialize(self, app_path: str) -> None:
        self.app_path = app_path
        """The owner app's URL path: the cookie's ``Path`` and where sign-out leads."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def is_https(self) -> bool:
        forwarded = self.request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
        return self.request.protocol == "https" or forwarded.lower() == "https"

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code} {self._reason}\n")


class GrantHandler(_OwnerCookieHandler):
    """``POST /masuk/sesi``: a valid grant becomes the ``bdk_owner`` cookie."""

    def post(self) -> None:
        self.check_xsrf_cookie()  # whatever the app settings say: only our own page may post
        token = owner_sessions.session_from_grant(self.get_body_argument("grant", ""))
        if token is None:
            raise web.HTTPError(400, reason="Grant not valid or expired")
        self.set_cookie(
            owner_sessions.COOKIE_NAME,
            token,
            path=self.app_path,
            max_age=owner_sessions.SESSION_SECONDS,
            httponly=True,
            secure=self.is_https(),
            samesite="Lax",
        )
        self.set_status(204)
        self.finish()


class SignOutHandler(_OwnerCookieHandler):
    """``GET``/``POST /keluar``: forget the cookie, back to the owner app's welcome page."""

    def check_xsrf_cookie(self) -> None:
        """Signing out is always allowed (a link on the app page, no form)."""

    def get(self) -> None:
        self.clear_cookie(
            owner_sessions.COOKIE_NAME,
            path=self.app_path,
            httponly=True,
            secure=self.is_https(),
            samesite="Lax",
        )
        self.redirect(self.app_path, status=303)

    post = get


def handlers(base_url: str, owner_app: str) -> list[tuple]:
    """Tornado routes for the two endpoints; ``owner_app`` is the notebook's file name."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    app_path = f"{base}voila/render/{url_escape(owner_app, plus=False)}"
    options = {"app_path": app_path}
    return [
        (f"{base}masuk/sesi", GrantHandler, options),
        (f"{base}keluar", SignOutHandler, options),
    ]


class OneShotRequestInfoHandler(RequestInfoSocketHandler):
    """Voila's request-info websocket; the request info waiting for a kernel is sent once, then
    forgotten, so a visitor's cookies neither stay in the server's memory nor reach a second
    connection for the same kernel."""

    def open(self, kernel_id: str) -> None:
        super().open(kernel_id)
        RequestInfoSocketHandler._cache.pop(kernel_id, None)
