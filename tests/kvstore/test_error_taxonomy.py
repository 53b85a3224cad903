"""The errors that say what the caller can do: unavailable, unknown outcome, no table."""

from __future__ import annotations

import inspect

import pytest

from lvrgd.common.services import kvstore
from lvrgd.common.services.kvstore import (
    KeyValueStoreError,
    StoreUnavailableError,
    TableNotFoundError,
    TransactionClosedError,
    UnsupportedOperationError,
    WriteOutcomeUnknownError,
)


def _every_error() -> list[type[KeyValueStoreError]]:
    return [
        value
        for value in vars(kvstore).values()
        if inspect.isclass(value) and issubclass(value, KeyValueStoreError)
    ]


def test_only_unavailability_is_retryable() -> None:
    retryable = {error for error in _every_error() if error.retryable}
    assert retryable == {StoreUnavailableError, WriteOutcomeUnknownError}


def test_an_unknown_write_outcome_is_a_kind_of_unavailability() -> None:
    assert issubclass(WriteOutcomeUnknownError, StoreUnavailableError)
    assert not issubclass(StoreUnavailableError, WriteOutcomeUnknownError)


def test_store_unavailable_names_operation_key_reason_attempts_and_what_to_do() -> None:
    error = StoreUnavailableError("get_one", "customer#1", "order#1", "timed out", attempts=3)
    assert (error.operation, error.pk, error.sk, error.reason, error.attempts) == (
        "get_one", "customer#1", "order#1", "timed out", 3
    )  # fmt: skip
    assert str(error) == (
        "get_one: pk='customer#1', sk='order#1': timed out after 3 attempt(s); "
        "the store is unavailable; retry later"
    )


def test_store_unavailable_without_a_key_or_a_count_says_so() -> None:
    error = StoreUnavailableError("put_many", None, None, "2 item(s) still unwritten")
    assert str(error) == (
        "put_many: no single key: 2 item(s) still unwritten; the store is unavailable; retry later"
    )


def test_write_outcome_unknown_says_the_write_may_have_been_applied() -> None:
    error = WriteOutcomeUnknownError("create", "customer#1", "order#1", "read timeout", attempts=2)
    message = str(error)
    assert message.startswith("create: pk='customer#1', sk='order#1': read timeout")
    assert "may or may not have been applied" in message
    assert "read the item before retrying" in message


def test_table_not_found_names_the_table_and_the_fix() -> None:
    error = TableNotFoundError("create", "shop", "customer#1", "order#1")
    assert (error.operation, error.table, error.pk, error.sk) == (
        "create", "shop", "customer#1", "order#1"
    )  # fmt: skip
    assert "table 'shop' does not exist" in str(error)
    assert "create_table" in str(error)


def test_unsupported_operation_names_the_engine_and_the_call() -> None:
    error = UnsupportedOperationError("transaction", "http://127.0.0.1:4567", "TransactWriteItems")
    assert (error.operation, error.endpoint, error.api_call) == (
        "transaction", "http://127.0.0.1:4567", "TransactWriteItems"
    )  # fmt: skip
    assert str(error) == (
        "transaction: the engine at http://127.0.0.1:4567 does not implement DynamoDB's "
        "TransactWriteItems; use an engine that does (DynamoDB, moto, ministack)"
    )


def test_transaction_closed_names_the_key_and_how_it_ended() -> None:
    error = TransactionClosedError("transaction", "customer#1", "order#1", "ended")
    assert (error.operation, error.pk, error.sk, error.state) == (
        "transaction", "customer#1", "order#1", "ended"
    )  # fmt: skip
    assert "the transaction has already ended; nothing was added" in str(error)


@pytest.mark.parametrize("length", [10, 5_000])
def test_long_keys_are_cut_in_messages(length: int) -> None:
    error = StoreUnavailableError("get_one", "p" * length, "s", "timed out")
    assert len(str(error)) < 300
