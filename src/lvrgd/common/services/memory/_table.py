"""The in-memory table: partitions by key, its indexes, and write operations checked and applied.

Items are kept in plain form with their size (`CompactItem`), not in DynamoDB's wire
form: a read validates them as they are, and the wire form is built only where a rule
reads it (a condition, a patch, an update's new size).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lvrgd.common.services.kvstore._attributes import check_item_size, check_size
from lvrgd.common.services.kvstore._compact import CompactItem, freeze, wire_value
from lvrgd.common.services.kvstore._limits import SizedItem, item_size
from lvrgd.common.services.kvstore._patch import Patch, apply_patch, patch_error, validated
from lvrgd.common.services.kvstore._values import decode_value
from lvrgd.common.services.kvstore._writes import (
    Create,
    Delete,
    Update,
    Write,
    condition_error,
)

from ._indexes import IndexView, Propagation
from ._partition import Partition

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._conditions import KeyQuery
    from lvrgd.common.services.kvstore._errors import KeyValueStoreError
    from lvrgd.common.services.kvstore._indexes import IndexSpec, Position
    from lvrgd.common.services.kvstore._limits import Item

    from ._indexes import IndexPropagation


class Table:
    """Items in plain form with their sizes, by partition; not thread-safe (the store locks).

    Args:
        indexes: The table's secondary indexes.
        entity_attribute: Where items store their entity name.
        propagation: When writes show in the global indexes.
        seed: The seed of the ``"random"`` propagation's draws.
    """

    def __init__(
        self,
        indexes: tuple[IndexSpec, ...] = (),
        entity_attribute: str = "_entity",
        propagation: IndexPropagation = "immediate",
        seed: int = 0,
    ) -> None:
        """Start empty."""
        self._partitions: dict[str, Partition[str]] = {}
        self._entity_attribute = entity_attribute
        self._views = {spec.name: IndexView(spec, entity_attribute) for spec in indexes}
        self._local = [view for view in self._views.values() if view.spec.local]
        self._global = [view for view in self._views.values() if not view.spec.local]
        self.propagation = Propagation(propagation, seed)

    def get(self, pk: str, sk: str) -> CompactItem | None:
        """The item at (pk, sk), or None."""
        partition = self._partitions.get(pk)
        return None if partition is None else partition.get(sk)

    def select(
        self, query: KeyQuery, *, after: Position | None, limit: int | None
    ) -> list[CompactItem]:
        """The items `query` selects, in its order, past `after`, at most `limit`.

        A query of an index gives what the index holds of each item, or the table's
        whole item where the query reads unprojected attributes of a local index.
        """
        if query.index is not None:
            view = self._views[query.index.spec.name]
            entries = view.select(query, after=after, limit=limit)  # type: ignore[arg-type]
            if not query.index.fetch_unprojected:
                return entries
            whole = (self.get(entry.plain("pk"), entry.plain("sk")) for entry in entries)
            return [item for item in whole if item is not None]
        partition = self._partitions.get(query.pk)
        if partition is None:
            return []
        return partition.select(
            query.condition,
            descending=query.descending,
            after=after,  # type: ignore[arg-type]
            limit=limit,
        )

    def check(self, operation: str, write: Write) -> KeyValueStoreError | None:
        """The error `write` would meet now, or None.

        Raises:
            InvalidItemError: If an update would leave the item above 400 KB.
        """
        stored = self.get(write.pk, write.sk)
        error = condition_error(operation, write, _read_by(write, stored), self._entity_attribute)
        if error is None and isinstance(write, Update) and stored is not None:
            check_size(operation, write.pk, write.sk, _updated_size(stored, write))
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

    def patch(self, operation: str, patch: Patch) -> Item:
        """Carry out `patch`, its conditions checked and its result validated first.

        Raises:
            ItemNotFoundError, ConditionFailedError, InvalidItemError: What the patch
                meets; nothing is written then.
        """
        kept = self.get(patch.pk, patch.sk)
        stored = None if kept is None else kept.wire()
        error = patch_error(operation, patch, stored, self._entity_attribute)
        if error is not None:
            raise error
        after = apply_patch(operation, patch, stored)
        validated(operation, patch, after, self._entity_attribute)
        check_item_size(operation, patch.pk, patch.sk, after)
        self.put(patch.pk, patch.sk, after)
        return after

    def put(self, pk: str, sk: str, item: Item | CompactItem) -> None:
        """Store `item` at (pk, sk), replacing what is there, and index it."""
        partition = self._partitions.get(pk)
        if partition is None:
            partition = self._partitions[pk] = Partition()
        if type(item) is SizedItem:
            item = CompactItem(tuple(item), tuple(item.kept), item.size)
        elif type(item) is not CompactItem:
            item = CompactItem.from_wire(item)
        partition.put(sk, item)
        if self._views:
            self._index((pk, sk), item)

    def clear(self) -> None:
        """Drop every item."""
        self._partitions.clear()
        for view in self._views.values():
            view.clear()
        self.propagation.clear()

    def _remove(self, pk: str, sk: str) -> None:
        partition = self._partitions[pk]
        partition.remove(sk)
        if not partition:
            del self._partitions[pk]
        if self._views:
            self._index((pk, sk), None)

    def _index(self, key: tuple[str, str], item: CompactItem | None) -> None:
        if self.propagation.mode == "immediate":
            for view in self._views.values():
                view.show(key, None if item is None else view.entry(item))
            return
        for view in self._local:
            view.show(key, None if item is None else view.entry(item))
        for view in self._global:
            self.propagation.change(view, key, None if item is None else view.entry(item))


def _read_by(write: Write, stored: CompactItem | None) -> Item | None:
    """The stored item in the wire form the write's checks read, built only if they read it.

    A create, or an update or delete under no condition and no version, reads only
    whether an item is there (an empty item says it is); the met item a failed create
    reports is decoded from the wire form too.
    """
    if stored is None:
        return None
    unversioned = not isinstance(write, Update) or write.expected_version is None
    if isinstance(write, Update | Delete) and write.condition is None and unversioned:
        return {}
    return stored.wire()


def _updated(stored: CompactItem, write: Update) -> CompactItem:
    values = dict(zip(stored.names, stored.kept, strict=True))
    for name, value in write.to_set.items():
        values[name] = value["S"] if "S" in value else freeze(decode_value(value))
    for name in write.to_remove:
        values.pop(name, None)
    if write.tag is not None and write.tag[0] not in values:  # if_not_exists
        values[write.tag[0]] = write.tag[1]
    return CompactItem(tuple(values), tuple(values.values()), _updated_size(stored, write))


def _updated_size(stored: CompactItem, write: Update) -> int:
    """The item's size after `write`, from its size before and the attributes changed."""
    size = stored.size
    for name in (*write.to_set, *write.to_remove):
        if name in stored:
            size -= item_size({name: wire_value(stored.plain(name))})
    size += sum(item_size({name: value}) for name, value in write.to_set.items())
    if write.tag is not None and write.tag[0] not in stored:
        size += item_size({write.tag[0]: {"S": write.tag[1]}})
    return size
