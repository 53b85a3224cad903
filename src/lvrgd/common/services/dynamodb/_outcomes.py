"""What a failed condition means, from the old item DynamoDB returns with it.

Every conditional write asks for ALL_OLD, so a failed condition comes back with the
item it met (or none, if there was none). Engines that ignore ALL_OLD give nothing
back: `read` then fetches the item, strongly consistent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from lvrgd.common.services.kvstore._attributes import wire_bytes
from lvrgd.common.services.kvstore._entities import DEFAULT_ENTITY_ATTRIBUTE
from lvrgd.common.services.kvstore._errors import (
    ConditionFailedError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
)
from lvrgd.common.services.kvstore._limits import Item
from lvrgd.common.services.kvstore._writes import (
    Check,
    Create,
    Delete,
    Update,
    Write,
    condition_error,
    met_item,
)

ReadItem = Callable[[str, str], Item | None]

CONDITION_FAILED = "ConditionalCheckFailed"
NO_FAILURE = "None"


def condition_failure(  # noqa: PLR0913 - each argument is a distinct part of the answer
    operation: str,
    write: Write,
    response: Mapping[str, Any],
    read: ReadItem,
    *,
    resent: bool,
    entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
) -> KeyValueStoreError | None:
    """The port's error for a write whose condition failed, or None if it in fact succeeded.

    It succeeded when botocore `resent` the request after an attempt that was applied
    but whose answer was lost, so that the resend met the write's own result: a create
    meets the item it carries, a delete meets no item, an update meets its own values
    (and a VersionedItem's next version).

    Args:
        operation: The port operation, for the error.
        write: The write whose condition failed.
        response: The error response (or cancellation reason) holding the old item.
        read: Fetches the item when the engine returned none.
        resent: Whether botocore sent the request more than once.
        entity_attribute: Where items keep their entity name (the error's item is decoded).
    """
    old = _old_item(write, response, read)
    if resent and already_applied(write, old):
        return None
    error = condition_error(operation, write, old, entity_attribute)
    return error or _natural_error(operation, write, old, entity_attribute)


def already_applied(write: Write, old: Item | None) -> bool:
    """Whether `old`, the item at the write's key, is what the write itself leaves there."""
    if isinstance(write, Create):
        return old is not None and same_item(old, write.item)
    if isinstance(write, Delete):
        return old is None
    if isinstance(write, Update) and old is not None:
        changed = {name: old[name] for name in write.to_set if name in old}
        return same_item(changed, write.to_set) and not set(write.to_remove) & set(old)
    return False


def cancellation_reasons(
    operation: str,
    writes: Sequence[Write],
    reasons: Sequence[Mapping[str, Any]],
    read: ReadItem,
    entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
) -> list[KeyValueStoreError | None]:
    """One entry per write of a canceled transaction: None, or the error it met."""
    if len(reasons) != len(writes):
        unknown = KeyValueStoreError(f"{operation}: canceled; the engine gave no reasons")
        return [unknown for _ in writes]
    errors: list[KeyValueStoreError | None] = []
    for write, reason in zip(writes, reasons, strict=True):
        code = reason.get("Code", NO_FAILURE)
        if code == NO_FAILURE:
            errors.append(None)
        elif code == CONDITION_FAILED:
            errors.append(
                condition_failure(
                    operation, write, reason, read, resent=False, entity_attribute=entity_attribute
                )
            )
        else:
            message = f"{operation}: pk={write.pk!r}, sk={write.sk!r}: {code}: "
            errors.append(KeyValueStoreError(message + str(reason.get("Message", ""))))
    return errors


def same_item(left: Item, right: Item) -> bool:
    """Whether two wire items hold the same values (sets compared as sets)."""
    return bool(_canonical(left) == _canonical(right))


def _old_item(write: Write, response: Mapping[str, Any], read: ReadItem) -> Item | None:
    if "Item" in response:
        old: Item = response["Item"]
        return old
    return read(write.pk, write.sk)


def _natural_error(
    operation: str, write: Write, old: Item | None, entity_attribute: str
) -> KeyValueStoreError:
    """The error of a condition the engine found false where our evaluation finds it true.

    Either the item changed again between the failed write and our look at it, or the
    engine reads the condition otherwise than the rules the store evaluates.
    """
    if getattr(write, "condition", None) is not None:
        met = met_item(operation, old, getattr(write, "model", None), entity_attribute)
        return ConditionFailedError(operation, write.pk, write.sk, item=met)
    if isinstance(write, Create):
        return ItemAlreadyExistsError(operation, write.pk, write.sk)
    if old is not None and isinstance(write, Check):
        return ConditionFailedError(operation, write.pk, write.sk)
    return ItemNotFoundError(operation, write.pk, write.sk)


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1:
            ((kind, body),) = value.items()
            if kind in ("SS", "NS", "BS") and isinstance(body, list):
                return kind, frozenset(wire_bytes(v) if kind == "BS" else v for v in body)
            if kind == "B" and isinstance(body, bytes | bytearray | str):
                return kind, wire_bytes(body)
        return {key: _canonical(element) for key, element in value.items()}
    if isinstance(value, list):
        return [_canonical(element) for element in value]
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    return value
