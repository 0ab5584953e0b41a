"""Storage, accounts and the service layer (see :mod:`berdikari.store.service`).

Apps import :func:`open_store`, the sign-in functions of :mod:`berdikari.store.auth` and
:class:`berdikari.store.service.Service`; they never import the models or open a session.
"""

from berdikari.store.db import LockoutPolicy, Store, open_store

__all__ = ["LockoutPolicy", "Store", "open_store"]
