"""One partition of the in-memory table or of an index: keys kept sorted beside their items."""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right, insort
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from lvrgd.common.services.kvstore._conditions import (
    BeginsWith,
    Between,
    Equals,
    GreaterOrEqual,
    GreaterThan,
    LessOrEqual,
    LessThan,
    SortKeyCondition,
)

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._compact import CompactItem

_LAST_CODE_POINT = sys.maxunicode
K = TypeVar("K", str, tuple[str, str, str])
_INDEX_SORT_KEY = itemgetter(0)


class Partition(Generic[K]):
    """The items of one partition key, in sort-key order.

    Sort keys are kept in a sorted list, so a query costs a binary search plus the
    items it returns, whatever the partition's size. Python orders ``str`` by code
    point, which is the order of UTF-8 bytes: DynamoDB's order.

    A table's partition is keyed by sort key. An index's is keyed by position, (index
    sort key, table pk, table sk): items sharing an index sort key follow their table
    key, and sort-key conditions apply to the position's first part.

    Args:
        positions: Key by positions (an index's partition) rather than sort keys.
    """

    def __init__(self, *, positions: bool = False) -> None:
        """Start empty."""
        self._sort_keys: list[K] = []
        self._items: dict[K, CompactItem] = {}
        self._key: Any = _INDEX_SORT_KEY if positions else None

    def __len__(self) -> int:
        """The number of items."""
        return len(self._items)

    def get(self, sk: K) -> CompactItem | None:
        """The item at `sk`, or None."""
        return self._items.get(sk)

    def put(self, sk: K, item: CompactItem) -> None:
        """Store `item` at `sk`, replacing what is there."""
        if sk not in self._items:
            insort(self._sort_keys, sk)
        self._items[sk] = item

    def remove(self, sk: K) -> None:
        """Remove the item at `sk`, which must exist."""
        del self._items[sk]
        del self._sort_keys[bisect_left(self._sort_keys, sk)]

    def select(
        self,
        condition: SortKeyCondition | None,
        *,
        descending: bool,
        after: K | None = None,
        limit: int | None = None,
    ) -> list[CompactItem]:
        """The items meeting `condition`, in order, past the sort key `after`, at most `limit`."""
        start, stop = self._span(condition)
        if after is not None and descending:
            stop = min(stop, bisect_left(self._sort_keys, after))
        elif after is not None:
            start = max(start, bisect_right(self._sort_keys, after))
        if limit is not None and descending:
            start = max(start, stop - limit)
        elif limit is not None:
            stop = min(stop, start + limit)
        keys = self._sort_keys[start:stop]
        if descending:
            keys.reverse()
        return [self._items[sk] for sk in keys]

    def _span(self, condition: SortKeyCondition | None) -> tuple[int, int]:  # noqa: PLR0911
        keys: list[Any] = self._sort_keys
        key = self._key
        if condition is None:
            return 0, len(keys)
        if isinstance(condition, Equals):
            value = condition.value
            return bisect_left(keys, value, key=key), bisect_right(keys, value, key=key)
        if isinstance(condition, BeginsWith):
            after = _first_string_after_prefix(condition.prefix)
            stop = len(keys) if after is None else bisect_left(keys, after, key=key)
            return bisect_left(keys, condition.prefix, key=key), stop
        if isinstance(condition, Between):
            low, high = condition.low, condition.high
            return bisect_left(keys, low, key=key), bisect_right(keys, high, key=key)
        if isinstance(condition, LessThan):
            return 0, bisect_left(keys, condition.value, key=key)
        if isinstance(condition, LessOrEqual):
            return 0, bisect_right(keys, condition.value, key=key)
        if isinstance(condition, GreaterThan):
            return bisect_right(keys, condition.value, key=key), len(keys)
        return _at_least(keys, condition, key)


def _at_least(keys: list[Any], condition: GreaterOrEqual, key: Any) -> tuple[int, int]:
    return bisect_left(keys, condition.value, key=key), len(keys)


def _first_string_after_prefix(prefix: str) -> str | None:
    """The least string above every string that starts with `prefix`; None if none is."""
    stripped = prefix.rstrip(chr(_LAST_CODE_POINT))
    if not stripped:
        return None
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)
