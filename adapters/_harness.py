"""What every backend of the contract suite provides."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lvrgd.common.services.kvstore import KeyValueStore


class Feature(enum.Enum):
    """A capability a contract case may need and a backend may lack.

    A contract case asks for one with the pytest mark of the same value,
    e.g. ``@pytest.mark.transactions``.
    """

    TRANSACTIONS = "transactions"
    """TransactWriteItems."""
    FULL_SIZE_ITEMS = "full_size_items"
    """Items of up to 409,600 bytes, counted by DynamoDB's rules."""
    UPDATE_SIZE_CHECK = "update_size_check"
    """An update that would leave an item above 400 KB is refused."""
    LARGE_UPDATES = "large_updates"
    """An update that leaves an item at exactly 400 KB is accepted."""
    UTF8_KEY_CONDITIONS = "utf8_key_conditions"
    """Sort-key conditions compare UTF-8 bytes (not UTF-16 code units)."""


class Harness(Protocol):
    """A backend: it starts its engine once and hands each test a fresh, empty store."""

    name: str
    lacks: Mapping[Feature, str]
    """The features this backend lacks, each with the reason a skipped case reports."""

    def start(self) -> None:
        """Bring the engine up, once per run.

        Raises:
            EngineUnavailableError: If the engine cannot start here.
        """
        ...

    def new_store(self) -> KeyValueStore:
        """A store on a fresh, empty table."""
        ...

    def stop(self) -> None:
        """Stop what `start` started; idempotent."""
        ...
