"""A room full of owners: the busy page, the kernel cap, culling, the page-close shutdown.

Real ``berdikari serve`` processes on 127.0.0.1 with small limits (one or two kernels, culling
after a few seconds), so each path shows in seconds. Waits are bounded polls, never timings.
The servers serve only the owner app (the other apps' preheated kernels would fill tiny caps).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import urllib.parse
import urllib.request
import uuid

import pytest

from berdikari.busy import busy_page
from tests.serve_helpers import (
    APP,
    ROOT,
    comm_info_request,
    free_port,
    get_page,
    kernel_alive,
    running,
    serve_args,
    tiny_site,
    wait_for,
    ws_url,
)


@pytest.fixture
def start(tmp_path):
    """``start(*extra_args, notebooks=None)`` runs a server; it is stopped when the test ends."""
    site = tiny_site(tmp_path / "site")
    stack = []

    def _start(*extra: str, notebooks=None):
        port = free_port()
        if notebooks is None:
            # only the owner app: other apps' preheated kernels would count against tiny caps
            notebooks = tmp_path / "owner-only"
            notebooks.mkdir(exist_ok=True)
            shutil.copy(ROOT / "notebooks" / "penilaian-mandiri.ipynb", notebooks)
        env = {"BERDIKARI_DATA_DIR": str(tmp_path), "BERDIKARI_NOTEBOOKS_DIR": str(notebooks)}
        cm = running(
            serve_args(port, f"sqlite:///{tmp_path / 'b.db'}", site, *extra),
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


def test_busy_page_is_indonesian_first_and_escapes_the_retry_link():
    page = busy_page("cap", '/voila/render/x.ipynb?a="><script>')
    assert page.index("Server sedang sibuk") < page.index("Server busy")
    assert "coba lagi dalam satu menit" in page
    assert "<script>\n/*" in page  # only the page's own retry script
    assert '"><script>' not in page
    assert 'data-reason="cap"' in page


def test_cap_turns_the_second_visit_into_the_busy_page(start):
    server = start("--no-preheat", "--max-kernels", "1")
    first = get_page(server.base + APP)
    assert first.has_app, first.body[-2000:]
    second = get_page(server.base + APP)
    assert second.status == 503
    assert second.is_busy
    assert 'data-reason="cap"' in second.body
    assert second.headers.get("Retry-After") == "60"
    assert first.kernel_id and kernel_alive(server.base, first.kernel_id)


def test_app_scripts_are_compressed_and_hashed_ones_cached_for_a_year(start):
    server = start("--no-preheat", "--max-kernels", "1")
    page = get_page(server.base + APP)
    config = json.loads(page.body.split('id="jupyter-config-data" type="application/json">')[1]
                        .split("</script>")[0])  # fmt: skip
    widgets = [
        e
        for e in config["federated_extensions"]
        if e["name"] == "@jupyter-widgets/jupyterlab-manager"
    ]
    url = f"{server.base}/voila/labextensions/{widgets[0]['name']}/{widgets[0]['load']}"
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        assert "immutable" in r.headers["Cache-Control"]
    # a file without a hash in its name is revalidated, as Voila does
    with urllib.request.urlopen(
        f"{server.base}/voila/labextensions/{widgets[0]['name']}/package.json", timeout=30
    ) as r:
        assert r.headers["Cache-Control"] == "no-cache"


def test_preheated_pool_refills_after_the_cap_and_culling_frees_a_kernel(start):
    server = start(
        "--max-kernels", "1", "--pool-size", "1",
        "--cull-idle-seconds", "3", "--cull-interval-seconds", "1",
    )  # fmt: skip
    assert wait_for(lambda: "is filled with 1 kernel" in server.log_text(), timeout=90)
    first = get_page(server.base + APP)
    assert first.has_app
    # the pool cannot refill under the cap, so the next visit is told to wait
    assert get_page(server.base + APP).is_busy
    # nobody connects to the first page: its kernel is culled ...
    assert wait_for(lambda: not kernel_alive(server.base, first.kernel_id), timeout=60)
    # ... and the pool refills in the background, so a later visit gets the app again
    third = wait_for_app(server.base, timeout=90)
    assert third.has_app and third.kernel_id != first.kernel_id


def wait_for_app(base: str, timeout: float):
    pages = []

    def ok():
        pages.append(get_page(base + APP))
        return pages[-1].has_app

    wait_for(ok, timeout=timeout, step=2)
    return pages[-1]


def test_a_never_connected_page_loses_its_kernel_and_a_connected_one_keeps_it(start):
    server = start(
        "--no-preheat", "--max-kernels", "4",
        "--cull-idle-seconds", "3", "--cull-interval-seconds", "1",
    )  # fmt: skip
    left = get_page(server.base + APP)
    kept = get_page(server.base + APP)
    assert left.has_app and kept.has_app

    async def hold_connection():
        import websockets

        session = uuid.uuid4().hex
        async with websockets.connect(ws_url(server.base, kept.kernel_id, session)) as ws:
            await ws.send(comm_info_request(session))
            gone = await asyncio.to_thread(
                wait_for, lambda: not kernel_alive(server.base, left.kernel_id), 60
            )
            # the unconnected kernel is gone; the connected one is alive though idle > 3 s
            still_alive = kernel_alive(server.base, kept.kernel_id)
        return gone, still_alive

    gone, still_alive = asyncio.run(hold_connection())
    assert gone
    assert still_alive
    # the browser went away: its kernel follows within the idle time and a check
    assert wait_for(lambda: not kernel_alive(server.base, kept.kernel_id), timeout=60)


def test_closing_the_page_shuts_its_kernel_down(start):
    server = start("--no-preheat", "--max-kernels", "2")
    page = get_page(server.base + APP)
    assert page.has_app
    xsrf = dict(c.split("=", 1) for c in page.cookies.split("; ") if "=" in c).get("_xsrf")
    assert xsrf, "the app page must set the _xsrf cookie the close beacon sends back"
    # what Voila's page sends on beforeunload: a form with _xsrf, and the cookie
    body = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
    req = urllib.request.Request(
        f"{server.base}/voila/api/shutdown/{page.kernel_id}",
        data=body,
        headers={"Cookie": page.cookies},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 204
    assert not kernel_alive(server.base, page.kernel_id)


def test_a_page_without_its_app_becomes_the_busy_page(start, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
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
    (notebooks / "penilaian-mandiri.ipynb").write_text(json.dumps(nb))
    server = start("--no-preheat", "--max-kernels", "2", notebooks=notebooks)
    page = get_page(server.base + APP)
    assert page.status == 503
    assert page.is_busy and 'data-reason="no-app"' in page.body
    assert "no widget here" not in page.body
    # its kernel was shut down at once: two more visits fit under the cap of two
    assert get_page(server.base + APP).is_busy
    assert get_page(server.base + APP).is_busy
    assert "Kernel cap reached" not in server.log_text()


def test_the_kernel_cap_counts_kernels_still_starting():
    """Four starts at once under a cap of two: exactly two kernels, two refusals."""
    from tornado import web

    from berdikari.kernels import CappedKernelManager

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
    """Defaults: two owner kernels, one each for the staff apps, none for the analysts'
    notebook, which is for JupyterLab: its address says so (404) and starts no kernel."""
    server = start(notebooks=ROOT / "notebooks")
    log = server.log_text
    assert wait_for(lambda: log().count("is filled with") >= 3, timeout=120)
    filled = {
        line.split("Kernel pool of ")[1].split(" is filled")[0]: line.rsplit("with ", 1)[1]
        for line in log().splitlines()
        if "is filled with" in line
    }
    names = {k.rsplit("/", 1)[-1]: v for k, v in filled.items()}
    assert names.get("penilaian-mandiri.ipynb", "").startswith("2 ")
    assert names.get("pendamping.ipynb", "").startswith("1 ")
    assert names.get("program.ipynb", "").startswith("1 ")
    assert "analisis-contoh.ipynb" not in names
    refused = get_page(server.base + "/voila/render/analisis-contoh.ipynb")
    assert refused.status == 404 and "JupyterLab" in refused.body
    assert log().count("Kernel started") == 4
