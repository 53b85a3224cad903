"""The in-memory store's secondary indexes, and the lag of its global ones.

Each index is kept beside the table, changed in the same locked step as every write:
by index partition key, items sorted by (index sort key, table pk, table sk), each as
the index projects it. A query costs a binary search plus what it returns.

DynamoDB updates global indexes asynchronously; local engines do it at once. The
store can do either (`Propagation`): at once, when asked (``"manual"``), or after a
number of later operations drawn from a seed (``"random"``, replayed exactly by the
same seed). Whatever the mode, a global index shows of each item a state the item
really had, and one item's states in the order it had them.
"""

from __future__ import annotations

import heapq
import random
from typing import TYPE_CHECKING, Literal

from lvrgd.common.services.kvstore._indexes import TABLE_KEYS, included_attributes

from ._partition import Partition

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._compact import CompactItem
    from lvrgd.common.services.kvstore._conditions import KeyQuery
    from lvrgd.common.services.kvstore._indexes import IndexSpec

IndexPropagation = Literal["immediate", "manual", "random"]
"""When a write shows in the global indexes: at once, on `propagate_indexes()`, or later."""
PROPAGATION_MODES: tuple[IndexPropagation, ...] = ("immediate", "manual", "random")
MAX_RANDOM_LAG = 6
"""In ``"random"`` mode, a change waits for 0 to this many later operations."""

Key = tuple[str, str]
Position = tuple[str, str, str]
Entry = tuple[str, Position, "CompactItem"]
"""Where an item stands in an index (index pk, position) and what the index holds of it."""


class IndexView:
    """One index's contents: its partitions, and where each table item stands in them.

    Args:
        spec: The index.
        entity_attribute: Where items store their entity name (an INCLUDE projection
            holds it).
    """

    def __init__(self, spec: IndexSpec, entity_attribute: str) -> None:
        """Start empty."""
        self.spec = spec
        self._partitions: dict[str, Partition[Position]] = {}
        self._where: dict[Key, tuple[str, Position]] = {}
        self._pk = spec.pk
        self._sk = spec.sk
        if spec.projection == "all":
            self._held: tuple[str, ...] | None = None
        else:
            keys = dict.fromkeys((*TABLE_KEYS, *spec.key_attributes))
            self._held = (*keys, *included_attributes(spec, entity_attribute))

    def entry(self, item: CompactItem) -> Entry | None:
        """Where `item` stands in the index and what it holds of it; None if not in it."""
        index_pk = item.plain(self._pk)
        if type(index_pk) is not str:  # absent, or not a string: not in the index
            return None
        if self._sk is None:
            index_sk = ""
        else:
            index_sk = item.plain(self._sk)
            if type(index_sk) is not str:
                return None
        position = (index_sk, item.plain("pk"), item.plain("sk"))
        held = self._held
        projected = item if held is None else item.project(held)
        return index_pk, position, projected

    def show(self, key: Key, entry: Entry | None) -> None:
        """Make the index hold `entry` for the table item at `key` (None: not hold it)."""
        where = self._where.get(key)
        if where is not None:
            if entry is not None and entry[0] == where[0] and entry[1] == where[1]:
                # Same place in the index (its keys did not change): replace in place.
                self._partitions[where[0]].put(where[1], entry[2])
                return
            del self._where[key]
            partition = self._partitions[where[0]]
            partition.remove(where[1])
            if not partition:
                del self._partitions[where[0]]
        if entry is not None:
            index_pk, position, projected = entry
            into = self._partitions.get(index_pk)
            if into is None:
                into = self._partitions[index_pk] = Partition(positions=True)
            into.put(position, projected)
            self._where[key] = (index_pk, position)

    def select(
        self, query: KeyQuery, *, after: Position | None, limit: int | None
    ) -> list[CompactItem]:
        """The entries `query` selects, in its order, past `after`, at most `limit`."""
        partition = self._partitions.get(query.pk)
        if partition is None:
            return []
        return partition.select(
            query.condition, descending=query.descending, after=after, limit=limit
        )

    def clear(self) -> None:
        """Hold nothing."""
        self._partitions.clear()
        self._where.clear()


class Propagation:
    """When changes reach the global indexes: waiting changes and the operation clock.

    Args:
        mode: ``"immediate"``, ``"manual"`` or ``"random"``.
        seed: The seed of ``"random"``'s draws.
    """

    def __init__(self, mode: IndexPropagation, seed: int) -> None:
        """Nothing waits yet."""
        self.mode = mode
        self._random = random.Random(seed)  # noqa: S311 - a replayable schedule, not a secret
        self._clock = 0
        self._order = 0
        self._waiting: list[tuple[float, int, IndexView, Key, Entry | None]] = []
        self._shown: dict[tuple[str, Key], int] = {}

    def change(self, view: IndexView, key: Key, entry: Entry | None) -> None:
        """Show `entry` for `key` in a global index now, or once its time comes."""
        if self.mode == "immediate":
            view.show(key, entry)
            return
        self._order += 1
        due: float = float("inf")
        if self.mode == "random":
            due = self._clock + self._random.randint(0, MAX_RANDOM_LAG)
        heapq.heappush(self._waiting, (due, self._order, view, key, entry))

    def tick(self) -> None:
        """One operation begins: apply the changes whose time has come."""
        if not self._waiting:
            return
        self._clock += 1
        while self._waiting and self._waiting[0][0] <= self._clock:
            _, order, view, key, entry = heapq.heappop(self._waiting)
            self._show(order, view, key, entry)

    def release(self) -> int:
        """Apply every waiting change, in the order made; how many there were."""
        waiting = sorted(self._waiting, key=lambda change: change[1])
        self._waiting.clear()
        for _, order, view, key, entry in waiting:
            self._show(order, view, key, entry)
        return len(waiting)

    def clear(self) -> None:
        """Drop every waiting change."""
        self._waiting.clear()
        self._shown.clear()

    def _show(self, order: int, view: IndexView, key: Key, entry: Entry | None) -> None:
        # A change made before one already shown is out of date: showing it would take
        # the item back to an older state.
        last = self._shown.get((view.spec.name, key), 0)
        if order > last:
            view.show(key, entry)
            self._shown[(view.spec.name, key)] = order
