"""The item-collection benchmark runs and prints its table (its figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_collections_benchmark_prints_a_row_per_store() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.collections", "--repetitions", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in rows[2:]] == [
        "in-memory",
        "DynamoDBService, canned",
    ]
