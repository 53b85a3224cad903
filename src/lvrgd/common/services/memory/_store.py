"""InMemoryKeyValueStore: the embedded KeyValueStore that behaves like a DynamoDB table."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from lvrgd.common.services.kvstore._base import KeyValueStoreBase
from lvrgd.common.services.kvstore._entities import DEFAULT_ENTITY_ATTRIBUTE
from lvrgd.common.services.kvstore._errors import TransactionCanceledError

from ._table import Table

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._batches import Key
    from lvrgd.common.services.kvstore._conditions import KeyQuery
    from lvrgd.common.services.kvstore._limits import Item
    from lvrgd.common.services.kvstore._writes import Create, Delete, Update, Write
    from lvrgd.common.services.logging import LoggingService


class InMemoryKeyValueStore(KeyValueStoreBase):
    """KeyValueStore held in this process, with DynamoDB's ordering, limits and errors.

    Items are kept in DynamoDB's wire form, encoded by the same codec the DynamoDB
    adapter sends, so what one accepts, refuses and returns, the other does too.
    Stored items share nothing with the models passed in or handed out. One lock
    guards the table: the store is safe to share between threads, and a transaction
    is applied atomically.

    Args:
        logger: Where operations are logged (name, key and milliseconds at debug).
        entity_attribute: The attribute each item stores its entity name in.
    """

    def __init__(
        self, logger: LoggingService, *, entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE
    ) -> None:
        """Start with an empty table."""
        super().__init__(logger, entity_attribute=entity_attribute)
        self._table = Table()
        self._lock = threading.Lock()

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
            error = self._table.check(operation, write)
            if error is not None:
                raise error
            self._table.apply(write)

    def _fetch(self, pk: str, sk: str) -> Item | None:
        with self._lock:
            return self._table.get(pk, sk)

    def _select(self, query: KeyQuery, *, after: str | None, limit: int | None) -> list[Item]:
        with self._lock:
            return self._table.select(query, after=after, limit=limit)

    def _fetch_many(self, keys: list[Key]) -> dict[Key, Item]:
        with self._lock:
            found = {key: self._table.get(*key) for key in keys}
        return {key: item for key, item in found.items() if item is not None}

    def _store_many(self, items: dict[Key, Item]) -> None:
        with self._lock:
            for (pk, sk), item in items.items():
                self._table.put(pk, sk, item)

    def _commit(self, writes: list[Write]) -> None:
        with self._lock:
            reasons = [self._table.check("transaction", write) for write in writes]
            if any(reason is not None for reason in reasons):
                raise TransactionCanceledError(reasons)
            for write in writes:
                self._table.apply(write)
