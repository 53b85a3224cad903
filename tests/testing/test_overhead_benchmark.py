"""The kit's overhead benchmark end to end, on a few tests in memory, so that it never rots."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_overhead_benchmark_reports_the_fixture_cost_in_memory() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.kit_overhead", "--tests", "20", "--backends", "memory"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    pattern = r"memory: 20 tests, setup\+teardown median [\d.]+ ms, .*; overhead -?[\d.]+ ms a test"
    assert re.search(pattern, done.stdout), done.stdout
