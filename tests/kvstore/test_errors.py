"""The port's errors: hierarchy, attributes and messages."""

from __future__ import annotations

import pytest

from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreClosedError,
    TransactionCanceledError,
    VersionConflictError,
)

ALL_ERRORS = (
    ItemAlreadyExistsError,
    ItemNotFoundError,
    InvalidItemError,
    InvalidQueryError,
    StoreClosedError,
    TransactionCanceledError,
    VersionConflictError,
)


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda error: error.__name__)
def test_errors_every_error_is_a_key_value_store_error(error: type[Exception]) -> None:
    assert issubclass(error, KeyValueStoreError)
    assert issubclass(KeyValueStoreError, Exception)


def test_errors_only_invalid_item_and_query_are_value_errors() -> None:
    value_errors = {error for error in ALL_ERRORS if issubclass(error, ValueError)}
    assert value_errors == {InvalidItemError, InvalidQueryError}
    assert not issubclass(KeyValueStoreError, ValueError)


def test_item_already_exists_error_carries_key_and_names_it() -> None:
    error = ItemAlreadyExistsError("create", "customer#1", "order#1")
    assert (error.operation, error.pk, error.sk) == ("create", "customer#1", "order#1")
    assert str(error) == "create: an item already exists at pk='customer#1', sk='order#1'"


def test_item_not_found_error_carries_key_and_names_it() -> None:
    error = ItemNotFoundError("update", "customer#1", "order#1")
    assert (error.operation, error.pk, error.sk) == ("update", "customer#1", "order#1")
    assert str(error) == "update: no item at pk='customer#1', sk='order#1'"


def test_invalid_item_error_carries_key_and_reason() -> None:
    error = InvalidItemError("create", "p", "s", "the item is too big")
    assert (error.operation, error.pk, error.sk, error.reason) == (
        "create",
        "p",
        "s",
        "the item is too big",
    )
    assert str(error) == "create: invalid item at pk='p', sk='s': the item is too big"


def test_invalid_query_error_carries_partition_and_reason() -> None:
    error = InvalidQueryError("query_by_pk", "p", "limit must be an integer >= 1, got 0")
    assert (error.operation, error.pk) == ("query_by_pk", "p")
    assert error.reason == "limit must be an integer >= 1, got 0"
    assert (
        str(error)
        == "query_by_pk: invalid request for pk='p': limit must be an integer >= 1, got 0"
    )


def test_invalid_query_error_with_a_sort_key_names_both() -> None:
    error = InvalidQueryError("get_one", "p", "sk must not be empty", sk="")
    assert (error.pk, error.sk) == ("p", "")
    assert str(error) == "get_one: invalid request for pk='p', sk='': sk must not be empty"


def test_store_closed_error_names_the_operation() -> None:
    error = StoreClosedError("get_one")
    assert error.operation == "get_one"
    assert str(error) == "get_one: the store is closed"


def test_version_conflict_error_carries_key_and_expected_version() -> None:
    error = VersionConflictError("update", "p", "s", 3)
    assert (error.operation, error.pk, error.sk, error.expected) == ("update", "p", "s", 3)
    assert str(error) == "update: the item at pk='p', sk='s' is not at version 3"


def test_transaction_canceled_error_carries_one_reason_per_operation() -> None:
    exists = ItemAlreadyExistsError("create", "p", "a")
    missing = ItemNotFoundError("update", "p", "b")
    error = TransactionCanceledError([None, exists, missing])
    assert error.reasons == [None, exists, missing]
    assert str(error) == (
        "transaction: canceled, nothing written ("
        "#1: create: an item already exists at pk='p', sk='a'; "
        "#2: update: no item at pk='p', sk='b')"
    )


def test_transaction_canceled_error_without_reasons_says_so() -> None:
    error = TransactionCanceledError([None, None])
    assert error.reasons == [None, None]
    assert str(error) == "transaction: canceled, nothing written (the engine gave no reason)"


def test_invalid_item_error_long_keys_are_shortened_in_the_message() -> None:
    pk, sk = "p" * 100_000, "s" * 5000
    error = InvalidItemError("create", pk, sk, "pk is too long")
    message = str(error)
    assert len(message) < 300
    assert f"pk='{'p' * 63}...(100002 chars), sk='{'s' * 63}...(5002 chars): " in message
    assert message.endswith(": pk is too long")
    assert (error.pk, error.sk) == (pk, sk)


def test_invalid_query_error_long_partition_key_is_shortened_in_the_message() -> None:
    error = InvalidQueryError("get_one", "\u00e9" * 3000, "pk is too long")
    assert len(str(error)) < 200
    assert "...(3002 chars)" in str(error)


def test_invalid_item_error_key_of_64_repr_chars_is_shown_whole_65_shortened() -> None:
    whole = "k" * 62  # its repr, quotes included, is 64 characters
    assert f"pk={whole!r}," in str(InvalidItemError("create", whole, "s", "r"))
    cut = "k" * 63
    message = str(InvalidItemError("create", cut, "s", "r"))
    assert f"pk={cut!r}" not in message
    assert f"pk='{'k' * 63}...(65 chars)" in message


@pytest.mark.parametrize(
    "error",
    [
        ItemAlreadyExistsError("create", "p", "s"),
        ItemNotFoundError("delete", "p", "s"),
        InvalidItemError("create", "p", "s", "r"),
        InvalidQueryError("get_one", "p", "r"),
        StoreClosedError("ping"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_errors_are_caught_as_key_value_store_error(error: KeyValueStoreError) -> None:
    with pytest.raises(KeyValueStoreError) as caught:
        raise error
    assert caught.value is error
    assert str(error).startswith(f"{error.operation}: ")  # type: ignore[attr-defined]
