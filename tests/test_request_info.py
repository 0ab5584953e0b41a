"""The retired grant endpoints stay gone (no /masuk/sesi), the light pages come before Voila's
(the old owner app's address reaches its redirect), and Voila's request info (the visitor's
cookies) reaches a kernel once only."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from tornado import web
from tornado.testing import AsyncHTTPTestCase, gen_test


def test_the_grant_endpoints_are_gone(tmp_path):
    """The server routes neither /masuk/sesi nor the old GET sign-out; request info is sent once."""
    from voila.request_info_handler import RequestInfoSocketHandler

    from berdikari.web import server
    from berdikari.web.request_info import OneShotRequestInfoHandler

    config = server.voila_config(server.ServeOptions(preheat=False), tmp_path)
    voila = server.make_app_class()(config=config)
    voila.initialize([])
    voila.init_settings()
    voila.app = web.Application()
    voila.app.settings.update(voila.tornado_settings)
    voila.voila_configuration.preheat_kernel = True  # routes as served (no kernel starts here)
    routes = voila.init_handlers()
    patterns = [h[0] for h in routes]
    assert "/masuk/sesi" not in patterns
    old_owner_app = "/voila/render/penilaian-mandiri.ipynb"
    first = next(h for h in routes if re.fullmatch(h[0], old_owner_app))
    assert first[1].__module__ == "berdikari.web.owner_app"  # its redirect, not Voila's render
    found = {h[1] for h in routes}
    assert OneShotRequestInfoHandler in found and RequestInfoSocketHandler not in found


class RequestInfoOnceTest(AsyncHTTPTestCase):
    """Request info (with the visitor's cookies) that waited for a kernel is sent once only."""

    def get_app(self):
        from berdikari.web.request_info import OneShotRequestInfoHandler

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
