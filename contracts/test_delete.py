"""delete: removes the item at (pk, sk); ItemNotFoundError if there is none."""

import pytest

from lvrgd.common.services.kvstore import ItemNotFoundError, KeyValueStore

from .models import Customer


def test_delete_existing_item_makes_get_one_return_none(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    store.delete("customer#1", "profile")

    assert store.get_one("customer#1", "profile", Customer) is None


def test_delete_existing_item_removes_it_from_query_by_pk(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="a", name="Ada"))
    store.create(Customer(pk="customer#1", sk="b", name="Grace"))

    store.delete("customer#1", "a")

    assert store.query_by_pk("customer#1", Customer) == [
        Customer(pk="customer#1", sk="b", name="Grace")
    ]


def test_delete_last_item_of_partition_leaves_it_empty(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    store.delete("customer#1", "profile")

    assert store.query_by_pk("customer#1", Customer) == []


def test_delete_missing_key_raises_item_not_found(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError) as caught:
        store.delete("customer#1", "profile")

    assert (caught.value.pk, caught.value.sk) == ("customer#1", "profile")


def test_delete_missing_sort_key_in_existing_partition_raises_item_not_found(
    store: KeyValueStore,
) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))

    with pytest.raises(ItemNotFoundError) as caught:
        store.delete("customer#1", "profile#2")

    assert (caught.value.pk, caught.value.sk) == ("customer#1", "profile#2")
    assert store.get_one("customer#1", "profile", Customer) == Customer(
        pk="customer#1", sk="profile", name="Ada"
    )


def test_delete_twice_raises_item_not_found(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))
    store.delete("customer#1", "profile")

    with pytest.raises(ItemNotFoundError):
        store.delete("customer#1", "profile")


def test_delete_key_prefix_of_stored_key_raises_item_not_found(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#10", sk="profile#1", name="Ada"))

    with pytest.raises(ItemNotFoundError):
        store.delete("customer#1", "profile#1")
    with pytest.raises(ItemNotFoundError):
        store.delete("customer#10", "profile#")

    assert store.get_one("customer#10", "profile#1", Customer) == Customer(
        pk="customer#10", sk="profile#1", name="Ada"
    )


def test_delete_leaves_same_sort_key_in_other_partition(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))
    store.create(Customer(pk="customer#2", sk="profile", name="Grace"))

    store.delete("customer#1", "profile")

    assert store.get_one("customer#2", "profile", Customer) == Customer(
        pk="customer#2", sk="profile", name="Grace"
    )


def test_delete_then_create_same_key_stores_new_item(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada", email="ada@example.com"))
    store.delete("customer#1", "profile")

    store.create(Customer(pk="customer#1", sk="profile", name="Grace"))

    assert store.get_one("customer#1", "profile", Customer) == Customer(
        pk="customer#1", sk="profile", name="Grace"
    )


def test_delete_then_update_same_key_raises_item_not_found(store: KeyValueStore) -> None:
    store.create(Customer(pk="customer#1", sk="profile", name="Ada"))
    store.delete("customer#1", "profile")

    with pytest.raises(ItemNotFoundError):
        store.update(Customer(pk="customer#1", sk="profile", name="Grace"))

    assert store.get_one("customer#1", "profile", Customer) is None
