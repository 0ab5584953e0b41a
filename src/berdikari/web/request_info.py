"""Voila's request-info websocket, sent once: how a preheated kernel learns its visitor's cookies.

Voila hands a preheated kernel its visitor's request info (with the ``Cookie`` header, which
the staff apps read to find their web session) over the ``/voila/query/<kernel id>`` websocket,
keeping it in memory when the kernel has not connected yet, and forever.
:class:`OneShotRequestInfoHandler` hands it over once and drops it, so a visitor's cookies
neither stay in the server's memory nor reach a second connection for the same kernel.

This module must never touch the database, set a cookie, or log request info.
"""

from __future__ import annotations

from voila.request_info_handler import RequestInfoSocketHandler


class OneShotRequestInfoHandler(RequestInfoSocketHandler):
    """Voila's request-info websocket; what waited for a kernel is sent once, then forgotten."""

    def open(self, kernel_id: str) -> None:
        super().open(kernel_id)
        RequestInfoSocketHandler._cache.pop(kernel_id, None)
