"""Cold start: ``python -X importtime`` totals for one import statement each.

Each statement runs in a fresh interpreter, the statements rotated per repetition.
The total of a statement is the sum of the cumulative times of the top-level
imports it triggers (those that an empty ``python -c pass`` does not make): wall
time, which a busy machine inflates, so the process's CPU time (user + system, from
``getrusage``) is recorded beside it. The same run records whether boto3 or botocore
got imported.

With ``BENCHMARKS_REFERENCE_SRC`` set (``benchmarks.run --reference COMMIT`` sets it to
that commit's ``src``), the package's two statements also run against that source
tree, interleaved with the rest: the import-time goal compares today's code with it.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

from ._timing import rotated

if TYPE_CHECKING:
    from ._plan import Plan

STATEMENTS = {
    "package": "import lvrgd.common.services",
    "memory": "from lvrgd.common.services.memory import InMemoryKeyValueStore",
    "service": "from lvrgd.common.services import DynamoDBService",
    "boto3": "import boto3",
    "pynamodb": "from pynamodb.models import Model",
    "dyntastic": "from dyntastic import Dyntastic",
}
LABELS = {
    "package": "`import lvrgd.common.services` (port + in-memory store)",
    "memory": "the in-memory store alone (`...services.memory`)",
    "service": "`from lvrgd.common.services import DynamoDBService`",
    "boto3": "`import boto3` (for reference)",
    "pynamodb": "`from pynamodb.models import Model` (for reference)",
    "dyntastic": "`from dyntastic import Dyntastic` (for reference)",
}
REFERENCE_ENV = "BENCHMARKS_REFERENCE_SRC"
REFERENCED = ("package", "service")
"""The statements also timed against the reference source tree, as ``reference:NAME``."""
_WATCHED = ("boto3", "botocore", "pydantic", "loguru")
_REPORT = (
    "import sys, json; print(json.dumps({'modules': len(sys.modules), "
    f"'imported': [m for m in {_WATCHED!r} if m in sys.modules]}}))"
)


def _top_level(stderr: str) -> dict[str, int]:
    """Top-level imports and their cumulative microseconds, from ``-X importtime``."""
    found: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        if not name.startswith(" ") or name.startswith("  "):
            continue  # a nested import: counted in its parent's cumulative time
        found[name.strip()] = int(cumulative)
    return found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(code: str, src: str | None = None) -> tuple[dict[str, int], dict[str, Any], float, float]:
    """Top-level imports, the statement's report, the process's wall and CPU seconds.

    With `src`, the package is imported from that source tree instead.
    """
    env = None if src is None else {**os.environ, "PYTHONPATH": src}
    cpu_before, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu_before
    return _top_level(done.stderr), json.loads(done.stdout or "{}"), wall, cpu


def run(plan: Plan) -> dict[str, Any]:
    """Every statement, `plan.import_runs` times each, after `plan.import_warmup` runs."""
    reference = os.environ.get(REFERENCE_ENV)
    statements = dict(STATEMENTS)
    labels = dict(LABELS)
    sources: dict[str, str | None] = dict.fromkeys(STATEMENTS)
    if reference:
        for name in REFERENCED:
            statements[f"reference:{name}"] = STATEMENTS[name]
            labels[f"reference:{name}"] = f"{LABELS[name]}, the reference commit"
            sources[f"reference:{name}"] = reference
    names = list(statements)
    totals: dict[str, list[float]] = {name: [] for name in ["baseline", *names]}
    walls: dict[str, list[float]] = {name: [] for name in ["baseline", *names]}
    cpus: dict[str, list[float]] = {name: [] for name in ["baseline", *names]}
    facts: dict[str, dict[str, Any]] = {}
    for repetition in range(plan.import_warmup + plan.import_runs):
        kept = repetition >= plan.import_warmup
        baseline, _, wall, cpu = _run("pass")
        if kept:
            walls["baseline"].append(wall)
            cpus["baseline"].append(cpu)
            totals["baseline"].append(0.0)
        for name in rotated(names, repetition):
            imports, report, wall, cpu = _run(f"{statements[name]}\n{_REPORT}", sources[name])
            if kept:
                total = sum(us for module, us in imports.items() if module not in baseline)
                totals[name].append(total / 1e6)
                walls[name].append(wall)
                cpus[name].append(cpu)
            facts[name] = report
    return {
        "labels": labels,
        "statements": statements,
        "import_s": totals,
        "process_wall_s": walls,
        "process_cpu_s": cpus,
        "facts": facts,
    }
