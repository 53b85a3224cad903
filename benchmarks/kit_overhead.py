"""What the testing kit's fixtures cost a test: in memory, and on each local engine.

Writes a small test suite to a temporary directory and runs it with pytest, as a
user's suite runs: ``conftest.py`` opts in with one line. Every test writes a few
items and reads one back. pytest's own timings of each test's setup and teardown
(the fixtures' work: a store handed out empty, then taken back) give the cost.

In memory, the same tests without the fixture give the baseline; the overhead is
the difference. On an engine, the setup and teardown are the isolation itself:
a table of the pool emptied and a new DynamoDBService; the run also counts the
tables made (one per process: no CreateTable per test).

    uv run python -m benchmarks.kit_overhead            # memory, moto, ministack, dynalite
    uv run python -m benchmarks.kit_overhead --tests 500 --backends memory
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

PREFIX = "kit-bench-"
CONFTEST = textwrap.dedent(
    """
    import json, os

    pytest_plugins = ["lvrgd.common.services.testing.plugin"]
    _TIMES = {}


    def pytest_runtest_logreport(report):
        if report.when in ("setup", "teardown"):
            _TIMES.setdefault(report.nodeid, 0.0)
            _TIMES[report.nodeid] += report.duration


    def pytest_sessionfinish(session):
        with open(os.environ["KIT_BENCH_OUT"], "w") as out:
            json.dump(_TIMES, out)
    """
)
WITH_FIXTURE = textwrap.dedent(
    """
    import pytest
    from lvrgd.common.services import KeyValueItem


    class Note(KeyValueItem):
        body: str


    @pytest.mark.parametrize("n", range({tests}))
    def test_note(kvstore, n):
        for sk in ("a", "b", "c"):
            kvstore.create(Note(pk=f"note#{{n}}", sk=sk, body="x" * 100))
        assert kvstore.get_one(f"note#{{n}}", "a", Note) is not None


    def test_zz_tables_made(kvstore_backend):
        if kvstore_backend.endpoint_url is None:
            return
        from lvrgd.common.services.dynamodb._table import new_client
        from lvrgd.common.services.testing.adapters._dynamodb import local_config
        client = new_client(local_config(kvstore_backend.endpoint_url, "any-table"))
        names = [n for n in client.list_tables()["TableNames"] if n.startswith({prefix!r})]
        client.close()
        print(f"TABLES_MADE={{len(names)}}")
    """
)
WITHOUT_FIXTURE = textwrap.dedent(
    """
    import pytest
    from lvrgd.common.services import InMemoryKeyValueStore, KeyValueItem, LoggingService

    STORE = InMemoryKeyValueStore(LoggingService("bench"))


    class Note(KeyValueItem):
        body: str


    @pytest.mark.parametrize("n", range({tests}))
    def test_note(n):
        for sk in ("a", "b", "c"):
            STORE.create(Note(pk=f"note#{{n}}", sk=sk, body="x" * 100))
        assert STORE.get_one(f"note#{{n}}", "a", Note) is not None
    """
)


def run(directory: Path, arguments: list[str]) -> tuple[list[float], str]:
    """Run pytest in `directory`; each test's setup + teardown seconds, and the output."""
    out = directory / "times.json"
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *arguments],
        cwd=directory,
        env={**_environment(), "KIT_BENCH_OUT": str(out)},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
        raise SystemExit(done.returncode)
    times = json.loads(out.read_text())
    return [seconds for nodeid, seconds in times.items() if "::test_note[" in nodeid], done.stdout


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "KVSTORE_BACKENDS"}


def suite(directory: Path, source: str, tests: int) -> Path:
    """A directory holding the conftest and one test module."""
    directory.mkdir()
    (directory / "conftest.py").write_text(CONFTEST)
    (directory / "test_notes.py").write_text(source.format(tests=tests, prefix=PREFIX))
    return directory


def main() -> None:
    """Measure, and print one line per backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=1000, help="tests per run (default 1000)")
    parser.add_argument(
        "--backends", default="memory,moto,ministack,dynalite", help="comma-separated"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        with_fixture = suite(root / "with", WITH_FIXTURE, args.tests)
        for backend in args.backends.split(","):
            flags = ["--kvstore-backend", backend, "--kvstore-table-prefix", PREFIX]
            times, output = run(with_fixture, flags)
            line = f"{backend}: {len(times)} tests, setup+teardown median "
            line += f"{statistics.median(times) * 1e3:.3f} ms, p90 "
            line += f"{statistics.quantiles(times, n=10)[-1] * 1e3:.3f} ms"
            if backend == "memory":
                plain, _ = run(suite(root / "without", WITHOUT_FIXTURE, args.tests), [])
                overhead = statistics.median(times) - statistics.median(plain)
                line += f"; without the fixture {statistics.median(plain) * 1e3:.3f} ms"
                line += f"; overhead {overhead * 1e3:.3f} ms a test"
            made = re.findall(r"TABLES_MADE=(\d+)", output)
            if made:
                line += f"; tables made: {made[-1]}"
            print(line)


if __name__ == "__main__":
    main()
