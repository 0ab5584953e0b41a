"""The MkDocs hook that puts the checklists into the site, and the site builds.

At build time, and only from ``checklists/``, the hook adds the generated pages of
:mod:`berdikari.site_pages` (checklist reference pages that print as paper forms, the checklist
and regulation indexes), lists the checklist pages in the nav, and puts the back-link boxes into
guide pages. :func:`verify_site` checks a built site against the checklists.

``build()`` and ``build_offline_archive()`` are what the CLI and the server call. The offline build
takes Material's ``iframe-worker`` shim from the npm registry (once, into the data folder's cache)
and serves it from the site, so that no page ever asks a third-party host for anything.
``serve_offline_archive()`` puts that zip into the served site, or, when it cannot be made, takes
the home page's offer of it off the pages: the site never offers a download it does not have.

This module never writes into ``guides/`` or ``checklists/``: generated pages exist only in the
build. It never restates a requirement by hand.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from berdikari import checklists as cl
from berdikari import site_search
from berdikari.config import settings
from berdikari.site_html import read_page
from berdikari.site_pages import (
    LANGS,
    REFERENCE_DIR,
    backlink_targets,
    checklist_page,
    generated_pages,
    inject_backlinks,
    item_anchor,
)

IFRAME_WORKER = "iframe-worker@1.0.4"
"""The npm package (pinned) whose ``shim/index.js`` lets search run from file:// (offline)."""
IFRAME_WORKER_SITE_PATH = "assets/javascripts/iframe-worker/shim.js"
"""Where the offline site serves the shim; ``mkdocs-offline.yml`` lists it in extra.polyfills."""
OFFLINE_ARCHIVE = "berdikari-offline.zip"
"""The offline site's file name, in the served site's root (the home page links to it)."""
OFFER_START = "<!-- bdk-offline-offer -->"
OFFER_END = "<!-- /bdk-offline-offer -->"
"""Guide pages put the offer of the offline download between these two lines (a section with its
heading): the offline build leaves it out, and a server without the zip removes it."""
_OFFER = re.compile(re.escape(OFFER_START) + r".*?" + re.escape(OFFER_END), re.DOTALL)

log = logging.getLogger(__name__)


# --- the MkDocs hook ------------------------------------------------------------------------------

_state: dict[str, object] = {}


def _load(docs_dir: Path) -> dict[str, cl.Checklist]:
    from mkdocs.exceptions import PluginError

    problems: list[str] = []
    out: dict[str, cl.Checklist] = {}
    for f in cl.checklist_files():
        try:
            c = cl.load_file(f, docs_dir)
        except cl.ChecklistError as exc:
            problems += [str(p) for p in exc.problems]
            continue
        out[c.id] = c
    if problems:
        raise PluginError(
            "Invalid checklists (the site is built from them):\n" + "\n".join(problems)
        )
    return out


def _expand_nav(nav: list, placeholder: str, pages: list[str]) -> bool:
    """After the entry ``placeholder`` in the nav, list ``pages`` (in place). True if found."""
    for i, entry in enumerate(nav):
        if entry == placeholder:
            nav[i + 1 : i + 1] = [p for p in pages if p not in nav]
            return True
        if isinstance(entry, dict):
            for value in entry.values():
                if isinstance(value, list) and _expand_nav(value, placeholder, pages):
                    return True
    return False


def on_config(config):
    checklists = _load(Path(config.docs_dir))
    _state["checklists"] = checklists
    _state["backlinks"] = backlink_targets(checklists)
    if config.nav:
        for lang in LANGS:
            pages = [checklist_page(cid, lang) for cid in checklists]
            _expand_nav(config.nav, f"{REFERENCE_DIR[lang]}/index.md", pages)
    return config


def on_files(files, config):
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    checklists = _state["checklists"]
    for src_uri, content in generated_pages(checklists, Path(config.docs_dir)).items():
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(
                f"guides/{src_uri} is generated from checklists/; delete the hand-written file"
            )
        files.append(File.generated(config, src_uri, content=content))
    for polyfill in config.extra.get("polyfills") or []:
        url = str(polyfill)
        if "iframe-worker" in url and "://" not in url and files.get_file_from_path(url) is None:
            try:
                shim = fetch_iframe_worker()
            except SiteBuildError as exc:
                raise PluginError(str(exc)) from exc
            files.append(File.generated(config, url, content=shim.read_bytes()))
    try:
        site_search.mend_files(files, config)  # lunr's word automaton loses words otherwise
    except site_search.SearchWorkerError as exc:
        raise PluginError(str(exc)) from exc
    return files


def on_page_markdown(markdown, page, config, files):
    if _is_offline(config):
        markdown = _OFFER.sub("", markdown)  # the reader holds the download already
    targets = _state["backlinks"].get(page.file.src_uri)
    return inject_backlinks(markdown, page.file.src_uri, targets or {})


def _is_offline(config) -> bool:
    return any(name.split("/")[-1] == "offline" for name in config.plugins)


# --- builds ---------------------------------------------------------------------------------------


class SiteBuildError(RuntimeError):
    """The site could not be built; the message says why and what to do."""


def cache_dir() -> Path:
    """The data folder's cache: the npm shim is fetched into it once, the offline zip kept there."""
    return settings().data_dir / "cache"


def fetch_iframe_worker(cache: Path | None = None) -> Path:
    """The iframe-worker shim, taken once from the npm registry (``npm pack``) into the cache."""
    cache = Path(cache) if cache else cache_dir()
    dest = cache / IFRAME_WORKER.replace("@", "-") / "shim.js"
    if dest.is_file():
        return dest
    npm = shutil.which("npm")
    if npm is None:
        raise SiteBuildError(
            "The offline build needs npm to fetch the search shim "
            f"({IFRAME_WORKER}) from the npm registry, and npm was not found. Install Node.js "
            "and npm (Debian: apt-get install npm), or build the online site instead."
        )
    with tempfile.TemporaryDirectory(prefix="bdk-npm-") as tmp:
        try:
            proc = subprocess.run(
                # --prefer-offline: npm's own cache first, the registry only when it lacks the file
                [
                    npm,
                    "pack",
                    IFRAME_WORKER,
                    "--silent",
                    "--prefer-offline",
                    "--pack-destination",
                    tmp,
                ],
                capture_output=True,
                text=True,
                cwd=tmp,
                timeout=180,
            )
        except subprocess.TimeoutExpired as exc:
            raise SiteBuildError(
                f"npm pack {IFRAME_WORKER} did not finish in 3 minutes (is the npm registry "
                "reachable?)"
            ) from exc
        tarballs = list(Path(tmp).glob("*.tgz"))
        if proc.returncode != 0 or not tarballs:
            raise SiteBuildError(
                f"npm pack {IFRAME_WORKER} failed (is the npm registry reachable?):\n"
                f"{proc.stderr.strip()[-2000:]}"
            )
        with tarfile.open(tarballs[0]) as tar:
            member = tar.extractfile("package/shim/index.js")
            if member is None:
                raise SiteBuildError(f"{tarballs[0].name} has no package/shim/index.js")
            data = member.read()
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    return dest


def config_file(offline: bool = False) -> Path:
    return settings().root / ("mkdocs-offline.yml" if offline else "mkdocs.yml")


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings so that a failed build says which ones made it fail."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build(dest: Path, offline: bool = False, strict: bool = True) -> Path:
    """Build the site into ``dest`` (strict: any warning fails). Returns ``dest``."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    dest = Path(dest).resolve()
    if offline:
        fetch_iframe_worker()  # fail early, with the clear message, before MkDocs starts
    collect = _Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collect)
    try:
        cfg = load_config(config_file=str(config_file(offline)), site_dir=str(dest), strict=strict)
        mkdocs_build(cfg)
    except MkDocsException as exc:
        details = "\n".join(f"  {m}" for m in collect.messages)
        raise SiteBuildError(f"the site build failed: {exc}\n{details}".rstrip()) from exc
    finally:
        mkdocs_log.removeHandler(collect)
    return dest


def _archived(rel: Path) -> bool:
    """Files the offline zip leaves out: source maps (for developers' tools only) and the JSON
    search index (from file:// the site reads ``search_index.js``). The zip travels by phone."""
    return rel.suffix != ".map" and rel.as_posix() != "search/search_index.json"


def build_offline_archive(out_dir: Path, strict: bool = True) -> Path:
    """Build the offline site (works from file://) and zip it; return the zip's path."""
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / "berdikari-offline.zip"
    with tempfile.TemporaryDirectory(prefix="bdk-site-") as tmp:
        site = build(Path(tmp) / "berdikari", offline=True, strict=strict)
        from berdikari.web import etalase_offline  # the showcase's public pages, as they are now

        etalase_offline.add_to_site(site, etalase_offline.default_showcase())
        partial = archive.with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(site.rglob("*")):
                if f.is_file() and _archived(f.relative_to(site)):
                    z.write(f, Path("berdikari") / f.relative_to(site))
        partial.replace(archive)
    return archive


# --- the offline download on the served site -----------------------------------------------------


def _sources_fingerprint() -> str:
    """Changes whenever a file the offline site is built from changes (guides, checklists,
    MkDocs configuration, the hook and the page generator) and whenever the Etalase's public
    pages may have changed (an approval, a take-down, a revoked consent)."""
    s = settings()
    files = [s.root / "mkdocs.yml", config_file(offline=True), Path(__file__)]
    files.append(Path(__file__).with_name("site_pages.py"))
    files += sorted(p for p in s.guides_dir.rglob("*") if p.is_file())
    files += sorted(s.checklists_dir.glob("*.yaml"))
    from berdikari.web import etalase_offline

    files += sorted(Path(etalase_offline.__file__).parent.glob("templates/etalase/*"))

    showcase = etalase_offline.fingerprint(etalase_offline.default_showcase())
    digest = hashlib.sha256(showcase.encode())
    for f in files:
        st = f.stat()
        digest.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def cached_offline_archive() -> Path:
    """The offline zip for the current sources, built once and kept in the cache."""
    root = cache_dir() / "offline"
    fingerprint = _sources_fingerprint()
    archive = root / fingerprint / OFFLINE_ARCHIVE
    if archive.is_file():
        return archive
    root.mkdir(parents=True, exist_ok=True)
    # Two servers starting at once each build in a folder of their own; the last rename wins.
    with tempfile.TemporaryDirectory(prefix="building-", dir=root) as tmp:
        built = build_offline_archive(Path(tmp), strict=False)  # serving shows what builds
        archive.parent.mkdir(exist_ok=True)
        built.replace(archive)
    for old in root.iterdir():
        if old.is_dir() and re.fullmatch(r"[0-9a-f]{16}", old.name) and old.name != fingerprint:
            shutil.rmtree(old, ignore_errors=True)
    return archive


def serve_offline_archive(site_dir: Path, build: bool = True) -> Path | None:
    """Make the served site's offline download real, or take its offer off the pages.

    Returns the zip inside ``site_dir``, or None when there is none (then no page offers it).
    With ``build`` False (a site folder given to the server) nothing is built: a folder without
    the zip loses the offer.
    """
    site_dir = Path(site_dir)
    target = site_dir / OFFLINE_ARCHIVE
    if target.is_file():
        return target
    reason = "the site folder was given without it"
    if build:
        try:
            shutil.copyfile(cached_offline_archive(), target)
            return target
        except Exception as exc:  # noqa: BLE001  logged; the server still starts, without the offer
            reason = f"{type(exc).__name__}: {exc}"
    log.warning("No offline download on this server; its offer is removed. %s", reason)
    remove_offline_offer(site_dir)
    return None


def remove_offline_offer(site_dir: Path) -> list[Path]:
    """Remove the offer of the offline download (section, table-of-contents entry, search entry)
    from every page of a built site. Returns the pages changed."""
    site_dir = Path(site_dir)
    changed: list[Path] = []
    gone: set[str] = set()  # search locations of the removed sections
    for page in sorted(site_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if OFFER_START not in text:
            continue
        anchors = {a for m in _OFFER.finditer(text) for a in read_page(m[0]).heading_ids()}
        text = _OFFER.sub("", text)
        # the table-of-contents entries that link to the removed headings, cut out whole
        cuts = [
            e
            for e in read_page(text).elements
            if e.tag == "li"
            and "md-nav__item" in e.classes
            and e.first_link in {f"#{a}" for a in anchors}
            and e.end > e.start
        ]
        for e in sorted(cuts, key=lambda e: e.start, reverse=True):
            end = e.end
            while end < len(text) and text[end].isspace():
                end += 1
            text = text[: e.start] + text[end:]
        url = page.relative_to(site_dir).as_posix().removesuffix("index.html")
        gone.update(f"{url}#{anchor}" for anchor in anchors)
        page.write_text(text, encoding="utf-8")
        changed.append(page)
    index = site_dir / "search" / "search_index.json"
    if gone and index.is_file():
        data = json.loads(index.read_text(encoding="utf-8"))
        data["docs"] = [d for d in data.get("docs", []) if d.get("location") not in gone]
        index.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return changed


# --- verify: every output holds exactly the items of the source ----------------------------------


def _built_page(site_dir: Path, src_uri: str) -> Path:
    """The HTML file MkDocs writes for ``src_uri`` (directory URLs or, offline, .html files)."""
    stem = src_uri.removesuffix(".md")
    candidates = [site_dir / f"{stem}.html", site_dir / stem / "index.html"]
    if stem == "index" or stem.endswith("/index"):
        candidates.insert(0, site_dir / f"{stem}.html")
    return next((p for p in candidates if p.is_file()), candidates[-1])


def _links_to_item(href: str, ci) -> bool:
    """True when ``href`` leads to the item's anchor on its checklist page (any language)."""
    parts = urlsplit(href)
    path = parts.path.removesuffix("/").removesuffix(".html")
    return parts.fragment == item_anchor(ci.item.id) and path.rsplit("/", 1)[-1] == ci.checklist.id


def verify_site(site_dir: Path, checklists: dict[str, cl.Checklist]) -> list[str]:
    """Problems in a built site: an item missing from its checklist page (either language), a
    guide target missing, or a missing back-link under it. Empty when the site matches."""
    site_dir = Path(site_dir)
    problems: list[str] = []
    for c in checklists.values():
        for lang in LANGS:
            path = _built_page(site_dir, checklist_page(c.id, lang))
            if not path.is_file():
                problems.append(f"{c.ref}: no {lang} page at {path}")
                continue
            built = read_page(path.read_text(encoding="utf-8"))
            if c.ref not in built.text:
                problems.append(f"{c.ref}: {path} does not name the version {c.ref}")
            for item in c.items:
                if item_anchor(item.id) not in built.ids or not built.has_text(item.id):
                    problems.append(f"{c.ref}:{item.id}: missing from {path}")
    for page, anchors in backlink_targets(checklists).items():
        path = _built_page(site_dir, page)
        if not path.is_file():
            problems.append(f"guide page {page} was not built ({path})")
            continue
        built = read_page(path.read_text(encoding="utf-8"))
        for anchor, cis in anchors.items():
            region = built.links if anchor is None else built.links_after.get(anchor)
            if region is None:
                ids = ", ".join(ci.item.id for ci in cis)
                problems.append(f"{page}#{anchor}: no such anchor (guide of {ids})")
                continue
            for ci in cis:
                if not any(_links_to_item(href, ci) for href in region):
                    problems.append(
                        f"{page}#{anchor}: no back-link to {ci.checklist.ref}:{ci.item.id}"
                    )
    return problems
