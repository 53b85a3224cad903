"""query_by_pk: a partition's items in UTF-8 sort-key order, one optional condition, a limit."""

from collections.abc import Sequence
from typing import Any

import pytest

from lvrgd.common.services.kvstore import InvalidItemError, InvalidQueryError, KeyValueStore

from .models import Blob, Customer, CustomerContact, CustomerWithAge, text_of_bytes

PK = "customer#1"
OTHER_PARTITIONS = ("customer#10", "customer#", "Customer#1", "customer#1 ")
CONDITION_KEYS = ("a", "b", "ba", "bb", "c")

UTF8_ORDER = (
    "1",
    "10",
    "9",
    "A",
    "Z",
    "a",
    "aa",
    "ab",
    "b",
    "z",
    "\x7f",
    "é",
    "é😀",
    "ê",
    "€",
    "\ue000",
    "\uffff",
    "😀",
    "😀a",
    "😁",
)
"""Sort keys in ascending order of their UTF-8 bytes (UTF-16 would put the emoji first)."""


def _customers(pk: str, sort_keys: Sequence[str]) -> list[Customer]:
    return [Customer(pk=pk, sk=sk, name=f"name of {sk}") for sk in sort_keys]


def _fill(store: KeyValueStore, pk: str, sort_keys: Sequence[str]) -> None:
    for customer in _customers(pk, sort_keys):
        store.create(customer)


def _scrambled(sort_keys: Sequence[str]) -> list[str]:
    return [*reversed(sort_keys[1::2]), *sort_keys[::2]]


def _fill_condition_keys(store: KeyValueStore) -> None:
    """Store CONDITION_KEYS in PK, and the same keys in partitions named like PK."""
    _fill(store, PK, _scrambled(CONDITION_KEYS))
    for other in OTHER_PARTITIONS:
        _fill(store, other, CONDITION_KEYS)


def test_query_by_pk_no_condition_returns_partition_in_sort_key_order(store: KeyValueStore) -> None:
    _fill(store, PK, _scrambled(UTF8_ORDER))

    assert store.query_by_pk(PK, Customer) == _customers(PK, UTF8_ORDER)


def test_query_by_pk_descending_returns_partition_in_reverse_sort_key_order(
    store: KeyValueStore,
) -> None:
    _fill(store, PK, _scrambled(UTF8_ORDER))

    got = store.query_by_pk(PK, Customer, descending=True)

    assert got == _customers(PK, UTF8_ORDER[::-1])


def test_query_by_pk_sort_keys_above_u_ffff_order_after_it(store: KeyValueStore) -> None:
    _fill(store, PK, ["😀", "\uffff", "\ue000"])

    assert store.query_by_pk(PK, Customer) == _customers(PK, ["\ue000", "\uffff", "😀"])


def test_query_by_pk_empty_partition_returns_empty_list(store: KeyValueStore) -> None:
    assert store.query_by_pk(PK, Customer) == []


def test_query_by_pk_empty_partition_beside_others_returns_empty_list(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk("customer#2", Customer) == []


def test_query_by_pk_never_returns_items_of_other_partitions(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer) == _customers(PK, CONDITION_KEYS)


def test_query_by_pk_condition_never_returns_items_of_other_partitions(
    store: KeyValueStore,
) -> None:
    _fill_condition_keys(store)

    got = store.query_by_pk(PK, Customer, begins_with="b")

    assert got == _customers(PK, ["b", "ba", "bb"])


def test_query_by_pk_narrow_model_returns_its_fields(store: KeyValueStore) -> None:
    _fill(store, PK, ["a", "b"])

    got = store.query_by_pk(PK, CustomerContact)

    assert got == [CustomerContact(pk=PK, sk="a"), CustomerContact(pk=PK, sk="b")]


def test_query_by_pk_item_not_valid_as_model_raises_invalid_item(store: KeyValueStore) -> None:
    _fill(store, PK, ["a"])

    with pytest.raises(InvalidItemError):
        store.query_by_pk(PK, CustomerWithAge)


def test_query_by_pk_then_mutating_result_leaves_stored_items_unchanged(
    store: KeyValueStore,
) -> None:
    _fill(store, PK, ["a", "b"])
    got = store.query_by_pk(PK, Customer)

    got[0].name = "changed"
    got.clear()

    assert store.query_by_pk(PK, Customer) == _customers(PK, ["a", "b"])


# One case per sort-key condition, matching and not matching.


def test_query_by_pk_equals_matching_returns_that_item(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, equals="b") == _customers(PK, ["b"])


def test_query_by_pk_equals_no_match_returns_empty_list(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, equals="bc") == []


def test_query_by_pk_begins_with_matching_returns_items_with_prefix(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    got = store.query_by_pk(PK, Customer, begins_with="b")

    assert got == _customers(PK, ["b", "ba", "bb"])


def test_query_by_pk_begins_with_no_match_returns_empty_list(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, begins_with="bc") == []


def test_query_by_pk_between_matching_includes_both_bounds(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    got = store.query_by_pk(PK, Customer, between=("b", "bb"))

    assert got == _customers(PK, ["b", "ba", "bb"])


def test_query_by_pk_between_bounds_absent_returns_keys_inside(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    got = store.query_by_pk(PK, Customer, between=("aa", "bc"))

    assert got == _customers(PK, ["b", "ba", "bb"])


def test_query_by_pk_between_equal_bounds_returns_that_item(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    got = store.query_by_pk(PK, Customer, between=("ba", "ba"))

    assert got == _customers(PK, ["ba"])


def test_query_by_pk_between_no_match_returns_empty_list(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, between=("bc", "bz")) == []


def test_query_by_pk_lt_matching_excludes_bound(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, lt="ba") == _customers(PK, ["a", "b"])


def test_query_by_pk_lt_no_match_returns_empty_list(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, lt="a") == []


def test_query_by_pk_lte_matching_includes_bound(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    got = store.query_by_pk(PK, Customer, lte="ba")

    assert got == _customers(PK, ["a", "b", "ba"])


def test_query_by_pk_lte_no_match_returns_empty_list(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, lte="A") == []


def test_query_by_pk_gt_matching_excludes_bound(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, gt="ba") == _customers(PK, ["bb", "c"])


def test_query_by_pk_gt_no_match_returns_empty_list(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, gt="c") == []


def test_query_by_pk_gte_matching_includes_bound(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    got = store.query_by_pk(PK, Customer, gte="ba")

    assert got == _customers(PK, ["ba", "bb", "c"])


def test_query_by_pk_gte_no_match_returns_empty_list(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    assert store.query_by_pk(PK, Customer, gte="ca") == []


def test_query_by_pk_condition_descending_returns_reverse_order(store: KeyValueStore) -> None:
    _fill_condition_keys(store)

    got = store.query_by_pk(PK, Customer, between=("b", "c"), descending=True)

    assert got == _customers(PK, ["c", "bb", "ba", "b"])


# Multi-byte sort keys and bounds compare by their UTF-8 bytes.


def test_query_by_pk_begins_with_two_byte_prefix_returns_items_with_prefix(
    store: KeyValueStore,
) -> None:
    _fill(store, PK, ["e", "é", "éa", "éé", "é😀", "ê", "f"])

    got = store.query_by_pk(PK, Customer, begins_with="é")

    assert got == _customers(PK, ["é", "éa", "éé", "é😀"])


def test_query_by_pk_begins_with_four_byte_prefix_returns_items_with_prefix(
    store: KeyValueStore,
) -> None:
    _fill(store, PK, ["\uffff", "\uffff😀", "😀", "😀a", "😀😀", "😁", "a😀"])

    got = store.query_by_pk(PK, Customer, begins_with="😀")

    assert got == _customers(PK, ["😀", "😀a", "😀😀"])


def test_query_by_pk_begins_with_u_ffff_excludes_keys_above_it(store: KeyValueStore) -> None:
    _fill(store, PK, ["a\ue000", "a\uffff", "a\uffffb", "a😀", "b"])

    got = store.query_by_pk(PK, Customer, begins_with="a\uffff")

    assert got == _customers(PK, ["a\uffff", "a\uffffb"])


def test_query_by_pk_begins_with_whole_key_includes_that_key(store: KeyValueStore) -> None:
    _fill(store, PK, ["order", "order#1", "orders"])

    got = store.query_by_pk(PK, Customer, begins_with="order#1")

    assert got == _customers(PK, ["order#1"])


def test_query_by_pk_gt_u_ffff_returns_keys_above_bmp(store: KeyValueStore) -> None:
    _fill(store, PK, ["\ue000", "\uffff", "😀"])

    assert store.query_by_pk(PK, Customer, gt="\uffff") == _customers(PK, ["😀"])


def test_query_by_pk_lt_emoji_returns_u_ffff(store: KeyValueStore) -> None:
    _fill(store, PK, ["\ue000", "\uffff", "😀"])

    got = store.query_by_pk(PK, Customer, lt="😀")

    assert got == _customers(PK, ["\ue000", "\uffff"])


@pytest.mark.utf8_key_conditions
def test_query_by_pk_between_u_ffff_and_emoji_returns_both(store: KeyValueStore) -> None:
    _fill(store, PK, ["\ue000", "\uffff", "😀", "😁"])

    got = store.query_by_pk(PK, Customer, between=("\uffff", "😀"))

    assert got == _customers(PK, ["\uffff", "😀"])


def test_query_by_pk_between_low_above_high_in_utf8_raises_invalid_query(
    store: KeyValueStore,
) -> None:
    _fill(store, PK, ["\uffff", "😀"])

    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, between=("😀", "\uffff"))


def test_query_by_pk_between_low_above_high_raises_invalid_query(store: KeyValueStore) -> None:
    _fill(store, PK, ["a", "b"])

    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, between=("b", "a"))


# At most one condition.


@pytest.mark.parametrize(
    "conditions",
    [
        {"equals": "a", "begins_with": "a"},
        {"between": ("a", "b"), "lt": "c"},
        {"lt": "c", "gt": "a"},
        {"lte": "c", "gte": "a"},
        {"equals": "a", "gte": "a"},
        {"begins_with": "a", "between": ("a", "b")},
        {"equals": "a", "lt": "b", "gt": "0"},
    ],
    ids="+".join,
)
def test_query_by_pk_two_conditions_raise_invalid_query(
    store: KeyValueStore, conditions: dict[str, Any]
) -> None:
    _fill(store, PK, ["a"])

    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, **conditions)


def test_query_by_pk_empty_equals_bound_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, equals="")


def test_query_by_pk_bound_above_sort_key_limit_raises_invalid_query(store: KeyValueStore) -> None:
    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, lt=text_of_bytes(1025, "😀"))


# limit: at least 1, applied after ordering.


@pytest.mark.parametrize("limit", [0, -1])
def test_query_by_pk_limit_below_one_raises_invalid_query(store: KeyValueStore, limit: int) -> None:
    _fill(store, PK, ["a"])

    with pytest.raises(InvalidQueryError):
        store.query_by_pk(PK, Customer, limit=limit)


def test_query_by_pk_limit_returns_first_items_in_sort_key_order(store: KeyValueStore) -> None:
    _fill(store, PK, ["c", "a", "d", "b"])

    assert store.query_by_pk(PK, Customer, limit=2) == _customers(PK, ["a", "b"])


def test_query_by_pk_limit_descending_returns_last_items(store: KeyValueStore) -> None:
    _fill(store, PK, ["c", "a", "d", "b"])

    got = store.query_by_pk(PK, Customer, limit=2, descending=True)

    assert got == _customers(PK, ["d", "c"])


def test_query_by_pk_limit_one_returns_first_item(store: KeyValueStore) -> None:
    _fill(store, PK, ["b", "😀", "a"])

    assert store.query_by_pk(PK, Customer, limit=1) == _customers(PK, ["a"])


def test_query_by_pk_limit_with_condition_cuts_matching_items(store: KeyValueStore) -> None:
    _fill(store, PK, ["a", "d", "c", "b"])

    got = store.query_by_pk(PK, Customer, gt="a", limit=2)

    assert got == _customers(PK, ["b", "c"])


def test_query_by_pk_limit_with_condition_descending_cuts_matching_items(
    store: KeyValueStore,
) -> None:
    _fill(store, PK, ["a", "d", "c", "b"])

    got = store.query_by_pk(PK, Customer, lt="d", limit=2, descending=True)

    assert got == _customers(PK, ["c", "b"])


def test_query_by_pk_limit_above_count_returns_every_item(store: KeyValueStore) -> None:
    _fill(store, PK, ["b", "a"])

    assert store.query_by_pk(PK, Customer, limit=10) == _customers(PK, ["a", "b"])


# Every page is followed: DynamoDB returns at most 1 MB per page.

_BIG_SORT_KEYS = ("big#1", "big#2", "big#3", "big#4")


def _big_blobs() -> list[Blob]:
    return [Blob(pk=PK, sk=sk, payload=text_of_bytes(390_000, "€")) for sk in _BIG_SORT_KEYS]


def test_query_by_pk_partition_above_one_megabyte_returns_every_item(store: KeyValueStore) -> None:
    for blob in reversed(_big_blobs()):
        store.create(blob)

    assert store.query_by_pk(PK, Blob) == _big_blobs()


def test_query_by_pk_partition_above_one_megabyte_descending_returns_every_item(
    store: KeyValueStore,
) -> None:
    for blob in _big_blobs():
        store.create(blob)

    assert store.query_by_pk(PK, Blob, descending=True) == _big_blobs()[::-1]


def test_query_by_pk_limit_across_pages_returns_limit_items(store: KeyValueStore) -> None:
    for blob in _big_blobs():
        store.create(blob)

    assert store.query_by_pk(PK, Blob, limit=3) == _big_blobs()[:3]
