"""InMemoryKeyValueStore: the embedded KeyValueStore that behaves like a DynamoDB table."""

from __future__ import annotations

import secrets
import threading
from typing import TYPE_CHECKING

from lvrgd.common.services.kvstore._base import KeyValueStoreBase
from lvrgd.common.services.kvstore._entities import DEFAULT_ENTITY_ATTRIBUTE
from lvrgd.common.services.kvstore._errors import TransactionCanceledError

from ._indexes import PROPAGATION_MODES, IndexPropagation
from ._table import Table

if TYPE_CHECKING:
    from collections.abc import Iterable

    from lvrgd.common.services.kvstore._batches import Key
    from lvrgd.common.services.kvstore._compact import CompactItem
    from lvrgd.common.services.kvstore._conditions import KeyQuery
    from lvrgd.common.services.kvstore._indexes import IndexSpec, Position
    from lvrgd.common.services.kvstore._limits import Item
    from lvrgd.common.services.kvstore._patch import Patch
    from lvrgd.common.services.kvstore._writes import Create, Delete, Update, Write
    from lvrgd.common.services.logging import LoggingService


class InMemoryKeyValueStore(KeyValueStoreBase):
    """KeyValueStore held in this process, with DynamoDB's ordering, limits and errors.

    Items are encoded by the same codec the DynamoDB adapter sends, every limit checked
    on that wire form, and kept in plain form with their sizes (compact, and read without
    building the wire form again), so what one accepts, refuses and returns, the other
    does too. Stored items share nothing with the models passed in or handed out. One lock
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
        if index_propagation not in PROPAGATION_MODES:
            msg = f"index_propagation is one of {', '.join(PROPAGATION_MODES)}"
            raise ValueError(msg)
        if seed is None and index_propagation == "random":
            seed = secrets.randbelow(2**32)
            logger.info("random index propagation", seed=seed)
        self.index_seed: int | None = seed
        """The seed of the ``"random"`` propagation (None in the other modes unless given)."""
        self._table = Table(
            self._indexes.specs, self._entity_attribute, index_propagation, seed or 0
        )
        self._lock = threading.Lock()

    def propagate_indexes(self) -> int:
        """Apply every change still waiting to show in the global indexes.

        Returns:
            How many changes were waiting (none in ``"immediate"`` mode).
        """
        with self._lock:
            return self._table.propagation.release()

    def ping(self) -> bool:
        """True while the store is open; False, with a warning, once closed."""
        if self._closed:
            self._logger.warning("ping: the store is closed", op="ping")
            return False
        return True

    def close(self) -> None:
        """Close the store and drop its items; idempotent."""
        with self._lock:
            self._closed = True
            self._table.clear()

    def _apply(self, operation: str, write: Create | Update | Delete) -> None:
        with self._lock:
            self._table.propagation.tick()
            error = self._table.check(operation, write)
            if error is not None:
                raise error
            self._table.apply(write)

    def _patch(self, operation: str, patch: Patch) -> Item | None:
        with self._lock:
            self._table.propagation.tick()
            return self._table.patch(operation, patch)

    def _fetch(self, pk: str, sk: str) -> CompactItem | None:
        with self._lock:
            self._table.propagation.tick()
            return self._table.get(pk, sk)

    def _select(
        self, query: KeyQuery, *, after: Position | None, limit: int | None
    ) -> list[CompactItem]:
        with self._lock:
            self._table.propagation.tick()
            return self._table.select(query, after=after, limit=limit)

    def _fetch_many(self, keys: list[Key]) -> dict[Key, CompactItem]:
        with self._lock:
            self._table.propagation.tick()
            found = {key: self._table.get(*key) for key in keys}
        return {key: item for key, item in found.items() if item is not None}

    def _store_many(self, items: dict[Key, Item]) -> None:
        with self._lock:
            self._table.propagation.tick()
            for (pk, sk), item in items.items():
                self._table.put(pk, sk, item)

    def _commit(self, writes: list[Write]) -> None:
        with self._lock:
            self._table.propagation.tick()
            reasons = [self._table.check("transaction", write) for write in writes]
            if any(reason is not None for reason in reasons):
                raise TransactionCanceledError(reasons)
            for write in writes:
                self._table.apply(write)
