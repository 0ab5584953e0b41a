"""No kernel for anyone who has not signed in: the staff apps behind ``/masuk/staf``, on a real
``berdikari serve`` (its own server, so nothing else takes kernels while this module looks).

How "no kernel" is seen, two ways that do not depend on timing:

- the server's log: Voila writes ``Using pre-heated kernel: <id> for <app>`` whenever a request
  takes a kernel from a pool, and ``Kernel started: <id>`` whenever any kernel starts. Each staff
  app keeps a pool (never empty: a take refills it at once), so a request that got past the gate
  would take one and write the first line. A signed-in request at the end proves that line does
  appear for a kernel handed out.
- the server's child processes: the kernels (``berdikari.web.app_kernel``) it runs. The set is the
  same before and after the refused requests.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from berdikari.store import open_store
from berdikari.store import sessions as store_sessions
from tests.apps.staff_seed import PASSWORD, identity
from tests.e2e.server_fixture import staff_programme
from tests.e2e.staff_helpers import (
    FACILITATOR_APP,
    MANAGER_APP,
    cookie_header,
    fetch,
    form_xsrf,
    opener,
    sign_in_staff,
    staff_cookies,
)

POOLED = ("pendamping.ipynb", "program.ipynb")
KERNEL_LINE = re.compile(r"Using pre-heated kernel: \S+ for \S+|Kernel started: \S+")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with staff_programme(tmp_path_factory.mktemp("gate")) as s:
        yield s


def log_text(server) -> str:
    return Path(server["log"]).read_text(errors="replace")


def kernel_processes(pid: int) -> set[int]:
    """The app kernels the server process runs (its children running a kernel module)."""
    out = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and (b"berdikari.web.app_kernel" in cmd or b"ipykernel" in cmd):
            out.add(int(entry))
    return out


def wait_for_full_pools(server, timeout: float = 180) -> None:
    """Until Voila says each staff app's pool is full and no kernel has started for 3 s."""
    deadline = time.monotonic() + timeout
    quiet_since, seen = time.monotonic(), -1
    while time.monotonic() < deadline:
        text = log_text(server)
        starts = len(KERNEL_LINE.findall(text))
        if starts != seen:
            seen, quiet_since = starts, time.monotonic()
        full = all(f"Kernel pool of {nb} is filled" in text for nb in POOLED)
        if full and time.monotonic() - quiet_since >= 3:
            return
        time.sleep(0.5)
    raise AssertionError("the pools did not fill:\n" + log_text(server)[-3000:])


def anonymous(server, path: str, cookies: dict | None = None):
    op, _ = opener()
    if cookies:
        op.addheaders = [("Cookie", cookie_header(cookies))]
    return fetch(op, server["base"] + path)


def signed_out_token(server) -> str:
    store = open_store(server["url"])
    try:
        token = store_sessions.create_session(store, identity(store, "pendamping.a"))
        assert store_sessions.delete_session(store, token)
    finally:
        store.close()
    return token


def test_refused_staff_requests_start_no_kernel_and_take_none_from_the_pool(server):
    wait_for_full_pools(server)
    before_log, before_kernels = len(log_text(server)), kernel_processes(server["pid"])
    assert len(before_kernels) >= len(POOLED)
    facilitator = staff_cookies(server["base"], "pendamping.a", PASSWORD)
    refused = []
    for app in (FACILITATOR_APP, MANAGER_APP, "/voila/render/./pendamping.ipynb"):
        for cookies in (
            None,
            {"bdk_staff": "forged-token-0123456789"},
            {"bdk_staff": signed_out_token(server)},
        ):
            status, headers, _ = anonymous(server, app, cookies)
            loc = urlsplit(headers.get("Location", ""))
            refused.append((app, status, loc.path, parse_qs(loc.query).get("next")))
    # the wrong role: a facilitator's valid session on the managers' app
    status, _, body = anonymous(server, MANAGER_APP, facilitator)
    refused.append((MANAGER_APP, status, "untuk pengelola program" in body, None))
    during = log_text(server)[before_log:]
    after_kernels = kernel_processes(server["pid"])

    for app, status, where, nxt in refused[:-1]:
        name = app.rsplit("/", 1)[-1]
        assert (status, where, nxt) == (303, "/masuk/staf", [f"/voila/render/{name}"]), app
    assert refused[-1][1:3] == (403, True)
    assert KERNEL_LINE.findall(during) == [], during
    assert after_kernels == before_kernels

    # the control: a signed-in facilitator gets a kernel, and the log says so
    status, _, page = anonymous(server, FACILITATOR_APP, facilitator)
    assert status == 200 and "application/vnd.jupyter.widget-view+json" in page
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page).group(1)
    assert f"Using pre-heated kernel: {kernel} for pendamping.ipynb" in log_text(server)


def test_next_never_leads_off_the_two_staff_apps(server):
    op, _ = opener()
    for evil in ("https://evil.example/", "//evil.example/x", "/voila/render/lain.ipynb"):
        status, _, html = fetch(op, server["base"] + "/masuk/staf?" + urlencode({"next": evil}))
        assert status == 200 and "evil" not in html and 'name="next"' not in html
        status, headers, _ = fetch(
            op,
            server["base"] + "/masuk/staf",
            {"username": "manajer", "password": PASSWORD, "_xsrf": form_xsrf(html), "next": evil},
        )
        assert (status, headers["Location"]) == (303, MANAGER_APP), evil


def test_a_wrong_password_keeps_the_form_and_sets_no_session(server):
    op, jar = opener()
    _, _, html = fetch(op, server["base"] + "/masuk/staf")
    status, _, page = fetch(
        op,
        server["base"] + "/masuk/staf",
        {"username": "pendamping.a", "password": "salah", "_xsrf": form_xsrf(html)},
    )
    assert status == 400 and "Nama pengguna atau kata sandi salah." in page
    assert "bdk_staff" not in {c.name for c in jar}


def test_signing_out_in_the_app_ends_the_session_on_the_server(server, page):
    """Sign in on the page, open the app, sign out with its button: the sign-in page says so,
    the app asks for a sign-in again, and a copy of the old cookie opens nothing."""
    base = server["base"]
    sign_in_staff(page, base, "pendamping.a", PASSWORD, FACILITATOR_APP)
    page.locator(".bdk-case").first.wait_for(timeout=90_000)
    assert page.locator(".bdk-staff-user").count() == 0  # no password field in the app
    copied = {c["name"]: c["value"] for c in page.context.cookies()}
    assert "bdk_staff" in copied
    with page.expect_navigation():
        page.locator("button.bdk-staff-signout").click()
    page.get_by_text("Anda sudah keluar.").wait_for()
    assert urlsplit(page.url).path == "/masuk/staf"
    assert "bdk_staff" not in {c["name"] for c in page.context.cookies()}
    page.goto(base + FACILITATOR_APP)
    assert urlsplit(page.url).path == "/masuk/staf"  # sent to sign in, no app
    status, headers, _ = anonymous(server, FACILITATOR_APP, {"bdk_staff": copied["bdk_staff"]})
    assert status == 303 and headers["Location"].startswith("/masuk/staf?next=")
