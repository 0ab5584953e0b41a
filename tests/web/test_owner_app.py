"""The owner web app's handlers and templates on a real tornado server (no browser, no kernel).

A fresh SQLite store with two owners and a facilitator. Proven here: pages render in Indonesian
with every user text escaped and no item ID; the save endpoint answers only after the commit,
refuses what does not fit (N/A where the item forbids it, unknown items, bad notes) and someone
else's assessment; POSTs need the XSRF token; anonymous scoring and PDFs store nothing; the
answers file is checked strictly; after *Kirim* the page is read-only with the status, and after
a facilitator's verification it shows the verified level, each correction with its reason and
the action plan; the old Voila address redirects here; assets are cached for a year.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from tornado import web
from tornado.testing import AsyncHTTPTestCase

from berdikari import scoring
from berdikari.checklists import load
from berdikari.store import open_store
from berdikari.store.auth import sign_in_staff, system_identity
from berdikari.store.service import Service
from berdikari.web import limits, owner_app, sessions
from berdikari.web.owner_files import AnswersFileError, read_answers_file
from tests.apps.staff_seed import cheap_hashing  # noqa: F401  fast Argon2 while testing

CPPOB = "cppob-irtp"
ITEM_ID = re.compile(r"\b[A-Z][A-Z0-9]*(-[A-Z0-9]+)*-\d{2}\.\d{2}\b")
NAME = "Keripik <b>Maju</b>"


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    monkeypatch.setattr(limits, "_limiters", {})


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (tags, attributes, scripts and styles removed)."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


class Case(AsyncHTTPTestCase):
    @pytest.fixture(autouse=True)
    def _store(self, tmp_path):
        self._tmp = tmp_path
        self.store = open_store(f"sqlite:///{tmp_path / 'owner.db'}")
        adm = Service(self.store, system_identity("test"))
        self.umkm, self.pin = adm.add_umkm(
            name=NAME, owner_name="Ibu Sari", regency="Kota Palangka Raya",
            categories=["pangan-olahan"],
        )  # fmt: skip
        self.other, self.other_pin = adm.add_umkm(
            name="Jamu Lain", owner_name="Pak Budi", regency="Kota Palangka Raya",
            categories=["obat-tradisional"],
        )  # fmt: skip
        org = adm.add_organisation("Universitas Palangka Raya", "perguruan-tinggi")
        rina = adm.add_staff(
            "rina",
            "Rina <i>Wati</i>",
            "facilitator",
            "sandi-staf-2026",
            org,
            phone="0812-3456-7890",
        )
        adm.assign(self.umkm.id, rina if isinstance(rina, int) else rina.id)
        yield
        self.store.close()

    def get_app(self):
        return web.Application(
            owner_app.handlers("/"),
            base_url="/",
            cookie_secret="x" * 32,
            **{sessions.STORE_SETTING: _Lazy(self)},
        )

    # --- helpers ------------------------------------------------------------------------------
    cookies: dict

    def req(self, path, method="GET", body=None, headers=None, **kw):
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        r = self.fetch(
            path, method=method, body=body, headers=h, follow_redirects=False, raise_error=False,
            **kw,
        )  # fmt: skip
        for line in r.headers.get_list("Set-Cookie"):
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in line and "expires=Thu, 01 Jan 1970" not in line:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return r

    def setUp(self):
        super().setUp()
        self.cookies = {}

    def xsrf(self) -> str:
        r = self.req("/penilaian/masuk")
        return re.search(r'name="_xsrf" value="([^"]+)"', r.body.decode()).group(1)

    def form(self, path, fields):
        return self.req(
            path, "POST", urlencode({"_xsrf": self.xsrf(), **fields}),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip

    def api(self, path, data, xsrf=True):
        headers = {"Content-Type": "application/json"}
        if xsrf:
            headers["X-XSRFToken"] = self.xsrf()
        return self.req(path, "POST", json.dumps(data), headers)

    def sign_in(self, code=None, pin=None, remember="1"):
        r = self.form(
            "/penilaian/masuk",
            {"code": code or self.umkm.code, "pin": pin or self.pin, "remember": remember},
        )
        return r

    def checklist_page(self):
        r = self.req(f"/penilaian/daftar/{CPPOB}")
        assert r.code == 200
        body = r.body.decode()
        m = re.search(r'data-assessment="(\d+)"', body)
        return body, int(m.group(1)) if m else None

    def owner_service(self):
        from berdikari.store.auth import sign_in_owner

        return Service(self.store, sign_in_owner(self.store, self.umkm.code, self.pin))

    # --- pages --------------------------------------------------------------------------------
    def test_pages_render_in_indonesian_with_the_contract_classes(self):
        welcome = self.req("/penilaian/").body.decode()
        for cls in ("bdk-start-anon", "bdk-start-signin", "bdk-saved-indicator"):
            assert cls in welcome
        assert "Mulai tanpa akun" in welcome and 'lang="id"' in welcome
        signin = self.req("/penilaian/masuk").body.decode()
        for cls in ("bdk-code", "bdk-pin", "bdk-signin", "bdk-stay-choice"):
            assert cls in signin
        assert re.search(r'name="remember" value="1" checked', signin)  # ticked by default
        start = self.req("/penilaian/mulai?kategori=pangan-olahan").body.decode()
        assert f"bdk-checklist-{CPPOB}" in start and "bdk-route-at-home" in start
        page, _ = self.checklist_page()
        c = load(CPPOB)
        assert page.count('class="bdk-question') == len(c.items)
        assert page.count("<legend>") >= len(c.items)
        assert ITEM_ID.search(visible_text(page)) is None
        assert "/referensi/daftar-periksa/cppob-irtp/" in page
        for i in c.items:  # N/A offered exactly where the item allows it
            block = page.split(f'data-item="{i.id}"', 1)[1].split("</fieldset>", 1)[0]
            assert ('value="na"' in block) == i.na_allowed, i.id

    def test_assets_have_hashed_names_and_are_kept_a_year(self):
        page = self.req("/penilaian/").body.decode()
        js = re.search(r'src="(/penilaian/static/owner\.[0-9a-f]{10}\.js)"', page).group(1)
        css = re.search(r'href="(/penilaian/static/owner\.[0-9a-f]{10}\.css)"', page).group(1)
        for path in (js, css):
            r = self.req(path)
            assert r.code == 200
            assert "immutable" in r.headers["Cache-Control"]
        assert self.req("/penilaian/static/owner.0000000000.js").code == 404
        assert self.req("/penilaian/").headers["Cache-Control"] == "no-store"

    def test_old_voila_address_redirects_here(self):
        r = self.req("/voila/render/penilaian-mandiri.ipynb")
        assert r.code == 301 and r.headers["Location"] == "/penilaian/"

    # --- sign-in --------------------------------------------------------------------------------
    def test_sign_in_errors_are_plain_and_the_name_is_escaped(self):
        r = self.sign_in(pin="12")
        assert r.code == 400 and "6 angka" in r.body.decode()
        r = self.sign_in(pin="000000" if self.pin != "000000" else "111111")
        assert r.code == 400 and "Kode UMKM atau PIN tidak cocok." in r.body.decode()
        assert sessions.OWNER_COOKIE not in self.cookies
        r = self.sign_in()
        assert r.code == 303 and r.headers["Location"] == "/penilaian/mulai"
        page = self.req("/penilaian/mulai").body.decode()
        assert "Keripik &lt;b&gt;Maju&lt;/b&gt;" in page and NAME not in page

    def test_a_forged_cookie_is_nobody(self):
        self.cookies[sessions.OWNER_COOKIE] = "forged-token-123"
        page = self.req("/penilaian/")
        assert page.code == 200 and "bdk-start-signin" in page.body.decode()
        assert "Maju" not in self.req("/penilaian/mulai").body.decode()
        assert 'data-mode="anon"' in self.checklist_page()[0]

    def test_posts_need_the_xsrf_token(self):
        r = self.req(
            "/penilaian/masuk", "POST", urlencode({"code": self.umkm.code, "pin": self.pin}),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        assert r.code == 403 and sessions.OWNER_COOKIE not in self.cookies
        assert "Traceback" not in r.body.decode() and "kedaluwarsa" in r.body.decode()
        assert self.api("/penilaian/api/nilai", {"checklist": CPPOB}, xsrf=False).code == 403

    def test_sign_out_is_a_post_and_ends_the_session(self):
        self.sign_in()
        token = self.cookies[sessions.OWNER_COOKIE]
        assert self.req("/penilaian/keluar").code == 405
        r = self.form("/penilaian/keluar", {})
        assert r.code == 303 and r.headers["Location"] == "/penilaian/"
        self.cookies[sessions.OWNER_COOKIE] = token  # a copied cookie after sign-out
        assert self.req("/penilaian/").code == 200  # the welcome page, not the owner's start

    # --- saving ---------------------------------------------------------------------------------
    def test_save_answers_after_commit_and_refuse_what_does_not_fit(self):
        self.sign_in()
        _, aid = self.checklist_page()
        c = load(CPPOB)
        no_na = next(i for i in c.items if not i.na_allowed)
        a, b = c.items[0], c.items[1]
        r = self.api(
            "/penilaian/api/jawab",
            {
                "assessment": aid,
                "answers": {
                    a.id: {"v": "no", "n": "dapur <baru>"},
                    b.id: {"v": "yes"},
                    no_na.id if no_na.id not in (a.id, b.id) else c.items[2].id: {"v": "na"},
                    "NOPE-01.01": {"v": "yes"},
                    c.items[3].id: {"v": "maybe"},
                    c.items[4].id: {"v": "yes", "n": "\ud800"},
                },
            },
        )
        assert r.code == 200, r.body
        data = json.loads(r.body)
        assert data["saved"] == {a.id: "no", b.id: "yes"}
        assert len(data["refused"]) == 4
        assert all(ITEM_ID.search(v) is None for v in data["refused"].values())
        stored = self.owner_service().assessment(aid).answers
        assert {k: v.value for k, v in stored.items()} == {a.id: "no", b.id: "yes"}
        assert stored[a.id].note == "dapur <baru>"
        page, _ = self.checklist_page()  # restored from the server, shown as saved, escaped
        assert "dapur &lt;baru&gt;" in page
        assert page.count('data-state="saved"') == 2

    def test_save_refuses_signed_out_others_and_sent_assessments(self):
        c = load(CPPOB)
        self.sign_in()
        _, aid = self.checklist_page()
        one = {c.items[0].id: {"v": "yes"}}
        self.cookies.pop(sessions.OWNER_COOKIE)
        r = self.api("/penilaian/api/jawab", {"assessment": aid, "answers": one})
        assert r.code == 401
        self.sign_in(self.other.code, self.other_pin)
        r = self.api("/penilaian/api/jawab", {"assessment": aid, "answers": one})
        assert r.code == 403
        self.cookies.clear()
        self.sign_in()
        svc = self.owner_service()
        svc.save_answers(aid, {i.id: ("yes", None) for i in c.items})
        svc.submit_assessment(aid)
        r = self.api("/penilaian/api/jawab", {"assessment": aid, "answers": one})
        assert r.code == 409 and json.loads(r.body)["error"] == "not-a-draft"
        assert self.api("/penilaian/api/jawab", {"assessment": "x"}).code == 400
        bad = self.req(
            "/penilaian/api/jawab", "POST", b"{nope",
            {"Content-Type": "application/json", "X-XSRFToken": self.xsrf()},
        )  # fmt: skip
        assert bad.code == 400 and "Traceback" not in bad.body.decode()

    # --- anonymous ------------------------------------------------------------------------------
    def test_anonymous_score_and_pdf_store_nothing(self):
        c = load(CPPOB)
        answers = {i.id: ("yes" if n % 3 else "no") for n, i in enumerate(c.items)}
        expected = scoring.score(c, answers)
        r = self.api(
            "/penilaian/api/nilai",
            {"checklist": CPPOB, "answers": answers, "query": "kategori=pangan-olahan"},
        )
        html = r.body.decode()
        assert r.code == 200
        assert f'data-level="{expected.level}"' in html
        assert html.count("<li><strong>[") + html.count("<li>Pertanyaan") >= len(expected.gaps)
        assert ITEM_ID.search(visible_text(html)) is None
        # the level and the first thing to do come before any number
        assert html.index("bdk-first-step") < html.index("bdk-readiness")
        r = self.form(
            "/penilaian/pdf",
            {"checklist": CPPOB, "answers": json.dumps(answers), "query": "kategori=pangan-olahan"},
        )
        assert r.code == 200 and r.body.startswith(b"%PDF")
        assert "attachment" in r.headers["Content-Disposition"]
        assert Service(self.store, system_identity()).assessments(self.umkm.id) == []

    def test_without_javascript_the_form_gives_the_result(self):
        c = load(CPPOB)
        answers = {i.id: ("yes" if n % 4 else "no") for n, i in enumerate(c.items)}
        fields = {f"a-{k.lower()}": v for k, v in answers.items()}
        r = self.form(f"/penilaian/daftar/{CPPOB}/hasil", {**fields, "kategori": "pangan-olahan"})
        assert r.code == 200
        assert f'data-level="{scoring.score(c, answers).level}"' in r.body.decode()
        assert Service(self.store, system_identity()).assessments(self.umkm.id) == []
        # signed in, the same form saves every answer
        self.sign_in()
        _, aid = self.checklist_page()
        fields["assessment"] = str(aid)
        assert self.form(f"/penilaian/daftar/{CPPOB}/hasil", fields).code == 200
        stored = self.owner_service().assessment(aid).answers
        assert {k: v.value for k, v in stored.items()} == answers

    def test_all_not_applicable_is_not_eligible(self):
        c = load(CPPOB)
        answers = {i.id: "na" for i in c.items}
        html = self.api("/penilaian/api/nilai", {"checklist": CPPOB, "answers": answers}).body
        assert b'data-eligible="true"' not in html
        assert b"Kesiapan: 100%" not in html

    # --- after Kirim, after verification ------------------------------------------------------
    def test_sent_then_verified_the_owner_sees_how_it_ended(self):
        c = load(CPPOB)
        self.sign_in()
        _, aid = self.checklist_page()
        answers = {i.id: "yes" for i in c.items}
        self.owner_service().save_answers(aid, {k: (v, None) for k, v in answers.items()})
        r = self.form("/penilaian/kirim", {"assessment": str(aid)})
        assert r.code == 303 and r.headers["Location"] == f"/penilaian/daftar/{CPPOB}#status"
        page, _ = self.checklist_page()
        text = visible_text(page)
        assert 'data-readonly="1"' in page
        assert "Dikirim ke pendamping Anda pada" in text
        assert "Rina &lt;i&gt;Wati&lt;/i&gt;" in page  # escaped
        assert 'href="tel:0812-3456-7890"'.replace("-", "") in page.replace("-", "")
        assert 'type="radio"' not in page  # read only
        assert "Mulai penilaian baru" in text
        # the facilitator verifies: two corrections, one with a reason, and an action
        rina = Service(self.store, sign_in_staff(self.store, "rina", "sandi-staf-2026"))
        fixed, other = c.items[2], c.items[5]
        rina.verify_assessment(
            aid,
            {fixed.id: ("no", "Tempat sampah <terbuka>"), other.id: "partial"},
            note="Bagus, lanjutkan.",
        )
        rina.add_action(
            self.umkm.id, "Beli tempat sampah bertutup", date.today() + timedelta(7), fixed.id
        )
        page, _ = self.checklist_page()
        text = visible_text(page)
        verified = scoring.score(c, {**answers, fixed.id: "no", other.id: "partial"})
        assert "Diperiksa oleh pendamping Anda" in text
        assert f'data-level="{verified.level}"' in page
        assert page.count('class="bdk-correction"') == 2
        assert "Tempat sampah &lt;terbuka&gt;" in page
        nums = {i.id: n for n, i in enumerate(c.items, 1)}
        assert f"Pertanyaan {nums[fixed.id]}: {fixed.requirement.id}" in text
        assert "Bagus, lanjutkan." in text
        assert "Beli tempat sampah bertutup" in text and f"Pertanyaan {nums[fixed.id]}" in text
        assert ITEM_ID.search(text) is None
        pdf_id = re.search(r'href="/penilaian/pdf/(\d+)"', page).group(1)
        pdf = self.req(f"/penilaian/pdf/{pdf_id}")
        assert pdf.code == 200 and pdf.body.startswith(b"%PDF")
        # a new round: an editable draft again
        r = self.form("/penilaian/baru", {"checklist": CPPOB})
        assert r.code == 303
        page, new_aid = self.checklist_page()
        assert new_aid != aid and 'type="radio"' in page

    def test_an_owner_on_the_old_version_continues_with_new_and_changed_marks(self):
        """Issue 14: halal-self-declare went from 1.0 to 2.0 (two items renumbered)."""
        import os
        from pathlib import Path

        from tests.store.test_version_carry_over import _version_1_0

        halal = "halal-self-declare"
        self.sign_in()
        old_dir = _version_1_0(Path(self._tmp))
        real = os.environ.get("BERDIKARI_CHECKLISTS_DIR")
        os.environ["BERDIKARI_CHECKLISTS_DIR"] = str(old_dir)
        try:
            owner = self.owner_service()
            a = owner.start_or_resume_assessment(self.umkm.id, halal)
            ids = [i.id for i in load(halal).items]
            owner.save_answers(a.id, {i: ("yes", None) for i in ids})
            owner.save_answer(a.id, "HALAL-SD-02.02", "partial", "minyak belum berlogo")
        finally:
            if real is None:
                os.environ.pop("BERDIKARI_CHECKLISTS_DIR")
            else:
                os.environ["BERDIKARI_CHECKLISTS_DIR"] = real
        r = self.req(f"/penilaian/daftar/{halal}")
        page = r.body.decode()
        assert r.code == 200
        assert page.count('class="bdk-mark bdk-mark-changed"') == 2
        assert "Daftar ini sudah diperbarui" in page
        # an unchanged answer and its note came along; the changed questions are open
        c = load(halal)
        assert 'name="a-halal-sd-02.02" value="partial" checked' in page
        assert "minyak belum berlogo" in page
        assert 'name="a-halal-sd-01.05" value="yes" checked' not in page
        assert len(c.items) == len(ids)

    def test_other_owners_pdf_is_not_given(self):
        self.sign_in()
        _, aid = self.checklist_page()
        self.cookies.clear()
        self.sign_in(self.other.code, self.other_pin)
        assert self.req(f"/penilaian/pdf/{aid}").code == 404

    # --- the answers file -----------------------------------------------------------------------
    def test_upload_opens_the_checklist_with_the_answers_and_stores_nothing(self):
        c = load(CPPOB)
        raw = json.dumps(
            {"checklist": CPPOB, "version": c.version, "answers": {c.items[0].id: "no"}}
        )
        boundary = "xyz"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="_xsrf"\r\n\r\n{self.xsrf()}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="berkas"; filename="a.json"\r\n'
            f"Content-Type: application/json\r\n\r\n{raw}\r\n--{boundary}--\r\n"
        )
        r = self.req(
            "/penilaian/berkas", "POST", body.encode(),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip
        page = r.body.decode()
        assert r.code == 200 and 'data-imported="1"' in page
        key = c.items[0].id.lower()
        assert f'name="a-{key}" value="no" checked' in page
        assert Service(self.store, system_identity()).assessments(self.umkm.id) == []


class _Lazy:
    """The test's store, looked up when the handler asks (the app is built before the fixture)."""

    def __init__(self, case):
        self.case = case

    def __getattr__(self, name):
        return getattr(self.case.store, name)


def test_answers_file_is_checked_strictly():
    c = load(CPPOB)
    good = {"checklist": CPPOB, "version": c.version, "answers": {c.items[0].id: "yes"},
            "notes": {c.items[0].id: "<catatan>"}}  # fmt: skip
    got, answers, notes = read_answers_file(json.dumps(good).encode())
    assert got.id == CPPOB and answers == good["answers"] and notes == good["notes"]
    cases = {
        b"": "kosong",
        b"not json": "bukan berkas jawaban",
        b"\xff\xfe": "bukan berkas jawaban",
        b"[" * 100_000: "terlalu besar",
        b"[" * 5000 + b"]" * 5000: "bukan berkas jawaban",
        json.dumps({"checklist": "nope", "answers": {}}).encode(): "tidak dikenal",
        json.dumps({**good, "answers": {c.items[0].id: "maybe"}}).encode(): "tidak cocok",
        json.dumps({**good, "answers": {"x": {"deep": {"deeper": 1}}}}).encode(): "bukan berkas",
        b'{"checklist": "cppob-irtp", "answers": {"a": "\\ud800"}}': "tidak bisa dibaca",
        json.dumps({**good, "version": "0.1"}).encode(): "versi lama",
    }
    for raw, words in cases.items():
        with pytest.raises(AnswersFileError) as exc:
            read_answers_file(raw)
        assert words in str(exc.value), raw[:40]
        assert ITEM_ID.search(str(exc.value)) is None
    no_na = next(i for i in c.items if not i.na_allowed)
    with pytest.raises(AnswersFileError, match="Pertanyaan"):
        read_answers_file(json.dumps({**good, "answers": {no_na.id: "na"}}).encode())
