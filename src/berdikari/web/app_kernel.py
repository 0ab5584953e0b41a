"""The kernel process behind one app page: ipykernel without what an app never uses, with a ceiling.

``berdikari serve`` starts its ``python3`` kernels as ``python -m berdikari.web.app_kernel`` instead of
``python -m ipykernel_launcher`` (see :class:`berdikari.web.kernels.AppKernelSpecManager`). Two things
are left out, measured on this 2-core machine (``benchmarks/bench_owners_load.py``):

- the debugger (debugpy/pydevd, imported at kernel start for JupyterLab's debugger panel):
  about 0.08 CPU-second and 7 MB less per kernel;
- IPython's history database (an SQLite file written on every cell): no disk writes, no lock
  contention between 20 kernels starting at once.

One thing is added: a **memory ceiling**. When ``BERDIKARI_KERNEL_MEMORY_MB`` is set (the server
sets it), the kernel limits its own address space (``RLIMIT_AS``) once it is up: what it has
mapped by then (threads' stacks and malloc arenas are mostly reserved, not used) plus the ceiling.
An allocation beyond it fails with ``MemoryError`` inside the kernel, which ipykernel reports and
survives; the server's memory check (:meth:`berdikari.web.kernels.CappedKernelManager.check_memory`)
then ends it and tells its page. glibc is asked for at most two malloc arenas, so the reserved
part stays small and the ceiling means what it says (the kernels import no numpy).

Everything else is the stock ipykernel. This module must never import the app or hold logic.
"""

from __future__ import annotations

import os
import sys

CEILING_ENV = "BERDIKARI_KERNEL_MEMORY_MB"
M_ARENA_MAX = -8


def limit_arenas() -> None:
    """At most two malloc arenas (each thread would otherwise reserve 64 MB of address space)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 2)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def apply_ceiling(ceiling_mb: int) -> int | None:
    """Limit this process's address space to what it maps now plus ``ceiling_mb``.

    Returns the limit in bytes, or None when the platform has no such limit.
    """
    try:
        import resource
    except ImportError:
        return None
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        mapped = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        mapped = 0
    limit = mapped + ceiling_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return limit


def ceiling_from_env() -> int | None:
    value = os.environ.get(CEILING_ENV, "").strip()
    if not value:
        return None
    try:
        ceiling = int(value)
    except ValueError:
        return None
    return ceiling if ceiling > 0 else None


def main(argv: list[str] | None = None) -> None:
    # A None entry makes ``import debugpy`` raise ImportError: ipykernel then runs without it.
    sys.modules["debugpy"] = None  # type: ignore[assignment]
    ceiling = ceiling_from_env()
    if ceiling is not None:
        limit_arenas()
    from ipykernel.kernelapp import IPKernelApp

    args = list(sys.argv[1:] if argv is None else argv)
    app = IPKernelApp.instance()
    app.initialize([*args, "--HistoryManager.enabled=False"])
    if ceiling is not None:
        apply_ceiling(ceiling)  # after start-up: its threads and imports are mapped by now
    app.start()


if __name__ == "__main__":
    main()
