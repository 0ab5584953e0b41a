"""The "stay signed in" endpoints on a real Tornado server: /masuk/sesi sets the cookie, /keluar
forgets it; XSRF, bad grants and https are handled."""

from __future__ import annotations

import asyncio
import json
import time
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from tornado import web
from tornado.testing import AsyncHTTPTestCase, gen_test

from berdikari import owner_sessions
from berdikari.owner_session_web import handlers

APP_PATH = "/voila/render/penilaian-mandiri.ipynb"
XSRF = "2|00000000|0123456789abcdef0123456789abcdef|1700000000"


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("BERDIKARI_SECRET_KEY", "test-key-" + "z" * 40)


def _grant(umkm_id: int = 7, fingerprint: str = "fp", seconds: int = 120) -> str:
    return owner_sessions.make_token(umkm_id, fingerprint, "grant", seconds)


def _set_cookie(response, name: str) -> SimpleCookie | None:
    for header in response.headers.get_list("Set-Cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            return jar
    return None


class OwnerSessionWebTest(AsyncHTTPTestCase):
    def get_app(self):
        # Voila's settings have no xsrf_cookies: the handler checks XSRF on its own.
        return web.Application(handlers("/", "penilaian-mandiri.ipynb"))

    def post_grant(self, grant: str, xsrf: str | None = XSRF, cookie_xsrf: str | None = XSRF, **h):
        headers = {"Content-Type": "application/x-www-form-urlencoded", **h}
        if xsrf is not None:
            headers["X-XSRFToken"] = xsrf
        if cookie_xsrf is not None:
            headers["Cookie"] = f"_xsrf={cookie_xsrf}"
        return self.fetch(
            "/masuk/sesi", method="POST", body=urlencode({"grant": grant}), headers=headers
        )

    def test_a_valid_grant_sets_an_httponly_lax_cookie_for_the_owner_app_only(self):
        response = self.post_grant(_grant())
        assert response.code == 204
        assert response.headers["Cache-Control"] == "no-store"
        jar = _set_cookie(response, owner_sessions.COOKIE_NAME)
        assert jar is not None
        morsel = jar[owner_sessions.COOKIE_NAME]
        assert morsel["httponly"] is True
        assert morsel["samesite"] == "Lax"
        assert morsel["path"] == APP_PATH
        assert not morsel["secure"]  # plain http here
        assert int(morsel["max-age"]) == owner_sessions.SESSION_SECONDS
        claims = owner_sessions.read_token(morsel.value, "session")
        assert claims is not None and claims["u"] == 7 and claims["f"] == "fp"
        assert claims["e"] >= time.time() + owner_sessions.SESSION_SECONDS - 60

    def test_behind_an_https_proxy_the_cookie_is_secure(self):
        response = self.post_grant(_grant(), **{"X-Forwarded-Proto": "https"})
        assert response.code == 204
        morsel = _set_cookie(response, owner_sessions.COOKIE_NAME)[owner_sessions.COOKIE_NAME]
        assert morsel["secure"] is True

    def test_without_a_matching_xsrf_token_nothing_is_set(self):
        for xsrf, cookie in ((None, XSRF), (XSRF, None), (XSRF.replace("0123", "9999"), XSRF)):
            response = self.post_grant(_grant(), xsrf=xsrf, cookie_xsrf=cookie)
            assert response.code == 403, (xsrf, cookie)
            assert _set_cookie(response, owner_sessions.COOKIE_NAME) is None

    def test_bad_expired_or_wrong_purpose_grants_are_refused(self):
        session = owner_sessions.make_token(7, "fp", "session", 3600)
        expired = owner_sessions.make_token(7, "fp", "grant", 120, now=time.time() - 600)
        for grant in ("", "nonsense", session, expired, _grant() + "x"):
            response = self.post_grant(grant)
            assert response.code == 400, grant
            assert _set_cookie(response, owner_sessions.COOKIE_NAME) is None
            assert owner_sessions.COOKIE_NAME not in response.body.decode()

    def test_get_does_not_set_the_cookie(self):
        response = self.fetch(f"/masuk/sesi?grant={_grant()}")
        assert response.code == 405
        assert _set_cookie(response, owner_sessions.COOKIE_NAME) is None

    def test_sign_out_forgets_the_cookie_and_goes_back_to_the_app(self):
        for method in ("GET", "POST"):
            response = self.fetch(
                "/keluar",
                method=method,
                body=b"" if method == "POST" else None,
                follow_redirects=False,
                headers={"Cookie": f"{owner_sessions.COOKIE_NAME}=whatever"},
            )
            assert response.code == 303, method
            assert response.headers["Location"] == APP_PATH
            morsel = _set_cookie(response, owner_sessions.COOKIE_NAME)[owner_sessions.COOKIE_NAME]
            assert morsel.value == "" and morsel["path"] == APP_PATH
            assert parsedate_to_datetime(morsel["expires"]).timestamp() < time.time()


def test_routes_follow_the_base_url():
    routes = handlers("/prefix", "penilaian-mandiri.ipynb")
    assert [r[0] for r in routes] == ["/prefix/masuk/sesi", "/prefix/keluar"]
    assert routes[0][2]["app_path"] == "/prefix" + APP_PATH


def test_the_server_passes_cookies_to_kernels_and_routes_both_endpoints(tmp_path):
    from berdikari import server
    from berdikari.owner_session_web import GrantHandler, SignOutHandler

    config = server.voila_config(server.ServeOptions(preheat=False), tmp_path)
    assert config.VoilaConfiguration.http_header_envs == ["Cookie"]
    voila = server.make_app_class()(config=config)
    voila.initialize([])
    voila.init_settings()
    voila.app = web.Application()
    voila.app.settings.update(voila.tornado_settings)
    voila.voila_configuration.preheat_kernel = True  # routes as served (no kernel starts here)
    routes = voila.init_handlers()
    found = {h[1]: (i, h[0], h[2] if len(h) > 2 else None) for i, h in enumerate(routes)}
    site = next(i for i, h in enumerate(routes) if h[1] is server.SiteHandler)
    for cls, path in ((GrantHandler, "/masuk/sesi"), (SignOutHandler, "/keluar")):
        index, pattern, options = found[cls]
        assert pattern == path and index < site  # before the site's catch-all
        assert options["app_path"] == APP_PATH
    from voila.request_info_handler import RequestInfoSocketHandler

    from berdikari.owner_session_web import OneShotRequestInfoHandler

    assert OneShotRequestInfoHandler in found and RequestInfoSocketHandler not in found


class RequestInfoOnceTest(AsyncHTTPTestCase):
    """Request info (with the visitor's cookies) that waited for a kernel is sent once only."""

    def get_app(self):
        from berdikari.owner_session_web import OneShotRequestInfoHandler

        return web.Application([(r"/voila/query/(.*)", OneShotRequestInfoHandler)])

    @gen_test
    async def test_cached_request_info_is_sent_once_then_forgotten(self):
        from tornado.websocket import websocket_connect
        from voila.request_info_handler import RequestInfoSocketHandler

        payload = {"HTTP_COOKIE": "bdk_owner=secret.token"}
        RequestInfoSocketHandler.send_updates({"kernel_id": "k-once", "payload": payload})
        assert "k-once" in RequestInfoSocketHandler._cache  # no kernel connected yet
        url = f"ws://127.0.0.1:{self.get_http_port()}/voila/query/k-once"
        first = await websocket_connect(url)
        assert json.loads(await first.read_message()) == payload
        assert "k-once" not in RequestInfoSocketHandler._cache
        first.close()
        second = await websocket_connect(url)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(second.read_message(), timeout=0.5)
        second.close()
