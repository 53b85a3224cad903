"""The in-memory table: partitions by key, and write operations checked and applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lvrgd.common.services.kvstore._attributes import check_item_size
from lvrgd.common.services.kvstore._writes import (
    Create,
    Delete,
    Update,
    Write,
    condition_error,
)

from ._partition import Partition

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._conditions import KeyQuery
    from lvrgd.common.services.kvstore._errors import KeyValueStoreError
    from lvrgd.common.services.kvstore._limits import Item


class Table:
    """Items in DynamoDB's wire form, by partition; not thread-safe (the store locks)."""

    def __init__(self) -> None:
        """Start empty."""
        self._partitions: dict[str, Partition] = {}

    def get(self, pk: str, sk: str) -> Item | None:
        """The item at (pk, sk), or None."""
        partition = self._partitions.get(pk)
        return None if partition is None else partition.get(sk)

    def select(self, query: KeyQuery, *, after: str | None, limit: int | None) -> list[Item]:
        """The items `query` selects, in its order, past `after`, at most `limit`."""
        partition = self._partitions.get(query.pk)
        if partition is None:
            return []
        return partition.select(
            query.condition, descending=query.descending, after=after, limit=limit
        )

    def check(self, operation: str, write: Write) -> KeyValueStoreError | None:
        """The error `write` would meet now, or None.

        Raises:
            InvalidItemError: If an update would leave the item above 400 KB.
        """
        stored = self.get(write.pk, write.sk)
        error = condition_error(operation, write, stored)
        if error is None and isinstance(write, Update) and stored is not None:
            check_item_size(operation, write.pk, write.sk, _updated(stored, write))
        return error

    def apply(self, write: Write) -> None:
        """Carry out a write whose `check` passed."""
        if isinstance(write, Create):
            self.put(write.pk, write.sk, write.item)
        elif isinstance(write, Update):
            stored = self.get(write.pk, write.sk)
            if stored is not None:
                self.put(write.pk, write.sk, _updated(stored, write))
        elif isinstance(write, Delete):
            self._remove(write.pk, write.sk)

    def put(self, pk: str, sk: str, item: Item) -> None:
        """Store `item` at (pk, sk), replacing what is there."""
        self._partitions.setdefault(pk, Partition()).put(sk, item)

    def clear(self) -> None:
        """Drop every item."""
        self._partitions.clear()

    def _remove(self, pk: str, sk: str) -> None:
        partition = self._partitions[pk]
        partition.remove(sk)
        if not partition:
            del self._partitions[pk]


def _updated(stored: Item, write: Update) -> Item:
    updated = {**stored, **write.to_set}
    for name in write.to_remove:
        updated.pop(name, None)
    if write.tag is not None and write.tag[0] not in updated:  # if_not_exists
        updated[write.tag[0]] = {"S": write.tag[1]}
    return updated
