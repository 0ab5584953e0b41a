"""Beyond one machine: two ``berdikari serve`` on one PostgreSQL behind nginx.

``scripts/two-instances.sh`` starts everything on 127.0.0.1 (free ports, a temporary folder).
Sessions live in the shared database, so a sign-in made through one instance holds on the other:
an owner answers through nginx in Chromium (the owner web app, no kernel) and finds the answers
on each instance directly; the assigned facilitator sees them through the service layer. A staff
member signed in on one instance opens the facilitator app on the other, and a sign-out there
ends the session on both. Kernel traffic must stay with the instance holding the kernel: a
websocket sent to the wrong instance is refused, through nginx with the cookie it reaches the
right one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from berdikari.checklists import load
from tests.e2e.owner_helpers import answer, chosen
from tests.e2e.owner_helpers import sign_in as owner_sign_in
from tests.e2e.staff_helpers import FACILITATOR_APP, cookie_header, fetch, opener, staff_cookies
from tests.serve_helpers import APP_MARKER, KERNEL_ID, ROOT, free_port, tiny_site

SCRIPT = ROOT / "scripts" / "two-instances.sh"
CPPOB = "cppob-irtp"


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("two")
    # the postgres user must reach the folder: pytest's own tmp folders are private to root
    work = Path(tempfile.mkdtemp(prefix="bdk-two-"))
    env = {
        **os.environ,
        "BDK_TWO_DIR": str(work),
        "BDK_SITE_DIR": str(tiny_site(tmp / "site")),
        "PORT": str(free_port()),
        "PORT_A": str(free_port()),
        "PORT_B": str(free_port()),
        "PG_PORT": str(free_port()),
    }
    log = tmp / "two.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["bash", str(SCRIPT)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        ready = work / "ready"
        deadline = time.monotonic() + 240
        while not ready.exists():
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        info = dict(line.split("=", 1) for line in ready.read_text().split())
        yield info
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def people(two):
    """An owner and the facilitator assigned to them, in the shared PostgreSQL database."""
    from berdikari.store import open_store
    from berdikari.store.auth import system_identity
    from berdikari.store.service import Service

    store = open_store(two["DATABASE_URL"])
    adm = Service(store, system_identity("test"))
    org = adm.add_organisation("BBPOM di Palangka Raya", "bbpom")
    fac = adm.add_staff("fas.dua", "Fasilitator Dua", "facilitator", "sandi-uji-2024", org)
    umkm, pin = adm.add_umkm("Keripik Dua Server", "Ibu Dua", "Kapuas", ["pangan-olahan"])
    adm.assign(umkm.id, fac.id)
    yield {"store": store, "umkm": umkm, "pin": pin}
    store.close()


FACILITATOR, FACILITATOR_PASSWORD = "fas.dua", "sandi-uji-2024"


def _get(url: str, cookies: dict | None = None):
    op, _ = opener()
    if cookies:
        op.addheaders = [("Cookie", cookie_header(cookies))]
    return fetch(op, url)


def test_answers_through_one_instance_are_seen_through_the_other(two, people, page):
    from berdikari.store.auth import sign_in_staff
    from berdikari.store.service import Service

    checklist = load(CPPOB)
    section = checklist.sections[0]
    first = section.items[:3]  # the first section may hold fewer
    given = dict(zip([i.id for i in first], ["yes", "no", "partial"][: len(first)], strict=True))
    where = f"/penilaian/daftar/{CPPOB}?kategori=pangan-olahan#bagian-{section.id.lower()}"

    owner_sign_in(page, two["URL"], people["umkm"].code, people["pin"])  # through nginx
    page.goto(two["URL"] + where)
    for item_id, value in given.items():
        answer(page, item_id, value)
    page.locator('.bdk-saved-indicator[data-state="saved"]').wait_for()  # durable: committed

    # the same owner on each instance directly, with the cookie made through nginx (cookies do
    # not name a port): still signed in, and the answers are there
    for url in (two["URL_A"], two["URL_B"]):
        other = page.context.new_page()
        other.goto(url + where)
        other.get_by_text("Keripik Dua Server").first.wait_for()
        assert {i: chosen(other, i) for i in given} == given, url
        other.close()

    # and the facilitator sees them through the service layer
    store = people["store"]
    fac = Service(store, sign_in_staff(store, FACILITATOR, FACILITATOR_PASSWORD))
    seen = fac.assessments(people["umkm"].id)
    answers = {k: v.value for a in seen for k, v in (a.answers or {}).items()}
    assert {k: answers.get(k) for k in given} == given


def test_a_staff_session_made_on_one_instance_works_on_the_other(two, people):
    a, b = two["URL_A"], two["URL_B"]
    cookies = staff_cookies(a, FACILITATOR, FACILITATOR_PASSWORD)
    assert _get(b + FACILITATOR_APP)[0] == 303  # anonymous: sent to sign in, no kernel
    status, _, page = _get(b + FACILITATOR_APP, cookies)
    assert status == 200 and APP_MARKER in page
    # signing out on b ends the session for a as well (the row is gone from the database)
    op, _ = opener()
    op.addheaders = [("Cookie", cookie_header(cookies))]
    status, headers, _ = fetch(op, b + "/masuk/staf/keluar", {"_xsrf": cookies["_xsrf"]})
    assert (status, headers["Location"]) == (303, "/masuk/staf?keluar=1")
    status, headers, _ = _get(a + FACILITATOR_APP, cookies)
    assert status == 303 and headers["Location"].startswith("/masuk/staf?next=")


def test_kernel_traffic_is_sticky_to_the_instance_holding_the_kernel(two, people):
    import uuid

    from tests.serve_helpers import comm_info_request

    staff = staff_cookies(two["URL"], FACILITATOR, FACILITATOR_PASSWORD)
    status, headers, page = _get(two["URL"] + FACILITATOR_APP, staff)
    assert status == 200 and APP_MARKER in page
    node = next(
        c.split(";")[0] for c in headers.get_all("Set-Cookie") or [] if c.startswith("bdk_node=")
    )
    kernel = KERNEL_ID.search(page).group(1)
    holder = "http://" + node.split("=", 1)[1]
    stranger = two["URL_B"] if holder == two["URL_A"] else two["URL_A"]

    def connect(base: str, cookie: str):
        """101 when the kernel answers over the websocket, else the HTTP refusal code."""
        from websockets.exceptions import InvalidStatus
        from websockets.sync.client import connect as ws_connect

        session = uuid.uuid4().hex
        url = f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel}/channels?session_id={session}"
        try:
            ws = ws_connect(url, additional_headers={"Cookie": cookie} if cookie else None)
        except InvalidStatus as exc:
            return exc.response.status_code
        with ws:
            ws.send(comm_info_request(session))
            for _ in range(20):  # status messages come first
                reply = ws.recv(timeout=30)
                if "comm_info_reply" in reply:
                    return 101
        return reply

    # a sync client: the browser fixture of this module keeps an event loop running
    with_staff = f"{node}; {cookie_header(staff)}"
    assert connect(stranger, cookie_header(staff)) == 404  # the other instance has no such kernel
    assert connect(two["URL"], with_staff) == 101  # nginx sends it to the right one
    with urllib.request.urlopen(f"{holder}/api/kernels/{kernel}", timeout=10) as r:
        assert r.status == 200


def test_script_files_exist_for_the_deployment_guide():
    assert (ROOT / "scripts" / "nginx-berdikari.conf").read_text().count("__A__") >= 3
    assert Path(SCRIPT).stat().st_mode & 0o111
