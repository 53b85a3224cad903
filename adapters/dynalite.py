"""The dynalite backend: the npm package dynalite on a free loopback port, in memory."""

from __future__ import annotations

from ._dynamodb import EngineHarness
from ._engines import start_dynalite
from ._harness import Feature

NO_TRANSACTIONS = "dynalite implements no TransactWriteItems"


class DynaliteHarness(EngineHarness):
    """DynamoDBService on dynalite, started and stopped by the suite."""

    def __init__(self) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("dynalite", start_dynalite, {Feature.TRANSACTIONS: NO_TRANSACTIONS})
