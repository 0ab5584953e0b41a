"""Start and stop real ``berdikari serve`` (or plain ``voila``) processes for tests and benchmarks.

Everything listens on 127.0.0.1 on a free port; :func:`running` always stops the server and its
kernels, even when the test fails. Also: fetch an app page, find its kernel id, talk to the
kernel's websocket the way Voila's page does (no browser).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
APP = "/voila/render/penilaian-mandiri.ipynb"
APP_MARKER = "application/vnd.jupyter.widget-view+json"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    base: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def tiny_site(folder: Path) -> Path:
    """A one-page site, so a test server starts without building the guides."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text("<!doctype html><title>Berdikari</title>ok\n")
    return folder


def serve_args(port: int, database_url: str, site: Path, *extra: str) -> list[str]:
    return [
        str(BIN / "berdikari"),
        "serve",
        "--port",
        str(port),
        "--database-url",
        database_url,
        "--site-dir",
        str(site),
        *extra,
    ]


def wait_until_up(server: Server, path: str = "/", timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"server exited:\n{server.log_text()[-3000:]}")
        try:
            with urllib.request.urlopen(server.base + path, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server did not answer in {timeout}s:\n{server.log_text()[-3000:]}")


@contextmanager
def running(args: list[str], port: int, log: Path, env: dict | None = None, up_path: str = "/"):
    """Run a server process; yield a :class:`Server`; always stop it (and so its kernels)."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    server = Server(proc=proc, base=f"http://127.0.0.1:{port}", log=log)
    try:
        wait_until_up(server, up_path)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@dataclass
class Page:
    status: int
    body: str
    headers: dict
    cookies: str = ""

    @property
    def has_app(self) -> bool:
        return self.status == 200 and APP_MARKER in self.body

    @property
    def is_busy(self) -> bool:
        return self.status == 503 and "Server sedang sibuk" in self.body

    @property
    def kernel_id(self) -> str | None:
        m = KERNEL_ID.search(self.body)
        return m.group(1) if m else None


def get_page(url: str, timeout: float = 120) -> Page:
    req = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            cookies = "; ".join(c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or [])
            return Page(r.status, r.read().decode("utf-8", "replace"), dict(r.headers), cookies)
    except urllib.error.HTTPError as e:
        return Page(e.code, e.read().decode("utf-8", "replace"), dict(e.headers))


def kernel_alive(base: str, kernel_id: str) -> bool:
    """GET /api/kernels/<id>: 200 while the kernel lives, 404 once it is gone."""
    try:
        with urllib.request.urlopen(f"{base}/api/kernels/{kernel_id}", timeout=10) as r:
            return r.status == 200
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return False
        raise


def wait_for(predicate, timeout: float, step: float = 0.5) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds pass (a bounded loop)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def comm_info_request(session: str) -> str:
    """A kernel message a Voila page sends first (JSON websocket protocol)."""
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": "comm_info_request",
                "username": "",
                "session": session,
                "date": "",
                "version": "5.3",
            },
            "parent_header": {},
            "metadata": {},
            "content": {"target_name": "jupyter.widget"},
            "channel": "shell",
            "buffers": [],
        }
    )


def ws_url(base: str, kernel_id: str, session: str) -> str:
    return f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?session_id={session}"
