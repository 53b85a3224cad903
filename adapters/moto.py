"""The moto backend: moto's server on a free loopback port."""

from __future__ import annotations

from ._dynamodb import EngineHarness
from ._engines import start_moto
from ._harness import Feature

MOTO_LACKS = {
    Feature.FULL_SIZE_ITEMS: "moto caps items at 405,000 bytes by its own count (docs/fidelity.md)",
}


class MotoHarness(EngineHarness):
    """DynamoDBService on moto's server, started and stopped by the suite."""

    def __init__(self) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("moto", start_moto, MOTO_LACKS)
