"""One partition of the in-memory table: sort keys kept sorted beside their items."""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right, insort
from typing import TYPE_CHECKING

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
    from lvrgd.common.services.kvstore._limits import Item

_LAST_CODE_POINT = sys.maxunicode


class Partition:
    """The items of one partition key, in sort-key order.

    Sort keys are kept in a sorted list, so a query costs a binary search plus the
    items it returns, whatever the partition's size. Python orders ``str`` by code
    point, which is the order of UTF-8 bytes: DynamoDB's order.
    """

    def __init__(self) -> None:
        """Start empty."""
        self._sort_keys: list[str] = []
        self._items: dict[str, Item] = {}

    def __len__(self) -> int:
        """The number of items."""
        return len(self._items)

    def get(self, sk: str) -> Item | None:
        """The item at `sk`, or None."""
        return self._items.get(sk)

    def put(self, sk: str, item: Item) -> None:
        """Store `item` at `sk`, replacing what is there."""
        if sk not in self._items:
            insort(self._sort_keys, sk)
        self._items[sk] = item

    def remove(self, sk: str) -> None:
        """Remove the item at `sk`, which must exist."""
        del self._items[sk]
        del self._sort_keys[bisect_left(self._sort_keys, sk)]

    def select(
        self,
        condition: SortKeyCondition | None,
        *,
        descending: bool,
        after: str | None = None,
        limit: int | None = None,
    ) -> list[Item]:
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
        keys = self._sort_keys
        if condition is None:
            return 0, len(keys)
        if isinstance(condition, Equals):
            return bisect_left(keys, condition.value), bisect_right(keys, condition.value)
        if isinstance(condition, BeginsWith):
            after = _first_string_after_prefix(condition.prefix)
            stop = len(keys) if after is None else bisect_left(keys, after)
            return bisect_left(keys, condition.prefix), stop
        if isinstance(condition, Between):
            return bisect_left(keys, condition.low), bisect_right(keys, condition.high)
        if isinstance(condition, LessThan):
            return 0, bisect_left(keys, condition.value)
        if isinstance(condition, LessOrEqual):
            return 0, bisect_right(keys, condition.value)
        if isinstance(condition, GreaterThan):
            return bisect_right(keys, condition.value), len(keys)
        return _at_least(keys, condition)


def _at_least(keys: list[str], condition: GreaterOrEqual) -> tuple[int, int]:
    return bisect_left(keys, condition.value), len(keys)


def _first_string_after_prefix(prefix: str) -> str | None:
    """The least string above every string that starts with `prefix`; None if none is."""
    stripped = prefix.rstrip(chr(_LAST_CODE_POINT))
    if not stripped:
        return None
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)
