"""One in-memory partition: the span each sort-key condition selects, and its cost."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, SupportsIndex, overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lvrgd.common.services.kvstore._compact import CompactItem
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
from lvrgd.common.services.memory._partition import Partition

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

TOP = "\U0010ffff"  # the last code point
KEYS = [
    "z",
    "ab" + TOP + "z",
    "a",
    "\U0001f600a",
    "abc",
    TOP + TOP,
    "ab",
    "\uffff",
    "a\x00",
    "ab" + TOP,
    "ac",
    "\U00010000",
    "b",
    "\u00e9",
    TOP,
    "\U0001f600",
    "ba",
]


def _utf8_order(keys: Iterable[str]) -> list[str]:
    return sorted(keys, key=lambda key: key.encode("utf-8"))


def _partition(keys: Iterable[str]) -> Partition[str]:
    partition: Partition[str] = Partition()
    for key in keys:
        partition.put(key, CompactItem.from_wire({"sk": {"S": key}}))
    return partition


def _sort_keys(items: list[CompactItem]) -> list[str]:
    return [item["sk"]["S"] for item in items]


def _select(
    partition: Partition[str],
    condition: SortKeyCondition | None,
    *,
    descending: bool = False,
    limit: int | None = None,
) -> list[str]:
    return _sort_keys(partition.select(condition, descending=descending, limit=limit))


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (None, _utf8_order(KEYS)),
        (Equals("ab"), ["ab"]),
        (Equals("a\x00"), ["a\x00"]),
        (Equals("missing"), []),
        (BeginsWith("a"), ["a", "a\x00", "ab", "abc", "ab" + TOP, "ab" + TOP + "z", "ac"]),
        (BeginsWith("ab"), ["ab", "abc", "ab" + TOP, "ab" + TOP + "z"]),
        (BeginsWith("ab" + TOP), ["ab" + TOP, "ab" + TOP + "z"]),
        (BeginsWith(TOP), [TOP, TOP + TOP]),
        (BeginsWith(TOP + TOP), [TOP + TOP]),
        (BeginsWith("\U0001f600"), ["\U0001f600", "\U0001f600a"]),
        (BeginsWith("\uffff"), ["\uffff"]),
        (BeginsWith("\u00e9"), ["\u00e9"]),
        (BeginsWith("aa"), []),
        (Between("ab", "b"), ["ab", "abc", "ab" + TOP, "ab" + TOP + "z", "ac", "b"]),
        (Between("\uffff", "\U0001f600"), ["\uffff", "\U00010000", "\U0001f600"]),
        (Between("b", "b"), ["b"]),
        (Between("bb", "y"), []),
        (LessThan("ab"), ["a", "a\x00"]),
        (LessOrEqual("ab"), ["a", "a\x00", "ab"]),
        (GreaterThan("\U0001f600"), ["\U0001f600a", TOP, TOP + TOP]),
        (GreaterOrEqual("\U0001f600"), ["\U0001f600", "\U0001f600a", TOP, TOP + TOP]),
        (LessThan("a"), []),
        (GreaterThan(TOP + TOP), []),
    ],
    ids=repr,
)
def test_partition_select_gives_the_condition_span_in_utf8_order(
    condition: SortKeyCondition | None, expected: list[str]
) -> None:
    partition = _partition(KEYS)
    assert _select(partition, condition) == expected
    assert _select(partition, condition, descending=True) == expected[::-1]


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_partition_select_limit_keeps_the_first_items_in_the_chosen_order(limit: int) -> None:
    partition = _partition(KEYS)
    span = ["ab", "abc", "ab" + TOP, "ab" + TOP + "z"]
    assert _select(partition, BeginsWith("ab"), limit=limit) == span[:limit]
    assert _select(partition, BeginsWith("ab"), descending=True, limit=limit) == span[::-1][:limit]


def test_partition_select_after_resumes_past_that_sort_key() -> None:
    partition = _partition(KEYS)
    assert _sort_keys(partition.select(BeginsWith("ab"), descending=False, after="abc")) == [
        "ab" + TOP,
        "ab" + TOP + "z",
    ]
    assert _sort_keys(partition.select(BeginsWith("ab"), descending=True, after="abc")) == ["ab"]


def test_partition_select_empty_partition_is_empty() -> None:
    assert _select(Partition(), None) == []
    assert _select(Partition(), BeginsWith(TOP), descending=True, limit=1) == []


def test_partition_put_replaces_and_remove_drops_a_sort_key() -> None:
    partition = _partition(["a", "b"])
    partition.put("a", CompactItem.from_wire({"sk": {"S": "a"}, "v": {"N": "2"}}))
    assert len(partition) == 2
    found = partition.get("a")
    assert found is not None
    assert found.wire() == {"sk": {"S": "a"}, "v": {"N": "2"}}
    assert _select(partition, None) == ["a", "b"]
    partition.remove("a")
    assert partition.get("a") is None
    assert len(partition) == 1
    assert _select(partition, None) == ["b"]


conditions: st.SearchStrategy[SortKeyCondition | None] = st.one_of(
    st.none(),
    st.builds(Equals, st.text(min_size=1, max_size=3)),
    st.builds(BeginsWith, st.text(min_size=1, max_size=3)),
    st.builds(Between, st.text(max_size=3), st.text(max_size=3)),
    st.builds(LessThan, st.text(max_size=3)),
    st.builds(LessOrEqual, st.text(max_size=3)),
    st.builds(GreaterThan, st.text(max_size=3)),
    st.builds(GreaterOrEqual, st.text(max_size=3)),
)
sort_keys = st.text(
    alphabet=st.sampled_from(["a", "b", "\u00e9", "\uffff", "\U00010000", TOP])
    | st.characters(codec="utf-8"),
    min_size=1,
    max_size=4,
)


@settings(max_examples=100, deadline=None)
@given(
    keys=st.lists(sort_keys, max_size=30),
    condition=conditions,
    descending=st.booleans(),
    limit=st.none() | st.integers(min_value=1, max_value=10),
)
def test_partition_select_equals_filtering_every_key(
    keys: list[str],
    condition: SortKeyCondition | None,
    descending: bool,  # noqa: FBT001 - drawn by hypothesis
    limit: int | None,
) -> None:
    matching = [k for k in _utf8_order(set(keys)) if condition is None or condition.matches(k)]
    if descending:
        matching.reverse()
    expected = matching if limit is None else matching[:limit]
    assert _select(_partition(keys), condition, descending=descending, limit=limit) == expected


# --- cost: a query touches a binary search plus what it returns -------------------------


class _CountingKeys(list[str]):
    """The sorted sort keys, counting every element read."""

    reads = 0

    @overload
    def __getitem__(self, index: SupportsIndex) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> str | list[str]:
        result = super().__getitem__(index)
        self.reads += len(result) if isinstance(index, slice) else 1
        return result


class _CountingItems(dict[str, CompactItem]):
    """The items by sort key, counting every lookup."""

    reads = 0

    def __getitem__(self, key: str) -> CompactItem:
        self.reads += 1
        return super().__getitem__(key)


SMALL, LARGE = 1_000, 100_000


def _counting_partition(size: int) -> tuple[Partition[str], _CountingKeys, _CountingItems]:
    partition = _partition(f"k{i:06d}" for i in range(size))
    keys = _CountingKeys(partition._sort_keys)
    items = _CountingItems(partition._items)
    partition._sort_keys = keys
    partition._items = items
    return partition, keys, items


@pytest.fixture(scope="module")
def counting_partitions() -> dict[int, tuple[Partition[str], _CountingKeys, _CountingItems]]:
    return {size: _counting_partition(size) for size in (SMALL, LARGE)}


Query = tuple[SortKeyCondition | None, bool, int | None]
SCENARIOS: dict[str, Callable[[int], Query]] = {
    "equals": lambda n: (Equals("k000500"), False, None),
    "begins_with": lambda n: (BeginsWith("k00050"), False, None),
    "between": lambda n: (Between("k000100", "k000109"), True, None),
    "lt": lambda n: (LessThan("k000010"), False, None),
    "lte": lambda n: (LessOrEqual("k000009"), True, None),
    "gt": lambda n: (GreaterThan(f"k{n - 11:06d}"), False, None),
    "gte": lambda n: (GreaterOrEqual(f"k{n - 10:06d}"), True, None),
    "limit": lambda n: (None, False, 10),
    "limit_descending": lambda n: (None, True, 10),
    "wide_condition_limit": lambda n: (GreaterOrEqual("k"), True, 10),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_partition_select_work_does_not_grow_with_partition_size(
    scenario: str,
    counting_partitions: dict[int, tuple[Partition[str], _CountingKeys, _CountingItems]],
) -> None:
    work: dict[int, int] = {}
    for size, (partition, keys, items) in counting_partitions.items():
        condition, descending, limit = SCENARIOS[scenario](size)
        keys.reads = items.reads = 0
        found = partition.select(condition, descending=descending, limit=limit)
        assert len(found) in (1, 10)
        assert items.reads == len(found)  # only the returned items are looked up
        work[size] = keys.reads
    # Each of at most four binary searches takes a few more probes on the larger one.
    probes = 4 * math.ceil(math.log2(LARGE / SMALL))
    assert work[LARGE] <= work[SMALL] + probes, work
    assert work[LARGE] < 100, work


def test_partition_select_counting_sees_a_full_scan(
    counting_partitions: dict[int, tuple[Partition[str], _CountingKeys, _CountingItems]],
) -> None:
    # The counters are able to see linear work: a whole-partition query reads every key.
    partition, keys, items = counting_partitions[SMALL]
    keys.reads = items.reads = 0
    assert len(partition.select(None, descending=False)) == SMALL
    assert keys.reads >= SMALL
    assert items.reads == SMALL
