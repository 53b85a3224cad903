"""The ministack backend: the ministack package as a subprocess on a free loopback port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._dynamodb import EngineHarness
from ._engines import start_ministack
from ._harness import Feature

if TYPE_CHECKING:
    from pathlib import Path

    from ._harness import BackendOptions
    from ._process import RunningEngine

MINISTACK_LACKS = {
    Feature.LARGE_UPDATES: (
        "ministack refuses an UpdateItem whose SET values come near 400 KB, even when the "
        "item it leaves fits (docs/fidelity.md)"
    ),
    Feature.LOCAL_INDEX_FETCH: (
        "ministack answers a local index query with Select=ALL_ATTRIBUTES with the projected "
        "attributes only (docs/fidelity.md #index-lsi-fetches-unprojected)"
    ),
}


def _start(log_dir: Path | None) -> RunningEngine:
    return start_ministack(log_dir=log_dir)


class MinistackHarness(EngineHarness):
    """DynamoDBService on ministack, started once per run."""

    def __init__(self, options: BackendOptions | None = None) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("ministack", _start, MINISTACK_LACKS, options)
