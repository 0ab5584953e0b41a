"""Start a real ``berdikari serve`` for the staff apps' browser tests.

A free port, a given SQLite database, and a one-page site folder (the site build is the owner
and site tests' business; these tests need only the apps). The server is stopped when the
context ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

PROCESSES: dict[str, subprocess.Popen] = {}
"""base URL → the ``berdikari serve`` process behind it (tests that look at its kernels)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"berdikari serve exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"berdikari serve did not answer in {timeout}s:\n{log.read_text()[-3000:]}")


@contextmanager
def running_server(tmp: Path, database_url: str, site_dir: Path | None = None):
    """Yields the base URL of a server on ``database_url``; its log is ``tmp/serve.log``.

    ``site_dir`` is served at ``/`` (the owner tests pass the real site build); without it, a
    one-page site.
    """
    site = site_dir
    if site is None:
        site = tmp / "site"
        site.mkdir(exist_ok=True)
        (site / "index.html").write_text("<!doctype html><title>Berdikari</title><p>Berdikari</p>")
    port = free_port()
    log = tmp / "serve.log"
    env = {**os.environ, "BERDIKARI_DATA_DIR": str(tmp), "BERDIKARI_DATABASE_URL": database_url}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "berdikari"),
                "serve",
                "--port",
                str(port),
                "--database-url",
                database_url,
                "--site-dir",
                str(site),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    PROCESSES[base] = proc
    try:
        wait_until_up(base + "/", proc, log)
        yield base
    finally:
        PROCESSES.pop(base, None)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def staff_programme(tmp: Path):
    """A server on a fresh SQLite database holding :func:`tests.apps.staff_seed.seed`."""
    from berdikari.store import open_store
    from tests.apps.staff_seed import seed

    url = f"sqlite:///{tmp / 'berdikari.db'}"
    store = open_store(url)
    data = seed(store)
    store.engine.dispose()
    with running_server(tmp, url) as base:
        yield {
            "base": base,
            "url": url,
            "log": tmp / "serve.log",
            "pid": PROCESSES[base].pid,
            **data,
        }
