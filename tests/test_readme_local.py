"""The README's local-engine path, run as written on a machine without AWS credentials.

The shell block under "### On DynamoDB" starts dynalite and runs the quickstart
against it. Here the engine is started with the README's own command (``npx`` and its
arguments) and the quickstart runs with the README's own arguments, in a process with
no AWS_* variable and an empty HOME, so with no ``~/.aws``: it must exit 0, and again
against the same table.

Two substitutions, both forced by running beside other tests: a free port instead of
8000 (which another process may hold), and no ``npm ci`` (it deletes and reinstalls
``node_modules``, which engines of concurrent tests are running from; it only runs here
when dynalite is missing, as the project's own launcher does).

Without Node.js the tests skip, saying why; under CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from lvrgd.common.services.testing.adapters._engines import DYNALITE_BIN, _npm_ci
from lvrgd.common.services.testing.adapters._process import (
    LOOPBACK,
    STOP_TIMEOUT_S,
    EngineUnavailableError,
    free_port,
    stop_process_group,
    wait_until_serving,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
README = PROJECT_ROOT / "README.md"
SECTION = "### On DynamoDB"
ENGINE_LINE = re.compile(r"npm ci && npx (?P<engine>dynalite --port (?P<port>\d+)) &")
QUICKSTART_PREFIX = ["uv", "run", "python"]
START_TIMEOUT_S = 60.0
RUN_TIMEOUT_S = 180.0


@dataclass(frozen=True)
class LocalPath:
    """The README's two commands: the engine's arguments after npx, its port, the quickstart."""

    engine: list[str]
    port: int
    quickstart: list[str]


def readme_local_path() -> LocalPath:
    """The shell block under the README's "On DynamoDB" section, parsed."""
    text = README.read_text(encoding="utf-8")
    assert SECTION in text, f"README has no {SECTION!r} section"
    section = re.split(r"\n#{1,3} ", text.split(SECTION, 1)[1], maxsplit=1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, f"no ```sh block under {SECTION!r}"
    lines = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 2, f"expected the engine and the quickstart lines, got {lines}"
    engine = ENGINE_LINE.fullmatch(lines[0])
    assert engine is not None, f"unexpected engine line: {lines[0]!r}"
    quickstart = shlex.split(lines[1])
    assert quickstart[:3] == QUICKSTART_PREFIX, f"unexpected quickstart line: {lines[1]!r}"
    return LocalPath(engine.group("engine").split(), int(engine.group("port")), quickstart)


def no_credentials_env(home: Path) -> dict[str, str]:
    """This process's environment without any AWS_* variable, HOME an empty directory."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env["HOME"] = str(home)
    return env


def unavailable(reason: str) -> NoReturn:
    """Skip, saying why; under CI, where the engine must run, fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so this may not skip: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def local_path() -> LocalPath:
    return readme_local_path()


@pytest.fixture(scope="module")
def empty_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("empty-home")


@pytest.fixture(scope="module")
def endpoint(
    local_path: LocalPath, empty_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The README's engine, on a free port, stopped after the module's tests."""
    npx = shutil.which("npx")
    if shutil.which("node") is None or npx is None:
        unavailable("Node.js (node and npx) is not on PATH; the README's local path needs it")
    try:
        if not DYNALITE_BIN.exists():
            _npm_ci()
    except EngineUnavailableError as exc:
        unavailable(str(exc))
    port = free_port()
    argv = [npx, *local_path.engine]
    argv[argv.index(str(local_path.port))] = str(port)
    log = tmp_path_factory.mktemp("dynalite") / "output.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - npx and the README's own arguments
            argv,
            cwd=PROJECT_ROOT,
            env=no_credentials_env(empty_home),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so that stopping it reaches npx's children too
        )
    try:
        wait_until_serving(f"http://{LOOPBACK}:{port}", START_TIMEOUT_S, process, name="dynalite")
    except EngineUnavailableError as exc:
        stop_process_group(process, STOP_TIMEOUT_S)
        unavailable(f"{exc}; its output: {log.read_text(errors='replace')[-2000:]}")
    try:
        yield f"http://localhost:{port}"
    finally:
        stop_process_group(process, STOP_TIMEOUT_S)


def run_quickstart(
    local_path: LocalPath, endpoint: str, home: Path
) -> subprocess.CompletedProcess[str]:
    """The README's quickstart line: this interpreter for `uv run python`, our port."""
    argv = [sys.executable, *local_path.quickstart[len(QUICKSTART_PREFIX) :]]
    readme_endpoint = argv[argv.index("--endpoint") + 1]
    assert readme_endpoint == f"http://localhost:{local_path.port}", readme_endpoint
    argv[argv.index("--endpoint") + 1] = endpoint
    return subprocess.run(  # noqa: S603 - this interpreter and the README's own arguments
        argv,
        cwd=PROJECT_ROOT,
        env=no_credentials_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )


def _report(run: subprocess.CompletedProcess[str]) -> str:
    return f"exit {run.returncode}\n--- stdout\n{run.stdout}\n--- stderr\n{run.stderr}"


@pytest.fixture(scope="module")
def first_run(
    local_path: LocalPath, endpoint: str, empty_home: Path
) -> subprocess.CompletedProcess[str]:
    return run_quickstart(local_path, endpoint, empty_home)


def test_readme_block_is_the_engine_then_the_quickstart_on_its_port() -> None:
    local_path = readme_local_path()

    assert local_path.engine[0] == "dynalite"
    assert f"http://localhost:{local_path.port}" in local_path.quickstart


def test_readme_local_path_runs_without_aws_credentials(
    first_run: subprocess.CompletedProcess[str], empty_home: Path
) -> None:
    assert first_run.returncode == 0, _report(first_run)
    assert "Unable to locate credentials" not in first_run.stdout + first_run.stderr
    assert list(empty_home.glob(".aws*")) == []


def test_readme_local_path_runs_again_against_the_same_table(
    first_run: subprocess.CompletedProcess[str],
    local_path: LocalPath,
    endpoint: str,
    empty_home: Path,
) -> None:
    # The SECOND run, on the table the first run created and wrote to: this one also
    # needs the quickstart to be re-runnable (its own partition, cleaned up at the end).
    assert first_run.returncode == 0, "the first run failed; see the test before"

    second_run = run_quickstart(local_path, endpoint, empty_home)

    assert second_run.returncode == 0, "second run, same table:\n" + _report(second_run)
