"""A server that a script cannot take from its staff: budget, shares, culling, message limits.

Real ``berdikari serve`` processes on 127.0.0.1 serving the staff apps (the owner app needs no
kernel), with small limits (a few kernels, culling after seconds) so each path shows in seconds.
Staff sign in on ``/masuk/staf`` as a browser does; different people come from different
loopback addresses (127.0.0.1, 127.0.0.2, …: all of 127/8 is this machine). Waits are bounded
polls, never timings. The rules themselves are tested without a server in
``tests/test_kernel_budget.py``.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import shutil
import urllib.parse
import uuid
from dataclasses import dataclass, field

import psutil
import pytest

from berdikari.store import open_store
from berdikari.store.auth import system_identity
from berdikari.store.service import Service
from berdikari.web.busy import busy_page, share_page
from berdikari.web.server import APP_CSP, SITE_CSP
from tests.serve_helpers import (
    APP_MARKER,
    KERNEL_ID,
    ROOT,
    free_port,
    kernel_alive,
    running,
    serve_args,
    tiny_site,
    wait_for,
)

FAC_APP = "/voila/render/pendamping.ipynb"
MAN_APP = "/voila/render/program.ipynb"
PASSWORD = "sandi-staf-2026"
STAFF = {"rina": "facilitator", "yohanes": "facilitator", "siti": "facilitator", "bayu": "manager"}


@dataclass
class Reply:
    status: int
    body: str
    headers: dict
    cookies: dict = field(default_factory=dict)

    @property
    def has_app(self) -> bool:
        return self.status == 200 and APP_MARKER in self.body

    @property
    def kernel_id(self) -> str | None:
        m = KERNEL_ID.search(self.body)
        return m.group(1) if m else None


class Visitor:
    """One person's browser, as far as the server can tell: an address and a cookie jar."""

    def __init__(self, base: str, source: str = "127.0.0.1"):
        self.base, self.source = base, source
        self.port = int(base.rsplit(":", 1)[1])
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> Reply:
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=120, source_address=(self.source, 0)
        )
        headers = {"Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            for value in r.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Reply(r.status, r.read().decode("utf-8", "replace"), dict(r.headers))
        finally:
            conn.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        page = self.get("/masuk/staf")
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.body).group(1)
        form = urllib.parse.urlencode({"_xsrf": xsrf, "username": username, "password": password})
        r = self.request("POST", "/masuk/staf", form)
        assert r.status in (302, 303), (r.status, r.body[-500:])
        assert "bdk_staff" in self.cookies

    async def connect(self, kernel_id: str):
        """The page's kernel websocket (legacy JSON protocol), from this visitor's address."""
        import websockets

        url = (
            f"{self.base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels"
            f"?session_id={uuid.uuid4().hex}"
        )
        return await websockets.connect(
            url, local_addr=(self.source, 0), max_size=None, max_queue=None, open_timeout=60
        )


def message(msg_type: str, content: dict) -> str:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "",
        "session": uuid.uuid4().hex,
        "date": "",
        "version": "5.3",
    }
    return json.dumps(
        {"header": header, "parent_header": {}, "metadata": {}, "content": content,
         "channel": "shell", "buffers": []}
    )  # fmt: skip


def comm_open(data: dict | None = None) -> str:
    return message(
        "comm_open",
        {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget", "data": data or {}},
    )


def widget_update() -> str:
    """What a browser sends when a person types or picks (here to a widget that is not there)."""
    return message("comm_msg", {"comm_id": uuid.uuid4().hex, "data": {"method": "update"}})


def kernel_pids(server) -> list[int]:
    out = []
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if "berdikari.web.app_kernel" in " ".join(child.cmdline()):
                out.append(child.pid)
        except psutil.Error:
            pass
    return out


@pytest.fixture(scope="module")
def staff_db(tmp_path_factory):
    """A database with three staff accounts (made once; each server gets a copy)."""
    folder = tmp_path_factory.mktemp("staff-db")
    store = open_store(f"sqlite:///{folder / 'b.db'}")
    admin = Service(store, system_identity("test"))
    for username, role in STAFF.items():
        admin.add_staff(username, username.title(), role, PASSWORD)
    store.close()
    return folder / "b.db"


@pytest.fixture
def start(tmp_path, staff_db):
    """``start(*extra_args, notebooks=None)`` runs a server; it is stopped when the test ends."""
    site = tiny_site(tmp_path / "site")
    stack = []

    def _start(*extra: str, notebooks=("pendamping.ipynb",)):
        port = free_port()
        folder = tmp_path / f"notebooks-{port}"
        folder.mkdir()
        for name in notebooks:
            shutil.copy(ROOT / "notebooks" / name, folder)
        db = tmp_path / f"b-{port}.db"
        shutil.copy(staff_db, db)
        env = {"BERDIKARI_DATA_DIR": str(tmp_path), "BERDIKARI_NOTEBOOKS_DIR": str(folder)}
        cm = running(
            serve_args(port, f"sqlite:///{db}", site, *extra),
            port,
            tmp_path / f"serve-{port}.log",
            env=env,
        )
        server = cm.__enter__()
        stack.append(cm)
        return server

    yield _start
    for cm in reversed(stack):
        cm.__exit__(None, None, None)


def signed_in(server, username: str, source: str = "127.0.0.1") -> Visitor:
    v = Visitor(server.base, source)
    v.sign_in(username)
    return v


# --- pages -------------------------------------------------------------------------------------


def test_busy_and_share_pages_are_indonesian_first_and_escape_the_retry_link():
    page = busy_page("cap", '/voila/render/x.ipynb?a="><script>')
    assert page.index("Server sedang sibuk") < page.index("Server busy")
    assert "coba lagi dalam satu menit" in page
    assert "<script>\n/*" in page  # only the page's own retry script
    assert '"><script>' not in page
    assert 'data-reason="cap"' in page
    share = share_page("account", '/x?"><b>')
    assert "Tutup salah satu halaman" in share and '"><b>' not in share
    assert share.index("Terlalu banyak") < share.index("Close one")


def test_clean_404s_security_headers_the_cap_and_the_page_close_on_one_server(start):
    server = start("--no-preheat", "--max-kernels", "1")
    assert "Kernel budget: 1 kernels (--max-kernels)" in server.log_text()
    v = Visitor(server.base)
    # /logout and crafted template paths: a clean 404, never a 500 with a traceback
    for path in (
        "/logout",
        "/login",
        "/voila/templates/",
        "/voila/templates/x",
        "/voila/templates/%2e%2e/x",
        "/voila/templates/..%2f..%2fetc/passwd",
        "/voila/templates/lab/static/",
        "/voila/templates/lab/static/../../../../etc/passwd",
        "/voila/templates/lab/nostatic/x.js",
        "/voila/templates/no-such-template/static/x.js",
    ):
        r = v.get(path)
        assert r.status == 404, (path, r.status)
        assert "Traceback" not in r.body
    assert "Uncaught exception" not in server.log_text()
    assert v.get("/voila/templates/berdikari/static/voila-style.js").status == 200
    # the site's headers
    site = v.get("/")
    assert site.headers["Content-Security-Policy"] == SITE_CSP
    assert site.headers["X-Content-Type-Options"] == "nosniff"
    assert site.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in SITE_CSP and "frame-ancestors 'none'" in APP_CSP
    # the app page's headers
    rina = signed_in(server, "rina")
    first = rina.get(FAC_APP)
    assert first.has_app, first.body[-2000:]
    assert first.headers["Content-Security-Policy"] == APP_CSP
    assert first.headers["X-Frame-Options"] == "DENY"
    # the budget (1) is full: the next person gets the busy page, in Indonesian first
    yohanes = signed_in(server, "yohanes", "127.0.0.2")
    second = yohanes.get(FAC_APP)
    assert second.status == 503 and "Server sedang sibuk" in second.body
    assert 'data-reason="cap"' in second.body
    assert second.headers.get("Retry-After") == "60"
    assert first.kernel_id and kernel_alive(server.base, first.kernel_id)
    # rina closes her page: what Voila's page sends on beforeunload (a form with _xsrf, and
    # the cookie) shuts the kernel down at once, and yohanes gets in
    xsrf = rina.cookies.get("_xsrf")
    assert xsrf, "the app page must set the _xsrf cookie the close beacon sends back"
    r = rina.request(
        "POST", f"/voila/api/shutdown/{first.kernel_id}", urllib.parse.urlencode({"_xsrf": xsrf})
    )
    assert r.status == 204
    assert not kernel_alive(server.base, first.kernel_id)
    assert yohanes.get(FAC_APP).has_app


# --- the budget and the shares -----------------------------------------------------------------


def test_one_address_holding_30_websockets_and_60_gets_a_minute_keeps_nobody_out(start):
    """The flood: one address, signed in, opens the app once a second (60 a minute) for 30 s
    and holds a websocket on every page it gets. A budget of 6 kernels would be full after six
    seconds without the shares; the flood holds 3 (one account's share) and three staff from
    other addresses, arriving during the flood, get their app and keep it."""
    server = start(
        "--no-preheat", "--max-kernels", "6", "--kernels-per-account", "3",
        "--kernels-per-client", "4", notebooks=("pendamping.ipynb", "program.ipynb"),
    )  # fmt: skip
    flooder = signed_in(server, "rina")
    real_people = [
        (signed_in(server, "bayu", "127.0.0.2"), MAN_APP, 8),
        (signed_in(server, "yohanes", "127.0.0.3"), FAC_APP, 16),
        (signed_in(server, "siti", "127.0.0.4"), FAC_APP, 24),
    ]
    sockets: list = []

    async def flood():
        statuses = []
        for _ in range(30):
            r = await asyncio.to_thread(flooder.get, FAC_APP)
            statuses.append(r.status)
            if r.kernel_id:
                sockets.append(await flooder.connect(r.kernel_id))
            await asyncio.sleep(1)
        return statuses

    async def person(visitor, app, after):
        await asyncio.sleep(after)
        page = await asyncio.to_thread(visitor.get, app)
        if page.has_app:
            sockets.append(await visitor.connect(page.kernel_id))
        return page.has_app

    async def everyone():
        try:
            return await asyncio.gather(flood(), *(person(*p) for p in real_people))
        finally:
            for ws in sockets:
                await ws.close()

    statuses, *real = asyncio.run(everyone())
    assert real == [True, True, True], real
    assert statuses.count(200) == 3, statuses  # its share; the rest: "close one first"
    assert statuses.count(429) == 27, statuses
    assert "Kernel cap reached" not in server.log_text()  # nobody got the busy page
    assert server.log_text().count("account staff:") >= 27


def test_a_kernel_refuses_a_message_flood_and_stays_under_its_ceiling(start):
    server = start("--no-preheat", "--max-kernels", "2", "--kernel-memory-mb", "300")
    staff = signed_in(server, "rina")
    page = staff.get(FAC_APP)
    assert page.has_app
    [pid] = kernel_pids(server)
    before = psutil.Process(pid).memory_info().rss / 2**20
    eight_mb = comm_open({"state": {"value": "x" * 8 * 2**20}})

    async def attack():
        import websockets

        codes = []
        for _ in range(20):  # 160 MB of comm_open, reconnecting after each refusal
            ws = await staff.connect(page.kernel_id)
            await ws.send(eight_mb)
            try:
                await asyncio.wait_for(ws.wait_closed(), 15)
            except TimeoutError:
                pass
            codes.append(ws.close_code)
            if ws.close_code != 4400:  # it got through: no need to send the other 19
                await ws.close()
                break
        # many small ones: more than 20 comm_open to one kernel are refused too
        ws = await staff.connect(page.kernel_id)
        try:
            for _ in range(40):
                await ws.send(comm_open())
                await asyncio.sleep(0.02)
            await asyncio.wait_for(ws.wait_closed(), 30)
        except (websockets.ConnectionClosed, TimeoutError):
            pass
        codes.append(ws.close_code)
        return codes

    codes = asyncio.run(attack())
    assert codes == [4400] * 21, (codes, server.log_text()[-3000:])
    log = server.log_text()
    assert log.count("Refused a message to kernel") == 21
    assert "more than 20 comm_open" in log
    assert kernel_alive(server.base, page.kernel_id)
    after = psutil.Process(pid).memory_info().rss / 2**20
    assert after < before + 50 < 300, (before, after)


# --- culling -----------------------------------------------------------------------------------


def test_culling_never_connected_soon_a_brief_drop_kept_an_untouched_page_ended(start):
    """One server, four pages: one never connects (gone in seconds); one loses its link for a
    few seconds and comes back to the same kernel (kept), then leaves for good (culled after
    the grace); one is used (a person typing: kept); one stays open but nobody touches it
    (ended with its websocket open, and its page is told: close code 4410, "idle")."""
    server = start(
        "--no-preheat", "--max-kernels", "4", "--cull-idle-seconds", "4",
        "--cull-interval-seconds", "1", "--disconnect-grace-seconds", "30",
        "--idle-seconds", "10",
    )  # fmt: skip
    staff = signed_in(server, "rina")
    staff2 = signed_in(server, "yohanes", "127.0.0.2")
    pages = {}

    async def type_on(ws):
        while True:  # a person typing on this page (cancelled at the end)
            await ws.send(widget_update())
            await asyncio.sleep(2)

    async def scenario():
        # each page connects as soon as it is there, as a browser's does (but "never")
        for name, who in (("weak", staff), ("used", staff2), ("quiet", staff2), ("never", staff)):
            pages[name] = await asyncio.to_thread(who.get, FAC_APP)
            assert pages[name].has_app
            if name == "weak":
                ws = await staff.connect(pages["weak"].kernel_id)
                await ws.close()  # the weak link drops
            elif name == "used":
                working = await staff2.connect(pages["used"].kernel_id)
                typing = asyncio.create_task(type_on(working))
            elif name == "quiet":
                idle = await staff2.connect(pages["quiet"].kernel_id)
        never, weak = pages["never"], pages["weak"]
        never_gone = weak_kept = back = False
        for _ in range(40):  # bounded: about 80 s at most
            await asyncio.sleep(2)
            if not never_gone and not kernel_alive(server.base, never.kernel_id):
                never_gone = True
                weak_kept = kernel_alive(server.base, weak.kernel_id)
                ws = await staff.connect(weak.kernel_id)  # the link is back: same kernel
                await ws.send(widget_update())
                await asyncio.sleep(0.5)
                back = ws.close_code is None
                await ws.close()  # and gone for good
            if never_gone and idle.close_code is not None:
                break
        result = (never_gone, weak_kept, back, idle.close_code, idle.close_reason)
        working_open = working.close_code is None
        typing.cancel()
        await working.close()
        return (*result, working_open)

    never_gone, weak_kept, back, code, reason, working_open = asyncio.run(scenario())
    assert never_gone and weak_kept and back
    assert (code, reason) == (4410, "idle")
    assert working_open and kernel_alive(server.base, pages["used"].kernel_id)
    assert wait_for(lambda: not kernel_alive(server.base, pages["quiet"].kernel_id), timeout=30)
    assert wait_for(lambda: not kernel_alive(server.base, pages["weak"].kernel_id), timeout=60)
    log = server.log_text()
    assert "never connected" in log and "disconnected for" in log
    assert "no activity on the page" in log


def test_under_pressure_the_longest_disconnected_kernel_makes_room(start):
    server = start(
        "--no-preheat", "--max-kernels", "2", "--pressure-grace-seconds", "2",
        "--disconnect-grace-seconds", "600", "--cull-interval-seconds", "1",
    )  # fmt: skip
    rina, yohanes = signed_in(server, "rina"), signed_in(server, "yohanes", "127.0.0.2")
    first, second = rina.get(FAC_APP), yohanes.get(FAC_APP)
    assert first.has_app and second.has_app

    async def both_leave():
        a = await rina.connect(first.kernel_id)
        b = await yohanes.connect(second.kernel_id)
        await a.close()  # rina left first
        await asyncio.sleep(1.5)
        await b.close()
        await asyncio.sleep(3)

    asyncio.run(both_leave())
    third = signed_in(server, "siti", "127.0.0.3").get(FAC_APP)
    assert third.has_app  # not the busy page: the budget was full of pages that went away
    assert not kernel_alive(server.base, first.kernel_id)
    assert kernel_alive(server.base, second.kernel_id)
    assert "pressure: longest away" in server.log_text()


def test_preheated_pool_refills_after_the_cap_and_culling_frees_a_kernel(start):
    server = start(
        "--max-kernels", "1", "--pool-size", "1",
        "--cull-idle-seconds", "3", "--cull-interval-seconds", "1",
    )  # fmt: skip
    assert wait_for(lambda: "is filled with 1 kernel" in server.log_text(), timeout=90)
    staff = signed_in(server, "rina")
    first = staff.get(FAC_APP)
    assert first.has_app, server.log_text()[-3000:]
    # the pool cannot refill under the cap, so the next visit (someone else) is told to wait
    other = signed_in(server, "yohanes", "127.0.0.2")
    assert other.get(FAC_APP).status == 503
    # nobody connects to the first page: its kernel is culled ...
    assert wait_for(lambda: not kernel_alive(server.base, first.kernel_id), timeout=60)
    # ... and the pool refills in the background, so a later visit gets the app again
    pages = []
    assert wait_for(lambda: pages.append(other.get(FAC_APP)) or pages[-1].has_app, 90, step=3)
    assert pages[-1].kernel_id != first.kernel_id


def test_a_page_without_its_app_becomes_the_busy_page(start, tmp_path):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "c1",
                "metadata": {},
                "outputs": [],
                "source": ["print('no widget here')"],
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    server = start("--no-preheat", "--max-kernels", "2", notebooks=())
    folder = next(tmp_path.glob("notebooks-*"))
    (folder / "pendamping.ipynb").write_text(json.dumps(nb))
    staff = signed_in(server, "rina")
    page = staff.get(FAC_APP)
    assert page.status == 503
    assert 'data-reason="no-app"' in page.body
    assert "no widget here" not in page.body
    # its kernel was shut down at once: two more visits fit under the cap of two
    assert 'data-reason="no-app"' in staff.get(FAC_APP).body
    assert 'data-reason="no-app"' in staff.get(FAC_APP).body
    assert "Kernel cap reached" not in server.log_text()


def test_the_kernel_cap_counts_kernels_still_starting():
    """Four starts at once under a cap of two: exactly two kernels, two refusals."""
    from tornado import web

    from berdikari.web.kernels import CappedKernelManager

    async def burst():
        km = CappedKernelManager(max_kernels=2)
        results = await asyncio.gather(
            *(km.start_kernel(kernel_name="python3") for _ in range(4)), return_exceptions=True
        )
        alive = len(km.list_kernel_ids())
        await km.shutdown_all()
        return results, alive

    results, alive = asyncio.run(burst())
    refused = [r for r in results if isinstance(r, web.HTTPError) and r.status_code == 503]
    assert len(refused) == 2
    assert alive == 2


def test_every_app_but_the_analysts_example_has_a_kernel_waiting(start):
    """Defaults: one kernel each for the staff apps, none for the analysts' notebook, which is
    for JupyterLab: its address says so (404) and starts no kernel."""
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    server = start("--kernel-mb", "200", "--memory-share", "0.25", notebooks=names)
    log = server.log_text
    # no --max-kernels: the budget comes from memory, and the server says so at start
    total_mb = psutil.virtual_memory().total // 2**20
    assert f"Kernel budget: {int(total_mb * 0.25 // 200)} kernels = {total_mb} MB RAM" in log()
    expected = {"pendamping.ipynb": "1 ", "program.ipynb": "1 "}
    assert wait_for(lambda: log().count("is filled with") >= len(expected), timeout=120)
    filled = {
        line.split("Kernel pool of ")[1].split(" is filled")[0].rsplit("/", 1)[-1]: line.rsplit(
            "with ", 1
        )[1]
        for line in log().splitlines()
        if "is filled with" in line
    }
    for name, size in expected.items():
        assert filled.get(name, "").startswith(size), (name, filled)
    assert "analisis-contoh.ipynb" not in filled
    refused = Visitor(server.base).get("/voila/render/analisis-contoh.ipynb")
    assert refused.status == 404 and "JupyterLab" in refused.body
    assert log().count("Kernel started") == sum(int(s) for s in expected.values())
