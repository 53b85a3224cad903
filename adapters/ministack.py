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
    Feature.CONDITION_TYPES: (
        "ministack holds size() >= 0 of a number, a boolean or a null and answers a "
        "ValidationException to begins_with of a number or a list; DynamoDB evaluates each "
        "condition false (docs/engine-notes.md #k)"
    ),
    Feature.BINARY_CONDITIONS: (
        "ministack evaluates contains of a binary false even when the bytes are in it; "
        "DynamoDB finds the bytes (docs/engine-notes.md #k)"
    ),
    Feature.LIST_INDEX_UPDATES: (
        "ministack removes REMOVE l[0], l[2] one after the other ([a, b, c, d] becomes b, c) "
        "and appends SET l[9] = x, l[5] = y in the expression's order (a, b, x, y); DynamoDB "
        "gives b, d and a, b, y, x (docs/engine-notes.md #k)"
    ),
    Feature.NUMBER_PRECISION: (
        "ministack rounds the 39-digit result of an ADD to 38 digits and stores it; DynamoDB "
        "refuses it with a ValidationException (docs/engine-notes.md #k)"
    ),
}


def _start(log_dir: Path | None) -> RunningEngine:
    return start_ministack(log_dir=log_dir)


class MinistackHarness(EngineHarness):
    """DynamoDBService on ministack, started once per run."""

    def __init__(self, options: BackendOptions | None = None) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("ministack", _start, MINISTACK_LACKS, options)
