"""The moto backend: moto's server on a free loopback port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._dynamodb import EngineHarness
from ._engines import start_moto
from ._harness import Feature

if TYPE_CHECKING:
    from pathlib import Path

    from ._harness import BackendOptions
    from ._process import RunningEngine

MOTO_LACKS = {
    Feature.FULL_SIZE_ITEMS: "moto caps items at 405,000 bytes by its own count (docs/fidelity.md)",
    Feature.SERIAL_UPDATES: (
        "moto's server applies concurrent UpdateItems of one item without a lock: of 16 "
        "threads' 16,000 increments some are lost (benchmarks/counters.py)"
    ),
    Feature.LOCAL_INDEX_FETCH: (
        "moto answers a local index query with Select=ALL_ATTRIBUTES with the projected "
        "attributes only (docs/fidelity.md #index-lsi-fetches-unprojected)"
    ),
}


def _start(log_dir: Path | None) -> RunningEngine:
    return start_moto(log_dir=log_dir)


class MotoHarness(EngineHarness):
    """DynamoDBService on moto's server, started once per run."""

    def __init__(self, options: BackendOptions | None = None) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("moto", _start, MOTO_LACKS, options)
