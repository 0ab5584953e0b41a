"""A small TCP proxy between a browser and a test server that can cut the link, like a phone that
loses its signal in a hall.

``LinkCut(upstream_port)`` listens on a free loopback port and relays every connection to the
server. :meth:`LinkCut.cut` drops every open connection (both sides see the socket die) and stops
listening, so new connections are refused; :meth:`LinkCut.restore` listens again on the same
port. Plain threads and sockets; it only ever connects to 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading

from tests.e2e.server_fixture import free_port


class LinkCut:
    def __init__(self, upstream_port: int, port: int | None = None):
        self.upstream = upstream_port
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stopped = False
        self.restore()

    # --- control ------------------------------------------------------------------------------
    def restore(self) -> None:
        """Listen again (the link is back)."""
        with self._lock:
            if self._listener is not None:
                return
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", self.port))
            s.listen(64)
            self._listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def cut(self) -> None:
        """Drop every open connection and refuse new ones until :meth:`restore`."""
        with self._lock:
            listener, self._listener = self._listener, None
            conns, self._open = self._open, set()
        if listener is not None:
            _kill(listener)
        for c in conns:
            _kill(c)

    def close(self) -> None:
        self._stopped = True
        self.cut()

    @property
    def is_cut(self) -> bool:
        return self._listener is None

    # --- relaying -----------------------------------------------------------------------------
    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut: the listener is closed
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream), timeout=5)
                server.settimeout(None)
            except OSError:
                _kill(client)  # the server is down (restarting): refuse like it would
                continue
            with self._lock:
                if self._listener is not listener:
                    _kill(client)
                    _kill(server)
                    return
                self._open.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            with self._lock:
                self._open.discard(src)
                self._open.discard(dst)
            src.close()


def _kill(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass
