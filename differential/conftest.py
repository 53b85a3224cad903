"""The differential suite's engines, profiles and end-of-run summary.

Engines come from ``--kvstore-backend`` (or ``--backend``, or ``KVSTORE_BACKENDS``), as
for the contract suite, without ``memory``, which is the side every engine is compared
with; by default moto, dynalite and ministack. Each is started once per run by the
testing kit's plugin (``backend_for``), shared by its workers, and stopped at the end.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

import pytest
from loguru import logger

from differential._engine import EngineUnderTest
from differential._profiles import DEFAULT_PROFILE, PROFILE_VARIABLE, active_profile
from differential._stats import STATS
from differential._steering import FIDELITY_DOC, KNOWN_BUGS, steering_for
from lvrgd.common.services.testing.adapters import ASYNC_SUFFIX
from lvrgd.common.services.testing.plugin import backend_for

if TYPE_CHECKING:
    from collections.abc import Iterator

DEFAULT_ENGINES = ("moto", "dynalite", "ministack")
REFERENCE = "memory"
_STATS_KEY = "differential_stats"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every case that takes ``engine`` once per chosen engine, ids being names."""
    if "engine" in metafunc.fixturenames:
        engines = chosen_engines(metafunc.config)
        metafunc.parametrize("backend_name", engines, ids=engines, scope="session")


def chosen_engines(config: pytest.Config) -> list[str]:
    """The engines named by ``--kvstore-backend`` or ``KVSTORE_BACKENDS``, else the default 3.

    Named backends that are not DynamoDB engines in sync form (``memory-*``, ``*-async``)
    are left out.
    """
    names = [n for option in config.getoption("--kvstore-backend") for n in option.split(",") if n]
    if not names:
        names = [n for n in os.environ.get("KVSTORE_BACKENDS", "").split(",") if n]
    # The suite compares the in-memory store with DynamoDB engines reached in sync form
    # (it reads their tables raw): other forms of the twin, and the async forms, whose
    # behaviour the contract suite pins to their sync forms', are not engines to it.
    return [
        name
        for name in names or DEFAULT_ENGINES
        if not name.startswith(REFERENCE) and not name.endswith(ASYNC_SUFFIX)
    ]


@pytest.fixture
def engine(backend_name: str, request: pytest.FixtureRequest) -> Iterator[EngineUnderTest]:
    """The started engine of this case; the case's wall time is counted for it."""
    backend = backend_for(request.config, backend_name)
    started = time.perf_counter()
    yield EngineUnderTest(backend.name, steering_for(backend.name), backend)
    STATS.timed(backend.name, started)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, a worker hands its counts to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[_STATS_KEY] = STATS.to_json()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Under pytest-xdist, the controller adds up its workers' counts."""
    del error
    counts = getattr(node, "workeroutput", {}).get(_STATS_KEY)
    if counts:
        STATS.merge(counts)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the differential suite ran: examples, calls, time, steering."""
    if not STATS.by_engine:
        return
    profile = active_profile()
    asked = os.environ.get(PROFILE_VARIABLE, DEFAULT_PROFILE)
    terminalreporter.section("differential: memory against engines")
    note = "" if asked == profile.name else f" ({PROFILE_VARIABLE}={asked!r} is not ours)"
    examples = f", {profile.machine.max_examples} state-machine examples per engine"
    terminalreporter.write_line(f"hypothesis profile: {profile.name}{note}{examples}")
    for line in STATS.lines():
        terminalreporter.write_line(line)
    for engine in sorted(STATS.by_engine):
        steered = steering_for(engine).faults
        faults = [f"#{name}" for name in steered if name not in KNOWN_BUGS]
        bugs = [name for name in steered if name in KNOWN_BUGS]
        if faults:
            anchors = ", ".join(faults)
            terminalreporter.write_line(
                f"{engine}: steered away from its documented faults, {FIDELITY_DOC} {anchors}"
            )
        if bugs:
            terminalreporter.write_line(
                f"{engine}: steered away from open bugs of src/ (differential/_steering.py "
                f"KNOWN_BUGS): {', '.join(bugs)}"
            )


@pytest.fixture(autouse=True)
def _quiet_store_logs() -> Iterator[None]:
    """Silence the stores' debug lines here: thousands per run, and no help in a report."""
    logger.disable("lvrgd")
    yield
    logger.enable("lvrgd")
