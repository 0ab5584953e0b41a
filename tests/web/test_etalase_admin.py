"""The Etalase's owner and staff pages on a real tornado server (no browser, no kernel): the
owner agrees and chooses, the facilitator records the permit, the manager approves, takes down
and records a hand-over event whose PDFs print; text is escaped; POSTs need the XSRF token; each
role sees only its own pages; errors are one sentence, never a traceback."""

from __future__ import annotations

import io
import re
from datetime import date
from urllib.parse import urlencode
from uuid import uuid4

import pytest
from PIL import Image
from tornado import web
from tornado.testing import AsyncHTTPTestCase

from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from berdikari.store.showcase import PublicShowcase
from berdikari.web import etalase_admin, limits, owner_app, sessions, staff_signin
from tests.apps.staff_seed import cheap_hashing  # noqa: F401  fast Argon2 while testing

NAME = "Amplang <script>alert(1)</script>"


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    monkeypatch.setattr(limits, "_limiters", {})


class _Lazy:
    def __init__(self, case):
        self.case = case

    def __getattr__(self, name):
        return getattr(self.case.store, name)


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 200, 90)).save(buf, "PNG")
    return buf.getvalue()


def multipart(fields: dict, files: dict) -> tuple[str, bytes]:
    boundary = uuid4().hex
    out = b""
    for k, v in fields.items():
        for one in v if isinstance(v, list) else [v]:
            out += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{one}\r\n'
            ).encode()
    for k, (name, data) in files.items():
        out += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\n'
                "Content-Type: image/png\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", out


class Case(AsyncHTTPTestCase):
    @pytest.fixture(autouse=True)
    def _store(self, tmp_path):
        self.store = open_store(f"sqlite:///{tmp_path / 'etalase.db'}")
        adm = Service(self.store, system_identity("test"))
        self.umkm, self.pin = adm.add_umkm(NAME, "Ibu Sari", "Palangka Raya", ["pangan-olahan"])
        self.product = adm.add_product(self.umkm.id, NAME, "pangan-olahan")
        org = adm.add_organisation("BBPOM Uji", "bbpom")
        rina = adm.add_staff("rina", "Rina", "facilitator", "sandi-staf-2026", org)
        adm.add_staff("mira", "Mira", "manager", "sandi-staf-2027", org)
        adm.assign(self.umkm.id, rina if isinstance(rina, int) else rina.id)
        self.admin = adm
        yield
        self.store.close()

    def get_app(self):
        return web.Application(
            staff_signin.handlers("/") + owner_app.handlers("/") + etalase_admin.handlers("/"),
            base_url="/",
            cookie_secret="x" * 32,
            **{sessions.STORE_SETTING: _Lazy(self)},
        )

    def setUp(self):
        super().setUp()
        self.cookies = {}

    def req(self, path, method="GET", body=None, headers=None):
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        r = self.fetch(
            path, method=method, body=body, headers=h, follow_redirects=False, raise_error=False
        )
        for line in r.headers.get_list("Set-Cookie"):
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in line and "expires=Thu, 01 Jan 1970" not in line:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return r

    def xsrf(self, path="/penilaian/masuk") -> str:
        r = self.req(path)
        return re.search(r'name="_xsrf" value="([^"]+)"', r.body.decode()).group(1)

    def form(self, path, fields, xsrf_from="/penilaian/masuk"):
        return self.req(
            path,
            "POST",
            urlencode({"_xsrf": self.xsrf(xsrf_from), **fields}, doseq=True),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def owner_in(self):
        self.cookies = {}
        r = self.form("/penilaian/masuk", {"code": self.umkm.code, "pin": self.pin})
        assert r.code == 303

    def staff_in(self, username, password):
        self.cookies = {}
        r = self.form(
            "/masuk/staf", {"username": username, "password": password}, xsrf_from="/masuk/staf"
        )
        assert r.code == 303, r.body

    def owner_agrees(self, **extra):
        fields = {
            "_xsrf": self.xsrf("/penilaian/etalase"),
            "product_id": str(self.product.id),
            "description": "Renyah <b>gurih</b>",
            "show_photo": "1",
            "do": "agree",
            **extra,
        }
        ctype, body = multipart(fields, {"photo": ("foto.png", png())})
        return self.req("/penilaian/etalase", "POST", body, {"Content-Type": ctype})

    def public(self):
        return PublicShowcase(self.store).products().items

    def test_the_whole_flow_through_the_pages(self):
        assert self.req("/penilaian/etalase").code == 303  # not signed in: the sign-in page
        self.owner_in()
        page = self.req("/penilaian/etalase").body.decode()
        assert "Produk Anda di Etalase" in page and "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        r = self.owner_agrees(show_permits="p-irt")
        assert r.code == 200 and "Tersimpan." in r.body.decode()
        assert self.public() == ()
        # the facilitator records the permit number
        self.staff_in("rina", "sandi-staf-2026")
        staff_page = self.req("/etalase-kelola/").body.decode()
        assert "Catat nomor izin" in staff_page and "bdk-approve" not in staff_page
        r = self.form(
            "/etalase-kelola/aksi",
            {
                "do": "permit",
                "product": f"{self.umkm.id}:{self.product.id}",
                "kind": "p-irt",
                "number": "2016271010001-31",
                "achieved_on": date.today().isoformat(),
            },
            xsrf_from="/etalase-kelola/",
        )
        assert r.code == 303
        # the manager approves
        self.staff_in("mira", "sandi-staf-2027")
        queue = Service(self.store, system_identity("t")).showcase_queue()
        listing_id = queue[0].listing_id
        r = self.form(
            "/etalase-kelola/aksi",
            {"do": "approve", "listing_id": str(listing_id)},
            xsrf_from="/etalase-kelola/",
        )
        assert r.code == 303
        [shown] = self.public()
        assert [(p.kind, p.number) for p in shown.permits] == [("p-irt", "2016271010001-31")]
        page = self.req("/etalase-kelola/").body.decode()
        assert 'class="bdk-shown">1<' in page and 'class="bdk-with-permit">1<' in page
        # a hand-over event and its papers
        self.form(
            "/etalase-kelola/aksi",
            {"do": "event", "title": "Penyerahan <i>izin</i>", "held_on": "2026-12-01",
             "place": "Aula"},
            xsrf_from="/etalase-kelola/",
        )  # fmt: skip
        [event] = Service(self.store, system_identity("t")).handover_events()
        r = self.form(
            "/etalase-kelola/aksi",
            {"do": "entry", "event_id": str(event.id), "umkm_id": str(self.umkm.id),
             "kind": "award", "award": "umkm-berprestasi", "milestone": "0:0"},
            xsrf_from="/etalase-kelola/",
        )  # fmt: skip
        assert r.code == 303
        for which in ("mc", "sertifikat"):
            pdf = self.req(f"/etalase-kelola/acara/{event.id}/{which}.pdf")
            assert pdf.code == 200 and pdf.body.startswith(b"%PDF-")
        assert self.public()[0].awards[0].term.key == "umkm-berprestasi"
        # the owner stops showing it: gone at once
        self.owner_in()
        r = self.form(
            "/penilaian/etalase",
            {"do": "revoke", "product_id": str(self.product.id)},
            xsrf_from="/penilaian/etalase",
        )
        assert r.code == 200 and self.public() == ()

    def test_a_bad_value_is_one_sentence_and_nothing_is_saved(self):
        self.owner_in()
        r = self.owner_agrees(show_whatsapp="1", order_whatsapp="bukan nomor")
        body = r.body.decode()
        assert r.code == 400 and "ini bukan nomor telepon" in body and "Traceback" not in body
        assert Service(self.store, system_identity("t")).showcase_queue() == []

    def test_posts_need_the_xsrf_token_and_the_right_role(self):
        self.owner_in()
        r = self.req(
            "/penilaian/etalase",
            "POST",
            urlencode({"product_id": self.product.id, "do": "agree"}),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert r.code == 403
        self.owner_agrees()
        self.staff_in("rina", "sandi-staf-2026")
        listing_id = Service(self.store, system_identity("t")).showcase_queue()[0].listing_id
        r = self.form(
            "/etalase-kelola/aksi",
            {"do": "approve", "listing_id": str(listing_id)},
            xsrf_from="/etalase-kelola/",
        )
        assert r.code == 400 and "Akun Anda tidak boleh" in r.body.decode()
        assert self.public() == ()
        self.cookies = {}
        assert self.req("/etalase-kelola/").code == 303

    def test_the_facilitator_agrees_for_the_owner_only_with_the_owner_there(self):
        self.staff_in("rina", "sandi-staf-2026")
        fields = {"do": "consent", "product": f"{self.umkm.id}:{self.product.id}",
                  "description": "Renyah"}  # fmt: skip
        r = self.form("/etalase-kelola/aksi", fields, xsrf_from="/etalase-kelola/")
        assert r.code == 400 and "Pemilik harus setuju secara langsung" in r.body.decode()
        assert Service(self.store, system_identity("t")).showcase_queue() == []
        fields["owner_present"] = "1"
        r = self.form("/etalase-kelola/aksi", fields, xsrf_from="/etalase-kelola/")
        assert r.code == 303
        [page] = Service(self.store, system_identity("t")).showcase_queue()
        assert page.consent_by_role == "facilitator" and page.owner_present
