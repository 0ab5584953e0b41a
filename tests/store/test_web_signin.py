"""Sign-in, sessions and sign-out over real HTTP (a tornado app on loopback), on SQLite and
PostgreSQL: berdikari.web.sessions with berdikari.web.limits.

Different clients are told apart by ``X-Forwarded-For`` from a trusted proxy (127.0.0.1 here);
the limiter's clock is injected, so nothing here waits or measures time: the tests count
outcomes.
"""

from __future__ import annotations

import asyncio
import json
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from tornado import httpclient, web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from berdikari.store import sessions as ss
from berdikari.web import limits
from berdikari.web import sessions as ws


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class _Page(web.RequestHandler):
    def check_xsrf_cookie(self) -> None:  # the sign-in posts here are the test's own
        if self.request.path == "/keluar":
            super().check_xsrf_cookie()


class OwnerIn(_Page):
    async def post(self) -> None:
        try:
            who = await ws.sign_in_owner(
                self,
                self.get_body_argument("code", ""),
                self.get_body_argument("pin", ""),
                self.get_body_argument("remember", "") == "1",
            )
        except ws.AuthError as exc:
            self.set_status(401)
            self.finish({"key": exc.key, "message": exc.message})
            return
        self.finish({"umkm_id": who.umkm_id})


class StaffIn(_Page):
    async def post(self) -> None:
        try:
            who = await ws.sign_in_staff(
                self, self.get_body_argument("username", ""), self.get_body_argument("password", "")
            )
        except ws.AuthError as exc:
            self.set_status(401)
            self.finish({"key": exc.key, "message": exc.message})
            return
        self.finish({"user_id": who.user_id})


class Who(_Page):
    def get(self) -> None:
        owner, staff = ws.owner_identity(self), ws.staff_identity(self)
        self.finish(
            {
                "owner": owner.umkm_id if owner else None,
                "staff": staff.user_id if staff else None,
                "xsrf": self.xsrf_token.decode(),
            }
        )


class SignOut(_Page):
    """``POST /keluar``: what the owner and staff pages do, here without their templates."""

    def post(self) -> None:
        ws.sign_out(self)
        place = self.get_body_argument("next", "")
        self.redirect("/" + (place if place in ("penilaian/", "masuk/staf") else ""), status=303)

    def get(self) -> None:
        ws.sign_out(self)  # refuses: a GET never signs anyone out


class Browser:
    """A client with a cookie jar and an address (sent as X-Forwarded-For)."""

    def __init__(self, base: str, address: str, proto: str | None = None) -> None:
        self.base, self.address, self.proto = base, address, proto
        self.cookies: dict[str, str] = {}
        self.last_set: SimpleCookie = SimpleCookie()

    async def request(self, method: str, path: str, body: dict | None = None):
        headers = {"X-Forwarded-For": self.address}
        if self.proto:
            headers["X-Forwarded-Proto"] = self.proto
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = await httpclient.AsyncHTTPClient().fetch(
            self.base + path,
            method=method,
            headers=headers,
            body=urlencode(body or {}) if method == "POST" else None,
            follow_redirects=False,
            raise_error=False,
        )
        self.last_set = SimpleCookie()
        for header in response.headers.get_list("Set-Cookie"):
            self.last_set.load(header)
        for name, morsel in self.last_set.items():
            if not morsel.value or str(morsel["max-age"]) == "0":  # cleared
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
        return response

    async def owner(self, code: str, pin: str, remember: bool = False) -> dict:
        r = await self.request(
            "POST", "/owner", {"code": code, "pin": pin, "remember": "1" if remember else ""}
        )
        return json.loads(r.body)

    async def staff(self, username: str, password: str) -> dict:
        r = await self.request("POST", "/staff", {"username": username, "password": password})
        return json.loads(r.body)

    async def who(self) -> dict:
        return json.loads((await self.request("GET", "/who")).body)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    clock = FakeClock()
    monkeypatch.setenv("BERDIKARI_TRUSTED_PROXIES", "127.0.0.1")
    monkeypatch.setattr(
        limits,
        "_limiters",
        {k: limits.SignInLimiter(tries=3, minutes=15, clock=clock) for k in ("owner", "staff")},
    )
    return clock


def run(world, scenario, *stores):
    """Serve the test pages on a free loopback port and run ``scenario(base)`` against them;
    with more ``stores``, one server per store, and ``scenario(base, base2, ...)``."""

    async def main():
        servers, bases = [], []
        for store in (world.store, *stores):
            app = web.Application(
                [
                    (r"/owner", OwnerIn),
                    (r"/staff", StaffIn),
                    (r"/who", Who),
                    (r"/keluar", SignOut),
                ],
                **{ws.STORE_SETTING: store},
            )
            sockets = bind_sockets(0, "127.0.0.1")
            server = HTTPServer(app)
            server.add_sockets(sockets)
            servers.append(server)
            bases.append(f"http://127.0.0.1:{sockets[0].getsockname()[1]}")
        try:
            return await scenario(*bases)
        finally:
            for server in servers:
                server.stop()

    return asyncio.run(main())


def test_owner_signs_in_and_the_cookie_is_a_session(world, clock):
    async def scenario(base):
        phone = Browser(base, "10.0.0.1")
        assert (await phone.owner(world.u1.code.lower(), world.pin1, remember=True)) == {
            "umkm_id": world.u1.id
        }
        morsel = phone.last_set[ws.OWNER_COOKIE]
        assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/"
        assert int(morsel["max-age"]) == 30 * 24 * 3600
        assert not morsel["secure"]  # plain http here
        assert (await phone.who())["owner"] == world.u1.id

        laptop = Browser(base, "10.0.0.2")
        await laptop.owner(world.u1.code, world.pin1, remember=False)
        assert laptop.last_set[ws.OWNER_COOKIE]["max-age"] == ""  # ends with the browser
        assert (await laptop.who())["owner"] == world.u1.id

    run(world, scenario)


def test_a_signed_out_cookie_is_refused_and_a_get_signs_nobody_out(world, clock):
    async def scenario(base):
        phone = Browser(base, "10.0.0.1")
        await phone.owner(world.u1.code, world.pin1, remember=True)
        await phone.staff("fas.a", "sandi-uji-123")
        copied = dict(phone.cookies)
        xsrf = (await phone.who())["xsrf"]

        assert (await phone.request("GET", "/keluar")).code == 405
        nox = await phone.request("POST", "/keluar", {})
        assert nox.code == 403  # no XSRF token: a cross-site form cannot sign out
        who = await phone.who()
        assert who["owner"] == world.u1.id and who["staff"] == world.fac_a.id

        out = await phone.request("POST", "/keluar", {"_xsrf": xsrf, "next": "penilaian/"})
        assert out.code == 303 and out.headers["Location"] == "/penilaian/"
        assert ws.OWNER_COOKIE not in phone.cookies and ws.STAFF_COOKIE not in phone.cookies

        thief = Browser(base, "10.0.0.9")
        thief.cookies = copied
        who = await thief.who()
        assert who["owner"] is None and who["staff"] is None

    run(world, scenario)


def test_a_pin_reset_ends_the_owners_browser_sessions(world, clock):
    async def scenario(base):
        phone = Browser(base, "10.0.0.1")
        await phone.owner(world.u1.code, world.pin1, remember=True)
        assert (await phone.who())["owner"] == world.u1.id
        new_pin = world.fa.reset_owner_pin(world.u1.id)
        assert (await phone.who())["owner"] is None
        assert (await phone.owner(world.u1.code, new_pin))["umkm_id"] == world.u1.id

    run(world, scenario)


def test_staff_sign_in_and_disabled_account(world, clock):
    async def scenario(base):
        desk = Browser(base, "10.0.0.3")
        assert (await desk.staff(" FAS.A ", "sandi-uji-123")) == {"user_id": world.fac_a.id}
        assert desk.last_set[ws.STAFF_COOKIE]["max-age"] == ""
        assert (await desk.who())["staff"] == world.fac_a.id
        world.admin.set_staff_active(world.fac_a.id, False)
        assert (await desk.who())["staff"] is None

    run(world, scenario)


def test_no_token_in_clear_in_the_table(world, clock):
    async def scenario(base):
        phone = Browser(base, "10.0.0.1")
        await phone.owner(world.u1.code, world.pin1, remember=True)
        return phone.cookies[ws.OWNER_COOKIE]

    token = run(world, scenario)
    from sqlalchemy import select

    from berdikari.store.models import WebSession

    with world.store.read() as s:
        rows = [dict(r._mapping) for r in s.execute(select(WebSession.__table__))]
    assert len(rows) == 1 and token not in repr(rows)
    assert rows[0]["token_sha256"] == ss.token_digest(token)


# --- throttling (issue 12, item 4) ------------------------------------------------------------


def _more_owners(world, n: int) -> list[str]:
    """Enrol ``n`` more UMKM; return every real code (the world's two first)."""
    codes = [world.u1.code, world.u2.code]
    for i in range(n):
        view, _pin = world.admin.add_umkm(f"Usaha {i}", f"Pemilik {i}", "Kapuas", ["pangan-olahan"])
        codes.append(view.code)
    return codes


def _outcome(answer: dict) -> tuple:
    return (answer.get("key") or "ok", answer.get("message"))


def test_spraying_one_pin_from_one_client_is_throttled_and_others_still_sign_in(world, clock):
    codes = _more_owners(world, 8)

    async def scenario(base):
        sprayer = Browser(base, "203.0.113.66")
        keys = []
        for i in range(100):
            keys.append((await sprayer.owner(codes[i % len(codes)], "000000")).get("key"))
        # the real owner, from another phone, at the same moment
        owner = Browser(base, "198.51.100.7")
        assert (await owner.owner(world.u1.code, world.pin1))["umkm_id"] == world.u1.id
        return keys

    keys = run(world, scenario)
    assert keys.count("bad-credentials") == limits.CLIENT_FREE  # then the growing delay
    assert keys.count("throttled") == 100 - limits.CLIENT_FREE
    assert "locked" not in keys  # no account of a real owner is locked by the spray
    assert all(u.pin_locked_until is None for u in [world.admin.umkm(world.u1.id)])


def test_a_made_up_code_gets_the_same_answers_as_real_ones_under_spraying(world, clock):
    real = _more_owners(world, 8)
    made_up = [f"62{n:02d}-{9000 + n}" for n in range(len(real))]

    async def scenario(base):
        out = {}
        for name, codes in (("real", real), ("made_up", made_up)):
            clock.now += 24 * 3600  # a fresh start for each sprayer
            sprayer = Browser(base, f"203.0.113.{len(out) + 1}")
            answers = []
            for i in range(60):
                answers.append(_outcome(await sprayer.owner(codes[i % len(codes)], "000000")))
                if i % 7 == 0:
                    clock.now += 5  # sometimes it waits a little
            # two hours later (the delay forgotten), hammering one code locks it for this client
            clock.now += 2 * 3600
            for _ in range(4):
                answers.append(_outcome(await sprayer.owner(codes[0], "111111")))
            out[name] = answers
        return out

    out = run(world, scenario)
    assert out["real"] == out["made_up"]
    assert {k for k, _ in out["real"]} == {"bad-credentials", "throttled", "locked"}


def test_a_made_up_code_costs_the_same_secret_check_as_a_real_one(world, clock, monkeypatch):
    """Same timing class, counted rather than timed: one Argon2 verification per checked attempt
    (a real code or a made-up one), none for an attempt the limiter refuses."""
    from berdikari.store import auth

    calls = []

    class Counting:
        def __init__(self, inner) -> None:
            self.inner = inner

        def verify(self, hashed, secret):
            calls.append(hashed)
            return self.inner.verify(hashed, secret)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    monkeypatch.setattr(auth, "_hasher", Counting(auth._hasher))

    async def scenario(base):
        a, b = Browser(base, "203.0.113.1"), Browser(base, "203.0.113.2")
        counts = []
        for browser, code in ((a, world.u1.code), (b, "6201-9999")):
            before = len(calls)
            for _ in range(3):  # tries=3: the third locks this client out of this code
                await browser.owner(code, "000000")
            assert (await browser.owner(code, "000000"))["key"] == "locked"
            counts.append(len(calls) - before)
        return counts

    assert run(world, scenario) == [3, 3]


def test_an_account_locked_by_an_attacker_still_opens_for_its_owner(world, clock):
    async def scenario(base):
        attacker = Browser(base, "203.0.113.66")
        answers = [(await attacker.owner(world.u1.code, "000000"))["key"] for _ in range(3)]
        assert answers == ["bad-credentials", "bad-credentials", "locked"]
        # locked for this client, even with the right PIN
        assert (await attacker.owner(world.u1.code, world.pin1))["key"] == "locked"
        # the owner, from her own phone
        owner = Browser(base, "198.51.100.7")
        assert (await owner.owner(world.u1.code, world.pin1))["umkm_id"] == world.u1.id
        # staff: the same for a facilitator's username
        for _ in range(3):
            await attacker.staff("fas.a", "salah-sandi-0")
        assert (await attacker.staff("fas.a", "sandi-uji-123"))["key"] == "locked"
        desk = Browser(base, "198.51.100.8")
        assert (await desk.staff("fas.a", "sandi-uji-123"))["user_id"] == world.fac_a.id
        # and the lock ends: after the lockout minutes the attacker's client may try again
        clock.now += 15 * 60 + limits.CLIENT_MAX_DELAY
        assert (await attacker.owner(world.u1.code, "000000"))["key"] == "bad-credentials"

    run(world, scenario)
    assert world.admin.umkm(world.u1.id).pin_locked_until is None  # nothing account-wide


def test_many_addresses_lock_the_account_but_not_its_owners_own_phone(world, clock):
    """A botnet guessing one PIN: after 10 x tries failures (from at least 10 addresses) the
    account is locked for new clients, and a made-up code behaves the same; the phone the
    owner signed in from keeps working; the facilitator sees the lock."""
    tries = 3

    async def scenario(base):
        phone = Browser(base, "198.51.100.7")
        assert (await phone.owner(world.u1.code, world.pin1))["umkm_id"] == world.u1.id
        answers = {"real": [], "made_up": []}
        for n in range(limits.ACCOUNT_FACTOR + 1):
            for name, code in (("real", world.u1.code), ("made_up", "6201-9999")):
                bot = Browser(base, f"203.0.{n}.{1 if name == 'real' else 2}")
                for _ in range(tries):
                    answers[name].append(_outcome(await bot.owner(code, "000000")))
        assert answers["real"] == answers["made_up"]  # keys and messages
        assert [k for k, _ in answers["real"][-tries:]] == ["locked"] * tries
        newcomer = Browser(base, "198.51.100.99")
        assert (await newcomer.owner(world.u1.code, world.pin1))["key"] == "locked"
        # the database backstop, shared by every instance: the facilitator's card shows it
        assert world.fa.umkm(world.u1.id).pin_locked_until is not None
        # the owner's own phone passes it, and her sign-in lifts it
        assert (await phone.owner(world.u1.code, world.pin1))["umkm_id"] == world.u1.id
        assert world.fa.umkm(world.u1.id).pin_locked_until is None
        return answers

    run(world, scenario)


def test_a_remembered_cookie_is_renewed_by_visits(world, clock):
    """30 days from the last visit: the cookie is set again when the server's expiry moves."""
    from datetime import timedelta

    from sqlalchemy import update

    from berdikari.store.models import WebSession, utcnow

    def age_sessions(minutes: int) -> None:
        with world.store.write() as s:
            s.execute(update(WebSession).values(last_seen=utcnow() - timedelta(minutes=minutes)))

    async def scenario(base):
        phone, laptop = Browser(base, "10.0.0.1"), Browser(base, "10.0.0.2")
        await phone.owner(world.u1.code, world.pin1, remember=True)
        await laptop.owner(world.u1.code, world.pin1, remember=False)
        token = phone.cookies[ws.OWNER_COOKIE]
        await phone.who()
        assert ws.OWNER_COOKIE not in phone.last_set  # just signed in: nothing to renew
        age_sessions(10)
        assert (await phone.who())["owner"] == world.u1.id
        renewed = phone.last_set[ws.OWNER_COOKIE]
        assert renewed.value == token and int(renewed["max-age"]) == 30 * 24 * 3600
        assert renewed["httponly"] and renewed["samesite"] == "Lax"
        assert (await laptop.who())["owner"] == world.u1.id
        assert ws.OWNER_COOKIE not in laptop.last_set  # a browser-session cookie stays one

    run(world, scenario)


def test_sign_out_clears_the_cookies_even_when_the_store_fails(world, clock, monkeypatch):
    async def scenario(base):
        phone = Browser(base, "10.0.0.1")
        await phone.owner(world.u1.code, world.pin1, remember=True)
        xsrf = (await phone.who())["xsrf"]

        def broken(store, token):
            raise RuntimeError("database gone")

        monkeypatch.setattr(ss, "delete_session", broken)
        response = await phone.request("POST", "/keluar", {"_xsrf": xsrf})
        assert response.code == 500
        assert ws.OWNER_COOKIE not in phone.cookies  # the browser was told to forget it

    run(world, scenario)


def test_two_instances_on_one_database_share_sessions(world, clock, store_url):
    """Sign in on one server, be known on the other; sign out on the second, refused on the
    first at once (the cookie names the session; no server keeps it in memory)."""
    from berdikari.store import open_store

    second = open_store(store_url)

    async def scenario(base_a, base_b):
        phone = Browser(base_a, "10.0.0.1")
        await phone.owner(world.u1.code, world.pin1, remember=True)
        await phone.staff("manajer", "sandi-uji-789")
        phone.base = base_b
        who = await phone.who()
        assert (who["owner"], who["staff"]) == (world.u1.id, world.mgr.id)
        copied = dict(phone.cookies)
        out = await phone.request("POST", "/keluar", {"_xsrf": who["xsrf"]})
        assert out.code == 303
        thief = Browser(base_a, "10.0.0.9")
        thief.cookies = copied
        who = await thief.who()
        assert (who["owner"], who["staff"]) == (None, None)

    try:
        run(world, scenario, second)
    finally:
        second.close()


def test_cookies_are_secure_behind_an_https_proxy(world, clock):
    async def scenario(base):
        phone = Browser(base, "10.0.0.1", proto="https")
        await phone.owner(world.u1.code, world.pin1, remember=True)
        assert phone.last_set[ws.OWNER_COOKIE]["secure"]
        await phone.staff("fas.a", "sandi-uji-123")
        assert phone.last_set[ws.STAFF_COOKIE]["secure"]

    run(world, scenario)
