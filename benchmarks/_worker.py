"""One suite in a process of its own: ``python -m benchmarks._worker SUITE --out FILE``.

Each suite gets a fresh interpreter, so that what one imports (moto's mock_aws hooks
into every botocore client made after it is imported) or allocates (the scaling
run's 100k items) never touches another's figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from loguru import logger

from lvrgd.common.services.testing.adapters._process import EngineUnavailableError, engine_env

from ._plan import ENGINES, PLANS

SUITES = (
    *(f"engine:{engine}" for engine in ENGINES),
    "memory",
    "peers",
    "async",
    "scaling:memory",
    "scaling:moto",
    "coldstart",
)


def run_suite(suite: str, plan_name: str) -> dict[str, Any]:
    """Run one suite and return its JSON-able result."""
    plan = PLANS[plan_name]
    kind, _, arg = suite.partition(":")
    if kind == "engine":
        from . import _engine_suite  # noqa: PLC0415 - each suite imports only what it needs

        return _engine_suite.run(arg, plan)
    if kind == "memory":
        from . import _memory_suite  # noqa: PLC0415

        return _memory_suite.run(plan)
    if kind == "peers":
        from . import peers  # noqa: PLC0415

        return peers.run(plan)
    if kind == "async":
        from . import async_suite  # noqa: PLC0415

        return async_suite.run(plan)
    if kind == "scaling":
        from . import _memory_suite  # noqa: PLC0415

        return _memory_suite.run_scaling(arg, plan)
    from . import _coldstart  # noqa: PLC0415

    return _coldstart.run(plan)


def main(argv: list[str] | None = None) -> int:
    """Run the suite named on the command line and write its result as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks._worker")
    parser.add_argument("suite", choices=SUITES)
    parser.add_argument("--plan", choices=sorted(PLANS), default="full")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    # dyntastic reads credentials from the environment: dummy ones, and never a real one.
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(engine_env({"AWS_EC2_METADATA_DISABLED": "true"}))
    # The application's logging choice: warnings and up. DynamoDBService and the
    # in-memory store still build their debug calls; loguru drops them.
    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    try:
        result = run_suite(args.suite, args.plan)
    except EngineUnavailableError as exc:
        result = {"unavailable": str(exc)}
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
