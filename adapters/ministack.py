"""The ministack backend: the ministack package as a subprocess on a free loopback port."""

from __future__ import annotations

from ._dynamodb import EngineHarness
from ._engines import start_ministack
from ._harness import Feature

MINISTACK_LACKS = {
    Feature.LARGE_UPDATES: (
        "ministack refuses an UpdateItem whose SET values come near 400 KB, even when the "
        "item it leaves fits (docs/fidelity.md)"
    ),
}


class MinistackHarness(EngineHarness):
    """DynamoDBService on ministack, started and stopped by the suite."""

    def __init__(self) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("ministack", start_ministack, MINISTACK_LACKS)
