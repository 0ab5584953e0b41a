"""A process that records visits with 3 files and 2 actions each, until it is killed.

Run by ``test_all_or_nothing.py`` as ``python -m tests.store.visit_writer URL UMKM_ID
FACILITATOR_ID NAME MARKER``; it prints ``ready`` once the store is open, then saves visit after
visit through the service (one call each), each visit's summary, file names and action titles
carrying ``MARKER-<n>`` so the test can tell which parts belong together. It never stops by
itself: the test SIGKILLs it at a random moment.
"""

from __future__ import annotations

import os
import sys
from datetime import date


def main(url: str, umkm_id: int, facilitator_id: int, name: str, marker: str) -> None:
    from berdikari.store import open_store
    from berdikari.store.auth import Identity
    from berdikari.store.service import Service

    store = open_store(url)
    svc = Service(store, Identity("facilitator", facilitator_id, None, name))
    png = b"\x89PNG\r\n\x1a\n"
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        tag = f"{marker}-{n}"
        files = [(f"{tag}-{k}.png", png + os.urandom(192 * 1024)) for k in (1, 2, 3)]
        actions = [{"title": f"{tag} action {k}", "due_date": date(2030, 1, k)} for k in (1, 2)]
        svc.record_visit(umkm_id, date(2025, 6, 1), tag, files=files, actions=actions)


if __name__ == "__main__":
    url, umkm_id, fac_id, name, marker = sys.argv[1:6]
    main(url, int(umkm_id), int(fac_id), name, marker)
