"""The staff sign-in page and the gate in front of the staff apps, on a real tornado server.

A stand-in for Voila's render handler calls :func:`berdikari.web.staff_signin.gate` first and
writes ``KERNEL`` only when the gate let the request through: where a test sees no ``KERNEL``,
Voila would have started no kernel. The store is a fresh SQLite database with two staff accounts.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from tornado import web
from tornado.testing import AsyncHTTPTestCase

from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.errors import AuthError
from berdikari.store.service import Service
from berdikari.web import limits, sessions, staff_signin
from tests.apps.staff_seed import cheap_hashing  # noqa: F401  fast Argon2 while testing

PASSWORD = "sandi-staf-2026"
FAC = "/voila/render/pendamping.ipynb"
MAN = "/voila/render/program.ipynb"


class FakeRender(web.RequestHandler):
    """Voila's render handler as far as the gate is concerned."""

    def get(self, path):
        if staff_signin.gate(self, path):
            return
        self.write("KERNEL " + path)


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    """Each test starts with no failed sign-ins counted (the limiter lives in the process)."""
    monkeypatch.setattr(limits, "_limiters", {})


class Case(AsyncHTTPTestCase):
    store = None

    @pytest.fixture(autouse=True)
    def _store(self, tmp_path):
        self.store = open_store(f"sqlite:///{tmp_path / 'staff.db'}")
        adm = Service(self.store, system_identity("test"))
        org = adm.add_organisation("BBPOM di Palangka Raya", "bbpom")
        adm.add_staff("rina", "Rina <Wati>", "facilitator", PASSWORD, org)
        adm.add_staff("bayu", "Bayu", "manager", PASSWORD)
        yield
        self.store.close()

    def get_app(self):
        return web.Application(
            [*staff_signin.handlers("/"), (r"/voila/render/(.*)", FakeRender)],
            base_url="/",
            cookie_secret="x" * 32,
            **{sessions.STORE_SETTING: _Lazy(self)},
        )

    # --- helpers ---------------------------------------------------------------------------

    def get(self, path, cookies: dict | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
        return self.fetch(path, follow_redirects=False, raise_error=False, headers=headers)

    def form(self, path="/masuk/staf"):
        """The form's page, its cookies (``_xsrf``) and the token in the form."""
        r = self.get(path)
        assert r.code in (200, 403), r.code
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', r.body.decode()).group(1)
        return r, {"_xsrf": _cookie(r, "_xsrf")}, xsrf

    def post(self, fields: dict, cookies: dict, path="/masuk/staf"):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return self.fetch(
            path,
            method="POST",
            body=urlencode(fields),
            headers=headers,
            follow_redirects=False,
            raise_error=False,
        )

    def sign_in(self, username, password=PASSWORD, next_path=None):
        _, cookies, xsrf = self.form()
        fields = {"username": username, "password": password, "_xsrf": xsrf}
        if next_path is not None:
            fields["next"] = next_path
        r = self.post(fields, cookies)
        staff = _cookie(r, sessions.STAFF_COOKIE)
        if staff:
            cookies[sessions.STAFF_COOKIE] = staff
        return r, cookies

    # --- the gate --------------------------------------------------------------------------

    def test_an_anonymous_visit_of_a_staff_app_is_sent_to_sign_in_before_any_kernel(self):
        for app in (
            FAC,
            MAN,
            "/voila/render/./pendamping.ipynb",
            "/voila/render/x/../program.ipynb",
            "/voila/render//program.ipynb",
            "/voila/render/pendamping.ipynb/",
            "/voila/render/pendamping%2Eipynb",
        ):
            r = self.get(app)
            assert r.code == 303, app
            assert b"KERNEL" not in r.body
            loc = urlsplit(r.headers["Location"])
            assert loc.path == "/masuk/staf"
            assert parse_qs(loc.query)["next"][0] in (FAC, MAN)
        # other notebooks are not the gate's business
        assert self.get("/voila/render/lain.ipynb").body == b"KERNEL lain.ipynb"

    def test_a_forged_cookie_or_a_signed_out_one_opens_no_app(self):
        assert self.get(FAC, {sessions.STAFF_COOKIE: "forged-token-123"}).code == 303
        r, cookies = self.sign_in("rina")
        assert r.code == 303 and r.headers["Location"] == FAC
        assert self.get(FAC, cookies).body == b"KERNEL pendamping.ipynb"
        # signing out needs a POST with the XSRF token; then the very same cookie opens nothing
        assert self.post({}, cookies, "/masuk/staf/keluar").code == 403
        link = self.get("/masuk/staf/keluar", cookies)  # a cross-site GET ends nothing
        assert (link.code, link.headers["Location"]) == (303, "/masuk/staf")
        assert self.get(FAC, cookies).body == b"KERNEL pendamping.ipynb"
        out = self.post({"_xsrf": cookies["_xsrf"]}, cookies, "/masuk/staf/keluar")
        assert out.code == 303 and out.headers["Location"] == "/masuk/staf?keluar=1"
        r = self.get(FAC, cookies)  # a copied cookie, after the sign-out
        assert r.code == 303 and b"KERNEL" not in r.body
        assert "Anda sudah keluar" in self.get("/masuk/staf?keluar=1").body.decode()

    def test_the_wrong_role_is_told_which_app_is_theirs_and_gets_no_kernel(self):
        _, cookies = self.sign_in("rina")
        r = self.get(MAN, cookies)
        assert r.code == 403 and b"KERNEL" not in r.body
        page = r.body.decode()
        assert "untuk pengelola program" in page
        assert f'href="{FAC}"' in page  # a link to the facilitator app
        _, cookies = self.sign_in("bayu")
        r = self.get(FAC, cookies)
        assert r.code == 403 and "untuk pendamping" in r.body.decode()
        assert f'href="{MAN}"' in r.body.decode()
        assert self.get(MAN, cookies).body == b"KERNEL program.ipynb"

    # --- the page --------------------------------------------------------------------------

    def test_sign_in_goes_to_next_or_to_the_app_of_the_role(self):
        r, _ = self.sign_in("rina", next_path=FAC)
        assert (r.code, r.headers["Location"]) == (303, FAC)
        r, _ = self.sign_in("bayu")
        assert (r.code, r.headers["Location"]) == (303, MAN)
        r, _ = self.sign_in("rina", next_path=MAN)  # signed in, but not for that app
        assert r.code == 403 and "untuk pengelola program" in r.body.decode()

    def test_next_is_limited_to_the_two_staff_apps(self):
        for evil in (
            "https://evil.example/",
            "//evil.example/voila/render/pendamping.ipynb",
            "/voila/render/pendamping.ipynb/../../x",
            "/\\evil.example",
            "/",
            FAC + "?x=1",
        ):
            r, _ = self.sign_in("rina", next_path=evil)
            assert (r.code, r.headers["Location"]) == (303, FAC), evil
            page = self.get("/masuk/staf?" + urlencode({"next": evil})).body.decode()
            assert "evil" not in page and 'name="next"' not in page
        page = self.get("/masuk/staf?" + urlencode({"next": MAN})).body.decode()
        assert f'name="next" value="{MAN}"' in page

    def test_signed_in_with_the_right_role_get_of_the_page_goes_on(self):
        _, cookies = self.sign_in("rina")
        r = self.get("/masuk/staf?" + urlencode({"next": FAC}), cookies)
        assert (r.code, r.headers["Location"]) == (303, FAC)
        page = self.get("/masuk/staf", cookies).body.decode()
        # who is signed in (escaped), their app, and a sign-out button
        assert "Rina &lt;Wati&gt;" in page and "<Wati>" not in page
        assert "bdk-staff-signout" in page and f'href="{FAC}"' in page

    def test_refusals_are_one_sentence_that_does_not_tell_whether_the_user_exists(self):
        real, _ = self.sign_in("rina", "salah-sekali")
        made_up, _ = self.sign_in("tidak.ada", "salah-sekali")
        assert real.code == made_up.code == 400
        assert _error(real) == _error(made_up) == "Nama pengguna atau kata sandi salah."
        assert sessions.STAFF_COOKIE not in (real.headers.get("Set-Cookie") or "")
        # the username typed stays in the field, escaped; the password never comes back
        r, _ = self.sign_in('<b>"x', "salah-sekali")
        assert (
            'value="&lt;b&gt;&#34;x"' in r.body.decode() and "salah-sekali" not in r.body.decode()
        )

    def test_after_many_wrong_tries_a_real_and_a_made_up_username_read_the_same(self):
        from berdikari.config import settings

        answers = {}
        for username in ("rina", "tidak.ada"):
            seen = []
            for _ in range(settings().lockout_tries + 1):
                r, _ = self.sign_in(username, "salah-sekali")
                seen.append((r.code, _error(r)))
            answers[username] = seen
        assert answers["rina"] == answers["tidak.ada"]
        assert answers["rina"][-1] == (
            400,
            "Terlalu banyak percobaan yang salah. Tunggu beberapa menit, lalu coba lagi.",
        )
        # the right password is refused too while locked, with the same sentence
        r, cookies = self.sign_in("rina")
        assert _error(r) == answers["rina"][-1][1] and sessions.STAFF_COOKIE not in cookies

    def test_locked_and_throttled_have_their_own_sentence(self):
        sentences = {}
        for key in ("locked", "throttled"):

            def refuse(handler, username, password, key=key):
                raise AuthError(key, who="staff")

            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(sessions, "sign_in_staff", refuse)
                r, _ = self.sign_in("rina")
            sentences[key] = (r.code, _error(r))
        assert sentences["locked"] == (
            400,
            "Terlalu banyak percobaan yang salah. Tunggu beberapa menit, lalu coba lagi.",
        )
        assert sentences["throttled"][0] == 429
        assert sentences["throttled"][1].startswith("Terlalu banyak percobaan masuk")

    def test_a_post_without_the_xsrf_token_is_refused_with_the_form_again(self):
        r = self.post({"username": "rina", "password": PASSWORD}, {})
        assert r.code == 403 and sessions.STAFF_COOKIE not in (r.headers.get("Set-Cookie") or "")
        assert "terlalu lama terbuka" in _error(r) and 'name="username"' in r.body.decode()

    def test_the_page_is_indonesian_first_with_english_and_sends_no_script(self):
        r = self.get("/masuk/staf")
        page = r.body.decode()
        assert '<html lang="id">' in page and "Masuk untuk staf" in page
        assert "<script" not in page
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp
        # the one inline style is the one the policy names by its hash, byte for byte
        css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
        digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
        assert f"style-src 'sha256-{digest}'" in csp and '"Segoe UI"' in css
        assert r.headers["Cache-Control"] == "no-store"
        en = self.get("/masuk/staf?lang=en").body.decode()
        assert '<html lang="en">' in en and "Staff sign-in" in en


class _Lazy:
    """The test's store, read when a request asks (the store is made after get_app)."""

    def __init__(self, case):
        self.case = case

    def __getattr__(self, name):
        return getattr(self.case.store, name)


def _cookie(response, name: str) -> str | None:
    for header in response.headers.get_list("Set-Cookie"):
        key, _, rest = header.partition("=")
        if key == name:
            return rest.split(";", 1)[0].strip('"')
    return None


def _error(response) -> str:
    m = re.search(r'<p class="bdk-error" role="alert">([^<]*)</p>', response.body.decode())
    return m.group(1) if m else ""


def test_the_kernel_side_cookie_name_is_the_one_the_server_sets():
    from berdikari.apps import staff

    assert staff.STAFF_COOKIE == sessions.STAFF_COOKIE
    assert staff.SIGNIN_PATH == staff_signin.SIGNIN_PATH
    assert staff.SIGNOUT_PATH == staff_signin.SIGNOUT_PATH
    assert {v: k for k, v in staff.APPS.items()} == staff_signin.STAFF_APPS
