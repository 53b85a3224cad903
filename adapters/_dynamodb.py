"""The harness every DynamoDB backend shares: an engine, and a fresh table per test."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Protocol

from pydantic import SecretStr

from lvrgd.common.services import DynamoDBConfig, DynamoDBService, LoggingService, create_table

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ._harness import Feature

DUMMY_REGION = "us-east-1"
DUMMY_KEY = "testing"


class Engine(Protocol):
    """A running DynamoDB engine: where it answers, and how to stop it."""

    @property
    def endpoint_url(self) -> str:
        """The engine's HTTP endpoint."""
        ...

    def stop(self) -> None:
        """Stop the engine."""
        ...


class EngineHarness:
    """DynamoDBService on a local engine, each test on a new table of its own.

    Args:
        name: The backend's name.
        start_engine: Starts the engine; raises EngineUnavailableError if it cannot.
        lacks: The features the engine lacks, with the reason.
    """

    def __init__(
        self,
        name: str,
        start_engine: Callable[[], Engine],
        lacks: Mapping[Feature, str] | None = None,
    ) -> None:
        """Remember how to start the engine; nothing starts yet."""
        self.name = name
        self.lacks: Mapping[Feature, str] = lacks or {}
        self._start_engine = start_engine
        self._engine: Engine | None = None

    def start(self) -> None:
        """Start the engine."""
        self._engine = self._start_engine()

    def new_store(self) -> DynamoDBService:
        """A DynamoDBService on a new, empty table."""
        if self._engine is None:
            msg = f"{self.name}: start() the harness before asking for a store"
            raise RuntimeError(msg)
        config = local_config(self._engine.endpoint_url, f"contract-{uuid.uuid4().hex[:16]}")
        create_table(config)
        return DynamoDBService(LoggingService("contract"), config)

    def stop(self) -> None:
        """Stop the engine, if it started; idempotent."""
        if self._engine is not None:
            self._engine.stop()
            self._engine = None


def local_config(endpoint_url: str, table_name: str) -> DynamoDBConfig:
    """The config of a table on a local engine, with dummy credentials."""
    return DynamoDBConfig(
        table_name=table_name,
        region=DUMMY_REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=DUMMY_KEY,
        aws_secret_access_key=SecretStr(DUMMY_KEY),
    )
