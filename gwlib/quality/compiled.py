"""Compiled kernels' shared rules (numba).

Kernels are compiled on first use and cached next to their module (``__pycache__``), so a new
process pays about half a second once. Parallel kernels run on numba's default thread pool,
which accepts one caller at a time: Streamlit runs every session in its own thread, so callers
take :data:`KERNEL_LOCK` around a parallel kernel. Several processes need no lock.
"""

from __future__ import annotations

import threading

KERNEL_LOCK = threading.Lock()
