"""botocore's errors translated into the port's, as pure functions.

The one table of what each engine failure means to the caller:

- a failed condition: the operation's own error (ItemAlreadyExistsError, ...);
- a refused request (ValidationException): InvalidItemError for writes,
  InvalidQueryError for reads; fix the input;
- a missing table: TableNotFoundError; an API call the engine lacks:
  UnsupportedOperationError;
- throttling, refused connections, connect timeouts: StoreUnavailableError; retry later;
- a timeout or a lost connection after the request was sent, or a server error: for a
  read StoreUnavailableError, for a write WriteOutcomeUnknownError (it may have been
  applied);
- anything else: KeyValueStoreError naming DynamoDB's code and message.
"""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ChecksumError,
    ClientError,
    HTTPClientError,
    IncompleteReadError,
)
from botocore.exceptions import ConnectionError as EngineConnectionError

from lvrgd.common.services.kvstore._errors import (
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

WRITES = frozenset({"create", "update", "delete", "patch", "put_many", "transaction"})
"""Operations whose refused input is an item (InvalidItemError); reads get InvalidQueryError."""

THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "Throttling",
    }
)
"""Codes that mean: too many requests now, none of this one applied."""

SERVER_ERROR_CODES = frozenset({"InternalServerError", "InternalFailure", "ServiceUnavailable"})
"""Codes of a failure inside the engine, after which a write may or may not be applied."""

_FIRST_SERVER_ERROR = 500


def translate(  # noqa: PLR0911, PLR0913 - one return per kind of failure; all it knows
    exc: ClientError | BotoCoreError,
    operation: str,
    pk: str | None,
    sk: str | None,
    on_condition: type[ItemAlreadyExistsError | ItemNotFoundError] | None = None,
    *,
    table: str = "?",
    endpoint: str = "?",
    attempts: int | None = None,
) -> KeyValueStoreError:
    """The port's error for an engine error met by `operation` at (pk, sk).

    Args:
        exc: What botocore raised.
        operation: The port operation, named first in the message.
        pk: The partition key the operation was about, if one.
        sk: The sort key, if one.
        on_condition: What a failed condition means for this operation, if it has one.
        table: The table the operation used.
        endpoint: The endpoint it was sent to.
        attempts: How many requests the operation sent, when known.
    """
    if isinstance(exc, BotoCoreError):
        return _network_error(exc, operation, pk, sk, attempts)
    code = error_code(exc)
    message = exc.response.get("Error", {}).get("Message", "")
    if code == "ConditionalCheckFailedException" and on_condition is not None:
        return on_condition(operation, pk or "?", sk or "")
    if code == "ValidationException":
        reason = f"DynamoDB refused it: {message}"
        if operation in WRITES:
            return InvalidItemError(operation, pk or "?", sk or "", reason)
        return InvalidQueryError(operation, pk or "?", reason, sk=sk)
    if code == "ResourceNotFoundException":
        return TableNotFoundError(operation, table, pk, sk)
    if code == "UnknownOperationException":
        return UnsupportedOperationError(operation, endpoint, exc.operation_name)
    if code in THROTTLING_CODES:
        return StoreUnavailableError(operation, pk, sk, f"{code}: {message}", attempts=attempts)
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code in SERVER_ERROR_CODES or status >= _FIRST_SERVER_ERROR:
        unavailable = WriteOutcomeUnknownError if operation in WRITES else StoreUnavailableError
        return unavailable(operation, pk, sk, f"{code}: {message}", attempts=attempts)
    return KeyValueStoreError(f"{operation}: {_where(pk, sk)}: {code}: {message}")


def _network_error(
    exc: BotoCoreError, operation: str, pk: str | None, sk: str | None, attempts: int | None
) -> KeyValueStoreError:
    if isinstance(exc, EngineConnectionError):  # refused, connect timeout, TLS: nothing sent
        return StoreUnavailableError(operation, pk, sk, str(exc), attempts=attempts)
    if isinstance(exc, HTTPClientError | IncompleteReadError | ChecksumError):
        # Sent, and no usable answer came back: read timeouts, lost connections, bodies
        # cut short or corrupted on the way.
        unavailable = WriteOutcomeUnknownError if operation in WRITES else StoreUnavailableError
        return unavailable(operation, pk, sk, str(exc), attempts=attempts)
    return KeyValueStoreError(f"{operation}: {_where(pk, sk)}: {exc}")


def error_code(exc: ClientError) -> str:
    """DynamoDB's error code, e.g. ``ConditionalCheckFailedException``."""
    return str(exc.response.get("Error", {}).get("Code", "Unknown"))


def _where(pk: str | None, sk: str | None) -> str:
    if pk is None:
        return "pk='?'"
    return f"pk={pk!r}" if sk is None else f"pk={pk!r}, sk={sk!r}"
