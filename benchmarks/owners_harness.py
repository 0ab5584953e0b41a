"""Simulated visitors without a browser: N visits at once over HTTP (and the kernel websocket).

Two kinds of app page:

* a **widget** page (a Voila app): the visit does what Voila's page does first: GET the app
  page, then (if the page carries the app) connect to its kernel's websocket, open the
  ``jupyter.widget.control`` comm and ask for the widgets' state. It is *complete* when that
  state arrives (the browser could draw the first widget);
* a **light** page (the owner web app at ``/penilaian/``): GET the page; it is *complete* when it
  carries its usable marker (``bdk-start-anon``) and every same-origin script and style sheet it
  links loads (the page works; no kernel is involved).

Either is *busy* when the server sent Berdikari's busy page, *blank* otherwise (a page without
the app, an HTTP error, a timeout, or an app whose widgets never arrived).

Server cost comes from psutil on the server's process tree: CPU-seconds (the server, its live
kernels, and kernels already reaped) and each kernel's memory (RSS and USS). Used by
``bench_owners_load.py``; nothing here asserts anything.
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import time
import uuid
from dataclasses import dataclass, field

import psutil
from tornado import httpclient, websocket

APP_MARKER = "application/vnd.jupyter.widget-view+json"
BUSY_MARKER = "Server sedang sibuk"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


@dataclass
class Visit:
    outcome: str = "blank"  # complete | busy | blank
    detail: str = ""
    status: int = 0
    page_seconds: float = 0.0
    first_widget_seconds: float | None = None
    kernel_id: str | None = None


@dataclass
class Burst:
    visits: list[Visit] = field(default_factory=list)
    cpu_seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    """The server process alone (rendering, HTTP, websockets), kernels excluded."""
    kernel_rss_mb: list[float] = field(default_factory=list)
    kernel_uss_mb: list[float] = field(default_factory=list)
    kernels_at_peak: int = 0
    kernels_left: int | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for v in self.visits if v.outcome == outcome)

    def first_widget(self) -> list[float]:
        return sorted(v.first_widget_seconds for v in self.visits if v.outcome == "complete")


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[k]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


# --- the server's process tree -----------------------------------------------------------------


def kernel_processes(server_pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    out = []
    for child in children:
        try:
            cmd = " ".join(child.cmdline())
            if "ipykernel" in cmd or "berdikari.web.app_kernel" in cmd:
                out.append(child)
        except psutil.Error:
            pass
    return out


def tree_cpu_seconds(server_pid: int) -> float:
    """CPU used so far by the server, its live children and its reaped children."""
    proc = psutil.Process(server_pid)
    t = proc.cpu_times()
    total = t.user + t.system + t.children_user + t.children_system
    for child in proc.children(recursive=True):
        try:
            c = child.cpu_times()
            total += c.user + c.system
        except psutil.Error:
            pass
    return total


def own_cpu_seconds(pid: int) -> float:
    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def wait_until_quiet(server_pid: int, timeout: float = 90, quiet: float = 0.1) -> None:
    """Wait until the tree uses < ``quiet`` CPU-s in each of two consecutive seconds."""
    deadline = time.monotonic() + timeout
    last = tree_cpu_seconds(server_pid)
    calm = 0
    while time.monotonic() < deadline and calm < 2:
        time.sleep(1)
        now = tree_cpu_seconds(server_pid)
        calm = calm + 1 if now - last < quiet else 0
        last = now


def kernel_memory(server_pid: int) -> tuple[list[float], list[float]]:
    rss, uss = [], []
    for k in kernel_processes(server_pid):
        try:
            info = k.memory_full_info()
        except psutil.Error:
            continue
        rss.append(info.rss / 2**20)
        uss.append(info.uss / 2**20)
    return rss, uss


# --- one visit -----------------------------------------------------------------------------------


def _message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> str:
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "username": "",
                "session": session,
                "date": "",
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": "shell",
            "buffers": [],
        }
    )


ASSET = re.compile(r'(?:src|href)="(/[^"/][^"]*\.(?:js|css))"')


async def light_visit(
    base: str, path: str, marker: str, settled: asyncio.Queue, timeout: float = 180.0
) -> Visit:
    """One owner on the light web app: the page with its marker, then its scripts and styles."""
    v = Visit()
    client = httpclient.AsyncHTTPClient()
    t0 = time.perf_counter()
    try:
        r = await client.fetch(
            base + path, raise_error=False, request_timeout=timeout, connect_timeout=timeout
        )
        v.status = r.code
        v.page_seconds = time.perf_counter() - t0
        body = (r.body or b"").decode("utf-8", "replace")
        if r.code == 503 and BUSY_MARKER in body:
            v.outcome = "busy"
        elif r.code != 200 or marker not in body:
            v.detail = f"page without {marker} (HTTP {r.code})"
        else:
            assets = await asyncio.gather(
                *(
                    client.fetch(base + a, raise_error=False, request_timeout=timeout)
                    for a in sorted(set(ASSET.findall(body)))
                )
            )
            bad = [a.code for a in assets if a.code != 200]
            if bad:
                v.detail = f"asset HTTP {bad[0]}"
            else:
                v.outcome = "complete"
                v.first_widget_seconds = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001  counted as blank, reason kept
        v.detail = f"http: {type(exc).__name__}"
    finally:
        settled.put_nowait(v)
    return v


async def visit(
    base: str,
    path: str,
    leave: asyncio.Event,
    settled: asyncio.Queue,
    timeout: float = 180.0,
    ws_timeout: float = 90.0,
    headers: dict | None = None,
) -> Visit:
    """One owner: page, websocket, widget state; holds the connection until ``leave`` is set.

    Puts the visit on ``settled`` once its outcome is known (before holding the page open).
    ``headers`` go with the page request (a staff member's session cookie).
    """
    v = Visit()
    try:
        ws = await _open(v, base, path, timeout, ws_timeout, headers)
    finally:
        settled.put_nowait(v)
    if ws is not None:
        try:
            await leave.wait()  # the owner keeps the page open until everyone has theirs
        finally:
            ws.close()
    return v


async def _open(
    v: Visit, base: str, path: str, timeout: float, ws_timeout: float, headers: dict | None
):
    client = httpclient.AsyncHTTPClient()
    t0 = time.perf_counter()
    try:
        r = await client.fetch(
            base + path,
            raise_error=False,
            request_timeout=timeout,
            connect_timeout=timeout,
            headers=headers,
            follow_redirects=False,
        )
    except Exception as exc:  # noqa: BLE001  counted as blank, reason kept
        v.detail = f"http: {type(exc).__name__}"
        return None
    v.status = r.code
    v.page_seconds = time.perf_counter() - t0
    body = (r.body or b"").decode("utf-8", "replace")
    if r.code == 503 and BUSY_MARKER in body:
        v.outcome = "busy"
        return None
    if r.code != 200 or APP_MARKER not in body:
        v.detail = f"page without app (HTTP {r.code})"
        return None
    m = KERNEL_ID.search(body)
    if not m:
        v.detail = "no kernel id"
        return None
    v.kernel_id = m.group(1)
    session = uuid.uuid4().hex
    url = f"{base.replace('http', 'ws', 1)}/api/kernels/{v.kernel_id}/channels?session_id={session}"
    try:
        ws = await asyncio.wait_for(websocket.websocket_connect(url), ws_timeout)
    except Exception as exc:  # noqa: BLE001
        v.detail = f"websocket: {type(exc).__name__}"
        return None
    try:
        comm_id = uuid.uuid4().hex
        await ws.write_message(
            _message(
                "comm_open",
                {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}},
                session,
                {"version": "1.0.0"},
            )
        )
        await ws.write_message(
            _message(
                "comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}}, session
            )
        )
        deadline = time.monotonic() + ws_timeout
        while time.monotonic() < deadline:
            msg = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
            if msg is None:
                v.detail = "websocket closed"
                return None
            raw = msg if isinstance(msg, bytes) else msg.encode()
            if b"update_states" in raw:
                v.first_widget_seconds = time.perf_counter() - t0
                v.outcome = "complete"
                return ws
        v.detail = "no widget state"
    except Exception as exc:  # noqa: BLE001
        v.detail = f"websocket: {type(exc).__name__}"
    ws.close()
    return None


async def burst(
    base: str,
    path: str,
    n: int,
    server_pid: int,
    marker: str | None = None,
    headers: list[dict] | None = None,
) -> Burst:
    """``n`` visitors open the app at the same moment; measured while all pages are open.

    ``marker``: a light page and its usable marker (else a widget page). ``headers``: one dict
    per visitor for the page request (staff cookies)."""
    httpclient.AsyncHTTPClient.configure(None, max_clients=max(10, 3 * n + 5))
    await asyncio.to_thread(wait_until_quiet, server_pid)
    cpu0 = tree_cpu_seconds(server_pid)
    own0 = own_cpu_seconds(server_pid)
    leave = asyncio.Event()
    settled: asyncio.Queue = asyncio.Queue()
    if marker is not None:
        tasks = [asyncio.create_task(light_visit(base, path, marker, settled)) for _ in range(n)]
    else:
        tasks = [
            asyncio.create_task(
                visit(base, path, leave, settled, headers=headers[i] if headers else None)
            )
            for i in range(n)
        ]
    for _ in range(n):  # every visit knows its outcome (bounded by the visit timeouts)
        await settled.get()
    result = Burst()
    # the cost of a visit includes refilling the preheated pool it took a kernel from
    await asyncio.to_thread(wait_until_quiet, server_pid)
    result.cpu_seconds = tree_cpu_seconds(server_pid) - cpu0
    result.server_cpu_seconds = own_cpu_seconds(server_pid) - own0
    result.kernel_rss_mb, result.kernel_uss_mb = kernel_memory(server_pid)
    result.kernels_at_peak = len(result.kernel_rss_mb)
    leave.set()
    result.visits = list(await asyncio.gather(*tasks))
    return result
