"""A serving worker's garbage collector and allocator are settled once the app is built (service/app.py
`settle_collector`, `settle_allocator`): start-up objects frozen, the young generation's threshold raised,
large blocks mapped on their own. Checked in a fresh interpreter, as uvicorn's worker builds it, so the test
process's own collector and allocator are left alone."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from service.app import ARENAS, GC_THRESHOLDS, MMAP_THRESHOLD_BYTES


def test_the_worker_factory_settles_the_collector() -> None:
    probe = ("import gc; from service.app import app_from_env; app_from_env(); "
             "print(gc.get_threshold(), gc.get_freeze_count())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60,
                          env={**os.environ, "DATABASE_URL": "postgresql://lextime@127.0.0.1:1/unused", "LEXTIME_LOG_LEVEL": "warning"})
    thresholds, frozen = done.stdout.strip().rsplit(" ", 1)
    assert thresholds == str(GC_THRESHOLDS)
    assert int(frozen) > 10_000, "the modules and the app built at start-up are frozen"


# In a fresh interpreter: free a 24 MB block (which, by default, raises glibc's mmap threshold to 24 MB),
# then hold a 16 MB one, more than the heap has free, and count the blocks glibc has mapped on their own.
_MAPPED_AFTER_A_LARGE_FREE = """
import ctypes, sys
libc = ctypes.CDLL(None)
if not hasattr(libc, "mallinfo2"):
    print("no-glibc"); sys.exit()
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                               "fsmblks", "uordblks", "fordblks", "keepcost")]
libc.mallinfo2.restype = Info
if sys.argv[1] == "worker":
    from service.app import app_from_env
    app_from_env()
big = bytearray(24 << 20); del big
before = libc.mallinfo2().hblks
held = bytearray(16 << 20)
print(libc.mallinfo2().hblks - before)
"""


def _probe(script: str, mode: str) -> subprocess.CompletedProcess[str]:
    """`script` in a fresh interpreter, as a plain process or (`worker`) as a serving worker settles itself."""
    return subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True, check=True,
                          timeout=60, env={**os.environ, "DATABASE_URL": "postgresql://lextime@127.0.0.1:1/unused",
                                           "LEXTIME_LOG_LEVEL": "warning"})


def _mapped(mode: str) -> str:
    return _probe(_MAPPED_AFTER_A_LARGE_FREE, mode).stdout.strip()


def test_the_worker_factory_keeps_large_blocks_out_of_the_heap() -> None:
    plain = _mapped("plain")
    if plain == "no-glibc":
        pytest.skip("glibc's allocator is not this process's")
    assert plain == "0", "by default a 16 MB block after a 24 MB one grows the heap"
    assert _mapped("worker") == "1", "in a serving worker it is mapped on its own, and returned when freed"
    assert MMAP_THRESHOLD_BYTES <= 16 << 20


# In a fresh interpreter: eight threads allocate at once (each holding a block until all have one), then glibc
# reports its heaps on stderr, one "Arena N:" each.
_ARENAS_AFTER_THREADS = """
import ctypes, sys, threading
libc = ctypes.CDLL(None)
if not hasattr(libc, "malloc_stats"):
    print("no-glibc"); sys.exit()
libc.malloc.restype = ctypes.c_void_p
if sys.argv[1] == "worker":
    from service.app import app_from_env
    app_from_env()
together = threading.Barrier(8)
def allocate():
    libc.malloc(4096)
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
libc.malloc_stats()
"""


def _arenas(mode: str) -> str:
    done = _probe(_ARENAS_AFTER_THREADS, mode)
    return "no-glibc" if "no-glibc" in done.stdout else str(done.stderr.count("Arena "))


def test_the_worker_factory_keeps_threads_on_one_heap() -> None:
    plain = _arenas("plain")
    if plain == "no-glibc":
        pytest.skip("glibc's allocator is not this process's")
    assert int(plain) > 1, "by default threads allocating at once get heaps of their own"
    assert _arenas("worker") == str(ARENAS) == "1"
