"""get_one: the item at (pk, sk) validated as the model class, or None."""

from decimal import Decimal

import pytest

from lvrgd.common.services.kvstore import InvalidItemError, KeyValueItem, KeyValueStore

from .models import (
    Customer,
    CustomerNameAsNumber,
    CustomerWithAge,
    Order,
    Profile,
    ProfileContact,
)


def test_get_one_existing_item_returns_equal_model(store: KeyValueStore) -> None:
    store.create(Order(pk="customer#1", sk="order#1", total=Decimal("9.90"), lines=["book"]))

    got = store.get_one("customer#1", "order#1", Order)

    assert got == Order(pk="customer#1", sk="order#1", total=Decimal("9.90"), lines=["book"])


def test_get_one_existing_item_returns_instance_of_model_class(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    got = store.get_one("customer#1", "profile", Customer)

    assert type(got) is Customer


def test_get_one_empty_store_returns_none(store: KeyValueStore) -> None:
    assert store.get_one("customer#1", "profile", Customer) is None


def test_get_one_missing_sort_key_in_existing_partition_returns_none(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    assert store.get_one("customer#1", "profile#2", Customer) is None


def test_get_one_same_sort_key_in_other_partition_returns_none(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    assert store.get_one("customer#2", "profile", Customer) is None


def test_get_one_prefix_of_stored_key_returns_none(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#10", sk="profile#1", name="Ada"))

    assert store.get_one("customer#1", "profile#1", Customer) is None
    assert store.get_one("customer#10", "profile#", Customer) is None


def test_get_one_key_differing_in_case_returns_none(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    assert store.get_one("Customer#1", "profile", Customer) is None
    assert store.get_one("customer#1", "Profile", Customer) is None


def test_get_one_narrow_model_returns_its_fields(store: KeyValueStore) -> None:
    store.create(Profile(pk="user#1", sk="profile", name="Ada", email="ada@example.com", age=36))

    got = store.get_one("user#1", "profile", ProfileContact)

    assert got == ProfileContact(pk="user#1", sk="profile", email="ada@example.com", age=36)


def test_get_one_base_item_model_returns_key(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    got = store.get_one("customer#1", "profile", KeyValueItem)

    assert got == KeyValueItem(pk="customer#1", sk="profile")


def test_get_one_model_with_other_field_type_raises_invalid_item(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    with pytest.raises(InvalidItemError) as caught:
        store.get_one("customer#1", "profile", CustomerNameAsNumber)

    assert (caught.value.pk, caught.value.sk) == ("customer#1", "profile")


def test_get_one_model_with_missing_required_field_raises_invalid_item(
    store: KeyValueStore,
) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    with pytest.raises(InvalidItemError):
        store.get_one("customer#1", "profile", CustomerWithAge)


def test_get_one_item_not_valid_as_model_stays_readable_as_its_own(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))
    with pytest.raises(InvalidItemError):
        store.get_one("customer#1", "profile", CustomerWithAge)

    got = store.get_one("customer#1", "profile", Customer)

    assert got == Customer(pk="customer#1", sk="profile", name="Ada")


def test_get_one_then_mutating_scalar_field_leaves_stored_item_unchanged(
    store: KeyValueStore,
) -> None:
    store.create(Order(pk="customer#1", sk="order#1", total=Decimal("9.90")))
    got = store.get_one("customer#1", "order#1", Order)
    assert got is not None

    got.total = Decimal(0)

    assert store.get_one("customer#1", "order#1", Order) == Order(
        pk="customer#1", sk="order#1", total=Decimal("9.90")
    )


def test_get_one_then_mutating_list_field_leaves_stored_item_unchanged(
    store: KeyValueStore,
) -> None:
    store.create(Order(pk="customer#1", sk="order#1", total=Decimal(1), lines=["book"]))
    got = store.get_one("customer#1", "order#1", Order)
    assert got is not None

    got.lines.append("pen")

    assert store.get_one("customer#1", "order#1", Order) == Order(
        pk="customer#1", sk="order#1", total=Decimal(1), lines=["book"]
    )


def test_get_one_then_mutating_set_field_leaves_stored_item_unchanged(store: KeyValueStore) -> None:
    store.create(Profile(pk="user#1", sk="profile", name="Ada", tags={"admin"}))
    got = store.get_one("user#1", "profile", Profile)
    assert got is not None

    got.tags.add("root")
    got.settings["theme"] = 1

    assert store.get_one("user#1", "profile", Profile) == Profile(
        pk="user#1", sk="profile", name="Ada", tags={"admin"}
    )
