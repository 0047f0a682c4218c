"""The C heap of a long run: keep large temporaries out of it, and hand freed pages back.

glibc's ``malloc`` serves a block of at least its *mmap threshold* (128 KiB at start) from a
mapping of its own, which goes back to the system when the block is freed. But each time such a
block is freed, glibc raises the threshold to that block's size (up to 32 MiB). After the first
large temporary of a run (a topic's member matrix, a block of similarities) is freed, every
later block below that size comes from the heap instead, where freed memory stays counted in the
process until the top of the heap is free, so a long ingest's resident memory ratchets up with
each consolidation. A fixed threshold keeps every temporary of ``MMAP_THRESHOLD`` or more in its
own mapping (``bench/ingest_throughput.py --posts 200000``: BENCHMARKS.md, "glibc's mmap
threshold").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from functools import lru_cache
from typing import Any

MMAP_THRESHOLD = 4 * 1024 * 1024
"""Blocks of at least this many bytes get their own mapping (fixed: glibc no longer raises it).
4 MiB rather than glibc's starting 128 KiB: a batch's arrays (~1 MiB) stay on the heap, where
reusing them is cheap; 256 KiB cost ~4 % more CPU on a 20k ingest, 4 MiB ~1 % (BENCHMARKS.md)."""

_M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h


@lru_cache(maxsize=1)
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:  # no C library to load
        return None


def fix_mmap_threshold(nbytes: int = MMAP_THRESHOLD) -> bool:
    """Fix glibc's mmap threshold at ``nbytes`` for this process; True when it was set.

    Nothing happens without glibc, or when ``MALLOC_MMAP_THRESHOLD_`` is set in the environment
    (the operator's own choice wins)."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, nbytes))


def return_freed_memory() -> None:
    """Collect garbage and hand the C heap's free pages back to the system (glibc's
    ``malloc_trim``; nothing elsewhere), so that memory freed by dropping models is not still
    counted in the process while the end-of-run work allocates its own."""
    gc.collect()
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)
