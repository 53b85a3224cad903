"""The plans of the port's multi-step behaviours, each written once (see `_steps`).

Each plan yields the calls of `_steps`' table and reads their replies; a failed
condition, thrown in as EngineError, becomes the port's error here, with the
engine's original error chained.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._backoff import resend_until_done
from ._batches import MAX_BATCH_GET_KEYS, MAX_BATCH_WRITE_ITEMS, chunks
from ._errors import (
    ConditionFailedError,
    KeyValueStoreError,
    StoreUnavailableError,
    TransactionCanceledError,
)
from ._outcomes import cancellation_reasons, condition_failure, met_or_read
from ._patch import patch_error
from ._steps import (
    CONDITION_FAILED,
    TRANSACTION_CANCELED,
    BatchRead,
    Call,
    EngineError,
    Op,
    Plan,
    Reason,
    Selected,
    original,
)
from ._writes import Update, condition_error, met_item, settle

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ._backoff import Backoff
    from ._batches import Key
    from ._conditions import KeyQuery
    from ._indexes import Position
    from ._item import KeyValueItem
    from ._limits import Item, ItemView
    from ._patch import Patch
    from ._writes import Create, Delete, Write


def write(operation: str, write: Create | Update | Delete, entity_attribute: str) -> Plan[None]:
    """Carry out one conditional write; a failed condition raises the error it means.

    An update that changes nothing only asserts that the item is there (and that its
    condition holds): it reads the item rather than send an empty change.
    """
    if isinstance(write, Update) and not (write.to_set or write.to_remove or write.tag):
        found = yield from fetch(write.pk, write.sk, consistent=True)
        refused = condition_error(operation, write, found, entity_attribute)
        if refused is not None:
            raise refused
        return
    try:
        yield Call(Op.WRITE, {"operation": operation, "write": write})
    except EngineError as exc:
        if exc.code != CONDITION_FAILED:
            raise
        met = Reason(exc.code, exc.message, exc.item, has_item=exc.has_item)
        error = yield from condition_failure(
            operation, write, met, resent=exc.attempts > 1, entity_attribute=entity_attribute
        )
        if error is not None:
            raise error from original(exc)


def patch(operation: str, patch: Patch, entity_attribute: str) -> Plan[ItemView | None]:
    """Carry out a patch under its conditions; the item after it (None if not asked for).

    A failed condition raises what the item it met means: ItemNotFoundError,
    InvalidItemError for an item of another entity, or ConditionFailedError.
    """
    try:
        after: Item | None = yield Call(Op.PATCH, {"operation": operation, "patch": patch})
    except EngineError as exc:
        if exc.code != CONDITION_FAILED:
            raise
        old = yield from met_or_read(patch.pk, patch.sk, exc.item, has_item=exc.has_item)
        error = patch_error(operation, patch, old, entity_attribute)
        if error is None:  # the engine read the condition otherwise than the store does
            met = met_item(operation, old, patch.model, entity_attribute)
            error = ConditionFailedError(operation, patch.pk, patch.sk, item=met)
        raise error from original(exc)
    return after


def fetch(pk: str, sk: str, *, consistent: bool | None = None) -> Plan[ItemView | None]:
    """The item at (pk, sk), or None; `consistent` None reads as the store is set to."""
    found: ItemView | None = yield Call(Op.GET, {"pk": pk, "sk": sk, "consistent": consistent})
    return found


def select(query: KeyQuery, after: Position | None, limit: int | None) -> Plan[list[ItemView]]:
    """The items `query` selects past `after`, in its order: pages until `limit` (or all)."""
    found: list[ItemView] = []
    resume: object = None
    while True:
        wanted = None if limit is None else limit - len(found)
        params = {"query": query, "after": after, "resume": resume, "limit": wanted}
        page: Selected = yield Call(Op.QUERY, params)
        found.extend(page.items)
        resume = page.resume
        if resume is None or (limit is not None and len(found) >= limit):
            return found


def fetch_many(keys: Sequence[Key], backoff: Backoff) -> Plan[dict[Key, ItemView]]:
    """The items found at `keys` (distinct, valid), by key: chunks of 100, resent with backoff.

    Raises:
        StoreUnavailableError: If keys are still unread when the backoff's time is up;
            the message names them, and every later chunk's.
    """
    found: dict[Key, ItemView] = {}

    def send(chunk: list[Key]) -> Plan[list[Key] | None]:
        answer: BatchRead = yield Call(Op.BATCH_GET, {"keys": chunk})
        for item in answer.items:
            found[(item["pk"]["S"], item["sk"]["S"])] = item
        return answer.unprocessed or None

    parts = chunks(keys, MAX_BATCH_GET_KEYS)
    for index, chunk in enumerate(parts):
        left = yield from resend_until_done(send, chunk, backoff)
        if left is not None:
            later = [key for part in parts[index + 1 :] for key in part]
            raise _unfinished("get_many", "unread", left + later)
    return found


def store_many(items: dict[Key, Item], backoff: Backoff) -> Plan[None]:
    """Write every item, overwriting: chunks of 25, what is unprocessed resent with backoff.

    Raises:
        StoreUnavailableError: If items are still unwritten when the backoff's time is
            up; the message names them, and every later chunk's (the others were written).
    """

    def send(chunk: list[Key]) -> Plan[list[Key] | None]:
        left: list[Key] = yield Call(Op.BATCH_PUT, {"items": {key: items[key] for key in chunk}})
        return left or None

    parts = chunks(list(items), MAX_BATCH_WRITE_ITEMS)
    for index, chunk in enumerate(parts):
        left = yield from resend_until_done(send, chunk, backoff)
        if left is not None:
            later = [key for part in parts[index + 1 :] for key in part]
            raise _unfinished("put_many", "unwritten", left + later)


def whole_items(entries: Sequence[ItemView], backoff: Backoff) -> Plan[list[ItemView | None]]:
    """Each index entry's whole item, in order; None where the item is gone."""
    keys = [(entry["pk"]["S"], entry["sk"]["S"]) for entry in entries]
    found = (yield from fetch_many(list(dict.fromkeys(keys)), backoff)) if keys else {}
    return [found.get(key) for key in keys]


def commit(
    operation: str,
    writes: Sequence[tuple[Write, KeyValueItem | None]],
    entity_attribute: str,
) -> Plan[None]:
    """Apply `writes` (at least one) all or none, then settle the versions of their items.

    Raises:
        TransactionCanceledError: If the engine canceled the transaction; one reason
            per write, each read as `condition_failure` reads a failed write.
    """
    plain = [each for each, _ in writes]
    try:
        yield Call(Op.COMMIT, {"operation": operation, "writes": plain})
    except EngineError as exc:
        if exc.code != TRANSACTION_CANCELED:
            raise
        reasons = yield from cancellation_reasons(operation, plain, exc.reasons, entity_attribute)
        raise TransactionCanceledError(reasons) from original(exc)
    for each, item in writes:
        if item is not None:
            settle(each, item)


def describe() -> Plan[str | None]:
    """Why the store's table is not usable, or None when it is."""
    reason: str | None = yield Call(Op.DESCRIBE)
    return reason


def _unfinished(operation: str, state: str, keys: list[Key]) -> KeyValueStoreError:
    named = ", ".join(f"({pk!r}, {sk!r})" for pk, sk in keys)
    reason = f"{len(keys)} item(s) still {state} after the retry time: {named}"
    return StoreUnavailableError(operation, None, None, reason)
