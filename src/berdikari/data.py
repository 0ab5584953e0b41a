"""The programme's data as pandas DataFrames, for analysts in JupyterLab.

One function, :func:`frames`, returns every table the caller's role may see, through the service
layer (:meth:`berdikari.store.service.Service.export_rows` and ``standing``): an owner gets their
own UMKM, a facilitator the UMKM assigned to them now, a manager everything. Secrets (PIN and
password hashes) are never in any table. Sign in first with :func:`sign_in`::

    from berdikari.data import frames, sign_in
    me = sign_in()                  # asks for username and password; keeps nothing on disk
    df = frames(me)                 # {"umkm": DataFrame, "assessments": ..., ...}
    df["umkm"].groupby("regency")["meets_standard"].sum()

The columns and values are the stored keys (``meets_standard``, ``pangan-olahan``), not words:
README presents these frames for analysts, whose code must not change with the reader's language.
People read the same tables in words through the Excel and CSV export (:mod:`berdikari.reports`).
This module never writes and never bypasses the service layer.
"""

from __future__ import annotations

import pandas as pd

from berdikari.store.auth import Identity

TABLES = ("umkm", "assessments", "answers", "actions", "milestones", "visits")


def sign_in(username: str | None = None, password: str | None = None, store=None) -> Identity:
    """A facilitator's or manager's identity; asks for what is not given (password hidden)."""
    from getpass import getpass

    from berdikari.apps.session import open_default_store
    from berdikari.store.auth import sign_in_staff

    if username is None:
        username = input("Username: ")
    if password is None:
        password = getpass("Password: ")
    return sign_in_staff(store if store is not None else open_default_store(), username, password)


def frames(identity: Identity, store=None) -> dict[str, pd.DataFrame]:
    """``{table: DataFrame}`` of what ``identity`` may see: ``umkm`` (one row per UMKM with its
    standing: ``meets_standard``, ``standard_since``, level, readiness, actions, visits),
    ``assessments`` (with ``counts`` and ``meets_standard`` per assessment), ``answers``,
    ``actions``, ``milestones`` and ``visits``. Raises ``AccessDenied`` for a disabled account."""
    from berdikari.apps.session import open_default_store
    from berdikari.reports import COLUMNS, export_tables
    from berdikari.store.service import Service

    svc = Service(store if store is not None else open_default_store(), identity)
    tables = export_tables(svc)
    return {
        name: pd.DataFrame(rows, columns=list(rows[0]) if rows else list(COLUMNS[name]))
        for name, rows in tables.items()
    }
