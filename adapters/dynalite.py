"""The dynalite backend: the npm package dynalite on a free loopback port, in memory."""

from __future__ import annotations

from ._dynamodb import EngineHarness
from ._engines import start_dynalite
from ._harness import Feature

DYNALITE_LACKS = {
    Feature.TRANSACTIONS: "dynalite implements no TransactWriteItems",
    Feature.UPDATE_SIZE_CHECK: (
        "dynalite does not check the size of the item an update leaves (docs/fidelity.md)"
    ),
    Feature.UTF8_KEY_CONDITIONS: (
        "dynalite compares sort-key condition bounds as UTF-16 code units (docs/fidelity.md)"
    ),
}


class DynaliteHarness(EngineHarness):
    """DynamoDBService on dynalite, started and stopped by the suite."""

    def __init__(self) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("dynalite", start_dynalite, DYNALITE_LACKS)
