"""create: writes a new item; ItemAlreadyExistsError if (pk, sk) exists, nothing overwritten."""

from decimal import Decimal

import pytest

from lvrgd.common.services.kvstore import (
    InvalidItemError,
    ItemAlreadyExistsError,
    KeyValueItem,
    KeyValueStore,
)

from .models import ABSENT, Customer, CustomerProbe, Numbers, Order


def test_create_new_item_is_read_back_by_get_one(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada", email="ada@example.com"))

    got = store.get_one("customer#1", "profile", Customer)

    assert got == Customer(pk="customer#1", sk="profile", name="Ada", email="ada@example.com")


def test_create_existing_key_raises_item_already_exists(store: KeyValueStore) -> None:
    store.create(Order(pk="customer#1", sk="order#1", total=Decimal("9.90")))

    with pytest.raises(ItemAlreadyExistsError) as caught:
        store.create(Order(pk="customer#1", sk="order#1", total=Decimal(1)))

    assert (caught.value.pk, caught.value.sk) == ("customer#1", "order#1")


def test_create_existing_key_leaves_stored_item_unchanged(store: KeyValueStore) -> None:
    first = Order(pk="customer#1", sk="order#1", total=Decimal("9.90"), lines=["book"])
    store.create(first)

    with pytest.raises(ItemAlreadyExistsError):
        store.create(Order(pk="customer#1", sk="order#1", total=Decimal(1), lines=[]))

    assert store.get_one("customer#1", "order#1", Order) == first


def test_create_existing_key_of_other_model_leaves_stored_item_unchanged(
    store: KeyValueStore,
) -> None:
    first = Customer(pk="customer#1", sk="profile", name="Ada")
    store.create(first)

    with pytest.raises(ItemAlreadyExistsError):
        store.create(KeyValueItem(pk="customer#1", sk="profile"))

    assert store.get_one("customer#1", "profile", Customer) == first


def test_create_same_sort_key_in_other_partition_stores_both(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))
    store.create(Customer(pk="customer#2", sk="profile", name="Grace"))

    assert store.get_one("customer#1", "profile", Customer) == Customer(
        pk="customer#1", sk="profile", name="Ada"
    )
    assert store.get_one("customer#2", "profile", Customer) == Customer(
        pk="customer#2", sk="profile", name="Grace"
    )


def test_create_other_sort_key_in_same_partition_stores_both(store: KeyValueStore) -> None:
    store.create(Order(pk="customer#1", sk="order#1", total=Decimal(1)))
    store.create(Order(pk="customer#1", sk="order#2", total=Decimal(2)))

    assert store.query_by_pk("customer#1", Order) == [
        Order(pk="customer#1", sk="order#1", total=Decimal(1)),
        Order(pk="customer#1", sk="order#2", total=Decimal(2)),
    ]


def test_create_keys_differing_only_in_case_stores_both(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="lower"))
    store.create(Customer(pk="Customer#1", sk="Profile", name="upper"))

    assert store.get_one("customer#1", "profile", Customer) == Customer(
        pk="customer#1", sk="profile", name="lower"
    )
    assert store.get_one("Customer#1", "Profile", Customer) == Customer(
        pk="Customer#1", sk="Profile", name="upper"
    )


def test_create_none_field_stores_no_attribute(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada", email=None))

    got = store.get_one("customer#1", "profile", CustomerProbe)

    assert got == CustomerProbe(pk="customer#1", sk="profile", name="Ada", email=ABSENT)


def test_create_then_mutating_scalar_field_leaves_stored_item_unchanged(
    store: KeyValueStore,
) -> None:
    order = Order(pk="customer#1", sk="order#1", total=Decimal("9.90"))
    store.create(order)

    order.total = Decimal(0)

    assert store.get_one("customer#1", "order#1", Order) == Order(
        pk="customer#1", sk="order#1", total=Decimal("9.90")
    )


def test_create_then_mutating_list_field_leaves_stored_item_unchanged(store: KeyValueStore) -> None:
    order = Order(pk="customer#1", sk="order#1", total=Decimal("9.90"), lines=["book"])
    store.create(order)

    order.lines.append("pen")

    assert store.get_one("customer#1", "order#1", Order) == Order(
        pk="customer#1", sk="order#1", total=Decimal("9.90"), lines=["book"]
    )


def test_create_then_mutating_key_field_leaves_stored_key_unchanged(store: KeyValueStore) -> None:
    order = Order(pk="customer#1", sk="order#1", total=Decimal("9.90"))
    store.create(order)

    order.sk = "order#2"

    assert store.get_one("customer#1", "order#2", Order) is None
    assert store.get_one("customer#1", "order#1", Order) == Order(
        pk="customer#1", sk="order#1", total=Decimal("9.90")
    )


def test_create_refused_item_stores_nothing(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(Numbers(pk="numbers#1", sk="nan", integer=1, real=float("nan")))

    assert store.get_one("numbers#1", "nan", Numbers) is None
    assert store.query_by_pk("numbers#1", Numbers) == []


def test_create_dict_instead_of_item_raises_invalid_item(store: KeyValueStore) -> None:
    not_an_item = {"pk": "customer#1", "sk": "profile", "name": "Ada"}

    with pytest.raises(InvalidItemError):
        store.create(not_an_item)  # type: ignore[type-var]

    assert store.get_one("customer#1", "profile", Customer) is None


def test_create_none_instead_of_item_raises_invalid_item(store: KeyValueStore) -> None:
    with pytest.raises(InvalidItemError):
        store.create(None)  # type: ignore[type-var]
