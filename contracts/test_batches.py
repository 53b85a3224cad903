"""get_many and put_many: batches of any length, chunked to DynamoDB's limits.

get_many gives the items found, in the order of the keys asked (missing keys skipped,
a key asked twice given twice). put_many is an upsert: each item replaces whatever is
stored at its key, the later of two items with one key wins, and an invalid item or a
VersionedItem anywhere is InvalidItemError with nothing written.
"""

from decimal import Decimal

import pytest

from lvrgd.common.services.kvstore import (
    MAX_ITEM_BYTES,
    InvalidItemError,
    InvalidQueryError,
    KeyValueItem,
    KeyValueStore,
    StoreClosedError,
    VersionedItem,
)

from .models import (
    ABSENT,
    Blob,
    Customer,
    CustomerProbe,
    Numbers,
    Order,
    Profile,
    text_of_bytes,
)

PK = "customer#1"


class Document(VersionedItem, entity="contracts.test_batches.Document"):
    """An item under optimistic locking, which a batch cannot check."""

    title: str


def _customer(index: int, pk: str = PK, name: str | None = None) -> Customer:
    return Customer(pk=pk, sk=f"k#{index:03d}", name=name or f"name {index}")


def _key(item: KeyValueItem) -> tuple[str, str]:
    return item.pk, item.sk


# --- get_many -----------------------------------------------------------------------------


def test_get_many_returns_items_in_the_order_of_the_keys(store: KeyValueStore) -> None:
    customers = [_customer(index) for index in range(5)]
    for customer in customers:
        store.create(customer)
    wanted = [customers[3], customers[0], customers[4], customers[1]]

    assert store.get_many([_key(item) for item in wanted], Customer) == wanted


def test_get_many_keys_of_several_partitions_keep_their_order(store: KeyValueStore) -> None:
    customers = [_customer(1, "customer#1"), _customer(1, "customer#2"), _customer(0, "c")]
    for customer in customers:
        store.create(customer)
    wanted = [customers[1], customers[2], customers[0]]

    assert store.get_many([_key(item) for item in wanted], Customer) == wanted


def test_get_many_missing_keys_are_skipped(store: KeyValueStore) -> None:
    first, second = _customer(1), _customer(2)
    store.create(first)
    store.create(second)
    keys = [(PK, "missing#1"), _key(second), ("customer#9", "k#001"), _key(first), (PK, "k#0")]

    assert store.get_many(keys, Customer) == [second, first]


def test_get_many_only_missing_keys_returns_empty_list(store: KeyValueStore) -> None:
    store.create(_customer(1))

    assert store.get_many([(PK, "missing"), ("customer#2", "k#001")], Customer) == []


def test_get_many_key_asked_twice_gives_its_item_twice(store: KeyValueStore) -> None:
    first, second = _customer(1), _customer(2)
    store.create(first)
    store.create(second)
    keys = [_key(first), _key(second), _key(first), (PK, "missing"), (PK, "missing"), _key(first)]

    assert store.get_many(keys, Customer) == [first, second, first, first]


def test_get_many_250_keys_returns_every_item_in_key_order(store: KeyValueStore) -> None:
    customers = [_customer(index) for index in range(250)]
    store.put_many(customers)
    wanted = customers[1::2] + customers[::2]

    assert store.get_many([_key(item) for item in wanted], Customer) == wanted


def test_get_many_250_keys_with_missing_and_repeated_ones(store: KeyValueStore) -> None:
    customers = [_customer(index) for index in range(0, 500, 2)]
    store.put_many(customers)
    keys = [(PK, f"k#{index:03d}") for index in range(499, -1, -1)]  # odd ones are missing
    keys += [_key(customers[0])] * 3 + [_key(customers[-1])]

    expected = customers[::-1] + [customers[0]] * 3 + [customers[-1]]
    assert store.get_many(keys, Customer) == expected


def test_get_many_no_keys_returns_empty_list(store: KeyValueStore) -> None:
    store.create(_customer(1))

    assert store.get_many([], Customer) == []


@pytest.mark.parametrize(
    "bad_key",
    [("", "k"), (PK, ""), ("p" * 2049, "k"), (PK, "s" * 1025), (PK, "é" * 513)],
    ids=["empty-pk", "empty-sk", "pk-2049-bytes", "sk-1025-bytes", "sk-1026-utf8-bytes"],
)
@pytest.mark.parametrize("position", [0, 150, 249], ids=["first", "middle", "last"])
def test_get_many_key_beyond_the_limits_anywhere_raises_invalid_query(
    store: KeyValueStore, bad_key: tuple[str, str], position: int
) -> None:
    store.create(_customer(1))
    keys = [(PK, f"k#{index:03d}") for index in range(249)]
    keys.insert(position, bad_key)

    with pytest.raises(InvalidQueryError):
        store.get_many(keys, Customer)


def test_get_many_items_round_trip_exactly(store: KeyValueStore) -> None:
    profiles = [
        Profile(pk=PK, sk="a", name="Ada", tags={"x", "y"}, scores=[1, 2], settings={"k": 1}),
        Profile(pk=PK, sk="b", name="Bob", email="bob@example.com", age=7),
    ]
    store.put_many(profiles)

    assert store.get_many([("customer#1", "b"), ("customer#1", "a")], Profile) == profiles[::-1]


def test_get_many_after_close_raises_store_closed(store: KeyValueStore) -> None:
    store.close()

    with pytest.raises(StoreClosedError):
        store.get_many([(PK, "k#001")], Customer)


def test_get_many_10000_keys_of_one_partition(store: KeyValueStore) -> None:
    customers = [Customer(pk=PK, sk=f"k#{index:05d}", name=f"n{index}") for index in range(10_000)]
    store.put_many(customers)
    wanted = customers[::-1]

    assert store.get_many([_key(item) for item in wanted], Customer) == wanted


# --- put_many -----------------------------------------------------------------------------


def test_put_many_writes_every_item(store: KeyValueStore) -> None:
    items = [_customer(1), Order(pk=PK, sk="order#1", total=Decimal("9.90")), _customer(1, "c#2")]

    store.put_many(items)

    assert store.get_one(PK, "k#001", Customer) == items[0]
    assert store.get_one(PK, "order#1", Order) == items[1]
    assert store.get_one("c#2", "k#001", Customer) == items[2]


def test_put_many_existing_key_is_overwritten(store: KeyValueStore) -> None:
    store.create(Customer(pk=PK, sk="k#001", name="Ada", email="ada@example.com"))

    store.put_many([Customer(pk=PK, sk="k#001", name="Bob")])

    assert store.get_one(PK, "k#001", Customer) == Customer(pk=PK, sk="k#001", name="Bob")


def test_put_many_overwrite_replaces_the_whole_item(store: KeyValueStore) -> None:
    store.create(Profile(pk=PK, sk="p", name="Ada", email="ada@example.com", age=36))

    store.put_many([KeyValueItem(pk=PK, sk="p")])

    assert store.get_one(PK, "p", CustomerProbe) == CustomerProbe(
        pk=PK, sk="p", name=ABSENT, email=ABSENT
    )


def test_put_many_60_items_writes_them_all(store: KeyValueStore) -> None:
    customers = [_customer(index) for index in range(60)]

    store.put_many(customers[::-1])

    assert store.query_by_pk(PK, Customer) == customers


def test_put_many_same_key_twice_the_later_item_wins(store: KeyValueStore) -> None:
    store.put_many([_customer(1, name="first"), _customer(2), _customer(1, name="second")])

    assert store.query_by_pk(PK, Customer) == [_customer(1, name="second"), _customer(2)]


def test_put_many_same_key_in_different_chunks_the_later_item_wins(store: KeyValueStore) -> None:
    items = [_customer(index) for index in range(60)]
    items[40] = _customer(3, name="later")
    items[55] = _customer(30, name="latest")
    items.append(_customer(30, name="last of all"))

    store.put_many(items)

    found = {item.sk: item.name for item in store.query_by_pk(PK, Customer)}
    assert (len(found), found["k#003"], found["k#030"]) == (58, "later", "last of all")


def test_put_many_empty_list_writes_nothing(store: KeyValueStore) -> None:
    store.create(_customer(1))

    store.put_many([])

    assert store.query_by_pk(PK, Customer) == [_customer(1)]


INVALID_ITEMS: dict[str, KeyValueItem] = {
    "pk-2049-bytes": Customer(pk="p" * 2049, sk="k", name="n"),
    "empty-sk": Customer(pk=PK, sk="", name="n"),
    "over-400-kb": Blob(pk=PK, sk="big", payload=text_of_bytes(MAX_ITEM_BYTES)),
    "nan": Numbers(pk=PK, sk="nan", real=float("nan")),
    "infinity": Numbers(pk=PK, sk="inf", decimal=Decimal("Infinity")),
    "versioned": Document(pk=PK, sk="doc", title="t"),
    "versioned-already-stored": Document(pk=PK, sk="k#001", title="t", version=1),
}


@pytest.mark.parametrize("invalid", INVALID_ITEMS.values(), ids=INVALID_ITEMS.keys())
@pytest.mark.parametrize("position", [0, 30, 60], ids=["first", "middle", "last"])
def test_put_many_invalid_item_anywhere_raises_invalid_item_and_writes_nothing(
    store: KeyValueStore, invalid: KeyValueItem, position: int
) -> None:
    stored = _customer(1, name="stored before")
    store.create(stored)
    items: list[KeyValueItem] = [_customer(index, name="batch") for index in range(60)]
    items.insert(position, invalid.model_copy())

    with pytest.raises(InvalidItemError):
        store.put_many(items)

    assert store.query_by_pk(PK, Customer) == [stored]


def test_put_many_versioned_item_raises_invalid_item_naming_its_key(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError) as caught:
        store.put_many([_customer(1), Document(pk=PK, sk="doc", title="t")])

    assert (caught.value.pk, caught.value.sk) == (PK, "doc")


def test_put_many_items_round_trip_exactly_empty_sets_included(store: KeyValueStore) -> None:
    profiles = [
        Profile(pk=PK, sk="a", name="Ada", tags=set(), scores=[], settings={}),
        Profile(pk=PK, sk="b", name="Bob", email="", age=0, tags={"x"}, settings={"k": -1}),
    ]

    store.put_many(profiles)

    assert store.query_by_pk(PK, Profile) == profiles


def test_put_many_after_close_raises_store_closed(store: KeyValueStore) -> None:
    store.close()

    with pytest.raises(StoreClosedError):
        store.put_many([_customer(1)])
