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
        "threads' 16,000 increments some are lost (docs/engine-notes.md #k)"
    ),
    Feature.LOCAL_INDEX_FETCH: (
        "moto answers a local index query with Select=ALL_ATTRIBUTES with the projected "
        "attributes only (docs/fidelity.md #index-lsi-fetches-unprojected)"
    ),
    Feature.CONDITION_TYPES: (
        "moto answers HTTP 500 to an order comparison of two types (S > N) and to size() of "
        "an absent attribute, a number, a boolean or a null, and holds BOOL true = N 1; "
        "DynamoDB evaluates each condition false (docs/engine-notes.md #k)"
    ),
    Feature.BINARY_CONDITIONS: (
        "moto evaluates begins_with and contains of a binary false even when the bytes "
        "match; DynamoDB compares the bytes (docs/engine-notes.md #k)"
    ),
    Feature.UTF16_SIZE: (
        "moto's size() of a string counts code points (size of 'é€😀' is 3); DynamoDB counts "
        "UTF-16 code units (4) (docs/engine-notes.md #k)"
    ),
    Feature.LIST_INDEX_UPDATES: (
        "moto appends SET l[9] = x, l[5] = y to [a, b] in the expression's order (a, b, x, y); "
        "DynamoDB appends in index order (a, b, y, x) (docs/engine-notes.md #k)"
    ),
    Feature.NUMBER_PRECISION: (
        "moto stores the 39-digit result of an ADD; DynamoDB refuses a number of more than "
        "38 significant digits with a ValidationException (docs/engine-notes.md #k)"
    ),
}


def _start(log_dir: Path | None) -> RunningEngine:
    return start_moto(log_dir=log_dir)


class MotoHarness(EngineHarness):
    """DynamoDBService on moto's server, started once per run."""

    def __init__(self, options: BackendOptions | None = None) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("moto", _start, MOTO_LACKS, options)
