"""The in-memory engine: each call of `_steps` answered in one locked step of the table.

It answers as DynamoDB does: a write whose condition fails raises
EngineError(CONDITION_FAILED) with the item it met, a transaction that cannot commit
raises EngineError(TRANSACTION_CANCELED) with a reason per write, and what DynamoDB
would refuse (an item above 400 KB after an update, a patch that breaks the model) is
refused with the port's error. Both forms of the in-memory store answer through it.
"""

from __future__ import annotations

import secrets
import threading
from typing import TYPE_CHECKING, Any

from lvrgd.common.services.kvstore._attributes import check_item_size
from lvrgd.common.services.kvstore._patch import apply_patch, patch_error, validated
from lvrgd.common.services.kvstore._steps import (
    CONDITION_FAILED,
    TRANSACTION_CANCELED,
    BatchRead,
    EngineError,
    Op,
    Reason,
    Selected,
)

from ._indexes import PROPAGATION_MODES
from ._table import Table

if TYPE_CHECKING:
    from collections.abc import Callable

    from lvrgd.common.services.kvstore._batches import Key
    from lvrgd.common.services.kvstore._compact import CompactItem
    from lvrgd.common.services.kvstore._conditions import KeyQuery
    from lvrgd.common.services.kvstore._indexes import IndexSpec, Position
    from lvrgd.common.services.kvstore._limits import Item
    from lvrgd.common.services.kvstore._patch import Patch
    from lvrgd.common.services.kvstore._steps import Call
    from lvrgd.common.services.kvstore._writes import Create, Delete, Update, Write
    from lvrgd.common.services.logging import LoggingService

    from ._indexes import IndexPropagation


def new_engine(
    logger: LoggingService,
    indexes: tuple[IndexSpec, ...],
    entity_attribute: str,
    propagation: IndexPropagation,
    seed: int | None,
) -> tuple[MemoryEngine, int | None]:
    """An in-memory store's engine, and the seed of its ``"random"`` propagation.

    Without a seed, ``"random"`` draws one and logs it at info, so that a run can be
    replayed.

    Raises:
        ValueError: If `propagation` is not one of the three modes.
    """
    if propagation not in PROPAGATION_MODES:
        msg = f"index_propagation is one of {', '.join(PROPAGATION_MODES)}"
        raise ValueError(msg)
    if seed is None and propagation == "random":
        seed = secrets.randbelow(2**32)
        logger.info("random index propagation", seed=seed)
    return MemoryEngine(indexes, entity_attribute, propagation, seed or 0), seed


class MemoryEngine:
    """A table and its indexes behind one lock: every call changes or reads them whole.

    Safe to share between threads, and between tasks on an event loop (no call
    awaits while it holds the lock).

    Args:
        indexes: The table's secondary indexes.
        entity_attribute: Where items store their entity name.
        propagation: When writes show in the global indexes.
        seed: The seed of the ``"random"`` propagation's draws.
    """

    def __init__(
        self,
        indexes: tuple[IndexSpec, ...],
        entity_attribute: str,
        propagation: IndexPropagation,
        seed: int,
    ) -> None:
        """Start with an empty table."""
        self._table = Table(indexes, entity_attribute, propagation, seed)
        self._entity_attribute = entity_attribute
        self._lock = threading.Lock()
        self._steps: dict[Op, Callable[..., Any]] = {
            Op.WRITE: self._write,
            Op.PATCH: self._patch,
            Op.GET: self._get,
            Op.QUERY: self._query,
            Op.BATCH_GET: self._batch_get,
            Op.BATCH_PUT: self._batch_put,
            Op.COMMIT: self._commit,
        }

    @property
    def table(self) -> Table:
        """The table itself, unlocked: for tests that look at what is stored."""
        return self._table

    def answer(self, call: Call) -> Any:
        """Take `call`'s step in one locked step and return its reply.

        Each call but DESCRIBE counts as one operation of the index propagation clock.

        Raises:
            EngineError: For a failed condition or a canceled transaction.
            InvalidItemError: For what DynamoDB would refuse to store.
        """
        if call.operation is Op.DESCRIBE:
            return None
        step = self._steps[call.operation]
        with self._lock:
            self._table.propagation.tick()
            return step(**call.params)

    def propagate(self) -> int:
        """Apply every change still waiting to show in the global indexes; how many."""
        with self._lock:
            return self._table.propagation.release()

    def clear(self) -> None:
        """Drop every item."""
        with self._lock:
            self._table.clear()

    def _write(self, operation: str, write: Create | Update | Delete) -> None:
        stored = self._table.get(write.pk, write.sk)
        if self._table.check(operation, write) is not None:
            raise EngineError(CONDITION_FAILED, item=stored, has_item=True)
        self._table.apply(write)

    def _patch(self, operation: str, patch: Patch) -> Item:
        kept = self._table.get(patch.pk, patch.sk)
        stored = None if kept is None else kept.wire()
        if patch_error(operation, patch, stored, self._entity_attribute) is not None:
            raise EngineError(CONDITION_FAILED, item=kept, has_item=True)
        after = apply_patch(operation, patch, stored)
        validated(operation, patch, after, self._entity_attribute)
        check_item_size(operation, patch.pk, patch.sk, after)
        self._table.put(patch.pk, patch.sk, after)
        return after

    def _get(self, pk: str, sk: str, *, consistent: bool | None) -> CompactItem | None:
        del consistent  # every read of the table is current
        return self._table.get(pk, sk)

    def _query(
        self, query: KeyQuery, after: Position | None, resume: object, limit: int | None
    ) -> Selected:
        del resume  # every answer holds the whole selection: there is never one to resume
        return Selected(self._table.select(query, after=after, limit=limit))

    def _batch_get(self, keys: list[Key]) -> BatchRead:
        found = (self._table.get(*key) for key in keys)
        return BatchRead([item for item in found if item is not None])

    def _batch_put(self, items: dict[Key, Item]) -> list[Key]:
        for (pk, sk), item in items.items():
            self._table.put(pk, sk, item)
        return []

    def _commit(self, operation: str, writes: list[Write]) -> None:
        failed = [self._table.check(operation, write) is not None for write in writes]
        if any(failed):
            reasons = tuple(
                Reason(CONDITION_FAILED, item=self._table.get(write.pk, write.sk), has_item=True)
                if failure
                else Reason()
                for write, failure in zip(writes, failed, strict=True)
            )
            raise EngineError(TRANSACTION_CANCELED, reasons=reasons)
        for write in writes:
            self._table.apply(write)
