"""The app page either carries its app or says "server busy": never a page without its app.

:class:`GuardedVoilaHandler` replaces Voila's render handler at ``/voila/render/<app>.ipynb``. It
collects the whole page before sending it (Voila streams it cell by cell, which commits a 200
before anyone knows whether the app will appear), then sends:

- the page, when it holds the app's widget output (``application/vnd.jupyter.widget-view+json``);
- the busy page (HTTP 503, Indonesian first, ``Retry-After``) when the kernel cap refuses a kernel,
  when rendering takes longer than ``berdikari_render_timeout`` seconds, or when the page came out
  without the app (e.g. Voila's "Timeout waiting for IOPub output" under load). The kernel of a
  failed page is shut down at once.

Before any kernel is taken it asks the kernel manager to :meth:`reserve
<berdikari.web.kernels.CappedKernelManager.reserve>` one for this visitor (client address through a
trusted proxy, and the signed-in staff account): someone over their fair share gets a page that
says to close one of their pages (HTTP 429), and nobody else is affected; the kernel the page got
is then claimed for them. App pages carry the app Content-Security-Policy
(``berdikari.web.server.APP_CSP``).

It also sets the ``_xsrf`` cookie, so the shutdown beacon Voila's page sends when it is closed is
accepted (without the cookie it got 403 "_xsrf argument missing" and the kernel lived on).

This module must never hold app logic or touch the database.
"""

from __future__ import annotations

import asyncio
import re

from tornado import web
from voila.tornado.handler import TornadoVoilaHandler

from berdikari.web.kernels import ShareExceeded, shutdown_quietly
from berdikari.web.staff_signin import gate as staff_gate

APP_MARKER = "application/vnd.jupyter.widget-view+json"
"""Every Berdikari app displays a widget; a page without this output has no app."""

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')
DEFAULT_RENDER_TIMEOUT = 60.0
RETRY_AFTER_SECONDS = 60

BUSY_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Server sedang sibuk — Berdikari</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:0;
background:#f6f7f5;color:#1b1f1d;line-height:1.5}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.5rem;margin:0 0 .5rem}
.retry{display:inline-block;background:#0b6e4f;color:#fff;text-decoration:none;
padding:.7rem 1.2rem;border-radius:6px;font-size:1.1rem;min-height:44px;box-sizing:border-box}
.en{color:#46514b;border-top:1px solid #d8ddd9;margin-top:1.5rem;padding-top:.5rem}
a{color:#0b5cad}
</style></head>
<body><main class="bdk-busy" data-reason="{reason}">
<h1>Server sedang sibuk</h1>
<p>Banyak orang membuka aplikasi ini pada saat yang sama.
Silakan coba lagi dalam satu menit.</p>
<p>Jawaban yang sudah tersimpan tidak hilang.</p>
<p><a class="retry" href="{retry_url}">Coba lagi</a></p>
<p>Sambil menunggu, Anda bisa membaca <a href="/">panduan Berdikari</a>.</p>
<p class="en" lang="en">Server busy: many people are opening this app at the same time.
Please try again in a minute. Answers already saved are kept.</p>
</main>
<script>
/* Try again by itself after a minute and a bit, spread out so a full hall does not retry at once. */
setTimeout(function(){location.reload();},(60+Math.random()*30)*1000);
</script>
</body></html>
"""


def busy_page(reason: str, retry_url: str) -> str:
    """The busy page; ``reason`` is a fixed word (cap, timeout, no-app), never user input."""
    from html import escape

    return BUSY_PAGE.replace("{reason}", escape(reason)).replace("{retry_url}", escape(retry_url))


SHARE_TEXTS = {
    "client": (
        "Terlalu banyak halaman aplikasi terbuka",
        "Perangkat ini (atau jaringan yang sama) sudah membuka banyak halaman aplikasi yang "
        "masih dipakai. Tutup salah satu halaman itu, lalu coba lagi.",
        "This device (or its network) already has many app pages open and in use. Close one "
        "of them, then try again.",
    ),
    "account": (
        "Terlalu banyak halaman aplikasi terbuka",
        "Akun Anda sudah membuka aplikasi di beberapa halaman atau perangkat lain. Tutup salah "
        "satu halaman itu, lalu coba lagi.",
        "Your account already has the app open in several pages or devices. Close one of them, "
        "then try again.",
    ),
    "starts": (
        "Terlalu sering dibuka",
        "Aplikasi dibuka terlalu sering dari perangkat ini dalam satu menit terakhir. Tunggu "
        "satu menit, lalu coba lagi.",
        "The app was opened too often from this device in the last minute. Wait a minute, "
        "then try again.",
    ),
}
"""The page for a visitor over their fair share (HTTP 429): what to do, never a kernel."""


def share_page(kind: str, retry_url: str) -> str:
    """Like the busy page, for someone who holds their share (``kind``: a fixed word)."""
    from html import escape

    title, text_id, text_en = SHARE_TEXTS.get(kind, SHARE_TEXTS["client"])
    page = busy_page(kind, retry_url)
    page = page.replace('class="bdk-busy"', 'class="bdk-busy bdk-share"')
    page = page.replace("<title>Server sedang sibuk", f"<title>{escape(title)}")
    page = page.replace("<h1>Server sedang sibuk</h1>", f"<h1>{escape(title)}</h1>")
    start = page.index("<p>Banyak orang")
    end = page.index('<p><a class="retry"')
    page = page[:start] + f"<p>{escape(text_id)}</p>\n" + page[end:]
    start = page.index('<p class="en" lang="en">')
    end = page.index("</main>")
    return page[:start] + f'<p class="en" lang="en">{escape(text_en)}</p>\n' + page[end:]


def visitor(handler) -> tuple[str, str | None]:
    """The client address (through a trusted proxy) and the signed-in staff account, if any."""
    try:
        from berdikari.web.limits import client_address

        client = client_address(handler)
    except ImportError:
        client = handler.request.remote_ip or "unknown"
    try:
        from berdikari.web.staff_signin import current_staff

        identity = current_staff(handler)
    except ImportError:
        identity = None
    user_id = getattr(identity, "user_id", None)
    return client, (f"staff:{user_id}" if user_id is not None else None)


class GuardedVoilaHandler(TornadoVoilaHandler):
    """Voila's render handler, buffered: the app page or the busy page, nothing in between."""

    @web.authenticated
    async def get(self, path=None):
        if (path or "").rsplit("/", 1)[-1] in self.settings.get("berdikari_not_served", ()):
            self.set_status(404)
            self.set_header("Content-Type", "text/plain; charset=UTF-8")
            return self.finish(
                "Notebook ini untuk analis di JupyterLab, bukan aplikasi di server.\n"
                "This notebook is for analysts in JupyterLab, not an app on the server.\n"
            )
        # --- staff-gate helper's lines (kernels helper: please keep these five as they are) ---
        # No kernel for a staff app without a signed-in staff session of its role: answered
        # here (redirect to /masuk/staf, or the wrong-role page) before Voila starts or takes one.
        if staff_gate(self, path):
            return
        self.set_app_headers()
        self.xsrf_token  # noqa: B018  sets the _xsrf cookie the page-close beacon sends back
        manager = self.kernel_manager
        reservation = None
        if hasattr(manager, "reserve"):
            client, account = visitor(self)
            try:
                reservation = await manager.reserve(client, account, self.notebook_path or path)
            except ShareExceeded as exc:
                return self.send_share_page(exc.kind)
            except web.HTTPError as exc:
                if exc.status_code != 503:
                    raise
                return self.send_busy("cap")
        try:
            return await self._render(path, reservation)
        finally:
            if reservation is not None:
                manager.release(reservation)

    async def _render(self, path, reservation):
        timeout = float(self.settings.get("berdikari_render_timeout", DEFAULT_RENDER_TIMEOUT))
        chunks: list[str] = []
        try:
            async with asyncio.timeout(timeout):
                async for html in self.get_generator(path=path):
                    chunks.append(html)
        except web.HTTPError as exc:
            if exc.status_code != 503:
                raise
            return self.send_busy("cap")
        except TimeoutError:
            await self._drop_kernel("".join(chunks))
            self.log.error("App page for %s not rendered in %ss: busy page sent", path, timeout)
            return self.send_busy("timeout")
        if self._finished:  # Voila redirected (not a notebook)
            return
        page = "".join(chunks)
        kernel_id = _kernel_id(page)
        if APP_MARKER not in page:
            await self._drop_kernel(page)
            self.log.error("App page for %s came out without its app: busy page sent", path)
            return self.send_busy("no-app")
        if kernel_id is not None:
            if reservation is not None:
                self.kernel_manager.claim(reservation, kernel_id)
            elif hasattr(self.kernel_manager, "touch"):
                self.kernel_manager.touch(kernel_id)
        self.finish(page)

    def set_app_headers(self) -> None:
        """What the browser may do on an app page (berdikari.web.server.APP_CSP)."""
        csp = self.settings.get("berdikari_app_csp")
        if csp:
            self.set_header("Content-Security-Policy", csp)

    def send_share_page(self, kind: str) -> None:
        self.clear()
        self.set_app_headers()
        self.set_status(429)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
        self.finish(share_page(kind, self.request.uri or "/"))

    def send_busy(self, reason: str) -> None:
        self.clear()
        self.set_app_headers()
        self.set_status(503)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
        self.finish(busy_page(reason, self.request.uri or "/"))

    async def _drop_kernel(self, partial_page: str) -> None:
        kernel_id = _kernel_id(partial_page)
        if kernel_id is not None:
            await shutdown_quietly(self.kernel_manager, kernel_id)


def _kernel_id(page: str) -> str | None:
    match = KERNEL_ID.search(page)
    return match.group(1) if match else None
