"""Beyond one machine: two ``berdikari serve`` on one PostgreSQL behind nginx.

``scripts/two-instances.sh`` starts everything on 127.0.0.1 (free ports, a temporary folder).
An owner answers through nginx in Chromium; the answers are then found by the same owner on the
*other* instance (signed in there directly) and by the assigned facilitator through the service
layer. Kernel traffic must stay with the instance holding the kernel: a websocket sent to the
wrong instance is refused, through nginx with the cookie it reaches the right one.
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
from tests.e2e.test_owner_app import _answer, _choose_cppob, _item
from tests.serve_helpers import APP, ROOT, free_port, get_page, tiny_site

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


def _sign_in(page, url: str, code: str, pin: str) -> None:
    page.goto(url + APP)
    try:
        page.locator("button.bdk-start-signin").wait_for(timeout=90_000)
    except Exception as exc:
        raise AssertionError(f"{url}: no app; page text: {page.inner_text('body')[:500]}") from exc
    page.locator("button.bdk-start-signin").click()
    page.locator(".bdk-code input").fill(code)
    page.locator(".bdk-pin input").fill(pin)
    page.locator("button.bdk-signin").click()


def test_answers_through_one_instance_are_seen_through_the_other(two, people, page):
    from berdikari.store.auth import sign_in_staff
    from berdikari.store.service import Service

    checklist = load(CPPOB)
    first = checklist.sections[0].items[:3]  # the first section may hold fewer
    given = dict(zip([i.id for i in first], ["yes", "no", "partial"][: len(first)], strict=True))

    _sign_in(page, two["URL"], people["umkm"].code, people["pin"])
    _choose_cppob(page)
    page.locator(f"button.bdk-open-{checklist.sections[0].id.lower()}").click()
    for item_id, value in given.items():
        _item(page, item_id).wait_for()
        _answer(page, item_id, value)
        _item(page, item_id).locator(".bdk-saved").wait_for()  # durable before "tersimpan"

    served_by = {c["name"]: c["value"] for c in page.context.cookies()}["bdk_node"]
    assert served_by in (two["URL_A"][7:], two["URL_B"][7:])
    other = two["URL_B"] if served_by == two["URL_A"][7:] else two["URL_A"]

    # the same owner on the other instance, directly: still signed in (the instances share the
    # signing key), and the answers are there
    page2 = page.context.new_page()
    page2.goto(other + APP)
    page2.get_by_text("Keripik Dua Server").first.wait_for(timeout=90_000)
    page2.locator(".bdk-task-list, [class*='bdk-item-']").first.wait_for()
    if page2.locator(".bdk-task-list").count() == 0:
        page2.locator("button", has_text="Kembali ke daftar tugas").click()
    page2.locator(f"button.bdk-open-{checklist.sections[0].id.lower()}").click()
    for item_id in given:
        _item(page2, item_id).wait_for()
        active = _item(page2, item_id).locator("button.mod-active").inner_text().strip()
        assert active == {"yes": "Ya", "no": "Tidak", "partial": "Sebagian"}[given[item_id]]

    # and the facilitator sees them through the service layer
    fac = Service(people["store"], sign_in_staff(people["store"], "fas.dua", "sandi-uji-2024"))
    seen = fac.assessments(people["umkm"].id)
    answers = {k: v.value for a in seen for k, v in (a.answers or {}).items()}
    assert {k: answers.get(k) for k in given} == given


def test_kernel_traffic_is_sticky_to_the_instance_holding_the_kernel(two):
    import uuid

    from tests.serve_helpers import comm_info_request

    page = get_page(two["URL"] + APP)
    assert page.has_app
    node = [c for c in page.cookies.split("; ") if c.startswith("bdk_node=")][0]
    kernel = page.kernel_id
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
    assert connect(stranger, "") == 404  # the other instance has no such kernel
    assert connect(two["URL"], node) == 101  # nginx sends it to the right one
    with urllib.request.urlopen(f"{holder}/api/kernels/{kernel}", timeout=10) as r:
        assert r.status == 200


def test_script_files_exist_for_the_deployment_guide():
    assert (ROOT / "scripts" / "nginx-berdikari.conf").read_text().count("__A__") >= 3
    assert Path(SCRIPT).stat().st_mode & 0o111
