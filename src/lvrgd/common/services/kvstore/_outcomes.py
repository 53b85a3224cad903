"""What a failed condition means, from the item the engine says it met.

Every conditional write asks for the item it met (DynamoDB's ALL_OLD), so a failed
condition comes back with it, or with none when there was none. Engines that ignore
ALL_OLD give nothing back: the plan then reads the item, strongly consistent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._attributes import wire_bytes
from ._entities import DEFAULT_ENTITY_ATTRIBUTE
from ._errors import (
    ConditionFailedError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
)
from ._steps import CONDITION_FAILED, NO_FAILURE, Call, Op
from ._writes import (
    Check,
    Create,
    Delete,
    Update,
    Write,
    condition_error,
    met_item,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._limits import ItemView
    from ._steps import Plan, Reason


def condition_failure(
    operation: str,
    write: Write,
    met: Reason,
    *,
    resent: bool,
    entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
) -> Plan[KeyValueStoreError | None]:
    """The port's error for a write whose condition failed, or None if it in fact succeeded.

    It succeeded when the engine `resent` the request after an attempt that was applied
    but whose answer was lost, so that the resend met the write's own result: a create
    meets the item it carries, a delete meets no item, an update meets its own values
    (and a VersionedItem's next version).

    Args:
        operation: The port operation, for the error.
        write: The write whose condition failed.
        met: What the engine says the write met (the item, when it returned it).
        resent: Whether the request was sent more than once.
        entity_attribute: Where items keep their entity name (the error's item is decoded).
    """
    old = yield from met_or_read(write.pk, write.sk, met.item, has_item=met.has_item)
    if resent and already_applied(write, old):
        return None
    error = condition_error(operation, write, old, entity_attribute)
    return error or _natural_error(operation, write, old, entity_attribute)


def met_or_read(
    pk: str, sk: str, item: ItemView | None, *, has_item: bool
) -> Plan[ItemView | None]:
    """The item a failed condition met: the engine's, or read now when it gave none."""
    if has_item:
        return item
    found: ItemView | None = yield Call(Op.GET, {"pk": pk, "sk": sk, "consistent": True})
    return found


def already_applied(write: Write, old: ItemView | None) -> bool:
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
    reasons: Sequence[Reason],
    entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
) -> Plan[list[KeyValueStoreError | None]]:
    """One entry per write of a canceled transaction: None, or the error it met."""
    if len(reasons) != len(writes):
        unknown = KeyValueStoreError(f"{operation}: canceled; the engine gave no reasons")
        return [unknown for _ in writes]
    errors: list[KeyValueStoreError | None] = []
    for write, reason in zip(writes, reasons, strict=True):
        if reason.code == NO_FAILURE:
            errors.append(None)
        elif reason.code == CONDITION_FAILED:
            error = yield from condition_failure(
                operation, write, reason, resent=False, entity_attribute=entity_attribute
            )
            errors.append(error)
        else:
            message = f"{operation}: pk={write.pk!r}, sk={write.sk!r}: {reason.code}: "
            errors.append(KeyValueStoreError(message + reason.message))
    return errors


def same_item(left: ItemView, right: ItemView) -> bool:
    """Whether two wire items hold the same values (sets compared as sets)."""
    return bool(_canonical(dict(left.items())) == _canonical(dict(right.items())))


def _natural_error(
    operation: str, write: Write, old: ItemView | None, entity_attribute: str
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
