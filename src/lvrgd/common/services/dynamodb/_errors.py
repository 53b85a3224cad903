"""botocore's errors translated into the port's, as pure functions."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from lvrgd.common.services.kvstore._errors import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
)

WRITES = frozenset({"create", "update", "delete", "put_many", "transaction"})
"""Operations whose refused input is an item (InvalidItemError); reads get InvalidQueryError."""


def translate(
    exc: ClientError | BotoCoreError,
    operation: str,
    pk: str,
    sk: str | None,
    on_condition: type[ItemAlreadyExistsError | ItemNotFoundError] | None = None,
) -> KeyValueStoreError:
    """The port's error for an engine error met by `operation` at (pk, sk).

    A failed condition becomes `on_condition`; a refused request becomes
    InvalidItemError for writes and InvalidQueryError for reads; anything else,
    KeyValueStoreError. The message names the operation, the key and the reason.
    """
    if isinstance(exc, BotoCoreError):
        return KeyValueStoreError(f"{operation}: {_where(pk, sk)}: {exc}")
    code = error_code(exc)
    message = exc.response.get("Error", {}).get("Message", "")
    if code == "ConditionalCheckFailedException" and on_condition is not None:
        return on_condition(operation, pk, sk or "")
    if code == "ValidationException":
        if operation in WRITES:
            return InvalidItemError(operation, pk, sk or "", f"DynamoDB refused it: {message}")
        return InvalidQueryError(operation, pk, f"DynamoDB refused it: {message}", sk=sk)
    if code == "ResourceNotFoundException":
        return KeyValueStoreError(f"{operation}: {_where(pk, sk)}: the table does not exist")
    return KeyValueStoreError(f"{operation}: {_where(pk, sk)}: {code}: {message}")


def error_code(exc: ClientError) -> str:
    """DynamoDB's error code, e.g. ``ConditionalCheckFailedException``."""
    return str(exc.response.get("Error", {}).get("Code", "Unknown"))


def _where(pk: str, sk: str | None) -> str:
    return f"pk={pk!r}" if sk is None else f"pk={pk!r}, sk={sk!r}"
