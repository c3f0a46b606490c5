"""Worker processes that never outlive the build that started them."""

from __future__ import annotations

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Pool initializer: on Linux the kernel sends SIGTERM to this worker when the process that
    started it ends, also when it is killed (kill -9), so no worker keeps rendering for nobody."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: workers then end with the pool as before
        return
