"""Errors every KeyValueStore raises.

KeyValueStoreError                      any backend failure; the original in __cause__
├── ItemAlreadyExistsError   .pk .sk    create met an existing item
├── ItemNotFoundError        .pk .sk    update or delete met no item
├── InvalidItemError                    (also ValueError) an item the store cannot hold
├── InvalidQueryError                   (also ValueError) bad key or query arguments
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
    """The key or query arguments are not acceptable; nothing was sent."""

    def __init__(self, operation: str, pk: str, reason: str) -> None:
        """Build the error for `operation` on partition `pk`, saying why."""
        super().__init__(f"{operation}: invalid request for pk={_short(pk)}: {reason}")
        self.operation = operation
        self.pk = pk
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
