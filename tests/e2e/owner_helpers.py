"""Shared by the owner app's browser tests: the server with the real site, and page helpers.

``owner_server`` runs ``berdikari serve`` on a free port with a fresh SQLite database holding one
owner account, and the real site build at ``/`` (or the server's fallback page if the site cannot
be built). The helpers find and answer questions by the CSS classes the app gives them.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from berdikari.apps.widgets import item_class
from tests.e2e.server_fixture import running_server

APP = "/voila/render/penilaian-mandiri.ipynb"
ANSWER_LABELS = {
    "yes": "Ya",
    "no": "Tidak",
    "partial": "Sebagian",
    "unknown": "Belum tahu",
    "na": "Tidak berlaku",
}


@contextmanager
def owner_server(tmp: Path):
    """Yields ``base``, the owner's ``code`` and ``pin``, the ``site`` folder and the ``log``."""
    from berdikari.server import ServeOptions, prepare_site
    from berdikari.store import open_store
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    url = f"sqlite:///{tmp / 'berdikari.db'}"
    store = open_store(url)
    umkm, pin = Service(store, system_identity()).add_umkm(
        name="Keripik <Maju> Jaya",
        owner_name="Ibu Sari",
        regency="Kota Palangka Raya",
        categories=["pangan-olahan"],
    )
    store.engine.dispose()
    site = prepare_site(ServeOptions(site_dir=tmp / "site", build_site=True))
    with running_server(tmp, url, site_dir=site) as base:
        yield {"base": base, "code": umkm.code, "pin": pin, "site": site, "log": tmp / "serve.log"}


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const scrollers = [document.documentElement, document.body,
                     ...document.querySelectorAll('#rendered_cells')];
  const wide = scrollers.filter(e => e.scrollWidth > e.clientWidth + 1)
                        .map(e => e.tagName + '#' + e.id + ' ' + e.scrollWidth);
  for (const e of document.querySelectorAll('.bdk-app *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1) wide.push(e.className.toString() + ' ' + r.right);
  }
  return wide;
}"""


def horizontal_overflow(page) -> list[str]:
    """Anything wider than the screen: the document, Voila's cell scroller, or an app element."""
    return page.evaluate(OVERFLOW_JS)


def open_app(page, base: str) -> None:
    page.goto(base + APP)
    page.locator("button.bdk-start-anon").wait_for(timeout=90_000)


def item(page, item_id: str):
    return page.locator(f'[class~="{item_class(item_id)}"]')


def answer(page, item_id: str, value: str) -> None:
    box = item(page, item_id)
    box.get_by_role("button", name=ANSWER_LABELS[value], exact=True).click()
