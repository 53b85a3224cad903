"""The reliability suites' engine, proxy, tables and figures.

One engine (ministack, or moto when ``RELIABILITY_ENGINE=moto``) is started per run,
through ``adapters._engines``; it must start under CI (``CI`` set) and the suites
that need it skip, saying why, elsewhere. Each test gets its own table, and a fault
test its own proxy in front of the engine.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import SecretStr

from lvrgd.common.services import DynamoDBConfig, LoggingService, create_table
from lvrgd.common.services.testing.adapters._engines import start_ministack, start_moto
from lvrgd.common.services.testing.adapters._process import EngineUnavailableError

from ._figures import FIGURES
from ._profile import (
    ENGINE_VARIABLE,
    FIGURES_VARIABLE,
    PROFILE_VARIABLE,
    Profile,
    active_profile,
    engine_name,
)
from ._proxy import FaultProxy

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from lvrgd.common.services.testing.adapters._process import RunningEngine

REGION = "us-east-1"
KEY_ID = "reliability"
SECRET = "reliability-dummy-secret"  # noqa: S105 - engines take any credential


class SilentLogger(LoggingService):
    """A LoggingService that drops every line (the fuzzer makes 100,000 calls)."""

    def trace(self, message: str, **context: Any) -> None:
        """Drop the line."""

    def debug(self, message: str, **context: Any) -> None:
        """Drop the line."""

    def info(self, message: str, **context: Any) -> None:
        """Drop the line."""

    def warning(self, message: str, **context: Any) -> None:
        """Drop the line."""

    def error(self, message: str, **context: Any) -> None:
        """Drop the line."""

    def exception(self, message: str, **context: Any) -> None:
        """Drop the line."""


class CountingLogger(SilentLogger):
    """Counts lines by message, keeping none of their context."""

    def __init__(self) -> None:
        """Start with no line counted."""
        super().__init__("reliability")
        self.counts: dict[str, int] = {}

    def debug(self, message: str, **context: Any) -> None:
        """Count the line."""
        self.counts[message] = self.counts.get(message, 0) + 1


@pytest.fixture(scope="session")
def profile() -> Profile:
    """The run's profile (``RELIABILITY_PROFILE``)."""
    return active_profile()


@pytest.fixture(scope="session")
def engine() -> Iterator[RunningEngine]:
    """The engine every DynamoDB case of the run talks to (directly or through a proxy)."""
    name = engine_name()
    start = start_moto if name == "moto" else start_ministack
    try:
        running = start()
    except EngineUnavailableError as exc:
        message = f"{name} cannot start: {exc.reason}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI requires it)", pytrace=False)
        pytest.skip(message)
    yield running
    running.stop()


def config_for(endpoint_url: str, table_name: str, **fields: Any) -> DynamoDBConfig:
    """A config of `table_name` reached at `endpoint_url`, with dummy credentials."""
    return DynamoDBConfig(
        table_name=table_name,
        region=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SecretStr(SECRET),
        **fields,
    )


@pytest.fixture
def new_table(engine: RunningEngine) -> Callable[..., DynamoDBConfig]:
    """Create a fresh table on the engine; its config points at `via` (default: the engine).

    Call it as ``new_table(via=proxy.endpoint_url, read_timeout=0.3, ...)``.
    """

    def make(via: str | None = None, **fields: Any) -> DynamoDBConfig:
        name = f"reliability-{uuid.uuid4().hex[:16]}"
        create_table(config_for(engine.endpoint_url, name))
        return config_for(via or engine.endpoint_url, name, **fields)

    return make


@pytest.fixture
def proxy(engine: RunningEngine) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of the engine, passing everything until told."""
    with FaultProxy(engine.endpoint_url) as running:
        yield running


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures the suites measured, and write them where asked."""
    lines = FIGURES.lines()
    if not lines:
        return
    terminalreporter.section("reliability figures")
    profile = os.environ.get(PROFILE_VARIABLE, "ci")
    engine_used = os.environ.get(ENGINE_VARIABLE, "ministack")
    terminalreporter.write_line(f"profile: {profile}; engine: {engine_used}")
    for line in lines:
        terminalreporter.write_line(line)
    target = os.environ.get(FIGURES_VARIABLE)
    if target:
        FIGURES.write(Path(target))
        terminalreporter.write_line(f"written to {target}")
