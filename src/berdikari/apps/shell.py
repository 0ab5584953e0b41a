"""The one app shell the staff apps (facilitator, programme) are built on.

:class:`AppShell` gives an app its language, its service (through the kernel's
:class:`~berdikari.apps.staff.StaffSession`), navigation over an EXPLICIT view registry
(:meth:`AppShell.views` maps a view's name to the method that builds it; no method names are
built from strings), the banner (the link to the guides, the app's title, who is signed in,
sign-out), the error and message lines, the sign-in and opening views, and the closing of the
widget tree a render replaces. An app says only what is its own: its title, role, first view,
CSS class and its views.

A small base class rather than reacton: the views are plain functions that return widgets and
are tested without a kernel; reacton would mean rewriting every view as a component and adding a
dependency for two apps with a handful of screens each.

This module never touches the database and never shows an exception's raw text: errors reach
the page through :func:`berdikari.apps.staff.error_text`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from berdikari.apps import staff
from berdikari.apps import widgets as ui
from berdikari.apps.staff import StaffSession, error_text, signin_form
from berdikari.i18n import t

View = Callable[[], list]


def close_tree(widget) -> None:
    """Close a widget and everything under it (a replaced screen must not linger in the kernel)."""
    for child in getattr(widget, "children", ()) or ():
        close_tree(child)
    widget.close()


def error_html(text: str) -> str:
    return f'<p class="bdk-error">{escape(text)}</p>'


class AppShell:
    """Language, service, navigation, banner, errors and closing for one staff app.

    Subclasses set :attr:`role`, :attr:`first_view` and :attr:`css`, say their title and
    sign-in line (:meth:`title`, :meth:`signin_intro`), and return their screens from
    :meth:`app_views`.
    ``self.state`` is the app's one state object; it has at least ``lang``, ``view``,
    ``message`` and ``error``."""

    role = ""
    first_view = ""
    css = ""

    def __init__(self, state, session: StaffSession | None = None, store=None):
        self.state = state
        self.session = session
        self.store = store
        self.served = False
        """Serving a web page: sign-in is on ``/masuk/staf``, never a form in the app."""
        self.signout = ""
        """The sign-out form's HTML (when signed in on the web page)."""
        self.header = ui.html("")
        self.body = w.VBox(layout=ui.FULL)
        self.root = w.VBox([self.header, self.body], layout=ui.FULL)
        self.root.add_class("bdk-app")
        self.root.add_class(self.css)
        if session is not None and self.state.view == "signin":
            self.state.view = self.first_view

    # --- what every app has -------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.state.lang

    def svc(self):
        return self.session.service()

    def views(self) -> dict[str, View]:
        """Every screen this app can show, by name: the shell's two and the app's own."""
        return {"signin": self.view_signin, "opening": self.view_opening, **self.app_views()}

    def app_views(self) -> dict[str, View]:
        raise NotImplementedError

    def title(self, lang: str) -> str:
        raise NotImplementedError

    def signin_intro(self, lang: str) -> str:
        raise NotImplementedError

    def go(self, view: str, **changes) -> None:
        """Show ``view`` (a name in :meth:`views`) after setting ``changes`` on the state."""
        if view not in self.views():
            raise KeyError(f"no view {view!r} in {type(self).__name__}")
        for k, v in changes.items():
            setattr(self.state, k, v)
        self.state.view = view
        self.render()

    def fail(self, exc: Exception, view: str | None = None) -> None:
        """Show the service's message and stay (or go to ``view``); nothing saved is lost."""
        self.state.error = error_text(exc, self.lang)
        self.go(view or self.state.view)

    # --- rendering ----------------------------------------------------------------------------
    def banner_html(self) -> str:
        lang = self.lang
        who = (
            f'<div class="bdk-who">{escape(t("Signed in", lang))}: {escape(self.session.name)}'
            "</div>"
            if self.session
            else ""
        )
        return (
            f'<div class="bdk-nav"><a href="/">{escape(t("Berdikari guides", lang))}</a></div>'
            f"<h1>{escape(self.title(lang))}</h1>{who}{self.signout if self.session else ''}"
        )

    def after_error(self) -> list:
        """Widgets under a view's error (e.g. a way back to the first screen)."""
        return []

    def render(self) -> None:
        s = self.state
        if self.session is not None and not self.session.still_signed_in():
            # signed out elsewhere (or the session ended): nothing more for this page
            self.session, self.signout = None, ""
            s.error, s.view = staff.session_ended(s.lang), "signin"
        self.header.value = self.banner_html()
        old = list(self.body.children)
        children = []
        if s.error:
            children.append(ui.html(error_html(s.error)))
        if s.message:
            children.append(ui.html(f'<p class="bdk-message">{escape(s.message)}</p>'))
        s.error = s.message = ""
        if self.session is None and s.view not in ("signin", "opening"):
            s.view = "signin"
        build = self.views()[s.view]
        try:
            children.extend(build())
        except Exception as exc:  # noqa: BLE001  StoreError (e.g. access ended): say so
            children.append(ui.html(error_html(error_text(exc, s.lang))))
            children.extend(self.after_error())
        self.body.children = children
        for widget in old:
            close_tree(widget)

    # --- the shell's own views ----------------------------------------------------------------
    def view_signin(self) -> list:
        def _in(session: StaffSession) -> None:
            self.session = session
            self.go(self.first_view)

        if self.served:  # signed in on the web page or not at all: no form in the app
            return [ui.html(staff.signin_link_html(self.role, self.lang))]
        intro = ui.html(f"<p>{escape(self.signin_intro(self.lang))}</p>")
        return [intro, *signin_form(self.lang, self.role, _in, self.store)]

    def view_opening(self) -> list:
        """Before the page request has said who is signed in (a preheated kernel waits)."""
        return []

    def open_from_page(self, page: staff.PageSignIn) -> None:
        """Open at the first screen for the staff member the page's session cookie names; else
        the sign-in (on the web page when this kernel serves one, else the in-app form)."""
        staff.open_from_page(self, page, self.role, self.first_view)
