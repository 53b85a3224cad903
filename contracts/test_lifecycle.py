"""Lifecycle: ping, close (idempotent, final) and the context manager that closes."""

import pytest

from lvrgd.common.services.kvstore import (
    ItemNotFoundError,
    KeyValueStore,
    KeyValueStoreError,
    StoreClosedError,
)

from .models import Customer

PK = "customer#1"
SK = "profile"


class _BoomError(Exception):
    """Raised inside a ``with`` block to see that the store lets it through."""


def _close_holding_an_item(store: KeyValueStore) -> None:
    store.create(Customer(pk=PK, sk=SK, name="Ada"))
    store.close()


def test_store_satisfies_key_value_store_protocol(store: KeyValueStore) -> None:
    assert isinstance(store, KeyValueStore)


def test_ping_open_store_returns_true(store: KeyValueStore) -> None:
    assert store.ping() is True


def test_ping_store_in_use_returns_true(store: KeyValueStore) -> None:
    store.create(Customer(pk=PK, sk=SK, name="Ada"))
    store.delete(PK, SK)

    assert store.ping() is True


def test_ping_after_close_returns_false(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    assert store.ping() is False


def test_ping_after_close_twice_returns_false_again(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    store.ping()

    assert store.ping() is False


def test_close_twice_raises_nothing(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    store.close()

    assert store.ping() is False


def test_create_after_close_raises_store_closed(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with pytest.raises(StoreClosedError):
        store.create(Customer(pk=PK, sk="other", name="Grace"))


def test_create_existing_key_after_close_raises_store_closed(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with pytest.raises(StoreClosedError):
        store.create(Customer(pk=PK, sk=SK, name="Ada"))


def test_update_after_close_raises_store_closed(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with pytest.raises(StoreClosedError):
        store.update(Customer(pk=PK, sk=SK, name="Grace"))


def test_delete_after_close_raises_store_closed(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with pytest.raises(StoreClosedError):
        store.delete(PK, SK)


def test_delete_missing_key_after_close_raises_store_closed(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with pytest.raises(StoreClosedError):
        store.delete(PK, "missing")


def test_get_one_after_close_raises_store_closed(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with pytest.raises(StoreClosedError):
        store.get_one(PK, SK, Customer)


def test_query_by_pk_after_close_raises_store_closed(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with pytest.raises(StoreClosedError):
        store.query_by_pk(PK, Customer)


def test_query_by_pk_with_condition_after_close_raises_store_closed(
    store: KeyValueStore,
) -> None:
    _close_holding_an_item(store)

    with pytest.raises(StoreClosedError):
        store.query_by_pk(PK, Customer, begins_with="p", limit=1, descending=True)


def test_get_one_after_close_error_is_key_value_store_error(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with pytest.raises(KeyValueStoreError) as caught:
        store.get_one(PK, SK, Customer)

    assert type(caught.value) is StoreClosedError


def test_update_after_close_message_names_operation(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with pytest.raises(StoreClosedError) as caught:
        store.update(Customer(pk=PK, sk=SK, name="Grace"))

    assert "update" in str(caught.value)
    assert "closed" in str(caught.value).lower()


def test_close_after_close_then_operation_raises_store_closed(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    store.close()

    with pytest.raises(StoreClosedError):
        store.get_one(PK, SK, Customer)


def test_close_fresh_store_makes_operations_raise_store_closed(store: KeyValueStore) -> None:
    store.close()

    with pytest.raises(StoreClosedError):
        store.create(Customer(pk=PK, sk=SK, name="Ada"))


def test_context_manager_enter_returns_the_store(store: KeyValueStore) -> None:
    with store as entered:
        assert entered is store


def test_context_manager_store_works_inside_block(store: KeyValueStore) -> None:
    with store as entered:
        entered.create(Customer(pk=PK, sk=SK, name="Ada"))

        assert entered.get_one(PK, SK, Customer) == Customer(pk=PK, sk=SK, name="Ada")
        assert entered.ping() is True


def test_context_manager_exit_closes_store(store: KeyValueStore) -> None:
    with store:
        store.create(Customer(pk=PK, sk=SK, name="Ada"))

    assert store.ping() is False
    with pytest.raises(StoreClosedError):
        store.get_one(PK, SK, Customer)


def test_context_manager_exit_on_error_closes_store(store: KeyValueStore) -> None:
    with pytest.raises(_BoomError), store:
        raise _BoomError

    assert store.ping() is False


def test_context_manager_exit_lets_store_error_through(store: KeyValueStore) -> None:
    with pytest.raises(ItemNotFoundError), store:
        store.delete(PK, SK)

    with pytest.raises(StoreClosedError):
        store.delete(PK, SK)


def test_context_manager_closed_store_can_be_closed_again(store: KeyValueStore) -> None:
    _close_holding_an_item(store)

    with store:
        pass

    store.close()

    assert store.ping() is False
