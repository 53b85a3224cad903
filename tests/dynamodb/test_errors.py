"""translate: every engine error becomes one of the port's, never a botocore error."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
)

from lvrgd.common.services.dynamodb._errors import error_code, translate
from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreUnavailableError,
    TableNotFoundError,
    UnsupportedOperationError,
    WriteOutcomeUnknownError,
)

PK = "customer#1"
SK = "order#1"
WRITES = ["create", "update", "delete", "put_many"]
"""Operations whose input is items: DynamoDB refusing it means an item it cannot hold."""
READS = ["get_one", "query_by_pk", "query_page", "get_many"]
OPERATIONS = [*WRITES, *READS, "transaction"]
WITHOUT_SORT_KEY = {"query_by_pk", "query_page", "get_many", "put_many", "transaction"}


def _client_error(code: str, message: str = "it went wrong") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "SomeOperation")


# conditions


@pytest.mark.parametrize(
    ("operation", "on_condition"),
    [
        ("create", ItemAlreadyExistsError),
        ("update", ItemNotFoundError),
        ("delete", ItemNotFoundError),
    ],
)
def test_translate_failed_condition_becomes_the_operations_error_with_the_key(
    operation: str, on_condition: type[ItemAlreadyExistsError | ItemNotFoundError]
) -> None:
    error = translate(
        _client_error("ConditionalCheckFailedException"), operation, PK, SK, on_condition
    )

    assert type(error) is on_condition
    assert isinstance(error, ItemAlreadyExistsError | ItemNotFoundError)
    assert (error.operation, error.pk, error.sk) == (operation, PK, SK)
    assert operation in str(error)
    assert PK in str(error)
    assert SK in str(error)


def test_translate_failed_condition_with_no_condition_expected_is_a_store_error() -> None:
    error = translate(_client_error("ConditionalCheckFailedException"), "get_one", PK, SK)

    assert type(error) is KeyValueStoreError
    assert "ConditionalCheckFailedException" in str(error)


# refused requests


def _sk_for(operation: str) -> str | None:
    return None if operation in WITHOUT_SORT_KEY else SK


@pytest.mark.parametrize("operation", WRITES)
def test_translate_validation_on_a_write_is_invalid_item(operation: str) -> None:
    exc = _client_error("ValidationException", "Item size has exceeded the maximum")

    error = translate(exc, operation, PK, _sk_for(operation))

    assert type(error) is InvalidItemError
    assert isinstance(error, ValueError)
    assert (error.operation, error.pk) == (operation, PK)
    assert error.sk == (_sk_for(operation) or "")
    assert "Item size has exceeded the maximum" in error.reason


@pytest.mark.parametrize("operation", READS)
def test_translate_validation_on_a_read_is_invalid_query(operation: str) -> None:
    exc = _client_error("ValidationException", "Query condition missed key schema element")

    error = translate(exc, operation, PK, _sk_for(operation))

    assert type(error) is InvalidQueryError
    assert isinstance(error, ValueError)
    assert (error.operation, error.pk, error.sk) == (operation, PK, _sk_for(operation))
    assert "Query condition missed key schema element" in error.reason


# what the caller can do


def test_translate_missing_table_is_table_not_found_naming_table_and_key() -> None:
    error = translate(_client_error("ResourceNotFoundException"), "get_one", PK, SK, table="shop")

    assert type(error) is TableNotFoundError
    assert (error.operation, error.table, error.pk, error.sk) == ("get_one", "shop", PK, SK)
    assert str(error).startswith(f"get_one: pk={PK!r}, sk={SK!r}: table 'shop' does not exist")
    assert "create_table" in str(error)
    assert not error.retryable


@pytest.mark.parametrize("operation", OPERATIONS)
def test_translate_unknown_operation_is_unsupported_naming_endpoint_and_api_call(
    operation: str,
) -> None:
    exc = ClientError(
        {"Error": {"Code": "UnknownOperationException", "Message": ""}}, "TransactWriteItems"
    )

    error = translate(exc, operation, PK, _sk_for(operation), endpoint="http://127.0.0.1:8000")

    assert type(error) is UnsupportedOperationError
    assert (error.operation, error.endpoint, error.api_call) == (
        operation, "http://127.0.0.1:8000", "TransactWriteItems"
    )  # fmt: skip
    assert str(error).startswith(f"{operation}: ")
    assert "http://127.0.0.1:8000" in str(error)
    assert "TransactWriteItems" in str(error)


THROTTLING = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
]
SERVER_ERRORS = ["InternalServerError", "ServiceUnavailable"]


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("code", THROTTLING)
def test_translate_throttling_is_store_unavailable_and_retryable(code: str, operation: str) -> None:
    error = translate(
        _client_error(code, "slow down"), operation, PK, _sk_for(operation), attempts=3
    )

    assert type(error) is StoreUnavailableError
    assert error.retryable
    assert (error.operation, error.pk, error.sk, error.attempts) == (
        operation, PK, _sk_for(operation), 3
    )  # fmt: skip
    assert str(error).startswith(f"{operation}: pk={PK!r}")
    assert f"{code}: slow down after 3 attempt(s)" in str(error)
    assert "retry later" in str(error)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("code", SERVER_ERRORS)
def test_translate_server_error_is_outcome_unknown_for_writes_unavailable_for_reads(
    code: str, operation: str
) -> None:
    error = translate(_client_error(code, "oops"), operation, PK, _sk_for(operation), attempts=2)

    if operation in (*WRITES, "transaction"):
        assert type(error) is WriteOutcomeUnknownError
        assert "may or may not have been applied" in str(error)
    else:
        assert type(error) is StoreUnavailableError
    assert error.retryable
    assert error.attempts == 2


def test_translate_unnamed_5xx_is_a_server_error() -> None:
    metadata: Any = {
        "RequestId": "r",
        "HostId": "h",
        "HTTPStatusCode": 502,
        "HTTPHeaders": {},
        "RetryAttempts": 0,
    }
    exc = ClientError(
        {"Error": {"Code": "Weird", "Message": ""}, "ResponseMetadata": metadata}, "PutItem"
    )

    assert type(translate(exc, "create", PK, SK)) is WriteOutcomeUnknownError
    assert type(translate(exc, "get_one", PK, SK)) is StoreUnavailableError


OTHER_CODES = [
    "AccessDeniedException",
    "UnrecognizedClientException",
    "TransactionConflictException",
    "ItemCollectionSizeLimitExceededException",
    "SomethingNewException",
]


@pytest.mark.parametrize("code", OTHER_CODES)
def test_translate_other_codes_are_store_errors_naming_code_and_message(code: str) -> None:
    error = translate(_client_error(code, "no"), "update", PK, SK)

    assert type(error) is KeyValueStoreError
    assert not error.retryable
    assert str(error) == f"update: pk={PK!r}, sk={SK!r}: {code}: no"


def test_translate_error_without_details_is_a_store_error_with_unknown_code() -> None:
    error = translate(ClientError({}, "GetItem"), "get_one", PK, SK)

    assert type(error) is KeyValueStoreError
    assert "Unknown" in str(error)


NOT_SENT: list[BotoCoreError] = [
    EndpointConnectionError(endpoint_url="http://localhost:8000"),
    ConnectTimeoutError(endpoint_url="http://localhost:8000"),
]
SENT_UNANSWERED: list[BotoCoreError] = [
    ReadTimeoutError(endpoint_url="http://localhost:8000"),
    ConnectionClosedError(endpoint_url="http://localhost:8000"),
]
NOT_THE_NETWORK: list[BotoCoreError] = [
    NoCredentialsError(),
    ParamValidationError(report="Invalid type for parameter Key"),
]


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("exc", NOT_SENT, ids=lambda exc: type(exc).__name__)
def test_translate_connection_never_made_is_store_unavailable(
    exc: BotoCoreError, operation: str
) -> None:
    error = translate(exc, operation, PK, _sk_for(operation), attempts=3)

    assert type(error) is StoreUnavailableError
    assert error.attempts == 3
    assert str(error).startswith(f"{operation}: pk={PK!r}")
    assert str(exc) in str(error)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("exc", SENT_UNANSWERED, ids=lambda exc: type(exc).__name__)
def test_translate_sent_and_unanswered_is_outcome_unknown_for_writes(
    exc: BotoCoreError, operation: str
) -> None:
    error = translate(exc, operation, PK, _sk_for(operation), attempts=3)

    is_write = operation in (*WRITES, "transaction")
    assert type(error) is (WriteOutcomeUnknownError if is_write else StoreUnavailableError)
    assert isinstance(error, StoreUnavailableError)
    assert str(error).startswith(f"{operation}: pk={PK!r}")
    assert ("may or may not have been applied" in str(error)) is is_write


@pytest.mark.parametrize("exc", NOT_THE_NETWORK, ids=lambda exc: type(exc).__name__)
def test_translate_other_botocore_error_is_a_store_error_naming_operation_key_and_reason(
    exc: BotoCoreError,
) -> None:
    error = translate(exc, "create", PK, SK, ItemAlreadyExistsError)

    assert type(error) is KeyValueStoreError
    assert str(error) == f"create: pk={PK!r}, sk={SK!r}: {exc}"


def test_translate_query_message_names_only_the_partition() -> None:
    error = translate(_client_error("InternalServerError"), "query_by_pk", PK, None)

    assert str(error).startswith(f"query_by_pk: pk={PK!r}: ")
    assert "sk=" not in str(error)


def test_translate_returns_the_error_without_raising_or_chaining() -> None:
    exc = _client_error("InternalServerError")

    error = translate(exc, "get_one", PK, SK)

    assert error.__cause__ is None
    assert error.__context__ is None


# error_code


def test_error_code_reads_the_engines_code() -> None:
    assert error_code(_client_error("ConditionalCheckFailedException")) == (
        "ConditionalCheckFailedException"
    )


def test_error_code_without_details_is_unknown() -> None:
    assert error_code(ClientError({}, "GetItem")) == "Unknown"
