"""glibc's mmap threshold pinned at start, so large buffers never settle in the main heap."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import textwrap

import pytest

from servescale.heap import fix_mmap_threshold


def _glibc() -> bool:
    try:
        return hasattr(ctypes.CDLL(None), "mallinfo2")
    except OSError:
        return False


# In a fresh interpreter: free one 2 MiB block, then allocate another and report whether glibc
# served it with mmap (mallinfo2's hblkhd, bytes in mmapped blocks, grows by its size) or from
# the heap. glibc's dynamic threshold moves to 2 MiB after the first free, so unpinned the second
# block comes from the heap.
PROBE = textwrap.dedent(
    """
    import ctypes, sys
    from servescale.heap import fix_mmap_threshold

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    if sys.argv[1] == "pin":
        assert fix_mmap_threshold()
    size = 2 << 20
    libc.free(libc.malloc(size))
    before = libc.mallinfo2().hblkhd
    block = libc.malloc(size)
    print("mmap" if libc.mallinfo2().hblkhd - before >= size else "heap")
    libc.free(block)
    """
)


def _probe(mode: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    return done.stdout.strip()


@pytest.mark.skipif(not _glibc(), reason="glibc only")
def test_a_pinned_threshold_keeps_large_blocks_out_of_the_heap() -> None:
    assert _probe("leave") == "heap"  # glibc's own behaviour, which made RSS creep
    assert _probe("pin") == "mmap"


def test_an_operator_setting_in_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    assert fix_mmap_threshold() is False
