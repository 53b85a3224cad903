"""The partial-update benchmark runs and prints its table (its figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_patch_benchmark_prints_a_row_per_comparison() -> None:
    # A subprocess: the canned engine adds handlers to every botocore client made after it.
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.patch", "--tiny", "--repetitions", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    cells = [[cell.strip() for cell in row.split("|")[1:-1]] for row in rows[1:]]
    assert [row[0] for row in cells] == [
        "canned: patch 1 attribute, return_item=False",
        "canned: patch 1 attribute, item back (default)",
        "what-if: patch 1 attribute, item back",
        "canned: patch + where(), built per call",
        "canned: patch + where(), prebuilt",
        "what-if: patch, where() built per call, not sent",
        "what-if: patch, where() built and compiled, not sent",
        "in memory: patch 1 attribute (item back)",
    ]
    for row in cells:
        assert row[4].endswith(")"), row  # a ratio and its interquartile range
    for row in cells[:2] + cells[3:5]:
        assert row[6] in {"met", "**not met**"}, row
    for row in cells[2:3] + cells[5:]:
        assert row[5:] == ["—", "report only"], row
