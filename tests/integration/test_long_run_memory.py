"""The long-running commands fix glibc's mmap threshold as ``open_run`` does (issue 17):
``heard topics --rebuild`` and ``heard serve`` keep each large temporary in a mapping of its own,
which goes back to the system when it is freed.

Each command runs in a child process on a real store. The child then frees a 24 MiB block (glibc
raises its threshold to that size unless it was fixed) and allocates an 8 MiB one: glibc's own
count of mapped bytes (``mallinfo2``) says whether that block got a mapping of its own. (The RSS
measure of ``tests/unit/test_memory.py`` cannot tell after a command has run: its heap has holes
that take the small pinning blocks, so glibc trims the freed blocks either way.)
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")

REPO = Path(__file__).resolve().parents[2]

CHILD = """
import ctypes
import ctypes.util
import sys

import uvicorn

from heard.cli import run

uvicorn.run = lambda *a, **k: None  # serve builds its app, then returns instead of serving
if sys.argv[1:]:
    assert run(sys.argv[1:]) == 0


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.mallinfo2.restype = MallInfo2
big = bytearray(24 << 20)  # freed: glibc raises its threshold to 24 MiB unless it is fixed
del big
before = libc.mallinfo2().hblkhd
block = bytearray(8 << 20)
print((libc.mallinfo2().hblkhd - before) >> 20)  # MiB mapped for the 8 MiB block
"""


def mapped_mb_for_a_block(*argv: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}
    env["PYTHONPATH"] = str(REPO / "src")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.strip().splitlines()[-1])


def test_without_a_fixed_threshold_the_block_comes_from_the_heap():
    assert mapped_mb_for_a_block() == 0  # glibc's own behaviour: the measurement can tell


@pytest.mark.parametrize("command", [["topics", "--rebuild"], ["serve"]])
def test_long_running_commands_map_large_blocks_of_their_own(seeded_db_copy, command):
    assert mapped_mb_for_a_block(*command, "--db", str(seeded_db_copy)) >= 8
