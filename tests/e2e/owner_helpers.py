"""Shared by the owner web app's browser tests: a real ``berdikari serve`` that can be restarted
on the same port and database, an owner account, and page helpers.

``OwnerServer`` runs the server with no preheated kernels (the owner app needs none) on a fresh
SQLite database; :meth:`OwnerServer.restart` stops it and starts it again on the same port, as
an operator restarting the service would. The helpers find questions by the classes the pages
give them (``bdk-item-<item id in lower case>``) and answer through the real ``<label>``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.server_fixture import free_port, wait_until_up

APP = "/penilaian/"
ANSWER_LABELS = {
    "yes": "Ya",
    "no": "Tidak",
    "partial": "Sebagian",
    "unknown": "Belum tahu",
    "na": "Tidak berlaku",
}
UMKM_NAME = "Keripik <Maju> Jaya"


class OwnerServer:
    def __init__(self, tmp: Path, site: Path | None = None):
        from berdikari.store import open_store
        from berdikari.store.auth import system_identity
        from berdikari.store.service import Service

        self.tmp = tmp
        self.url = f"sqlite:///{tmp / 'berdikari.db'}"
        store = open_store(self.url)
        umkm, pin = Service(store, system_identity()).add_umkm(
            name=UMKM_NAME,
            owner_name="Ibu Sari",
            regency="Kota Palangka Raya",
            categories=["pangan-olahan"],
        )
        store.engine.dispose()
        self.code, self.pin, self.umkm_id = umkm.code, pin, umkm.id
        if site is None:
            site = tmp / "site"
            site.mkdir(exist_ok=True)
            (site / "index.html").write_text("<!doctype html><title>Berdikari</title>Berdikari")
        self.site = site
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "serve.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "BERDIKARI_DATA_DIR": str(self.tmp),
            "BERDIKARI_DATABASE_URL": self.url,
        }
        out = self.log.open("a")
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "berdikari"),
                "serve",
                "--port",
                str(self.port),
                "--database-url",
                self.url,
                "--site-dir",
                str(self.site),
                "--no-preheat",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
        out.close()
        wait_until_up(self.base + APP, self.proc, self.log)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def store(self):
        from berdikari.store import open_store

        return open_store(self.url)

    def saved_answers(self, checklist_id: str) -> dict[str, str]:
        """What the database holds for the owner's latest assessment of ``checklist_id``."""
        from berdikari.store.auth import system_identity
        from berdikari.store.service import Service

        store = self.store()
        try:
            views = Service(store, system_identity()).assessments(self.umkm_id)
        finally:
            store.engine.dispose()
        mine = [a for a in views if a.checklist_id == checklist_id and a.filled_by == "owner"]
        return {k: a.value for k, a in mine[-1].answers.items()} if mine else {}


def built_site(tmp: Path) -> Path:
    """The real site, built into ``tmp / "site"`` as ``berdikari serve`` builds it.

    The server falls back to a page that says the build failed (the apps still work); a test
    that asked for the real site must not pass against that page, so a failed build fails here.
    """
    from berdikari.web.server import ServeOptions, prepare_site

    site = prepare_site(ServeOptions(site_dir=tmp / "site", build_site=True))
    if site != tmp / "site":
        raise AssertionError(f"the site did not build: the server would serve {site}")
    return site


@contextmanager
def owner_server(tmp: Path, real_site: bool = False):
    """Yields a started :class:`OwnerServer` (the real site build at ``/`` if asked)."""
    site = built_site(tmp) if real_site else None
    server = OwnerServer(tmp, site)
    server.start()
    try:
        yield server
    finally:
        server.stop()


OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [document.documentElement, document.body]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.tagName + ' ' + e.scrollWidth);
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1 && e.offsetParent !== null)
      wide.push(e.tagName + '.' + e.className.toString() + ' ' + r.right);
  }
  return wide;
}"""


def horizontal_overflow(page) -> list[str]:
    return page.evaluate(OVERFLOW_JS)


def item_class(item_id: str) -> str:
    return f"bdk-item-{item_id.lower()}"


def item(page, item_id: str):
    return page.locator(f'fieldset[class~="{item_class(item_id)}"]')


def answer(page, item_id: str, value: str) -> None:
    item(page, item_id).locator(f'label.bdk-choice:has(input[value="{value}"])').click()


def chosen(page, item_id: str) -> str | None:
    """The answer the screen shows as chosen for a question (None: none)."""
    return page.evaluate(
        "(sel) => { const r = document.querySelector(sel + ' input[type=radio]:checked');"
        " return r ? r.value : null; }",
        f'fieldset[class~="{item_class(item_id)}"]',
    )


def screen_state(page) -> dict:
    """Every question's shown answer and status (``saved``, ``pending``, ``error``, '')."""
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('.bdk-question')).map(q => {
             const r = q.querySelector('input[type=radio]:checked');
             const s = q.querySelector('.bdk-status');
             return [q.dataset.item, {value: r ? r.value : null, state: s.dataset.state || '',
                                     text: s.textContent}];
           }))"""
    )


def view_at_top(page) -> dict:
    """Where the current view stands: scroll position, focused element, its heading."""
    return page.evaluate(
        """() => { const v = document.querySelector('.bdk-view.is-current');
                   const h = v && v.querySelector('.bdk-view-heading');
                   return {scrollY: window.scrollY, view: v && v.id,
                           focused: document.activeElement === h,
                           headingTop: h ? h.getBoundingClientRect().top : null,
                           heading: h ? h.textContent.trim() : null}; }"""
    )


def sign_in(page, base: str, code: str, pin: str, remember: bool = True) -> None:
    page.goto(base + APP)
    page.locator("a.bdk-start-signin").click()
    page.locator(".bdk-code input").fill(code)
    page.locator(".bdk-pin input").fill(pin)
    stay = page.locator(".bdk-stay-choice input")
    assert stay.is_checked()  # ticked unless the owner unticks it on a shared phone
    if not remember:
        stay.uncheck()
    page.locator("button.bdk-signin").click()
    page.locator("a.bdk-signout-link, button.bdk-signout-link").first.wait_for()


def open_checklist(page, base: str, checklist_id: str, category: str = "pangan-olahan") -> None:
    page.goto(f"{base}{APP}daftar/{checklist_id}?kategori={category}")
    page.locator("#tugas.is-current").wait_for()
