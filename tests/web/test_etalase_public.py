"""The Etalase's public pages on a real tornado server (no browser, no kernel).

Proven here: every route renders in Indonesian first (English with ``?lang=en``) with words, never
stored keys; each permit number says how to check it; XSS payloads in a product's name,
description and maker render as text on every page; unknown or malformed slugs, a photo asked
through another product's slug and a product taken down all answer 404 at once (even with its
photo in the cache); only GET is answered; each client is limited (429 with Retry-After); pages
carry no-cache with an ETag (304 when unchanged), photos are resized copies without the
camera's metadata, made once; the QR code decodes to the product's address; the leaflet is one
page. Run on the fake showcase (fast) and, where H7's store is there, on the real one.
"""

from __future__ import annotations

import html as html_lib
import io
import re
from datetime import UTC, datetime

import pytest
from PIL import Image
from tornado import web
from tornado.testing import AsyncHTTPTestCase

from berdikari.web import etalase, etalase_media, etalase_print, limits
from tests.web.etalase_fixtures import XSS, FakeShowcase, catalogue, photo_bytes, product


def photo(slug: str, width: int = 360, fmt: str = "webp", photo_id: int | None = None) -> str:
    """The address of a product's photo, as its page links it."""
    p = next(x for x in catalogue() if x.slug == slug)
    if photo_id is not None:
        p = product(slug, photo_id=photo_id)
    return f"/etalase/foto/{slug}/{etalase.photo_token(p)}-{width}.{fmt}"


SLUG = "madu-kelulut-sebangau"
KEYS = ("pangan-olahan", "obat-tradisional", "p-irt", "bpom-md", "bpom-tr", "madu-kelulut")


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (tags and attributes removed)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    monkeypatch.setattr(limits, "_request_limiters", {})
    monkeypatch.setattr(etalase_media, "_cache", etalase_media._Cache(etalase_media.CACHE_BYTES))


def gps_photo() -> bytes:
    """A camera photo carrying a GPS tag (the resized copy must not)."""
    im = Image.open(io.BytesIO(photo_bytes(1200, 900)))
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (2.0, 12.0, 0.0)}  # GPSInfo
    exif[0x0110] = "Camera X"  # Model
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    return out.getvalue()


class Case(AsyncHTTPTestCase):
    def make_showcase(self):
        return FakeShowcase(catalogue(), {7: gps_photo(), 9: photo_bytes(seed=2)})

    def get_app(self):
        self.showcase = self.make_showcase()
        return web.Application(etalase.handlers("/"), **{etalase.SHOWCASE_SETTING: self.showcase})

    def get(self, path, **kw):
        return self.fetch(path, raise_error=False, follow_redirects=False, **kw)

    def html(self, path) -> str:
        r = self.get(path)
        assert r.code == 200, (path, r.code)
        return r.body.decode()


class TestPages(Case):
    def test_product_page_in_indonesian_with_every_fact_and_how_to_check_it(self):
        text = visible_text(self.html(f"/etalase/produk/{SLUG}"))
        for expected in (
            "Madu Kelulut Sebangau",
            "Makanan atau minuman olahan",
            "Palangka Raya",
            "Produk khas daerah: Madu kelulut",
            "P-IRT : 2066271010123-30",
            "Dinas Kesehatan Palangka Raya",
            "BPOM MD : MD 123456789012",
            "Periksa nomor ini di situs resmi Badan POM: cekbpom.pom.go.id",
            "ID62110000123450625",
            "BPJPH",
            "UMKM berprestasi (2026)",
            "Kirim pesan WhatsApp",
            "Telepon 0812-3456-7890",
            "Kelulut Jaya",
            "Panduan Berdikari",
        ):
            assert expected in text, expected
        for key in KEYS:
            assert key not in text, key
        html = self.html(f"/etalase/produk/{SLUG}")
        assert 'href="https://wa.me/6281234567890"' in html
        assert 'href="https://cekbpom.pom.go.id/"' in html
        assert 'href="/"' in html  # back to the guide site

    def test_english_with_lang_en(self):
        text = visible_text(self.html(f"/etalase/produk/{SLUG}?lang=en"))
        assert "Permits and certificates" in text and "Izin dan sertifikat" not in text
        assert "Processed food or drink" in text
        assert "Kelulut (stingless bee) honey" in text
        listing = self.html("/etalase/?lang=en")
        assert f'href="/etalase/produk/{SLUG}?lang=en"' in listing

    def test_photo_has_alt_text_sizes_and_lazy_loading(self):
        html = self.html(f"/etalase/produk/{SLUG}")
        img = re.search(r"<img [^>]*alt=\"Foto Madu Kelulut Sebangau\"[^>]*>", html)
        assert img and 'loading="lazy"' in img[0]
        assert photo(SLUG) + " 360w" in html and photo(SLUG, 720) + " 720w" in html
        assert "/7-" not in html  # no row number in an address
        assert 'type="image/webp"' in html

    def test_without_photo_or_order_the_page_says_so(self):
        text = visible_text(self.html("/etalase/produk/kerupuk-haruan-kapuas"))
        assert "Pemilik belum membagikan cara memesan di sini." in text
        assert "<img" not in self.html("/etalase/produk/kerupuk-haruan-kapuas").split("<h2")[0]

    def test_list_browse_by_regency_type_speciality_and_search(self):
        def names(path):
            text = visible_text(self.html(path))
            return {n for n in ("Madu Kelulut", "Kerupuk Haruan", "Jamu Pasak") if n in text}

        assert names("/etalase/") == {"Madu Kelulut", "Kerupuk Haruan", "Jamu Pasak"}
        assert names("/etalase/?kabupaten=KPS") == {"Kerupuk Haruan"}
        assert names("/etalase/?jenis=obat-tradisional") == {"Jamu Pasak"}
        assert names("/etalase/?khas=madu-kelulut") == {"Madu Kelulut"}
        assert names("/etalase/?q=jamu+tambun") == {"Jamu Pasak"}
        assert "Tidak ada produk yang cocok" in self.html("/etalase/?q=tidak-ada-ini")
        listing = self.html("/etalase/")
        assert "Produk menurut kabupaten/kota" in listing
        assert 'href="/etalase/?kabupaten=GMS"' in listing

    def test_bad_filter_values_are_dropped_never_an_error(self):
        for query in ("jenis=racun", "hal=-3", "hal=abc", "hal=99999999", "q=" + "x" * 5000):
            r = self.get("/etalase/?" + query)
            assert r.code == 200, query
        assert "racun" not in self.html("/etalase/?jenis=racun")

    def test_paging(self):
        many = [product(f"produk-{i:02d}", product_name=f"Produk {i:02d}") for i in range(30)]
        self.showcase.items = many
        first = visible_text(self.html("/etalase/"))
        second = visible_text(self.html("/etalase/?hal=2"))
        assert "Produk 00" in first and "Produk 29" not in first
        assert "Produk 29" in second and "Produk 00" not in second
        assert "Halaman 1 dari 2" in first

    def test_the_address_without_its_slash_leads_to_the_list(self):
        r = self.get("/etalase")
        assert r.code == 301 and r.headers["Location"] == "/etalase/"

    def test_label_and_home_links(self):
        text = visible_text(self.html(f"/etalase/produk/{SLUG}/label"))
        assert "Pindai untuk melihat izin produk ini" in text
        assert f"/etalase/produk/{SLUG}" in text  # the address, for people without a camera


class TestSafety(Case):
    def test_xss_in_name_description_and_maker_renders_as_text_everywhere(self):
        self.showcase.items = [
            product("xss", product_name=XSS, description=XSS, umkm_name=XSS, order_phone=XSS)
        ]
        for path in ("/etalase/", "/etalase/produk/xss", "/etalase/produk/xss/label"):
            html = self.html(path)
            assert "<script>alert" not in html and "<img src=x" not in html, path
            assert "&lt;script&gt;" in html, path
        searched = self.html("/etalase/?q=" + "%3Cscript%3Ealert(1)%3C/script%3E")
        assert "<script>alert" not in searched and "&lt;script&gt;alert(1)" in searched
        rows = etalase_print.leaflet_rows(self.showcase.items, "id", lambda s: s)
        assert rows[0]["title"].startswith(XSS)  # a PDF draws text, it does not interpret it

    def test_unknown_and_malformed_slugs_404(self):
        for path in (
            "/etalase/produk/tidak-ada",
            "/etalase/produk/tidak-ada/label",
            "/etalase/qr/tidak-ada.svg",
            "/etalase/foto/tidak-ada/" + photo(SLUG).rsplit("/", 1)[1],
            "/etalase/produk/..%2F..%2Fetc",
            "/etalase/produk/MADU",
            "/etalase/produk/" + "a" * 200,
            photo(SLUG).replace("-360.", "-999."),
            f"/etalase/foto/{SLUG}/7-360.webp",  # the row number is no address
            photo(SLUG).replace(".webp", ".gif"),
            "/etalase/static/etalase.0000000000.css",
            "/etalase/admin",
        ):
            r = self.get(path)
            assert r.code == 404, path
            assert "tidak ditampilkan lagi" in r.body.decode(), path

    def test_a_photo_is_served_only_through_its_own_product(self):
        assert self.get(photo("jamu-pasak-bumi", fmt="jpg")).code == 200
        other = photo("jamu-pasak-bumi", fmt="jpg").rsplit("/", 1)[1]
        assert self.get(f"/etalase/foto/{SLUG}/{other}").code == 404
        assert self.get(photo("kerupuk-haruan-kapuas", photo_id=7)).code == 404

    def test_taken_down_product_disappears_at_once_with_its_photo_and_qr(self):
        paths = [
            f"/etalase/produk/{SLUG}",
            f"/etalase/produk/{SLUG}/label",
            f"/etalase/qr/{SLUG}.svg",
            photo(SLUG),
        ]
        for path in paths:
            assert self.get(path).code == 200, path  # the photo is now in the cache
        self.showcase.items = [p for p in self.showcase.items if p.slug != SLUG]
        for path in paths:
            assert self.get(path).code == 404, path
        assert "Madu Kelulut" not in self.html("/etalase/")

    def test_only_get_is_answered(self):
        for path in ("/etalase/", f"/etalase/produk/{SLUG}"):
            r = self.fetch(path, method="POST", body="x=1", raise_error=False)
            assert r.code == 405, path

    def test_headers(self):
        r = self.get(f"/etalase/produk/{SLUG}")
        assert r.headers["Cache-Control"] == "public, no-cache"
        assert "script-src" not in r.headers["Content-Security-Policy"]
        assert "default-src 'none'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        again = self.get(f"/etalase/produk/{SLUG}", headers={"If-None-Match": r.headers["Etag"]})
        assert again.code == 304
        css = re.search(r'href="(/etalase/static/etalase\.[0-9a-f]+\.css)"', r.body.decode())[1]
        assert "immutable" in self.get(css).headers["Cache-Control"]
        image = self.get(photo(SLUG))
        assert image.headers["Cache-Control"] == "public, max-age=86400"


class TestLimits(Case):
    def test_a_client_over_its_allowance_waits(self):
        limits._request_limiters["etalase"] = limits.RequestLimiter(per_minute=6, burst=3)
        codes = [self.get("/etalase/").code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = self.get(f"/etalase/produk/{SLUG}")
        assert r.code == 429 and int(r.headers["Retry-After"]) >= 1
        assert "Terlalu banyak permintaan" in r.body.decode()

    def test_a_leaflet_costs_more(self):
        limits._request_limiters["etalase"] = limits.RequestLimiter(per_minute=60, burst=12)
        assert self.get("/etalase/selebaran.pdf").code == 200
        assert self.get("/etalase/selebaran.pdf").code == 429  # 10 + 10 > 12
        assert self.get("/etalase/").code == 200


def test_request_limiter_refills_and_stays_bounded():
    now = [0.0]
    lim = limits.RequestLimiter(per_minute=60, burst=2, max_clients=3, clock=lambda: now[0])
    assert lim.allow("a") == 0 and lim.allow("a") == 0
    assert lim.allow("a") == pytest.approx(1.0)
    now[0] += 1.0
    assert lim.allow("a") == 0
    assert lim.allow("b") == 0  # another client is not slowed by "a"
    for c in ("c", "d", "e", "f"):
        lim.allow(c)
    assert len(lim._buckets) <= 3 + 1


class TestMedia(Case):
    def test_photos_are_resized_without_metadata_and_made_once(self):
        for width, fmt, kind in ((360, "webp", "WEBP"), (720, "jpg", "JPEG")):
            r = self.get(photo(SLUG, width, fmt))
            assert r.code == 200
            with Image.open(io.BytesIO(r.body)) as im:
                assert im.format == kind and im.width == width
                assert not im.getexif().get(0x8825) and not im.getexif().get(0x0110)
        loads = self.showcase.photo_loads
        self.get(photo(SLUG))
        assert self.showcase.photo_loads == loads  # from the cache
        assert len(self.get(photo(SLUG)).body) < 40_000

    def test_qr_code_decodes_to_the_products_address(self):
        import zxingcpp

        import berdikari.web.etalase as module

        class S:
            site_url = "https://berdikari.example.id/"

        original = module.settings
        module.settings = lambda: S()
        try:
            png = self.get(f"/etalase/qr/{SLUG}.png")
            svg = self.get(f"/etalase/qr/{SLUG}.svg")
        finally:
            module.settings = original
        with Image.open(io.BytesIO(png.body)) as im:
            found = [r.text for r in zxingcpp.read_barcodes(im)]
        assert found == [f"https://berdikari.example.id/etalase/produk/{SLUG}"]
        assert png.headers["Cache-Control"].startswith("public")
        assert svg.body.startswith(b"<svg") and svg.headers["Content-Type"] == "image/svg+xml"

    def test_qr_without_site_url_uses_the_visitors_address_and_stays_private(self):
        import zxingcpp

        r = self.get(f"/etalase/qr/{SLUG}.png")
        with Image.open(io.BytesIO(r.body)) as im:
            found = [x.text for x in zxingcpp.read_barcodes(im)]
        assert found == [f"http://127.0.0.1:{self.get_http_port()}/etalase/produk/{SLUG}"]
        assert r.headers["Cache-Control"].startswith("private")

    def test_memory_cache_is_bounded(self):
        cache = etalase_media._Cache(100)
        for i in range(10):
            cache.put((i,), b"x" * 30)
        assert cache.size <= 100 and cache.get((0,)) is None and cache.get((9,)) == b"x" * 30


class TestLeaflet(Case):
    def test_one_page_for_many_products_saying_how_many_more(self):
        self.showcase.items = [product(f"p-{i}", product_name=f"Produk {i}") for i in range(40)]
        r = self.get("/etalase/selebaran.pdf")
        assert r.code == 200 and r.headers["Content-Type"] == "application/pdf"
        assert len(re.findall(rb"/Type\s*/Page\b(?!s)", r.body)) == 1

    def test_rows_are_words(self):
        rows = etalase_print.leaflet_rows(catalogue(), "id", lambda s: "u/" + s)
        assert rows[0]["title"] == "Madu Kelulut Sebangau  [Madu kelulut]"
        assert "Makanan atau minuman olahan" in rows[0]["maker"]
        assert "Sertifikat halal ID62110000123450625" in rows[0]["numbers"]
        assert rows[0]["url"] == "u/madu-kelulut-sebangau"
        for row in rows:
            for key in KEYS:
                assert key not in row["title"] + row["maker"] + row["numbers"]

    def test_a_regency_leaflet_and_an_unknown_regency(self):
        assert self.get("/etalase/selebaran.pdf?kabupaten=KPS").code == 200
        assert self.get("/etalase/selebaran.pdf?kabupaten=XXX").code == 404


# --- the offline copy ---------------------------------------------------------------------------


def fake_site(root):
    (root / "en").mkdir(parents=True)
    (root / "index.html").write_text('<a href="/etalase/">Etalase</a>', encoding="utf-8")
    (root / "en" / "index.html").write_text('<a href="/etalase/?lang=en">Showcase</a>', "utf-8")
    return root


def test_offline_copy_holds_the_public_products_and_links_to_them(tmp_path):
    from berdikari.web import etalase_offline

    shown = FakeShowcase(catalogue(), {7: photo_bytes(), 9: photo_bytes(seed=2)})
    site = fake_site(tmp_path / "site")
    assert etalase_offline.add_to_site(site, shown) == 3
    page = (site / "etalase" / "produk" / f"{SLUG}.html").read_text("utf-8")
    assert "Madu Kelulut Sebangau" in page and "cekbpom.pom.go.id" in page
    assert f'src="../foto/{SLUG}-360.jpg"' in page
    assert (site / "etalase" / "foto" / f"{SLUG}-360.jpg").is_file()
    assert 'href="../etalase.css"' in page and 'href="../../index.html"' in page
    listing = (site / "etalase" / "index.html").read_text("utf-8")
    assert f'href="produk/{SLUG}.html"' in listing and "/etalase/" not in listing
    assert 'href="etalase/index.html"' in (site / "index.html").read_text("utf-8")
    assert 'href="../etalase/index.html"' in (site / "en" / "index.html").read_text("utf-8")


def test_the_next_offline_build_leaves_a_revoked_product_out(tmp_path, monkeypatch):
    import zipfile

    from berdikari import site as site_module
    from berdikari.web import etalase_offline

    shown = FakeShowcase(catalogue(), {7: photo_bytes()})

    def build(dest, offline=False, strict=True):
        return fake_site(dest)

    monkeypatch.setattr(site_module, "build", build)
    monkeypatch.setattr(etalase_offline, "default_showcase", lambda: shown)
    before = etalase_offline.fingerprint(shown)
    names = zipfile.ZipFile(site_module.build_offline_archive(tmp_path / "a")).namelist()
    assert f"berdikari/etalase/produk/{SLUG}.html" in names
    shown.items = [p for p in shown.items if p.slug != SLUG]  # consent revoked
    shown.items[0] = product("kerupuk-haruan-kapuas", updated_at=datetime(2026, 12, 1, tzinfo=UTC))
    assert etalase_offline.fingerprint(shown) != before  # the server's cached zip is rebuilt
    names = zipfile.ZipFile(site_module.build_offline_archive(tmp_path / "b")).namelist()
    assert f"berdikari/etalase/produk/{SLUG}.html" not in names
    assert f"berdikari/etalase/foto/{SLUG}-360.jpg" not in names
    assert "berdikari/etalase/produk/kerupuk-haruan-kapuas.html" in names


def test_offline_build_without_a_database_still_builds(tmp_path, monkeypatch):
    from berdikari.web import etalase_offline

    monkeypatch.setenv("BERDIKARI_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    assert etalase_offline.default_showcase() is None
    assert not (tmp_path / "none.db").exists()
    site = fake_site(tmp_path / "site")
    assert etalase_offline.add_to_site(site, None) == 0
    assert "Tidak ada produk yang cocok" in (site / "etalase" / "index.html").read_text("utf-8")


# --- on the real store: what an anonymous visitor can reach ----------------------------------


class TestRealStore(AsyncHTTPTestCase):
    """H7's PublicShowcase on a seeded SQLite store (tests/web/etalase_seed.py)."""

    def setUp(self):
        import tempfile

        from berdikari.store import open_store
        from tests.web.etalase_seed import seed

        self._tmp = tempfile.TemporaryDirectory(prefix="bdk-etalase-")
        self.store = open_store(f"sqlite:///{self._tmp.name}/etalase.db")
        self.seeded = seed(self.store)
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.store.close()
        self._tmp.cleanup()

    def get_app(self):
        from berdikari.web import sessions

        return web.Application(etalase.handlers("/"), **{sessions.STORE_SETTING: self.store})

    def get(self, path):
        return self.fetch(path, raise_error=False, follow_redirects=False)

    def every_public_answer(self) -> dict[str, bytes]:
        from berdikari.store.showcase import PublicShowcase

        slug = self.seeded["slug"]
        p = PublicShowcase(self.store).product(slug)
        paths = [
            "/etalase/",
            "/etalase/?lang=en",
            "/etalase/?kabupaten=PKY",
            "/etalase/?kabupaten=KPS",
            "/etalase/?jenis=pangan-olahan",
            "/etalase/?khas=madu-kelulut",
            "/etalase/?q=produk",
            "/etalase/?q=rahasia",
            f"/etalase/produk/{slug}",
            f"/etalase/produk/{slug}?lang=en",
            f"/etalase/produk/{slug}/label",
            f"/etalase/qr/{slug}.svg",
            f"/etalase/foto/{slug}/{etalase.photo_token(p)}-360.webp",
            f"/etalase/foto/{slug}/{etalase.photo_token(p)}-720.jpg",
            "/etalase/selebaran.pdf",
        ]
        out = {}
        for path in paths:
            r = self.get(path)
            assert r.code == 200, (path, r.code)
            out[path] = r.body
        return out

    def test_an_anonymous_visitor_reaches_only_what_the_owner_chose(self):
        from tests.web.etalase_seed import DESCRIPTION, PRODUCT, SECRETS

        u = self.seeded["umkm"]
        never = [*SECRETS.values(), self.seeded["pin"], u.code, "Pendamping Eta", "Manajer Eta"]
        never += ["2066271010999-30"]  # the permit of the product not put on the showcase
        for path, body in self.every_public_answer().items():
            text = body.decode("latin-1")
            for secret in never:
                assert secret not in text, (path, secret)
        page = visible_text(self.get(f"/etalase/produk/{self.seeded['slug']}").body.decode())
        assert PRODUCT in page and DESCRIPTION in page  # as text: the tags are escaped
        assert "2066271010123-30" in page and "Kirim pesan WhatsApp" in page
        assert "Telepon" not in page  # the phone was not agreed
        rows = etalase_print.leaflet_rows(
            __import__("berdikari.store.showcase", fromlist=["x"])
            .PublicShowcase(self.store)
            .all_products(),
            "id",
            lambda s: s,
        )
        assert [r["title"].split("  [")[0] for r in rows] == [PRODUCT]
        for secret in never:
            assert secret not in str(rows)

    def test_taken_down_leaves_at_once(self):
        slug = self.seeded["slug"]
        assert self.get(f"/etalase/produk/{slug}").code == 200
        self.seeded["manager"].take_down_listing(self.seeded["listing"].listing_id, "uji")
        assert self.get(f"/etalase/produk/{slug}").code == 404

    def test_revoked_consent_leaves_at_once(self):
        slug = self.seeded["slug"]
        assert self.get(f"/etalase/produk/{slug}").code == 200
        self.seeded["owner"].revoke_showcase_consent(
            self.seeded["umkm"].id, self.seeded["honey"].id
        )
        for path in (f"/etalase/produk/{slug}", f"/etalase/qr/{slug}.svg"):
            assert self.get(path).code == 404, path
        assert b"Madu Kelulut" not in self.get("/etalase/").body
