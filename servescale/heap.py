"""Keeps glibc's malloc from letting a long-running server's heap creep up under a steady load.

glibc serves blocks of 128 KiB and more with ``mmap`` and gives them back to the kernel on free.
But when such a block is freed it raises that threshold to the block's size (up to 32 MiB), so the
large buffers that come after (Prometheus answers of several MiB: the pod cache reads four
10,000-series vectors every 15 s) are cut from the main heap instead. That heap shrinks only from
its top, fragments, and the adapter's RSS rose by 0.5-1 MiB a minute at 133 requests/s, for as
long as it ran. Fixing the threshold turns the adjustment off: large buffers are mapped and
unmapped every time, and RSS stays flat (``bench/fleet_load.py``).

Does nothing with another C library, or when ``MALLOC_MMAP_THRESHOLD_`` in the environment already
says what the operator wants. Knows nothing about the service.
"""

from __future__ import annotations

import ctypes
import logging
import os

__all__ = ["MMAP_THRESHOLD_BYTES", "fix_mmap_threshold"]

log = logging.getLogger(__name__)

MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value
_M_MMAP_THRESHOLD = -3  # malloc.h


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD_BYTES) -> bool:
    """Pin glibc's mmap threshold to ``threshold`` bytes; True if glibc took it."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to pin
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    pinned: bool = mallopt(_M_MMAP_THRESHOLD, threshold) == 1
    log.debug("glibc mmap threshold %s at %d bytes", "pinned" if pinned else "left", threshold)
    return pinned
