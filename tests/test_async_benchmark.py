"""The async benchmark runs on dynalite and prints its goals and tables (figures not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _table(lines: list[str], header: str) -> list[list[str]]:
    """The rows of the Markdown table whose header line starts with `header`, as cells."""
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("| "):
            break
        rows.append([cell.strip() for cell in line.split("|")[1:-1]])
    return rows


def test_async_benchmark_prints_every_goal_and_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.async_suite", "--tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    goals = _table(lines, "| goal |")
    assert len(goals) == 4 * 2 + 2 + 2  # per call (vs sync, vs pydynox), concurrency, lag
    assert all(row[3] in {"met", "**not met**"} for row in goals), goals
    assert {row[0].split(":")[0] for row in goals[-2:]} == {"twin", "dynalite"}
    per_call = _table(lines, "| measure |")
    assert len(per_call) == 4 * 4  # vs sync, vs pydynox; aiodynamo and aiobotocore vs pydynox
    assert {row[1] for row in per_call} == {"vs DynamoDBService", "vs pydynox (async)"}
    levels = _table(lines, "| adapter |")
    in_flight = {(row[0].split()[0], int(row[1])) for row in levels}
    assert in_flight == {
        *(("AsyncDynamoDBService", n) for n in (1, 16, 64, 256)),
        *(("DynamoDBService", n) for n in (1, 16, 64)),
    }
    lags = _table(lines, "| backend |")
    assert [row[0] for row in lags] == [
        "twin",
        "dynalite",
        "twin, collector paused",
        "dynalite, collector paused",
    ]
    assert all(int(row[1]) > 0 for row in lags)  # the heartbeat ran under load
    assert "Machine: cores:" in result.stdout
