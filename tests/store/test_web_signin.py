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
    def post(self) -> None:
        try:
            who = ws.sign_in_owner(
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
    def post(self) -> None:
        try:
            who = ws.sign_in_staff(
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


class Browser:
    """A client with a cookie jar and an address (sent as X-Forwarded-For)."""

    def __init__(self, base: str, address: str) -> None:
        self.base, self.address = base, address
        self.cookies: dict[str, str] = {}
        self.last_set: SimpleCookie = SimpleCookie()

    async def request(self, method: str, path: str, body: dict | None = None):
        headers = {"X-Forwarded-For": self.address}
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


def run(world, scenario):
    """Serve the test pages on a free loopback port and run ``scenario(base)`` against them."""

    async def main():
        app = web.Application(
            [
                (r"/owner", OwnerIn),
                (r"/staff", StaffIn),
                (r"/who", Who),
                *ws.handlers("/"),
            ],
            **{ws.STORE_SETTING: world.store},
        )
        sockets = bind_sockets(0, "127.0.0.1")
        server = HTTPServer(app)
        server.add_sockets(sockets)
        try:
            return await scenario(f"http://127.0.0.1:{sockets[0].getsockname()[1]}")
        finally:
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
