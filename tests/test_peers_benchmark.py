"""The peers benchmark runs on every engine and prints its table (its figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_peers_benchmark_prints_each_comparison_with_its_goals() -> None:
    # A subprocess: the canned engine adds handlers to every botocore client made after it.
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.peers", "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    cells = [[cell.strip() for cell in row.split("|")[1:-1]] for row in rows[1:]]
    engines = {row[0].split(":")[0] for row in cells}
    assert engines == {"dynalite", "canned", "memory"}
    with_goals = [row for row in cells if row[5] != "—"]
    assert len(with_goals) == 4 + 2 + 2 + 6  # vs pydynox, vs raw, vs the floor, the twin
    for row in with_goals:
        assert row[6] in {"met", "**not met**"}, row
    for row in cells:
        assert row[4].endswith(")"), row  # a ratio and its interquartile range
    compared = {row[1] for row in cells}
    assert {"vs pydynox (sync)", "vs the floor", "speed vs pydynox MemoryBackend"} <= compared
