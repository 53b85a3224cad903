"""Batch arguments, validated once for every adapter.

DynamoDB refuses a batch that names one key twice; both helpers fold duplicates
first, so a caller's repeated key is never an engine error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from ._attributes import encode_item
from ._entities import DEFAULT_ENTITY_ATTRIBUTE
from ._errors import InvalidItemError, InvalidQueryError
from ._item import KeyValueItem, VersionedItem
from ._limits import key_problem
from ._writes import new_item_tag

if TYPE_CHECKING:
    from ._limits import Item

MAX_BATCH_GET_KEYS = 100
MAX_BATCH_WRITE_ITEMS = 25

Key = tuple[str, str]
V = TypeVar("V")


def batch_keys(operation: str, keys: Sequence[Key]) -> list[Key]:
    """The distinct keys of `keys`, in first-seen order.

    Raises:
        InvalidQueryError: If `keys` is not a sequence of (pk, sk) pairs within the limits.
    """
    if isinstance(keys, str | bytes) or not isinstance(keys, Sequence):
        raise InvalidQueryError(operation, "?", "keys must be a sequence of (pk, sk) pairs")
    distinct: dict[Key, None] = {}
    for key in keys:
        if not isinstance(key, tuple) or len(key) != 2:  # noqa: PLR2004 - a pair
            raise InvalidQueryError(operation, "?", f"{key!r} is not a (pk, sk) pair")
        problem = key_problem(*key)
        if problem is not None:
            raise InvalidQueryError(operation, str(key[0]), problem, sk=str(key[1]))
        distinct[key] = None
    return list(distinct)


def batch_items(
    operation: str,
    items: Sequence[KeyValueItem],
    entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
) -> dict[Key, Item]:
    """Every item encoded with its entity name, keyed by (pk, sk); a later one wins.

    Raises:
        InvalidItemError: If any item breaks a limit, has no wire form, would not read
            back as its own class, or is a VersionedItem (a batch write takes no
            condition, so it cannot check a version: use create, update or a
            transaction). Nothing is written then.
    """
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise InvalidItemError(operation, "?", "?", "items must be a sequence of KeyValueItem")
    encoded: dict[Key, Item] = {}
    for item in items:
        if isinstance(item, VersionedItem):
            reason = "a VersionedItem needs a version check; use create, update or a transaction"
            pk, sk = getattr(item, "pk", "?"), getattr(item, "sk", "?")  # model_construct()
            raise InvalidItemError(operation, str(pk), str(sk), reason)
        wire = encode_item(operation, item, tag=new_item_tag(operation, item, entity_attribute))
        encoded.pop((item.pk, item.sk), None)  # the later item takes the later place
        encoded[(item.pk, item.sk)] = wire
    return encoded


def chunks(values: Sequence[V], size: int) -> list[list[V]]:
    """`values` cut into lists of at most `size`."""
    return [list(values[start : start + size]) for start in range(0, len(values), size)]
