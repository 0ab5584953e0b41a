"""The home page's offer of the offline download either works on the served site or is absent.

Issue 11, item 8: ``/berdikari-offline.zip`` answered 404 while the home page offered it. These
tests serve the prepared site with the server's own static handler. No network: the npm shim is
either absent (no npm) or put into the test's cache first.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import zipfile

import pytest
from tornado import httpclient, httpserver, testing, web

from berdikari import site
from berdikari.web import server

PAGES = {"/": "#unduh", "/en/": "#download"}


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """The real (online) site, built once for this module."""
    return site.build(tmp_path_factory.mktemp("built") / "site", strict=False)


async def _get(site_dir, paths):
    app = web.Application(
        [(r"/(.*)", server.SiteHandler, {"path": str(site_dir), "default_filename": "index.html"})]
    )
    sock, port = testing.bind_unused_port()
    http = httpserver.HTTPServer(app)
    http.add_sockets([sock])
    client = httpclient.AsyncHTTPClient()
    try:
        out = {}
        for path in paths:
            out[path] = await client.fetch(f"http://127.0.0.1:{port}{path}", raise_error=False)
        return out
    finally:
        http.stop()


def serve(site_dir, *paths):
    return asyncio.run(_get(site_dir, paths))


@pytest.fixture
def isolated(tmp_path, monkeypatch, built_site):
    """A cache of the test's own, and a build_site that copies the module's real build."""
    monkeypatch.setattr(site, "cache_dir", lambda: tmp_path / "cache")

    def build_site(dest):
        shutil.copytree(built_site, dest, dirs_exist_ok=True)
        return None

    monkeypatch.setattr(server, "build_site", build_site)
    return tmp_path


def test_the_built_home_pages_mark_their_offer(built_site):
    for path, anchor in PAGES.items():
        page = (built_site / path.strip("/") / "index.html").read_text(encoding="utf-8")
        assert site.OFFER_START in page and site.OFFER_END in page, path
        assert f'href="/{site.OFFLINE_ARCHIVE}"' in page and f'href="{anchor}"' in page, path


def test_without_npm_the_served_home_page_does_not_offer_the_download(isolated, monkeypatch):
    monkeypatch.setattr(site.shutil, "which", lambda name: None)  # no npm, no shim in the cache
    served = server.prepare_site(server.ServeOptions(site_dir=isolated / "site"))
    responses = serve(served, *PAGES, f"/{site.OFFLINE_ARCHIVE}")
    assert responses[f"/{site.OFFLINE_ARCHIVE}"].code == 404
    for path, anchor in PAGES.items():
        assert responses[path].code == 200, path
        page = responses[path].body.decode()
        assert site.OFFLINE_ARCHIVE not in page and f'href="{anchor}"' not in page, path
        assert f'id="{anchor[1:]}"' not in page, path
        assert "md-content" in page, "the rest of the page stays"
    index = (served / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"#unduh"' not in index and '"en/#download"' not in index
    assert '"#pendampingan"' in index  # other sections stay searchable


def test_with_the_shim_cached_the_served_offer_is_a_zip_that_opens(isolated):
    shim = isolated / "cache" / site.IFRAME_WORKER.replace("@", "-") / "shim.js"
    shim.parent.mkdir(parents=True)
    shim.write_text("/* iframe-worker shim (test copy) */ self.postMessage", encoding="utf-8")
    served = server.prepare_site(server.ServeOptions(site_dir=isolated / "site"))
    responses = serve(served, "/", f"/{site.OFFLINE_ARCHIVE}")
    assert f'href="/{site.OFFLINE_ARCHIVE}"' in responses["/"].body.decode()
    download = responses[f"/{site.OFFLINE_ARCHIVE}"]
    assert download.code == 200
    assert download.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.body)) as z:
        home = z.read("berdikari/index.html").decode()
    assert "Sinyal lemah" not in home and site.OFFLINE_ARCHIVE not in home  # no offer offline
    # a second start reuses the zip built for these sources
    before = site.cached_offline_archive().stat().st_mtime_ns
    server.prepare_site(server.ServeOptions(site_dir=isolated / "site2"))
    assert site.cached_offline_archive().stat().st_mtime_ns == before


def test_a_given_site_folder_keeps_its_offer_only_with_its_zip(tmp_path, built_site):
    with_zip = shutil.copytree(built_site, tmp_path / "with")
    (with_zip / site.OFFLINE_ARCHIVE).write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    without = shutil.copytree(built_site, tmp_path / "without")
    for folder, offered in ((with_zip, True), (without, False)):
        served = server.prepare_site(server.ServeOptions(site_dir=folder, build_site=False))
        page = serve(served, "/")["/"].body.decode()
        assert (f'href="/{site.OFFLINE_ARCHIVE}"' in page) is offered, folder.name
