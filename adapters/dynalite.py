"""The dynalite backend: the npm package dynalite on a free loopback port, in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._dynamodb import EngineHarness
from ._engines import start_dynalite
from ._harness import Feature

if TYPE_CHECKING:
    from pathlib import Path

    from ._harness import BackendOptions
    from ._process import RunningEngine

DYNALITE_LACKS = {
    Feature.TRANSACTIONS: "dynalite implements no TransactWriteItems",
    Feature.UPDATE_SIZE_CHECK: (
        "dynalite does not check the size of the item an update leaves (docs/fidelity.md)"
    ),
    Feature.UTF8_KEY_CONDITIONS: (
        "dynalite compares sort-key condition bounds as UTF-16 code units (docs/fidelity.md)"
    ),
}


def _start(log_dir: Path | None) -> RunningEngine:
    return start_dynalite(log_dir=log_dir)


class DynaliteHarness(EngineHarness):
    """DynamoDBService on dynalite, started once per run."""

    def __init__(self, options: BackendOptions | None = None) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("dynalite", _start, DYNALITE_LACKS, options)
