"""The port: KeyValueStore, KeyValueItem, the errors and DynamoDB's limits."""

from ._errors import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreClosedError,
)
from ._item import KeyValueItem
from ._limits import (
    MAX_ITEM_BYTES,
    MAX_NESTING_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
)
from ._port import KeyValueStore

__all__ = [
    "MAX_ITEM_BYTES",
    "MAX_NESTING_DEPTH",
    "MAX_NUMBER_DIGITS",
    "MAX_PARTITION_KEY_BYTES",
    "MAX_SORT_KEY_BYTES",
    "InvalidItemError",
    "InvalidQueryError",
    "ItemAlreadyExistsError",
    "ItemNotFoundError",
    "KeyValueItem",
    "KeyValueStore",
    "KeyValueStoreError",
    "StoreClosedError",
]
