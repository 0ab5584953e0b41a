"""The kernel manager behind the apps: a hard cap on live kernels, culling within a minute, a pool
that refills itself in the background.

Each open app page holds one kernel (about 50–100 MB). :class:`CappedKernelManager` refuses a
kernel beyond ``max_kernels`` (kernels starting count too, so a burst of visits cannot overshoot);
the refusal is an HTTP 503 that :mod:`berdikari.busy` turns into the friendly busy page.

Culling: a kernel with no browser connected and no activity for ``cull_idle_timeout`` seconds is
shut down at the next check (every ``cull_interval`` seconds). While a browser is connected the
idle clock is held at "now", so it starts when the page goes away (closed tab, lost network), not
at the owner's last click. Voila's preheated kernels waiting in the pool are never culled (Voila
skips them); :func:`touch` restarts the clock when a pooled kernel is handed to a visitor, so an
old pool kernel is not culled between page and websocket.

Voila refills the pool only when a visitor takes a kernel; a refill refused by the cap would leave
the pool empty for good. :meth:`CappedKernelManager.refill_pools` runs every few seconds, drops
failed pool entries and refills when there is room under the cap.

This module must never hold app logic, touch the database or render pages.
"""

from __future__ import annotations

import asyncio

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Int

BUSY_REASON = "Server busy: too many open apps. Try again in a minute."


class CappedKernelManager(AsyncMappingKernelManager):
    """Refuses to start a kernel beyond ``max_kernels``; culls disconnected idle kernels."""

    max_kernels = Int(24, config=True, help="Most kernels alive at once, preheated ones included")
    refill_interval = Float(
        3.0, config=True, help="Seconds between background checks that the preheated pool is full"
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting = 0
        self._refill_callback: PeriodicCallback | None = None

    def live_kernels(self) -> int:
        """Kernels alive or starting (a kernel being registered may count twice, briefly)."""
        return len(self.list_kernel_ids()) + self._starting

    async def start_kernel(self, *args, **kwargs):
        kernel_id = kwargs.get("kernel_id")
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(*args, **kwargs)
        if self.live_kernels() >= self.max_kernels:
            self.log.warning("Kernel cap reached (%s): visit refused", self.max_kernels)
            raise web.HTTPError(503, BUSY_REASON)
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1
            self._start_refill_loop()

    async def cull_kernels(self):
        """Check every kernel at once: shut down one by one, 20 kernels took 20 s or more."""
        await asyncio.gather(*(self._cull_one(k) for k in list(self._kernels)))

    async def _cull_one(self, kernel_id: str) -> None:
        try:
            await self.cull_kernel_if_idle(kernel_id)
        except Exception:  # noqa: BLE001  one kernel's trouble must not stop the others
            self.log.exception("Culling kernel %s failed", kernel_id)

    async def cull_kernel_if_idle(self, kernel_id: str):
        kernel = self._kernels.get(kernel_id)
        if kernel is None:
            return
        if self._kernel_connections.get(kernel_id, 0) > 0 and hasattr(kernel, "last_activity"):
            # Connected means in use: the idle clock starts when the last browser leaves.
            kernel.last_activity = utcnow()
            return
        return await super().cull_kernel_if_idle(kernel_id)

    def touch(self, kernel_id: str) -> None:
        """Restart a kernel's idle clock (it was just handed to a visitor)."""
        kernel = self._kernels.get(kernel_id)
        if kernel is not None:
            kernel.last_activity = utcnow()

    # --- the preheated pool (only when Voila's pool manager is mixed in) ----------------------

    def _start_refill_loop(self) -> None:
        if self._refill_callback is None and hasattr(self, "_pools") and self.refill_interval > 0:
            self._refill_callback = PeriodicCallback(self.refill_pools, 1000 * self.refill_interval)
            self._refill_callback.start()

    def refill_pools(self) -> None:
        """Drop failed pool entries; top each pool up while the cap leaves room."""
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
            if missing > 0 and room > 0:
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
        if self._refill_callback is not None:
            self._refill_callback.stop()
            self._refill_callback = None
        return await super().shutdown_all(*args, **kwargs)


class AppKernelSpecManager(KernelSpecManager):
    """Kernel specs for the apps: the stock ``python3`` kernel runs as the lean
    :mod:`berdikari.app_kernel` (no debugger, no history database)."""

    def get_kernel_spec(self, kernel_name: str, *args, **kwargs):
        spec = super().get_kernel_spec(kernel_name, *args, **kwargs)
        argv = list(spec.argv)
        if argv[1:3] == ["-m", "ipykernel_launcher"]:
            spec.argv = [argv[0], "-m", "berdikari.app_kernel", *argv[3:]]
        return spec


async def shutdown_quietly(manager, kernel_id: str) -> None:
    """Shut a kernel down if it is still alive; never raise (used on the error paths)."""
    try:
        if kernel_id in manager:
            await manager.shutdown_kernel(kernel_id)
    except Exception:  # noqa: BLE001  the culler gets any kernel left behind
        manager.log.warning("Could not shut down kernel %s", kernel_id, exc_info=True)


__all__ = ["AppKernelSpecManager", "BUSY_REASON", "CappedKernelManager", "shutdown_quietly"]
