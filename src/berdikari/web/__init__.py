"""The light web pages that need no kernel: the owner app, sign-in, sign-out.

Each module here that serves pages exposes ``handlers(base_url) -> list`` of tornado routes;
:func:`handlers` gathers them in one list that :mod:`berdikari.web.server` installs before the
site's catch-all. Pages are rendered with :mod:`berdikari.web.render` (Jinja2, autoescaped).

This package must never run widget code or start a kernel; it reaches the database only through
the service layer and the auth functions of :mod:`berdikari.store`.
"""

from __future__ import annotations

import importlib

PAGE_MODULES: tuple[str, ...] = ("staff_signin", "owner_app", "etalase", "etalase_admin")
"""Modules (under ``berdikari.web``) whose ``handlers(base_url)`` the server installs, in order."""


def handlers(base_url: str) -> list[tuple]:
    """Every route of every page module, for the server (base URL ends with ``/``)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    out: list[tuple] = []
    for name in PAGE_MODULES:
        module = importlib.import_module(f"berdikari.web.{name}")
        out.extend(module.handlers(base))
    return out
