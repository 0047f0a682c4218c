"""``fix_mmap_threshold``: a long run's large temporaries go back to the system when freed."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from heard.pipeline.memory import fix_mmap_threshold

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")

CHILD = """
import sys
from heard.pipeline.memory import fix_mmap_threshold

if sys.argv[1] == "fixed":
    assert fix_mmap_threshold()


def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


big = bytearray(24 << 20)  # one large temporary, freed: glibc raises its threshold to 24 MiB
del big
before = rss_kb()
blocks, pins = [], []
for _ in range(8):  # 64 MiB in 8 MiB blocks, each followed by a small block on the C heap
    blocks.append(bytearray(8 << 20))
    pins.append(bytearray(4096))
del blocks
print((rss_kb() - before) // 1024)
"""


def rise_after_free_mb(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode], capture_output=True, text=True, env=env, check=True
    )
    return int(out.stdout)


def test_freed_large_blocks_stay_resident_without_it_and_go_back_with_it():
    assert rise_after_free_mb("default") >= 48  # glibc's own behaviour: the test can tell
    assert rise_after_free_mb("fixed") <= 8


def test_the_operators_environment_setting_wins(monkeypatch):
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "1048576")
    assert fix_mmap_threshold() is False
