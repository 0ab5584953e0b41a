"""What is left of the retired "stay signed in" grant endpoints: Voila's request-info websocket,
sent once.

The 2-minute grant, ``POST /masuk/sesi`` and ``GET /keluar`` are gone: owners sign in on the
light web app, whose page sets the session cookie itself (:mod:`berdikari.web.sessions`), and
signing out is a POST with the XSRF token. :func:`handlers` answers no routes; it stays only
until :mod:`berdikari.server` stops calling it, and :class:`OneShotRequestInfoHandler` belongs
in the server's own modules (then this file goes).

Voila hands a preheated kernel its visitor's request info (with the ``Cookie`` header, which
the staff apps read) over the ``/voila/query/<kernel id>`` websocket, keeping it in memory when
the kernel has not connected yet, and forever. :class:`OneShotRequestInfoHandler` hands it over
once and drops it.

This module must never touch the database, set a cookie, or log request info.
"""

from __future__ import annotations

from voila.request_info_handler import RequestInfoSocketHandler


def handlers(base_url: str, owner_app: str) -> list[tuple]:
    """No routes any more (the grant endpoints are retired); kept for the server's call."""
    return []


class OneShotRequestInfoHandler(RequestInfoSocketHandler):
    """Voila's request-info websocket; the request info waiting for a kernel is sent once, then
    forgotten, so a visitor's cookies neither stay in the server's memory nor reach a second
    connection for the same kernel."""

    def open(self, kernel_id: str) -> None:
        super().open(kernel_id)
        RequestInfoSocketHandler._cache.pop(kernel_id, None)
