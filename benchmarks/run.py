"""Run every benchmark suite and write docs/benchmarks.md with its plots.

    uv run python -m benchmarks.run                  # the full run, about 8 minutes
    uv run python -m benchmarks.run --smoke          # tiny counts: the harness still works
    uv run python -m benchmarks.run --out /tmp/b.md  # somewhere else (plots beside it)

``--reference COMMIT`` also times the package's import at that commit (its ``src``,
exported by ``git archive``), interleaved with today's: the import-time goal.

``--save-results FILE`` keeps the suites' raw results as JSON, and
``--from-results FILE`` writes the report from them again without running anything
(to change the report's text or plots without waiting for a run).

Each suite runs in its own interpreter (``benchmarks/_worker.py``), one after the
other; the results are gathered here into one report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from lvrgd.common.services.testing.adapters._process import engine_env

from . import _coldstart, _plots, _report
from ._plan import FULL, PLANS, SMOKE, Plan
from ._worker import SUITES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "benchmarks.md"
PACKAGES = (
    "lvrgd-common",
    "boto3",
    "botocore",
    "pydantic",
    "pydantic-core",
    "loguru",
    "moto",
    "pynamodb",
    "dyntastic",
    "matplotlib",
    "psutil",
)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def _versions() -> dict[str, str]:
    versions = {package: _version(package) for package in PACKAGES}
    dynalite = ROOT / "node_modules" / "dynalite" / "package.json"
    if dynalite.exists():
        versions["dynalite"] = json.loads(dynalite.read_text(encoding="utf-8"))["version"]
    return versions


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _machine(load_before: str) -> dict[str, str]:
    return {
        "cores": str(os.cpu_count()),
        "CPU": _cpu_model(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "OS": platform.platform(),
        "load average (1 min) before/after": f"{load_before}/{_load()}",
    }


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "n/a"


def _command(argv: list[str]) -> str:
    """The command as the report shows it: no path of the machine that ran it."""
    prefix = "uv run python" if os.environ.get("UV") else "python"
    shown: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--save-results":
            next(args, None)  # where that machine kept its raw results
        elif arg == "--out":
            shown += [arg, _relative(next(args, ""))]
        else:
            shown.append(arg)
    return " ".join([prefix, "-m", "benchmarks.run", *map(shlex.quote, shown)]).strip()


def _relative(path: str) -> str:
    """`path` inside the project as a relative path; elsewhere, its file name only."""
    resolved = Path(path).resolve()
    root = Path(__file__).resolve().parent.parent
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else resolved.name


def _run_suite(suite: str, plan: str, workdir: Path, extra_env: dict[str, str]) -> dict[str, Any]:
    out = workdir / f"{suite.replace(':', '_')}.json"
    started = time.perf_counter()
    print(f"== {suite}", file=sys.stderr)
    subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks._worker", suite, "--plan", plan, "--out", str(out)],
        cwd=ROOT,
        env={**engine_env({"MPLBACKEND": "Agg"}), "PYTHONPATH": str(ROOT), **extra_env},
        check=True,
    )
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    print(f"   {suite} took {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the suites and write the report."""
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny counts, for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the Markdown report")
    parser.add_argument(
        "--suites",
        default=",".join(SUITES),
        help=f"comma-separated subset of: {', '.join(SUITES)}",
    )
    parser.add_argument("--save-results", type=Path, help="also keep the raw results (JSON)")
    parser.add_argument(
        "--reference", help="a commit whose import time the cold-start suite also measures"
    )
    parser.add_argument("--from-results", type=Path, help="report from saved results; run nothing")
    args = parser.parse_args(args_list)
    suites = [s for s in args.suites.split(",") if s]
    unknown = set(suites) - set(SUITES)
    if unknown:
        parser.error(f"unknown suites: {sorted(unknown)}")
    if args.from_results is not None:
        saved = json.loads(args.from_results.read_text(encoding="utf-8"))
        results, context = saved["results"], saved["context"]
    else:
        results, context = _run_all(
            suites, SMOKE if args.smoke else FULL, args_list, args.reference
        )
        if args.save_results is not None:
            payload = {"results": results, "context": context}
            args.save_results.write_text(json.dumps(payload), encoding="utf-8")
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    plots = _write_plots(results, out)
    run = _report.Run(
        plan=PLANS[context["plan"]],
        command=context["command"],
        machine=context["machine"],
        versions=context["versions"],
        plots=[p.name for p in plots],
        elapsed_s=context["elapsed_s"],
        reference=context.get("reference"),
    )
    out.write_text(_report.render(results, run), encoding="utf-8")
    print(f"wrote {out} and {', '.join(str(p) for p in plots)}", file=sys.stderr)
    return 0


def _export(commit: str, into: Path) -> Path:
    """The commit's ``src`` tree, exported into `into` (no worktree, no checkout)."""
    archive = subprocess.run(  # noqa: S603 - git, on this repository
        ["git", "archive", "--format=tar", commit, "src"],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    subprocess.run(  # noqa: S603
        ["tar", "-x", "-C", str(into)],  # noqa: S607 - tar from PATH
        input=archive.stdout,
        check=True,
    )
    return into / "src"


def _run_all(
    suites: list[str], plan: Plan, argv: list[str], reference: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the suites; return their results and what the report says about the run."""
    load_before = _load()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="benchmarks-") as workdir:
        extra_env = {}
        if reference is not None:
            src = _export(reference, Path(workdir))
            extra_env[_coldstart.REFERENCE_ENV] = str(src)
        results = {
            suite: _run_suite(suite, plan.name, Path(workdir), extra_env) for suite in suites
        }
    context = {
        "plan": plan.name,
        "command": _command(argv),
        "machine": _machine(load_before),
        "versions": _versions(),
        "elapsed_s": time.perf_counter() - started,
        "reference": _describe(reference),
    }
    return results, context


def _describe(commit: str | None) -> str | None:
    """The commit as the report names it (short hash and subject), or None."""
    if commit is None:
        return None
    shown = subprocess.run(  # noqa: S603
        ["git", "log", "-1", "--format=%h", commit],  # noqa: S607 - git from PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return shown.stdout.strip()


def _write_plots(results: dict[str, Any], out: Path) -> list[Path]:
    written = []
    found = _report.goals(results)
    if found:
        path = out.with_name(f"{out.stem}-goals.png")
        _plots.goals(found, path)
        written.append(path)
    canned = results.get("engine:canned")
    if canned is not None and "unavailable" not in canned:
        path = out.with_suffix(".png")
        _plots.ratios(canned, path)
        written.append(path)
    memory = results.get("memory")
    scaling = {
        backend: results[f"scaling:{backend}"]
        for backend in ("memory", "moto")
        if "unavailable" not in results.get(f"scaling:{backend}", {"unavailable": "not run"})
    }
    if memory is not None and "unavailable" not in memory:
        path = out.with_name(f"{out.stem}-in-memory.png")
        _plots.in_memory(memory, scaling, path)
        written.append(path)
    return written


if __name__ == "__main__":
    sys.exit(main())
