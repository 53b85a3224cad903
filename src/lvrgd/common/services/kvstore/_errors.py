"""Errors every KeyValueStore raises.

KeyValueStoreError                         any failure; the engine's error in __cause__
├── ConditionFailedError     .pk .sk .item a write's condition did not hold; nothing written
│   ├── ItemAlreadyExistsError             create met an existing item
│   ├── ItemNotFoundError                  update, delete or require met no item
│   └── VersionConflictError               a VersionedItem's version is not the stored one
├── TransactionCanceledError .reasons      a transaction wrote nothing
├── InvalidItemError                       (also ValueError) an item the store cannot hold
├── InvalidQueryError                      (also ValueError) bad key, query or cursor
├── StoreClosedError                       the store was closed
├── TransactionClosedError                 the transaction has already finished
├── StoreUnavailableError    .attempts     the engine did not answer usefully; retryable
│   └── WriteOutcomeUnknownError           a write that may or may not have been applied
├── TableNotFoundError       .table        the table does not exist
└── UnsupportedOperationError .api_call    the engine lacks a DynamoDB API call

Messages name the operation, the key and the reason, never an item's payload, and
say what the caller can do.
"""

from __future__ import annotations

from typing import Any, ClassVar


class KeyValueStoreError(Exception):
    """Base of every error a KeyValueStore raises.

    Attributes:
        retryable: Whether the same call may succeed if made again later, unchanged.
    """

    retryable: ClassVar[bool] = False


class ConditionFailedError(KeyValueStoreError):
    """A write's condition did not hold at its key; nothing was written.

    Attributes:
        operation: The operation that was refused.
        pk: The item's partition key.
        sk: The item's sort key.
        item: The item the condition met, as the model class the write named, or None
            when there was no item (or it does not validate as that class).
    """

    def __init__(
        self,
        operation: str,
        pk: str,
        sk: str,
        *,
        item: Any = None,
        message: str | None = None,
    ) -> None:
        """Build the error for `operation` at (pk, sk), with the item the condition met."""
        text = message or (
            f"{operation}: the condition did not hold at pk={pk!r}, sk={sk!r}; nothing was "
            "written (the error's item is what the condition met)"
        )
        super().__init__(text)
        self.operation = operation
        self.pk = pk
        self.sk = sk
        self.item = item


class ItemAlreadyExistsError(ConditionFailedError):
    """The operation needs (pk, sk) to be free and an item is there (`item`)."""

    def __init__(self, operation: str, pk: str, sk: str, *, item: Any = None) -> None:
        """Build the error for `operation` at (pk, sk)."""
        message = f"{operation}: an item already exists at pk={pk!r}, sk={sk!r}"
        super().__init__(operation, pk, sk, item=item, message=message)


class ItemNotFoundError(ConditionFailedError):
    """The operation needs an item at (pk, sk) and there is none (`item` is None)."""

    def __init__(self, operation: str, pk: str, sk: str) -> None:
        """Build the error for `operation` at (pk, sk)."""
        super().__init__(operation, pk, sk, message=f"{operation}: no item at pk={pk!r}, sk={sk!r}")


class VersionConflictError(ConditionFailedError):
    """A VersionedItem's version is not the version stored (`item`); nothing was written."""

    def __init__(
        self, operation: str, pk: str, sk: str, expected: int, *, item: Any = None
    ) -> None:
        """Build the error for `operation` at (pk, sk), which expected version `expected`."""
        message = f"{operation}: the item at pk={pk!r}, sk={sk!r} is not at version {expected}"
        super().__init__(operation, pk, sk, item=item, message=message)
        self.expected = expected


class TransactionCanceledError(KeyValueStoreError):
    """A transaction was refused as a whole; nothing it held was written.

    Attributes:
        reasons: One entry per operation, in the order they were added: None for an
            operation that would have succeeded, else the error it met (a
            ConditionFailedError: ItemAlreadyExistsError, ItemNotFoundError,
            VersionConflictError, or the operation's own condition), with the item met.
    """

    def __init__(self, reasons: list[KeyValueStoreError | None]) -> None:
        """Build the error from the per-operation reasons."""
        failed = [f"#{index}: {reason}" for index, reason in enumerate(reasons) if reason]
        detail = "; ".join(failed) or "the engine gave no reason"
        super().__init__(f"transaction: canceled, nothing written ({detail})")
        self.reasons = reasons


class InvalidItemError(KeyValueStoreError, ValueError):
    """The item breaks a rule of the store (key size, item size, number range, ...)."""

    def __init__(self, operation: str, pk: str, sk: str, reason: str) -> None:
        """Build the error for `operation` at (pk, sk), saying why."""
        super().__init__(f"{operation}: invalid item at pk={_short(pk)}, sk={_short(sk)}: {reason}")
        self.operation = operation
        self.pk = pk
        self.sk = sk
        self.reason = reason


class InvalidQueryError(KeyValueStoreError, ValueError):
    """The key, query or cursor arguments are not acceptable; nothing was sent."""

    def __init__(self, operation: str, pk: str, reason: str, sk: str | None = None) -> None:
        """Build the error for `operation` on partition `pk` (and sort key `sk`), saying why.

        An empty `pk` stands for no key: a condition refused as it is built, before any
        operation names one.
        """
        if not pk and sk is None:
            super().__init__(f"{operation}: invalid request: {reason}")
        else:
            where = f"pk={_short(pk)}" if sk is None else f"pk={_short(pk)}, sk={_short(sk)}"
            super().__init__(f"{operation}: invalid request for {where}: {reason}")
        self.operation = operation
        self.pk = pk
        self.sk = sk
        self.reason = reason


class StoreClosedError(KeyValueStoreError):
    """The store was closed; it takes no more operations."""

    def __init__(self, operation: str) -> None:
        """Build the error for `operation` on a closed store."""
        super().__init__(f"{operation}: the store is closed")
        self.operation = operation


class TransactionClosedError(KeyValueStoreError):
    """An operation was added to a transaction whose block has already ended.

    A transaction's operations are collected inside its ``with`` block; once the
    block has ended (committed, canceled, or left by an exception) it takes none.
    """

    def __init__(self, operation: str, pk: str, sk: str, state: str) -> None:
        """Build the error for `operation` at (pk, sk) on a transaction that is `state`."""
        super().__init__(
            f"{operation}: pk={_short(pk)}, sk={_short(sk)}: the transaction has already "
            f"{state}; nothing was added. Open a new `with store.transaction()` block"
        )
        self.operation = operation
        self.pk = pk
        self.sk = sk
        self.state = state


class StoreUnavailableError(KeyValueStoreError):
    """The engine could not be reached or did not serve the call, after every attempt.

    Connection refused, timeouts, throttling and server errors end here once the
    configured attempts are spent. Nothing says the engine is broken for good: try
    again later (with backoff), or raise the attempts or timeouts in the config.

    Attributes:
        attempts: How many times the call was sent, when the engine adapter knows.
    """

    retryable: ClassVar[bool] = True

    def __init__(
        self,
        operation: str,
        pk: str | None,
        sk: str | None,
        reason: str,
        *,
        attempts: int | None = None,
    ) -> None:
        """Build the error for `operation` at (pk, sk), saying why."""
        tried = "" if attempts is None else f" after {attempts} attempt(s)"
        super().__init__(f"{operation}: {_where(pk, sk)}: {reason}{tried}; {self._advice}")
        self.operation = operation
        self.pk = pk
        self.sk = sk
        self.reason = reason
        self.attempts = attempts

    _advice: ClassVar[str] = "the store is unavailable; retry later"


class WriteOutcomeUnknownError(StoreUnavailableError):
    """A write was sent, but no attempt's answer arrived: it may or may not be applied.

    Read the item before deciding what to do. Sending the same write again may meet
    its own earlier result: a create then raises ItemAlreadyExistsError, a delete
    ItemNotFoundError, a versioned update VersionConflictError.
    """

    _advice: ClassVar[str] = (
        "the write may or may not have been applied; read the item before retrying"
    )


class TableNotFoundError(KeyValueStoreError):
    """The store's table does not exist; create it, or fix the table name in the config."""

    def __init__(self, operation: str, table: str, pk: str | None, sk: str | None) -> None:
        """Build the error for `operation` at (pk, sk) on the missing `table`."""
        super().__init__(
            f"{operation}: {_where(pk, sk)}: table {table!r} does not exist; create it "
            "(create_table) or fix DynamoDBConfig.table_name"
        )
        self.operation = operation
        self.table = table
        self.pk = pk
        self.sk = sk


class UnsupportedOperationError(KeyValueStoreError):
    """The engine does not implement a DynamoDB API call the operation needs.

    Local engines implement parts of DynamoDB (dynalite has no transactions). Run
    the code on an engine that has the call, or do without the operation.
    """

    def __init__(self, operation: str, endpoint: str, api_call: str) -> None:
        """Build the error for `operation`, which needs `api_call` from `endpoint`."""
        super().__init__(
            f"{operation}: the engine at {endpoint} does not implement DynamoDB's "
            f"{api_call}; use an engine that does (DynamoDB, moto, ministack)"
        )
        self.operation = operation
        self.endpoint = endpoint
        self.api_call = api_call


_SHOWN_KEY_CHARS = 64


def _where(pk: str | None, sk: str | None) -> str:
    if pk is None:
        return "no single key"
    return f"pk={_short(pk)}" if sk is None else f"pk={_short(pk)}, sk={_short(sk)}"


def _short(key: object) -> str:
    """Repr of a key, cut to a readable length (a refused key may be megabytes long)."""
    text = repr(key)
    if len(text) <= _SHOWN_KEY_CHARS:
        return text
    return f"{text[:_SHOWN_KEY_CHARS]}...({len(text)} chars)"
