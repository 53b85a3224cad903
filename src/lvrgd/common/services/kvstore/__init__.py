"""The port in both forms (KeyValueStore, AsyncKeyValueStore), items, pages, errors, limits."""

from ._async_port import AsyncKeyValueStore
from ._entities import DEFAULT_ENTITY_ATTRIBUTE, OnOther, entity_name
from ._errors import (
    ConditionFailedError,
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreClosedError,
    StoreUnavailableError,
    TableNotFoundError,
    TransactionCanceledError,
    TransactionClosedError,
    UnsupportedOperationError,
    VersionConflictError,
    WriteOutcomeUnknownError,
)
from ._indexes import IndexSpec
from ._item import KeyValueItem, VersionedItem
from ._limits import (
    MAX_ITEM_BYTES,
    MAX_NESTING_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
)
from ._pages import Page
from ._port import KeyValueStore
from ._transaction import MAX_TRANSACTION_OPERATIONS, Transaction
from ._where import Condition, where

__all__ = [
    "DEFAULT_ENTITY_ATTRIBUTE",
    "MAX_ITEM_BYTES",
    "MAX_NESTING_DEPTH",
    "MAX_NUMBER_DIGITS",
    "MAX_PARTITION_KEY_BYTES",
    "MAX_SORT_KEY_BYTES",
    "MAX_TRANSACTION_OPERATIONS",
    "AsyncKeyValueStore",
    "Condition",
    "ConditionFailedError",
    "IndexSpec",
    "InvalidItemError",
    "InvalidQueryError",
    "ItemAlreadyExistsError",
    "ItemNotFoundError",
    "KeyValueItem",
    "KeyValueStore",
    "KeyValueStoreError",
    "OnOther",
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
    "entity_name",
    "where",
]
