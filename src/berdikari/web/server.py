"""One server, one port: the site at ``/`` and the Voila apps at ``/voila/render/<app>.ipynb``.

Runs Voila standalone (never a Jupyter server with auth off, which would expose the kernels API)
and adds a static handler for the built MkDocs site. Voila's tree page is removed so it cannot
replace the site. Kernels are preheated and kept within a budget sized from memory, shared
fairly and culled (:mod:`berdikari.web.kernels`); Voila's own protection stays on (a browser can
only send widget messages, never code), and the kernel websocket limits those messages. Every
response carries security headers (:class:`SecurityHeaders`: a Content-Security-Policy, nosniff,
same-origin referrer, no framing); Voila's /login and /logout and malformed template paths answer
404 instead of 500.

This module must never hold app logic or touch the database: it only wires the server.
"""

from __future__ import annotations

import html
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from tornado import web
from traitlets.config import Config

from berdikari.config import settings
from berdikari.web.kernels import (
    DEFAULT_CEILING_MB,
    DEFAULT_KERNEL_MB,
    DEFAULT_MEMORY_SHARE,
    AppKernelSpecManager,
    Budget,
    CappedKernelManager,
    kernel_budget,
)

log = logging.getLogger("berdikari.web.server")

TEMPLATES_ROOT = Path(__file__).parents[1] / "templates"
"""A Jupyter data dir: ``voila/templates/berdikari`` is the app page template (no CDN assets)."""

TEMPLATE = "berdikari"
TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
ANALYST_NOTEBOOK = "analisis-contoh.ipynb"
"""A worked example for analysts in JupyterLab (it asks for a password with ``getpass``). The
server never runs it: no kernel waits for it and its address answers 404 with a short note."""


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8866
    database_url: str | None = None
    site_dir: Path | None = None
    """A built site to serve; by default the site is built into ``build/site`` first."""
    build_site: bool = True
    preheat: bool = True
    pool_sizes: dict[str, int] = field(default_factory=lambda: {ANALYST_NOTEBOOK: 0})
    """Preheated kernels per app; the others get ``default_pool_size`` (the staff apps: 1)."""
    default_pool_size: int = 1
    max_kernels: int | None = None
    """None: from memory (``kernel_mb`` and ``memory_share``, :func:`berdikari.web.kernels.kernel_budget`)."""
    kernel_mb: int = DEFAULT_KERNEL_MB
    memory_share: float = DEFAULT_MEMORY_SHARE
    kernel_memory_mb: int = DEFAULT_CEILING_MB
    """The ceiling of one kernel (RLIMIT_AS in the kernel, and the server's memory check)."""
    kernels_per_client: int = 8
    kernels_per_account: int = 3
    starts_per_client_minute: int = 30
    # A page never connected loses its kernel within cull_idle + cull_interval (+ a second or
    # two to stop it) < 60 s; a page that went away keeps it disconnect_grace (a weak link);
    # a page nobody touches keeps it idle_seconds.
    cull_idle_seconds: int = 40
    cull_interval_seconds: int = 10
    idle_seconds: int = 900
    disconnect_grace_seconds: int = 600
    pressure_grace_seconds: int = 60
    max_message_kb: int = 256
    max_upload_mb: int = 12
    max_comm_opens: int = 20
    render_timeout_seconds: float = 60
    lean_kernels: bool = True

    def budget(self, total_bytes: int | None = None) -> Budget:
        return kernel_budget(self.kernel_mb, self.memory_share, total_bytes, self.max_kernels)


_COMMON_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SITE_CSP = _COMMON_CSP + "; script-src 'self' 'unsafe-inline'"
"""Every HTML page that sets no policy of its own (the MkDocs site, light pages, errors).
MkDocs Material writes its configuration in inline scripts; nothing comes from another host."""
APP_CSP = _COMMON_CSP + "; script-src 'self' 'unsafe-inline'"
"""The Voila app pages: Voila writes the page's configuration and start-up in inline scripts.
No eval: measured in Chromium (both staff apps, their lists, a UMKM page, every dashboard tab,
typing), no CSP violation without 'unsafe-eval'; ``tests/e2e/test_busy_page.py`` keeps it so."""

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders(web.OutputTransform):
    """Adds the security headers to every response; a page without a CSP gets the site's."""

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        for name, value in SECURITY_HEADERS.items():
            if name not in headers:
                headers[name] = value
        content_type = headers.get("Content-Type", "")
        csp = headers.get("Content-Security-Policy", "")
        # Jupyter's handlers all send "frame-ancestors 'self'; report-uri /api/security/...",
        # which allows any script and reports to an address this server does not answer.
        if "/api/security/csp-report" in csp or (not csp and content_type.startswith("text/html")):
            headers["Content-Security-Policy"] = SITE_CSP
        return status_code, headers, chunk


class SiteHandler(web.StaticFileHandler):
    """The built site; ``/dir/`` serves ``dir/index.html``."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")


def safe_template_handler_class():
    """Voila's template static files, answering 404 (not 500) to a path of the wrong shape."""
    from voila.static_file_handler import TemplateStaticFileHandler

    class SafeTemplateStaticFileHandler(TemplateStaticFileHandler):
        def parse_url_path(self, path):
            parts = (path or "").split("/", 2)
            if (
                len(parts) != 3
                or parts[1] != "static"
                or not TEMPLATE_NAME.fullmatch(parts[0])
                or not parts[2]
                or ".." in parts[2].split("/")
            ):
                raise web.HTTPError(404)
            try:
                return super().parse_url_path(path)
            except web.HTTPError:
                raise
            except Exception as exc:  # noqa: BLE001  Voila asserts on shapes it did not expect
                raise web.HTTPError(404) from exc

        @classmethod
        def get_absolute_path(cls, root, path):
            try:
                return super().get_absolute_path(root, path)
            except (AssertionError, ValueError) as exc:
                raise web.HTTPError(404) from exc

        def validate_absolute_path(self, root, absolute_path):
            try:
                return super().validate_absolute_path(root, absolute_path)
            except web.HTTPError:
                raise
            except Exception as exc:  # noqa: BLE001  (no root matched: Voila's assert)
                raise web.HTTPError(404) from exc

    return SafeTemplateStaticFileHandler


FALLBACK_PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Berdikari</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:1em auto;padding:0 1em">
<h1>Berdikari</h1>
<p>Situs panduan belum bisa dibuat di server ini. Aplikasi tetap bisa dipakai.</p>
<p>The guide site could not be built on this server. The apps still work.</p>
<p><a href="/penilaian/">Penilaian mandiri (self-assessment)</a></p>
<pre style="white-space:pre-wrap;font-size:80%">{error}</pre>
</body></html>
"""


def build_site(dest: Path) -> str | None:
    """Build the MkDocs site into ``dest``; return an error message, or None on success."""
    from berdikari import site as site_module

    try:
        # Strictness (warnings as errors) is the site tests' job; serving shows what builds.
        site_module.build(dest, strict=False)
    except Exception as exc:  # noqa: BLE001  reported to the operator, never hidden
        return f"berdikari.site.build failed: {exc}"
    return None


def prepare_site(options: ServeOptions) -> Path:
    """The folder served at ``/``: a given one, a fresh build, or a fallback page that says why.

    The home page offers the offline download: a fresh build gets the zip (built once per change
    of the guides, with npm's shim cached in the data folder); without it, no page offers it.
    """
    from berdikari.site import serve_offline_archive

    if options.site_dir is not None and not options.build_site:
        if not (options.site_dir / "index.html").exists():
            raise SystemExit(f"{options.site_dir}: no index.html (build the site first)")
        serve_offline_archive(options.site_dir, build=False)
        return options.site_dir
    dest = options.site_dir or settings().root / "build" / "site"
    error = build_site(dest)
    if error is None and (dest / "index.html").exists():
        serve_offline_archive(dest)
        return dest
    error = error or f"{dest}/index.html missing after the build"
    log.error("The site could not be built; serving a fallback page. %s", error)
    fallback = settings().root / "build" / "site-fallback"
    fallback.mkdir(parents=True, exist_ok=True)
    (fallback / "index.html").write_text(
        FALLBACK_PAGE.format(error=html.escape(error)), encoding="utf-8"
    )
    return fallback


def voila_config(options: ServeOptions, site_dir: Path, budget: Budget | None = None) -> Config:
    """The traitlets configuration of the Voila app (all knobs in one place)."""
    budget = budget or options.budget()
    c = Config()
    c.Voila.ip = options.host
    c.Voila.port = options.port
    c.Voila.port_retries = 0
    c.Voila.open_browser = False
    c.Voila.root_dir = str(settings().notebooks_dir)
    c.Voila.tornado_settings = {
        "compress_response": True,  # too late here: BerdikariVoila.init_handlers adds gzip
        "berdikari_render_timeout": options.render_timeout_seconds,
        "berdikari_not_served": (ANALYST_NOTEBOOK,),
        "berdikari_app_csp": APP_CSP,
        # Tornado closes a websocket whose message is larger than this (outer layer; the
        # kernel websocket handler refuses smaller ones by kind, berdikari.web.kernels.refusal).
        "websocket_max_message_size": (options.max_upload_mb + 1) * 1024 * 1024,
    }
    c.BerdikariVoila.site_dir = str(site_dir)
    c.VoilaConfiguration.template = TEMPLATE
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.preheat_kernel = options.preheat
    c.VoilaConfiguration.default_pool_size = options.default_pool_size
    c.VoilaConfiguration.multi_kernel_manager_class = CappedKernelManager
    if options.lean_kernels:  # no debugger, no history database (berdikari.web.app_kernel)
        c.VoilaConfiguration.kernel_spec_manager_class = AppKernelSpecManager
    c.VoilaConfiguration.file_allowlist = []  # notebooks/ holds no files visitors need
    c.VoilaConfiguration.http_keep_alive_timeout = 10
    # The owner app reads its "stay signed in" cookie from the page request (HTTP_COOKIE in the
    # kernel; berdikari.apps.page_request). Only headers named here reach a kernel.
    c.VoilaConfiguration.http_header_envs = ["Cookie"]
    # JupyterLab extensions the app pages do not need (Voila's "preview" button, code colours).
    c.VoilaConfiguration.extension_denylist = [
        "@voila-dashboards/jupyterlab-preview",
        "jupyterlab_pygments",
    ]
    c.VoilaKernelManager.kernel_pools_config = {
        "default": {"pool_size": options.default_pool_size},
        **{nb: {"pool_size": n} for nb, n in options.pool_sizes.items()},
    }
    c.VoilaKernelManager.fill_delay = 0.5
    km = c.CappedKernelManager
    km.max_kernels = budget.max_kernels
    km.memory_mb = budget.memory_mb
    km.kernel_mb = options.kernel_mb
    km.memory_ceiling_mb = options.kernel_memory_mb
    km.kernels_per_client = options.kernels_per_client
    km.kernels_per_account = options.kernels_per_account
    km.starts_per_client_minute = options.starts_per_client_minute
    km.idle_seconds = options.idle_seconds
    km.disconnect_grace_seconds = options.disconnect_grace_seconds
    km.pressure_grace_seconds = options.pressure_grace_seconds
    km.max_message_bytes = options.max_message_kb * 1024
    km.max_upload_bytes = options.max_upload_mb * 1024 * 1024
    km.max_comm_opens = options.max_comm_opens
    c.MappingKernelManager.cull_idle_timeout = options.cull_idle_seconds
    c.MappingKernelManager.cull_interval = options.cull_interval_seconds
    c.MappingKernelManager.cull_connected = False
    c.VoilaExecutor.iopub_timeout = 60
    return c


def make_app_class():
    """Voila with the site at ``/`` instead of Voila's directory tree."""
    from traitlets import Unicode
    from voila.app import Voila
    from voila.static_file_handler import TemplateStaticFileHandler
    from voila.tornado.contentshandler import VoilaContentsHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    from berdikari.web.busy import GuardedVoilaHandler
    from berdikari.web.kernels import guarded_websocket_handler_class
    from berdikari.web.static_cache import HashedAssetsHandler

    class BerdikariVoila(Voila):
        name = "berdikari"
        site_dir = Unicode("", config=True, help="The built site served at /")

        def init_handlers(self):
            handlers = [
                h
                for h in super().init_handlers()
                if h[1] not in (TornadoVoilaTreeHandler, VoilaContentsHandler)
            ]
            # The app page or the busy page, never a page without its app (berdikari.web.busy).
            handlers = [
                (h[0], GuardedVoilaHandler, *h[2:]) if h[1] is TornadoVoilaHandler else h
                for h in handlers
            ]
            # Phones keep the content-hashed extension scripts (berdikari.web.static_cache).
            handlers = [
                (h[0], HashedAssetsHandler, *h[2:]) if "/voila/labextensions/" in h[0] else h
                for h in handlers
            ]
            # Widget messages within limits, page activity recorded (berdikari.web.kernels).
            guarded_ws = guarded_websocket_handler_class()
            handlers = [
                (h[0], guarded_ws, *h[2:]) if h[1] is VoilaKernelWebsocketHandler else h
                for h in handlers
            ]
            # A template path of the wrong shape is a 404, not Voila's 500.
            safe_templates = safe_template_handler_class()
            handlers = [
                (h[0], safe_templates, *h[2:]) if h[1] is TemplateStaticFileHandler else h
                for h in handlers
            ]
            # Voila's /login and /logout belong to its token sign-in, which is off here (and
            # /logout answered 500): the site's 404 answers them.
            handlers = [h for h in handlers if not h[0].rstrip("/").endswith(("/login", "/logout"))]
            # Gzip every response (an app page's scripts are ~5 MB raw, ~1.4 MB gzipped).
            # Voila applies tornado_settings after creating the Application, too late for
            # compress_response to add its transform: add it here (the app exists by now).
            if web.GZipContentEncoding not in self.app.transforms:
                self.app.add_transform(web.GZipContentEncoding)
            # CSP, nosniff, referrer and framing headers on every response.
            if SecurityHeaders not in self.app.transforms:
                self.app.add_transform(SecurityHeaders)
            # Request info (with the visitor's cookies) goes to a preheated kernel once, then is
            # dropped (berdikari.web.request_info).
            from voila.request_info_handler import RequestInfoSocketHandler

            from berdikari.web.request_info import OneShotRequestInfoHandler

            handlers = [
                (h[0], OneShotRequestInfoHandler, *h[2:]) if h[1] is RequestInfoSocketHandler else h
                for h in handlers
            ]
            # The pages that need no kernel (berdikari.web) come first: the old owner app's
            # address /voila/render/penilaian-mandiri.ipynb must reach its redirect, not Voila.
            from berdikari import web as light_pages

            handlers = light_pages.handlers(self.base_url) + handlers
            handlers.append(
                (
                    r"/(.*)",
                    SiteHandler,
                    {"path": self.site_dir, "default_filename": "index.html"},
                )
            )
            return handlers

    return BerdikariVoila


def serve(options: ServeOptions) -> None:
    """Build the site, then serve site and apps until interrupted."""
    if options.database_url:
        os.environ["BERDIKARI_DATABASE_URL"] = options.database_url
    # The kernels inherit the environment: make the template and the settings visible to them.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(TEMPLATES_ROOT), os.environ.get("JUPYTER_PATH", "")) if p
    )
    # Kernels inherit this environment: a stray HTTP_COOKIE would pass for a visitor's cookie.
    os.environ.pop("HTTP_COOKIE", None)
    # Where a preheated kernel reaches Voila for its visitor's request (Voila's default is
    # 127.0.0.1, which a server bound to one other address would not answer).
    if options.host not in ("", "0.0.0.0", "::", "localhost"):
        os.environ["VOILA_APP_IP"] = f"[{options.host}]" if ":" in options.host else options.host
    # Each kernel limits its own memory (berdikari.web.app_kernel reads this when it starts).
    os.environ["BERDIKARI_KERNEL_MEMORY_MB"] = str(options.kernel_memory_mb)
    budget = options.budget()
    print(budget.describe(), flush=True)
    print(
        f"Per client {options.kernels_per_client} kernels ({options.starts_per_client_minute} "
        f"new a minute), per staff account {options.kernels_per_account}; each kernel at most "
        f"{options.kernel_memory_mb} MB; idle {options.idle_seconds} s, disconnected "
        f"{options.disconnect_grace_seconds} s (under pressure {options.pressure_grace_seconds} s)",
        flush=True,
    )
    site_dir = prepare_site(options)
    app_class = make_app_class()
    app = app_class(config=voila_config(options, site_dir, budget))
    app.initialize([])
    app.start()


def prepare_demo_database(database_url: str | None, echo=print) -> None:
    """Create or migrate the database, then load the demo data if it holds no UMKM (make run)."""
    if database_url:
        os.environ["BERDIKARI_DATABASE_URL"] = database_url
    settings().data_dir.mkdir(parents=True, exist_ok=True)
    from berdikari import demo
    from berdikari.store import open_store
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    store = open_store(database_url)  # creates the schema or migrates it to the latest version
    try:
        if Service(store, system_identity()).my_umkm():
            echo("The database holds data: the demo is not loaded again (DEMO.md has sign-ins).")
            return
        summary = demo.fill(store)
    finally:
        store.close()
    echo(demo.sign_ins_text(summary.sign_ins))
