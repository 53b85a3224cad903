"""Errors every KeyValueStore raises.

KeyValueStoreError                      any backend failure; the original in __cause__
├── ItemAlreadyExistsError   .pk .sk    create met an existing item
├── ItemNotFoundError        .pk .sk    update, delete or require met no item
├── VersionConflictError     .pk .sk    a VersionedItem's version is not the stored one
├── InvalidItemError                    (also ValueError) an item the store cannot hold
├── InvalidQueryError                   (also ValueError) bad key, query or cursor
├── TransactionCanceledError .reasons   a transaction wrote nothing
└── StoreClosedError                    the store was closed

Messages name the operation, the key and the reason, never an item's payload.
"""

from __future__ import annotations


class KeyValueStoreError(Exception):
    """Base of every error a KeyValueStore raises."""


class ItemAlreadyExistsError(KeyValueStoreError):
    """The operation needs (pk, sk) to be free and an item is there."""

    def __init__(self, operation: str, pk: str, sk: str) -> None:
        """Build the error for `operation` at (pk, sk)."""
        super().__init__(f"{operation}: an item already exists at pk={pk!r}, sk={sk!r}")
        self.operation = operation
        self.pk = pk
        self.sk = sk


class ItemNotFoundError(KeyValueStoreError):
    """The operation needs an item at (pk, sk) and there is none."""

    def __init__(self, operation: str, pk: str, sk: str) -> None:
        """Build the error for `operation` at (pk, sk)."""
        super().__init__(f"{operation}: no item at pk={pk!r}, sk={sk!r}")
        self.operation = operation
        self.pk = pk
        self.sk = sk


class VersionConflictError(KeyValueStoreError):
    """A VersionedItem's version is not the version stored; nothing was written."""

    def __init__(self, operation: str, pk: str, sk: str, expected: int) -> None:
        """Build the error for `operation` at (pk, sk), which expected version `expected`."""
        super().__init__(
            f"{operation}: the item at pk={pk!r}, sk={sk!r} is not at version {expected}"
        )
        self.operation = operation
        self.pk = pk
        self.sk = sk
        self.expected = expected


class TransactionCanceledError(KeyValueStoreError):
    """A transaction was refused as a whole; nothing it held was written.

    Attributes:
        reasons: One entry per operation, in the order they were added: None for an
            operation that would have succeeded, else the error it met
            (ItemAlreadyExistsError, ItemNotFoundError or VersionConflictError).
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
        """Build the error for `operation` on partition `pk` (and sort key `sk`), saying why."""
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


_SHOWN_KEY_CHARS = 64


def _short(key: object) -> str:
    """Repr of a key, cut to a readable length (a refused key may be megabytes long)."""
    text = repr(key)
    if len(text) <= _SHOWN_KEY_CHARS:
        return text
    return f"{text[:_SHOWN_KEY_CHARS]}...({len(text)} chars)"
