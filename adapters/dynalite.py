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
    Feature.FALSE_BOOLEANS: (
        "dynalite evaluates attribute_type(x, BOOL) false when x holds false (it tests the "
        "value's truth); DynamoDB evaluates it true (docs/engine-notes.md #k)"
    ),
    Feature.UTF8_CONDITIONS: (
        "dynalite compares strings in conditions as UTF-16 code units ('\\uffff' < '😀' is "
        "false); DynamoDB compares UTF-8 bytes (docs/engine-notes.md #k)"
    ),
    Feature.DOCUMENT_EQUALITY: (
        "dynalite evaluates = of two equal lists or maps, and contains of a list in a list, "
        "false (it compares object identity); DynamoDB compares whole values "
        "(docs/engine-notes.md #k)"
    ),
    Feature.LIST_INDEX_UPDATES: (
        "dynalite's REMOVE l[0], l[2] on [a, b, c, d] removes one after the other (b, c); "
        "DynamoDB removes the elements the indexes named before the update (b, d) "
        "(docs/engine-notes.md #k)"
    ),
    Feature.NUMBER_PRECISION: (
        "dynalite stores the 39-digit result of an ADD; DynamoDB refuses a number of more "
        "than 38 significant digits with a ValidationException (docs/engine-notes.md #k)"
    ),
}


def _start(log_dir: Path | None) -> RunningEngine:
    return start_dynalite(log_dir=log_dir)


class DynaliteHarness(EngineHarness):
    """DynamoDBService on dynalite, started once per run."""

    def __init__(self, options: BackendOptions | None = None) -> None:
        """Describe the backend; nothing starts yet."""
        super().__init__("dynalite", _start, DYNALITE_LACKS, options)
