"""The benchmark harness end to end, in smoke mode, so that it never rots.

One run of ``python -m benchmarks.run --smoke`` into a temporary folder; the tests
check that the report has every section, table and row, and that the plots exist.
No timing is asserted anywhere: a smoke run's figures mean nothing.

moto's server engine is left out: its 1,000-item queries take seconds each, and its
code path is the dynalite one with another launcher. The canned engine records from
dynalite, or from moto's server where Node.js is missing.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks._coldstart import LABELS, REFERENCED
from benchmarks._plan import MEMORY_OPERATIONS, OPERATIONS, SMOKE, VARIANT_LABELS
from benchmarks._profile import WHAT_IFS
from benchmarks._report import OPERATION_TITLES, PEERS, SECTION_TITLES, SPEEDUP_GOALS

ROOT = Path(__file__).resolve().parent.parent
SUITES = ("engine:canned", "memory", "peers", "scaling:memory", "scaling:moto", "coldstart")
PEER_GOALS = 4 + 2 + 2 + 6
"""The peers suite's goals: vs pydynox, vs the raw client, vs the floor, the twin's."""
PEER_PACKAGES = ("pynamodb", "dyntastic", "matplotlib", "psutil")
RUN_TIMEOUT_S = 900
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    missing = [name for name in PEER_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        reason = f"the benchmark peers are not installed: {', '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("benchmarks") / "benchmarks.md"
    command = [
        sys.executable, "-m", "benchmarks.run", "--smoke", "--out", str(out), "--reference", "HEAD"
    ]  # fmt: skip
    subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, "--suites", ",".join(SUITES)],
        cwd=ROOT,
        check=True,
        timeout=RUN_TIMEOUT_S,
    )
    return out.parent


@pytest.fixture(scope="module")
def report(report_dir: Path) -> str:
    return (report_dir / "benchmarks.md").read_text(encoding="utf-8")


def _rows(report: str, section: str) -> list[list[str]]:
    """The table rows of a ``## section`` (header and separator left out), as cells."""
    body = report.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in body.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_smoke_report_has_every_section(report: str) -> None:

    for title in SECTION_TITLES:
        assert f"\n## {title}\n" in report


def test_smoke_report_states_command_machine_and_versions(report: str) -> None:
    assert "-m benchmarks.run --smoke --out" in report
    assert "cores:" in report
    assert "CPU:" in report
    assert "Python: CPython" in report or "Python: " in report
    for package in ("boto3", "botocore", "pydantic", "moto", "pynamodb", "dyntastic"):
        assert f"{package} " in report.split("Versions:", 1)[1].split("\n", 1)[0]


def test_smoke_report_has_every_goal_of_the_issue(report: str) -> None:

    rows = _rows(report, "Goals")
    goals = [row[0] for row in rows]
    assert sum(goal.startswith(("dynalite:", "canned:", "memory:")) for goal in goals) == PEER_GOALS
    assert sum(goal.startswith("in-memory suite: ") for goal in goals) == len(SPEEDUP_GOALS)
    assert "in-memory store, memory per 191-byte item" in goals
    assert any(goal.startswith("import time, ") for goal in goals)
    assert all(row[3] in ("met", "**not met**") for row in rows)


def test_smoke_report_has_every_earlier_goal(report: str) -> None:

    goals = [row[0] for row in _rows(report, "Earlier goals")]
    assert "create vs raw client" in goals
    assert "get_one vs raw client" in goals
    for title in ("query_by_pk, 100 items", "query_by_pk, 1,000 items"):
        assert f"{title}, per item, vs raw client" in goals
        assert sum(goal.startswith(f"{title} vs ") for goal in goals) == len(PEERS)
    assert "memory per item, in-memory vs moto" in goals


def test_smoke_report_peers_table_has_every_comparison(report: str) -> None:

    rows = _rows(report, "Peers and the floor")
    assert {row[0].split(":")[0] for row in rows} == {"dynalite", "canned", "memory"}
    assert sum(row[5] != "\u2014" for row in rows) == PEER_GOALS


def test_smoke_report_ratio_tables_have_every_operation_and_variant(report: str) -> None:

    # operation, the raw client's CPU, each other variant's ratio
    ratios = _rows(report, "Ratios against the raw client (canned engine)")
    assert [row[0] for row in ratios] == [OPERATION_TITLES[op] for op in OPERATIONS]
    assert all(len(row) == 1 + len(VARIANT_LABELS) for row in ratios)
    # operation, DynamoDBService over each other variant
    peers = _rows(report, "DynamoDBService against each peer (canned engine)")
    assert [row[0] for row in peers] == [OPERATION_TITLES[op] for op in OPERATIONS]
    assert all(len(row) == len(VARIANT_LABELS) for row in peers)


def test_smoke_report_canned_engine_table_has_every_operation_and_variant(report: str) -> None:

    rows = _rows(report, "Every engine in detail")
    expected = {
        (OPERATION_TITLES[op], label) for op in OPERATIONS for label in VARIANT_LABELS.values()
    }
    assert expected <= {(row[0], row[1]) for row in rows}
    assert "not run" in report.split("## Every engine in detail", 1)[1]  # moto's server


def test_smoke_report_in_memory_table_has_every_operation(report: str) -> None:

    rows = _rows(report, "In-memory store against moto's mock_aws")
    assert [row[0] for row in rows] == [OPERATION_TITLES[op] for op in MEMORY_OPERATIONS]


def test_smoke_report_scaling_and_memory_tables_have_both_stores(report: str) -> None:

    scaling = _rows(report, "In-memory scaling")
    assert len(scaling) == 2 * len(SMOKE.scaling_sizes)
    assert {row[1] for row in scaling} == {f"{size:,}" for size in SMOKE.scaling_sizes}
    memory = _rows(report, "Memory per stored item")
    assert [row[0].split(" ")[0] for row in memory] == ["InMemoryKeyValueStore", "moto"]


def test_smoke_report_cold_start_table_has_every_statement(report: str) -> None:

    statements = [row[0] for row in _rows(report, "Cold start")]
    assert statements[: len(LABELS)] == list(LABELS.values())
    assert len(statements) == len(LABELS) + len(REFERENCED)  # and the reference commit's


def test_smoke_report_profile_and_what_if_tables_are_filled(report: str) -> None:

    profile = _rows(report, "Where the time goes (cProfile, canned engine)")
    assert any(row[0] == "**total (profiled)**" for row in profile)
    assert any(row[0].startswith("botocore: response parsing") for row in profile)
    what_ifs = _rows(report, "What skipping botocore steps saves (what-if runs, canned engine)")
    assert [row[0] for row in what_ifs] == list(WHAT_IFS.values())


def test_smoke_run_writes_every_plot(report_dir: Path, report: str) -> None:
    for name in ("benchmarks-goals.png", "benchmarks.png", "benchmarks-in-memory.png"):
        assert (report_dir / name).read_bytes().startswith(PNG_MAGIC)
        assert f"]({name})" in report
