"""The ministack backend: the ministack package as a subprocess on a free loopback port."""

from __future__ import annotations

from ._dynamodb import EngineHarness
from ._engines import start_ministack


class MinistackHarness(EngineHarness):
    """DynamoDBService on ministack, started and stopped by the suite."""

    def __init__(self) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("ministack", start_ministack)
