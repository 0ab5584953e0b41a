"""The kernel process behind one app page: ipykernel without what an app never uses.

``berdikari serve`` starts its ``python3`` kernels as ``python -m berdikari.app_kernel`` instead of
``python -m ipykernel_launcher`` (see :class:`berdikari.kernels.AppKernelSpecManager`). Two things
are left out, measured on this 2-core machine (``benchmarks/bench_owners_load.py``):

- the debugger (debugpy/pydevd, imported at kernel start for JupyterLab's debugger panel):
  about 0.08 CPU-second and 7 MB less per kernel;
- IPython's history database (an SQLite file written on every cell): no disk writes, no lock
  contention between 20 kernels starting at once.

Everything else is the stock ipykernel. This module must never import the app or hold logic.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    # A None entry makes ``import debugpy`` raise ImportError: ipykernel then runs without it.
    sys.modules["debugpy"] = None  # type: ignore[assignment]
    from ipykernel.kernelapp import IPKernelApp

    args = list(sys.argv[1:] if argv is None else argv)
    IPKernelApp.launch_instance(argv=[*args, "--HistoryManager.enabled=False"])


if __name__ == "__main__":
    main()
