"""The kernels behind the apps: a budget sized from memory, fair shares, culling, message limits.

Each open app page holds one kernel (a Python process, about 80 MB when a staff app is drawn).
:class:`CappedKernelManager` keeps them within a **budget**:

- **How many**: ``max_kernels`` comes from memory (:func:`kernel_budget`: a share of the
  machine's RAM divided by a measured per-kernel cost); ``--max-kernels`` overrides it. Kernels
  still starting count too, so a burst cannot overshoot. A refusal is an HTTP 503 that
  :mod:`berdikari.web.busy` turns into the friendly busy page. The kernels' measured memory
  (:meth:`CappedKernelManager.check_memory`) must also stay within the share.
- **How big**: every kernel has a memory ceiling. :mod:`berdikari.web.app_kernel` sets its address
  space limit; the manager ends a kernel whose memory passes the ceiling, and its page is told.
- **Fair shares**: one client address (:func:`berdikari.web.limits.client_address` when present)
  and one staff account hold at most ``kernels_per_client`` / ``kernels_per_account`` kernels
  and start at most ``starts_per_client_minute`` a minute. Reaching the share first replaces the
  caller's own disconnected kernel (a reloaded page); if all of them are in use, the caller is
  told to close one (:class:`ShareExceeded`), and nobody else is affected.
- **Culling** (every ``cull_interval`` seconds): a kernel whose page never connected goes after
  ``cull_idle_timeout`` seconds; one whose page went away (closed tab, lost network) is kept
  ``disconnect_grace_seconds`` (a facilitator's weak link, minutes); one whose page shows no human
  activity (no widget interaction from the browser, :meth:`note_human_activity`) for
  ``idle_seconds`` is ended even with its websocket open. **Under pressure** (the budget is full
  and a visit needs a kernel), disconnected kernels go first, longest-disconnected first, but
  never one disconnected for less than ``pressure_grace_seconds``
  (:meth:`CappedKernelManager.pressure_candidates`).
- **Messages**: :class:`GuardedKernelWebsocketHandler` refuses, at the server's websocket, a
  message over ``max_message_bytes`` (file uploads, binary buffers of a widget update, may reach
  ``max_upload_bytes``), and more than ``max_comm_opens`` ``comm_open`` per kernel. A refusal is
  logged and the page is told (the socket closes with a 4xxx code the app template shows).

Voila's preheated kernels waiting in the pool are never culled (Voila skips them); a refill
refused by the cap would leave the pool empty for good, so :meth:`refill_pools` runs every few
seconds and refills when there is room.

This module must never hold app logic, touch the database or render pages.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass, field

import psutil
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Int

BUSY_REASON = "Server busy: too many open apps. Try again in a minute."
MB = 1024 * 1024

DEFAULT_KERNEL_MB = 100
"""Planned memory per kernel. Measured (``benchmarks/bench_owners_load.py``, this machine): a
staff app kernel is 82 MB RSS / 63 MB USS once drawn; 100 MB leaves room for its work."""
DEFAULT_MEMORY_SHARE = 0.5
"""The share of the machine's RAM the app kernels may take (the rest: system, database)."""
DEFAULT_CEILING_MB = 512
"""The most one kernel may hold (a programme export of thousands of rows stays well below)."""

# Close codes the app template shows to the person (templates/voila/.../index.html.j2).
CLOSE_REFUSED = 4400
"""A message was refused (too big, or too many new widgets); the kernel lives on."""
CLOSE_ENDED = 4410
"""The kernel was ended (idle, memory ceiling, or replaced); the page must be reloaded."""


@dataclass(frozen=True)
class Budget:
    """How many kernels may live at once, and why."""

    max_kernels: int
    kernel_mb: int
    share: float
    total_mb: int
    overridden: bool = False

    @property
    def memory_mb(self) -> int:
        """Memory the kernels may take together."""
        return int(self.total_mb * self.share)

    def describe(self) -> str:
        if self.overridden:
            return (
                f"Kernel budget: {self.max_kernels} kernels (--max-kernels); memory share "
                f"{self.memory_mb} MB of {self.total_mb} MB"
            )
        return (
            f"Kernel budget: {self.max_kernels} kernels = {self.total_mb} MB RAM x "
            f"{self.share:.0%} / {self.kernel_mb} MB per kernel (override with --max-kernels)"
        )


def kernel_budget(
    kernel_mb: int = DEFAULT_KERNEL_MB,
    share: float = DEFAULT_MEMORY_SHARE,
    total_bytes: int | None = None,
    override: int | None = None,
) -> Budget:
    """The live-kernel limit from memory: ``floor(RAM x share / kernel_mb)``, at least 1."""
    if kernel_mb < 1:
        raise ValueError("kernel_mb must be at least 1")
    if not 0 < share <= 1:
        raise ValueError("share must be above 0 and at most 1")
    total = psutil.virtual_memory().total if total_bytes is None else total_bytes
    total_mb = total // MB
    if override is not None:
        return Budget(max(1, override), kernel_mb, share, total_mb, overridden=True)
    return Budget(max(1, math.floor(total_mb * share / kernel_mb)), kernel_mb, share, total_mb)


class ShareExceeded(web.HTTPError):
    """This client or account already holds its share of kernels, all in use."""

    def __init__(self, kind: str, limit: int):
        super().__init__(429, f"{kind} holds {limit} kernels")
        self.kind = kind  # "client" | "account" | "starts"
        self.limit = limit


@dataclass
class KernelUse:
    """Who holds a kernel handed to a page, and what its page did."""

    client: str | None
    account: str | None
    claimed_at: float
    last_human: float
    connections: int = 0
    ever_connected: bool = False
    disconnected_at: float | None = None
    comm_opens: int = 0
    rss_mb: float = 0.0

    def away_since(self) -> float | None:
        """Since when no page is connected (claim time if it never connected); None if one is."""
        if self.connections > 0:
            return None
        return self.disconnected_at if self.ever_connected else self.claimed_at


@dataclass(eq=False)
class Reservation:
    client: str | None
    account: str | None
    done: bool = False


@dataclass
class _Starts:
    times: list[float] = field(default_factory=list)


class CappedKernelManager(AsyncMappingKernelManager):
    """Kernels within a memory budget, shared fairly, culled when nobody uses them."""

    max_kernels = Int(24, config=True, help="Most kernels alive at once, preheated ones included")
    memory_mb = Int(0, config=True, help="Memory the kernels may take together (0: no check)")
    kernel_mb = Int(DEFAULT_KERNEL_MB, config=True, help="Planned memory of one kernel (MB)")
    memory_ceiling_mb = Int(DEFAULT_CEILING_MB, config=True, help="Most memory one kernel holds")
    kernels_per_client = Int(8, config=True, help="Most kernels one client address holds")
    kernels_per_account = Int(3, config=True, help="Most kernels one staff account holds")
    starts_per_client_minute = Int(30, config=True, help="New kernels one client gets a minute")
    idle_seconds = Int(900, config=True, help="End a kernel with no human activity after this")
    disconnect_grace_seconds = Int(600, config=True, help="Keep a disconnected kernel this long")
    pressure_grace_seconds = Int(60, config=True, help="Under pressure, keep one this long")
    max_message_bytes = Int(256 * 1024, config=True, help="Largest message from a page")
    max_upload_bytes = Int(12 * MB, config=True, help="Largest widget update with binary buffers")
    max_comm_opens = Int(20, config=True, help="Most comm_open a page may send to one kernel")
    memory_check_interval = Float(5.0, config=True, help="Seconds between kernel memory checks")
    refill_interval = Float(
        3.0, config=True, help="Seconds between background checks that the preheated pool is full"
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting = 0
        self._refill_callback: PeriodicCallback | None = None
        self._memory_callback: PeriodicCallback | None = None
        self.uses: dict[str, KernelUse] = {}
        self._pending: list[Reservation] = []
        self._starts: dict[str, _Starts] = {}
        self._sockets: dict[str, set] = {}
        self.kernels_rss_mb = 0.0
        self.clock = time.monotonic

    # --- the budget ------------------------------------------------------------------------------

    def live_kernels(self) -> int:
        """Kernels alive or starting (a kernel being registered may count twice, briefly)."""
        return len(self.list_kernel_ids()) + self._starting

    def over_memory(self) -> bool:
        """The kernels' measured memory leaves no room for one more."""
        return self.memory_mb > 0 and self.kernels_rss_mb + self.kernel_mb > self.memory_mb

    async def start_kernel(self, *args, **kwargs):
        kernel_id = kwargs.get("kernel_id")
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(*args, **kwargs)
        if self.live_kernels() >= self.max_kernels or self.over_memory():
            self.log.warning("Kernel cap reached (%s): visit refused", self.max_kernels)
            raise web.HTTPError(503, BUSY_REASON)
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1
            self._start_background_loops()

    # --- fair shares: reserve before rendering, claim the kernel the page got -------------------

    def _held(self, attr: str, value: str) -> list[str]:
        return [k for k, u in self.uses.items() if getattr(u, attr) == value]

    def _pending_for(self, attr: str, value: str) -> int:
        return sum(1 for r in self._pending if getattr(r, attr) == value)

    async def reserve(
        self, client: str | None, account: str | None, notebook: str | None = None
    ) -> Reservation:
        """Make room for one page of ``client`` / ``account`` or raise (429 share, 503 busy)."""
        now = self.clock()
        if len(self._starts) > 4096:  # forget addresses with no start in the last minute
            self._starts = {
                c: st for c, st in self._starts.items() if st.times and now - st.times[-1] < 60
            }
        if client is not None and self.starts_per_client_minute > 0:
            starts = self._starts.setdefault(client, _Starts())
            starts.times = [t for t in starts.times if now - t < 60]
            if len(starts.times) + self._pending_for("client", client) >= (
                self.starts_per_client_minute
            ):
                self.log.warning("client %s got %s kernels this minute", client, len(starts.times))
                raise ShareExceeded("starts", self.starts_per_client_minute)
        for attr, value, limit in (
            ("client", client, self.kernels_per_client),
            ("account", account, self.kernels_per_account),
        ):
            if value is None or limit <= 0:
                continue
            held = self._held(attr, value)
            if len(held) + self._pending_for(attr, value) >= limit:
                # the caller's own page went away (reloaded, closed): its new page replaces it
                own = self._order_away(held, now, grace=0)
                if not own:
                    self.log.warning("%s %s holds %s kernels: visit refused", attr, value, limit)
                    raise ShareExceeded(attr, limit)
                await self.end_kernel(own[0], f"replaced: {attr} share")
        if self._needs_room(notebook):
            victims = self.pressure_candidates(now)
            if victims:
                await self.end_kernel(victims[0], "pressure: longest away")
        reservation = Reservation(client, account)
        self._pending.append(reservation)
        return reservation

    def _needs_room(self, notebook: str | None) -> bool:
        full = self.live_kernels() >= self.max_kernels or self.over_memory()
        return full and not self._pool_ready(notebook)

    def _pool_ready(self, notebook: str | None) -> bool:
        pools = getattr(self, "_pools", None)
        if not pools or notebook is None:
            return False
        for name, pool in pools.items():
            if name == notebook or str(name).endswith("/" + notebook):
                return any(t.done() and not t.cancelled() and t.exception() is None for t in pool)
        return False

    def claim(self, reservation: Reservation, kernel_id: str) -> None:
        """The page of ``reservation`` got ``kernel_id``: it now counts for its client/account."""
        self.release(reservation)
        now = self.clock()
        if reservation.client is not None:
            self._starts.setdefault(reservation.client, _Starts()).times.append(now)
        self.uses[kernel_id] = KernelUse(
            reservation.client,
            reservation.account,
            claimed_at=now,
            last_human=now,
            connections=self._kernel_connections.get(kernel_id, 0),
        )
        self.touch(kernel_id)

    def release(self, reservation: Reservation) -> None:
        if not reservation.done:
            reservation.done = True
            if reservation in self._pending:
                self._pending.remove(reservation)

    # --- what pages do (called by the websocket handler) ----------------------------------------

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        use = self.uses.get(kernel_id)
        if use is not None:
            use.connections += 1
            use.ever_connected = True
            use.disconnected_at = None

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        use = self.uses.get(kernel_id)
        if use is not None:
            use.connections = max(0, use.connections - 1)
            if use.connections == 0:
                use.disconnected_at = self.clock()

    def note_human_activity(self, kernel_id: str) -> None:
        use = self.uses.get(kernel_id)
        if use is not None:
            use.last_human = self.clock()

    def note_comm_open(self, kernel_id: str) -> bool:
        """Count a ``comm_open`` from a page; False once the kernel has had its share."""
        use = self.uses.get(kernel_id)
        if use is None:
            return True  # an unclaimed kernel: the count starts when a page holds it
        use.comm_opens += 1
        return use.comm_opens <= self.max_comm_opens

    def register_socket(self, kernel_id: str, handler) -> None:
        self._sockets.setdefault(kernel_id, set()).add(handler)

    def unregister_socket(self, kernel_id: str, handler) -> None:
        self._sockets.get(kernel_id, set()).discard(handler)

    # --- ending kernels -------------------------------------------------------------------------

    def _order_away(self, kernel_ids, now: float, grace: float) -> list[str]:
        """Kernels with no page connected for at least ``grace`` s, longest away first."""
        away = []
        for kid in kernel_ids:
            use = self.uses.get(kid)
            since = use.away_since() if use is not None else None
            if since is not None and now - since >= grace:
                away.append((since, kid))
        return [kid for _, kid in sorted(away)]

    def pressure_candidates(self, now: float | None = None) -> list[str]:
        """Who goes first when the budget is full: pages away longest (never-connected pages
        count from when they were handed out); never one away less than the pressure grace."""
        now = self.clock() if now is None else now
        return self._order_away(list(self.uses), now, self.pressure_grace_seconds)

    def cull_reason(self, kernel_id: str, now: float) -> str | None:
        """Why a claimed kernel should go now, or None."""
        use = self.uses.get(kernel_id)
        if use is None:
            return None
        kernel = self._kernels.get(kernel_id)
        if getattr(kernel, "execution_state", None) == "dead":
            return "dead: the kernel process stopped"
        if use.rss_mb > self.memory_ceiling_mb > 0:
            return f"memory: {use.rss_mb:.0f} MB over the {self.memory_ceiling_mb} MB ceiling"
        since = use.away_since()
        if since is None:
            if self.idle_seconds > 0 and now - use.last_human > self.idle_seconds:
                return f"idle: no activity on the page for {now - use.last_human:.0f} s"
            return None
        if not use.ever_connected:
            if now - since > self.cull_idle_timeout:
                return f"never connected in {now - since:.0f} s"
            return None
        if now - since > self.disconnect_grace_seconds:
            return f"disconnected for {now - since:.0f} s"
        return None

    async def end_kernel(self, kernel_id: str, reason: str) -> None:
        """Tell the page (if connected), then shut the kernel down; never raises."""
        use = self.uses.get(kernel_id)
        who = f"client {use.client} account {use.account}" if use else "unclaimed"
        self.log.warning("Ending kernel %s (%s): %s", kernel_id, who, reason)
        for handler in list(self._sockets.get(kernel_id, ())):
            try:
                handler.close(CLOSE_ENDED, reason.split(":", 1)[0])
            except Exception:  # noqa: BLE001  the page may be gone already
                pass
        await shutdown_quietly(self, kernel_id)
        self.uses.pop(kernel_id, None)
        self._sockets.pop(kernel_id, None)

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        try:
            return await super().shutdown_kernel(kernel_id, *args, **kwargs)
        finally:
            self.uses.pop(kernel_id, None)

    async def cull_kernels(self):
        """Check every kernel at once: shut down one by one, 20 kernels took 20 s or more."""
        await asyncio.gather(*(self._cull_one(k) for k in list(self._kernels)))

    async def _cull_one(self, kernel_id: str) -> None:
        try:
            if kernel_id in self.uses:
                reason = self.cull_reason(kernel_id, self.clock())
                if reason is not None:
                    await self.end_kernel(kernel_id, reason)
                return
            await self.cull_kernel_if_idle(kernel_id)
        except Exception:  # noqa: BLE001  one kernel's trouble must not stop the others
            self.log.exception("Culling kernel %s failed", kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str):
        """Kernels no page claimed (the pool's, or one whose page failed): Jupyter's rule."""
        kernel = self._kernels.get(kernel_id)
        if kernel is None:
            return
        if self._kernel_connections.get(kernel_id, 0) > 0 and hasattr(kernel, "last_activity"):
            kernel.last_activity = utcnow()
            return
        return await super().cull_kernel_if_idle(kernel_id)

    def touch(self, kernel_id: str) -> None:
        """Restart a kernel's idle clock (it was just handed to a visitor)."""
        kernel = self._kernels.get(kernel_id)
        if kernel is not None:
            kernel.last_activity = utcnow()

    # --- memory ---------------------------------------------------------------------------------

    def kernel_rss_mb(self, kernel_id: str) -> float | None:
        kernel = self._kernels.get(kernel_id)
        pid = getattr(getattr(kernel, "provisioner", None), "pid", None)
        if pid is None:
            return None
        try:
            return psutil.Process(pid).memory_info().rss / MB
        except psutil.Error:
            return None

    async def check_memory(self) -> None:
        """Measure every kernel; end any claimed kernel over its ceiling."""
        total = 0.0
        for kid in list(self._kernels):
            rss = self.kernel_rss_mb(kid)
            if rss is None:
                continue
            total += rss
            use = self.uses.get(kid)
            if use is not None:
                use.rss_mb = rss
                if rss > self.memory_ceiling_mb > 0:
                    await self.end_kernel(kid, f"memory: {rss:.0f} MB over the ceiling")
        self.kernels_rss_mb = total

    # --- background loops (the preheated pool, the memory check) --------------------------------

    def _start_background_loops(self) -> None:
        if self._refill_callback is None and hasattr(self, "_pools") and self.refill_interval > 0:
            self._refill_callback = PeriodicCallback(self.refill_pools, 1000 * self.refill_interval)
            self._refill_callback.start()
        if self._memory_callback is None and self.memory_check_interval > 0:
            self._memory_callback = PeriodicCallback(
                self.check_memory, 1000 * self.memory_check_interval
            )
            self._memory_callback.start()

    def refill_pools(self) -> None:
        """Drop failed pool entries; top each pool up while the budget leaves room."""
        pools = getattr(self, "_pools", None)
        if pools is None:
            return
        for notebook, pool in list(pools.items()):
            for task in list(pool):
                if task.done() and (task.cancelled() or task.exception() is not None):
                    pool.remove(task)
            wanted = self._pool_size_for(notebook)
            missing = wanted - len(pool)
            room = self.max_kernels - self.live_kernels() - self._pending_in_pools()
            if missing > 0 and room > 0 and not self.over_memory():
                self.log.info("Refilling the pool of %s (%s missing)", notebook, missing)
                # Voila starts (wanted - len(pool)) kernels; never more than the cap allows.
                self.fill_if_needed(delay=0, notebook_name=notebook)

    def _pending_in_pools(self) -> int:
        """Pool entries still starting their kernel (not yet counted by ``live_kernels``)."""
        return sum(1 for pool in self._pools.values() for task in pool if not task.done())

    def _pool_size_for(self, notebook: str) -> int:
        config = getattr(self, "kernel_pools_config", {}) or {}
        default = config.get("default", {})
        return int(config.get(notebook, default).get("pool_size", default.get("pool_size", 0)))

    async def shutdown_all(self, *args, **kwargs):
        for name in ("_refill_callback", "_memory_callback"):
            callback = getattr(self, name)
            if callback is not None:
                callback.stop()
                setattr(self, name, None)
        return await super().shutdown_all(*args, **kwargs)


# --- the kernel websocket ------------------------------------------------------------------------


@dataclass(frozen=True)
class Inbound:
    """What the server needs to know of one message from a page, read without its buffers."""

    msg_type: str
    method: str | None
    json_bytes: int
    buffer_bytes: int


HUMAN_METHODS = frozenset({"update", "custom"})
"""Widget messages a browser sends when a person types, picks or clicks (``request_state(s)``,
sent when a page loads or reconnects, is not a person)."""


def inspect_message(ws_msg: str | bytes, v1: bool) -> Inbound | None:
    """Type, widget method and sizes of a websocket message; None if it is malformed."""
    try:
        if v1:
            raw = bytes(ws_msg) if not isinstance(ws_msg, bytes) else ws_msg
            count = int.from_bytes(raw[:8], "little")
            if not 5 <= count <= 1 + 8 * 1024:
                return None
            offsets = [
                int.from_bytes(raw[8 * (i + 1) : 8 * (i + 2)], "little") for i in range(count)
            ]
            # parts: channel, header, parent_header, metadata, content, buffers...
            header = json.loads(raw[offsets[1] : offsets[2]])
            content_end = offsets[5] if count > 5 else len(raw)
            json_bytes = content_end - offsets[0]
            content = json.loads(raw[offsets[4] : content_end]) if json_bytes else {}
            buffer_bytes = len(raw) - content_end
        elif isinstance(ws_msg, bytes):  # legacy binary: 4-byte count, offsets, JSON, buffers
            nbufs = int.from_bytes(ws_msg[:4], "big")
            if not 1 <= nbufs <= 8 * 1024:
                return None
            first = int.from_bytes(ws_msg[4:8], "big")
            second = int.from_bytes(ws_msg[8:12], "big") if nbufs > 1 else len(ws_msg)
            msg = json.loads(ws_msg[first:second])
            header, content = msg.get("header") or {}, msg.get("content") or {}
            json_bytes, buffer_bytes = second - first, len(ws_msg) - second
        else:
            msg = json.loads(ws_msg)
            header, content = msg.get("header") or {}, msg.get("content") or {}
            json_bytes, buffer_bytes = len(ws_msg.encode()), 0
        data = content.get("data") if isinstance(content, dict) else None
        method = data.get("method") if isinstance(data, dict) else None
        return Inbound(str(header.get("msg_type", "")), method, json_bytes, buffer_bytes)
    except (ValueError, TypeError, AttributeError, IndexError):
        return None


def refusal(inbound: Inbound | None, manager, kernel_id: str) -> str | None:
    """Why a message must not reach the kernel, or None if it may."""
    if inbound is None:
        return "malformed message"
    if inbound.json_bytes > manager.max_message_bytes:
        return (
            f"{inbound.msg_type} of {inbound.json_bytes} bytes (limit {manager.max_message_bytes})"
        )
    if inbound.buffer_bytes:
        upload = inbound.msg_type == "comm_msg" and inbound.method == "update"
        limit = manager.max_upload_bytes if upload else manager.max_message_bytes
        if inbound.buffer_bytes > limit:
            return (
                f"{inbound.msg_type} with {inbound.buffer_bytes} bytes of buffers (limit {limit})"
            )
    if inbound.msg_type == "comm_open" and not manager.note_comm_open(kernel_id):
        return f"more than {manager.max_comm_opens} comm_open"
    return None


def guarded_websocket_handler_class():
    """Voila's kernel websocket handler with size/count limits and activity tracking."""
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    class GuardedKernelWebsocketHandler(VoilaKernelWebsocketHandler):
        async def open(self, kernel_id):  # type: ignore[override]
            manager = self.kernel_manager
            if hasattr(manager, "register_socket"):
                manager.register_socket(self.kernel_id, self)
            await super().open(kernel_id)

        def on_message(self, ws_message):
            manager = self.kernel_manager
            if self.ws_connection is None:  # closing (refused or ended): drop what follows
                return None
            if not hasattr(manager, "max_message_bytes") or self.connection is None:
                return super().on_message(ws_message)
            v1 = self.selected_subprotocol == "v1.kernel.websocket.jupyter.org"
            inbound = inspect_message(ws_message, v1)
            why = refusal(inbound, manager, self.kernel_id)
            if why is not None:
                self.log.warning(
                    "Refused a message to kernel %s from %s: %s",
                    self.kernel_id,
                    self.request.remote_ip,
                    why,
                )
                self.close(CLOSE_REFUSED, "refused")
                return None
            if inbound.msg_type == "comm_msg" and inbound.method in HUMAN_METHODS:
                manager.note_human_activity(self.kernel_id)
            return super().on_message(ws_message)

        def on_close(self):
            manager = self.kernel_manager
            if hasattr(manager, "unregister_socket"):
                manager.unregister_socket(self.kernel_id, self)
            if self.connection is not None:
                super().on_close()

    return GuardedKernelWebsocketHandler


class AppKernelSpecManager(KernelSpecManager):
    """Kernel specs for the apps: the stock ``python3`` kernel runs as the lean
    :mod:`berdikari.web.app_kernel` (no debugger, no history database, a memory ceiling)."""

    def get_kernel_spec(self, kernel_name: str, *args, **kwargs):
        spec = super().get_kernel_spec(kernel_name, *args, **kwargs)
        argv = list(spec.argv)
        if argv[1:3] == ["-m", "ipykernel_launcher"]:
            spec.argv = [argv[0], "-m", "berdikari.web.app_kernel", *argv[3:]]
        return spec


async def shutdown_quietly(manager, kernel_id: str) -> None:
    """Shut a kernel down if it is still alive; never raise (used on the error paths)."""
    try:
        if kernel_id in manager:
            await manager.shutdown_kernel(kernel_id)
    except Exception:  # noqa: BLE001  the culler gets any kernel left behind
        manager.log.warning("Could not shut down kernel %s", kernel_id, exc_info=True)


__all__ = [
    "AppKernelSpecManager",
    "BUSY_REASON",
    "Budget",
    "CappedKernelManager",
    "ShareExceeded",
    "guarded_websocket_handler_class",
    "inspect_message",
    "kernel_budget",
    "shutdown_quietly",
]
