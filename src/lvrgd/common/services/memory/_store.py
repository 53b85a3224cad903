"""InMemoryKeyValueStore: the embedded KeyValueStore that behaves like a DynamoDB table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lvrgd.common.services.kvstore._base import KeyValueStoreBase
from lvrgd.common.services.kvstore._entities import DEFAULT_ENTITY_ATTRIBUTE

from ._twin import Twin

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lvrgd.common.services.kvstore._indexes import IndexSpec
    from lvrgd.common.services.kvstore._steps import Call
    from lvrgd.common.services.logging import LoggingService

    from ._indexes import IndexPropagation


class InMemoryKeyValueStore(Twin, KeyValueStoreBase):
    """KeyValueStore held in this process, with DynamoDB's ordering, limits and errors.

    Items are kept in DynamoDB's wire form, encoded by the same codec the DynamoDB
    adapter sends, so what one accepts, refuses and returns, the other does too.
    Stored items share nothing with the models passed in or handed out. One lock
    guards the table and its indexes: the store is safe to share between threads, and
    a write (a transaction too) changes the table and its indexes in one step.

    Args:
        logger: Where operations are logged (name, key and milliseconds at debug).
        indexes: The table's secondary indexes.
        index_propagation: When a write shows in the global indexes: ``"immediate"``
            (at once, as every local engine does), ``"manual"`` (when
            `propagate_indexes` is called) or ``"random"`` (after a number of later
            operations drawn from `seed`: DynamoDB's eventual consistency, replayable).
            Local indexes and `get_one` are always current.
        seed: The seed of ``"random"``; None draws one, logged at info and kept in
            `index_seed` so that a run can be replayed.
        entity_attribute: The attribute each item stores its entity name in.

    Raises:
        ValueError: If the index declarations break one of DynamoDB's rules, or
            `index_propagation` is not one of the three modes.
    """

    def __init__(
        self,
        logger: LoggingService,
        *,
        indexes: Iterable[IndexSpec] = (),
        index_propagation: IndexPropagation = "immediate",
        seed: int | None = None,
        entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
    ) -> None:
        """Start with an empty table."""
        super().__init__(logger, entity_attribute=entity_attribute, indexes=indexes)
        self._start_engine(
            logger, self._indexes.specs, self._entity_attribute, index_propagation, seed
        )

    def close(self) -> None:
        """Close the store and drop its items; idempotent."""
        self._closed = True
        self._engine.clear()

    def _answer(self, call: Call) -> Any:
        return self._engine.answer(call)
