"""The Etalase in the offline copy of the site (``berdikari-offline.zip``).

:func:`add_to_site` writes the showcase's public products, as they are at build time, into a
built site's ``etalase/`` folder: a list (``index.html``, products by regency), one page per
product (``produk/<slug>.html``), each photo once at 360 px (JPEG), and the style; the home
pages' links to ``/etalase/`` are pointed at that folder, so they work from ``file://``. A
product whose consent was revoked or that was taken down is not in the showcase, so the next
build leaves it out; :func:`fingerprint` changes with every such change, so the server's cached
zip is rebuilt (:func:`berdikari.site.cached_offline_archive`).

The pages come from the same templates and the same :func:`berdikari.web.etalase.product_view`
as the served ones, in Indonesian. This module must never read the database except through
:class:`berdikari.store.showcase.PublicShowcase`, and never write outside the site folder.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from berdikari.web import etalase, etalase_media
from berdikari.web.render import render

log = logging.getLogger("berdikari.web.etalase_offline")

LINK = re.compile(r'href="/etalase/(?:\?lang=en)?"')
MAX_PRODUCTS = 2000
"""At most this many products go into the zip (it travels by phone)."""


def default_showcase():
    """The public showcase of the configured database, or None when there is none to read (a
    build without a database still builds; it just has no products)."""
    try:
        from berdikari.config import settings
        from berdikari.store.db import current_revision, head_revision, open_store
        from berdikari.store.showcase import PublicShowcase

        url = settings().database_url
        if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).is_file():
            return None  # no database yet: nothing to show, and none is created here
        store = open_store(url, migrate=False)
        if current_revision(store.engine) != head_revision():
            return None  # the server migrates at start; a build never changes the schema
        return PublicShowcase(store)
    except Exception as exc:  # noqa: BLE001  the guides build without the showcase
        log.warning("The offline copy has no showcase: %s: %s", type(exc).__name__, exc)
        return None


def fingerprint(showcase) -> str:
    """Changes when a public page may have changed (and every day: awards appear on their day)."""
    from datetime import date

    if showcase is None:
        return "none"
    try:
        changed = showcase.changed_at()
    except Exception as exc:  # noqa: BLE001
        log.warning("Could not read the showcase's last change: %s", exc)
        return "none"
    return f"{changed.isoformat() if changed else 'empty'}/{date.today().isoformat()}"


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def add_to_site(site_dir: Path, showcase, lang: str = "id") -> int:
    """Write the showcase into ``site_dir/etalase/`` and link the home pages to it; returns the
    number of products written (0 without a showcase: the folder then says none are shown)."""
    site_dir = Path(site_dir)
    out = site_dir / "etalase"
    products = tuple(showcase.all_products())[:MAX_PRODUCTS] if showcase is not None else ()
    tx = etalase.texts(lang)
    _write(out / "etalase.css", etalase.asset()[1])

    top = etalase.Links("", "../index.html", lang, offline=True)
    inner = etalase.Links("../", "../../index.html", lang, offline=True)
    views = []
    for p in products:
        if p.photo_id is not None:
            width = etalase_media.WIDTHS[0]

            def load(photo_id=p.photo_id):
                found = showcase.photo(photo_id)
                return found.content if found is not None else None

            try:
                data = etalase_media.resized(p.photo_id, width, "jpg", load)
            except (ValueError, OSError):
                data = None
            if data is not None:
                _write(out / "foto" / f"{p.slug}-{width}.jpg", data)
            else:
                p = _without_photo(p)
        _write(
            out / "produk" / f"{p.slug}.html",
            render(
                "etalase/product.html",
                lang,
                tx=tx,
                links=inner,
                p=etalase.product_view(p, lang, inner),
            ),
        )
        views.append(etalase.product_view(p, lang, top))

    regencies: dict[str, int] = {}
    for p in products:
        regencies[p.regency] = regencies.get(p.regency, 0) + 1
    _write(
        out / "index.html",
        render(
            "etalase/list.html",
            lang,
            tx=tx,
            links=top,
            chosen=etalase.Filters(),
            options={"regency": [], "category": [], "speciality": []},
            items=views,
            total=len(views),
            page=1,
            pages=1,
            previous="",
            next="",
            regencies=[],
            filtered=False,
            leaflet="",
        ),
    )
    _point_links(site_dir)
    return len(products)


def _without_photo(p):
    from dataclasses import replace

    return replace(p, photo_id=None)


def _point_links(site_dir: Path) -> None:
    """``/etalase/`` links (absolute on the server) become relative paths to the folder."""
    target = site_dir / "etalase" / "index.html"
    for page in site_dir.rglob("*.html"):
        if page.is_relative_to(site_dir / "etalase"):
            continue
        text = page.read_text(encoding="utf-8")
        if "/etalase/" not in text:
            continue
        rel = os.path.relpath(target, page.parent).replace(os.sep, "/")
        new = LINK.sub(f'href="{rel}"', text)
        if new != text:
            page.write_text(new, encoding="utf-8")
