"""What an app's kernel knows of the page request it serves: Voila's request info, cookies.

Voila puts the request's details into the kernel's environment (``QUERY_STRING``, and the
headers named in ``VoilaConfiguration.http_header_envs`` as ``HTTP_*``; the server passes
``Cookie``). A kernel Voila started for the request has them from the start. A *preheated*
kernel ran the notebook before anyone asked for it, so it must wait for them:
:func:`wait_for_request` does what ``voila.utils.wait_for_request`` does (same environment
variables, same ``/voila/query/<kernel id>`` websocket, one message) without importing ``voila``,
which would load jupyter_server into every kernel (about 45 MB and 3 s each). Outside a preheated
Voila kernel (JupyterLab, nbval, plain tests) it returns at once.

This module must never decide who the visitor is (see :mod:`berdikari.store.sessions`), log a
cookie, or wait when the kernel is not a preheated Voila kernel.
"""

from __future__ import annotations

import json
import logging
import os

log = logging.getLogger("berdikari.apps.page_request")
log.addHandler(logging.NullHandler())  # never onto the owner's page (kernel stderr is shown)

CONNECT_TIMEOUT = 5.0
"""Seconds to reach Voila's request-info websocket (the wait for the visitor has no limit)."""


def query_url() -> str | None:
    """Voila's request-info websocket for this kernel, or None when not a preheated kernel."""
    env = os.environ
    kernel_id = env.get("VOILA_KERNEL_ID")
    if env.get("VOILA_PREHEAT", "False") == "False" or not kernel_id:
        return None
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    ip = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{ip}:{port}{base}voila/query/{kernel_id}"


def wait_for_request() -> bool:
    """In a preheated kernel, wait for the visitor's request and put its info into the
    environment. True when request info arrived; False otherwise (never raises)."""
    url = query_url()
    if url is None:
        return False
    try:
        from websockets.sync.client import connect

        with connect(url, open_timeout=CONNECT_TIMEOUT) as ws:
            message = ws.recv()
        info = json.loads(message)
    except Exception as exc:  # noqa: BLE001  no request info: the page works without it
        log.warning("No request info from Voila (%s)", type(exc).__name__)
        return False
    if not isinstance(info, dict):
        return False
    # The kernel's own environment came from the server, never from this visitor: a Cookie header
    # the request did not carry must not be read from there.
    os.environ.pop("HTTP_COOKIE", None)
    for key, value in info.items():
        if isinstance(key, str) and isinstance(value, str):
            os.environ[key] = value
    return True


def cookie(name: str) -> str | None:
    """The value of cookie ``name`` in the page request (after :func:`wait_for_request`)."""
    raw = os.environ.get("HTTP_COOKIE", "")
    if not raw:
        return None
    from tornado.httputil import parse_cookie

    return parse_cookie(raw).get(name) or None


def base_url() -> str:
    """The server's base URL (``/`` unless the server runs under a prefix)."""
    base = os.environ.get("VOILA_BASE_URL", "/") or "/"
    return base if base.endswith("/") else base + "/"
