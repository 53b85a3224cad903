"""lvrgd.common.services: a typed key-value port for single-table DynamoDB.

The DynamoDB names are imported on first use, so that a program using only the
in-memory store never pays for importing boto3; so are the async stores, which
import anyio (and httpx, for AsyncDynamoDBService).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .kvstore import (
    AsyncKeyValueStore,
    Condition,
    ConditionFailedError,
    IndexSpec,
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueItem,
    KeyValueStore,
    KeyValueStoreError,
    Page,
    StoreClosedError,
    StoreUnavailableError,
    TableNotFoundError,
    Transaction,
    TransactionCanceledError,
    TransactionClosedError,
    UnsupportedOperationError,
    VersionConflictError,
    VersionedItem,
    WriteOutcomeUnknownError,
    where,
)
from .logging import LoggingService
from .memory import InMemoryKeyValueStore

if TYPE_CHECKING:
    from .dynamodb import (
        AsyncDynamoDBService,
        DynamoDBBaseModel,
        DynamoDBConfig,
        DynamoDBService,
        create_table,
        delete_table,
    )
    from .memory import AsyncInMemoryKeyValueStore

_IMPORTED_ON_FIRST_USE = frozenset(
    {
        "AsyncDynamoDBService",
        "DynamoDBBaseModel",
        "DynamoDBConfig",
        "DynamoDBService",
        "create_table",
        "delete_table",
    }
)

__all__ = [
    "AsyncDynamoDBService",
    "AsyncInMemoryKeyValueStore",
    "AsyncKeyValueStore",
    "Condition",
    "ConditionFailedError",
    "DynamoDBBaseModel",
    "DynamoDBConfig",
    "DynamoDBService",
    "InMemoryKeyValueStore",
    "IndexSpec",
    "InvalidItemError",
    "InvalidQueryError",
    "ItemAlreadyExistsError",
    "ItemNotFoundError",
    "KeyValueItem",
    "KeyValueStore",
    "KeyValueStoreError",
    "LoggingService",
    "Page",
    "StoreClosedError",
    "StoreUnavailableError",
    "TableNotFoundError",
    "Transaction",
    "TransactionCanceledError",
    "TransactionClosedError",
    "UnsupportedOperationError",
    "VersionConflictError",
    "VersionedItem",
    "WriteOutcomeUnknownError",
    "create_table",
    "delete_table",
    "where",
]


def __getattr__(name: str) -> Any:
    """Import a DynamoDB name, or the async in-memory store, the first time it is asked for."""
    if name in _IMPORTED_ON_FIRST_USE:
        return getattr(importlib.import_module(f"{__name__}.dynamodb"), name)
    if name == "AsyncInMemoryKeyValueStore":
        return getattr(importlib.import_module(f"{__name__}.memory"), name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
