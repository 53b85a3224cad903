"""Transaction: the operations a ``with store.transaction() as tx:`` block collects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from ._entities import DEFAULT_ENTITY_ATTRIBUTE
from ._errors import InvalidQueryError, TransactionClosedError
from ._item import KeyValueItem
from ._writes import (
    Create,
    Update,
    Write,
    plan_check,
    plan_create,
    plan_delete,
    plan_require,
    plan_update,
)

if TYPE_CHECKING:
    from ._indexes import Indexes
    from ._where import Condition

T = TypeVar("T", bound=KeyValueItem)

MAX_TRANSACTION_OPERATIONS = 100
OPERATION = "transaction"


class Transaction:
    """Operations that commit together, or not at all, when the ``with`` block ends.

    Each item is checked as it is added (InvalidItemError), so a bad item fails the
    block before anything is sent. An exception in the block commits nothing. Once the
    block has ended, the transaction takes no more operations: each raises
    TransactionClosedError, so that no work is silently dropped.
    """

    def __init__(
        self, entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE, indexes: Indexes | None = None
    ) -> None:
        """Start with no operation; items store their entity name in `entity_attribute`.

        Args:
            entity_attribute: Where items store their entity name.
            indexes: The store's indexes, whose keys each item's attributes must fit.
        """
        self._entity_attribute = entity_attribute
        self._indexes = indexes
        self._writes: list[tuple[Write, KeyValueItem | None]] = []
        self._keys: set[tuple[str, str]] = set()
        self._ended: str | None = None

    def finish(self, how: str) -> None:
        """Take no more operations; `how` completes "the transaction has already ...".

        The store calls this when the ``with`` block ends, before it commits.
        """
        self._ended = how

    def __len__(self) -> int:
        """The number of operations collected."""
        return len(self._writes)

    @property
    def writes(self) -> list[tuple[Write, KeyValueItem | None]]:
        """The operations, in order, each with the item it came from (None for keys)."""
        return list(self._writes)

    def create(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Create `item`; the transaction fails if its key is taken (or `condition` fails)."""
        self._refuse_if_ended(getattr(item, "pk", "?"), getattr(item, "sk", "?"))
        self._add(plan_create(OPERATION, item, self._entity_attribute, condition), item)

    def update(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Update with `item`'s fields; the transaction fails if the item is absent.

        It fails too if `condition` does not hold of the stored item.
        """
        self._refuse_if_ended(getattr(item, "pk", "?"), getattr(item, "sk", "?"))
        self._add(plan_update(OPERATION, item, self._entity_attribute, condition), item)

    def delete(self, pk: str, sk: str, *, condition: Condition[Any] | None = None) -> None:
        """Delete the item at (pk, sk); it fails if the item is absent or `condition` fails."""
        self._refuse_if_ended(pk, sk)
        self._add(plan_delete(OPERATION, pk, sk, condition), None)

    def require(self, pk: str, sk: str) -> None:
        """Write nothing, but fail the transaction unless an item exists at (pk, sk)."""
        self._refuse_if_ended(pk, sk)
        self._add(plan_require(OPERATION, pk, sk), None)

    def check(self, pk: str, sk: str, condition: Condition[Any]) -> None:
        """Write nothing, but fail the transaction unless `condition` holds at (pk, sk).

        The item need not exist: of no item, ``not_exists`` and ``!=`` hold.
        """
        self._refuse_if_ended(pk, sk)
        self._add(plan_check(OPERATION, pk, sk, condition), None)

    def _refuse_if_ended(self, pk: object, sk: object) -> None:
        if self._ended is not None:
            raise TransactionClosedError(OPERATION, str(pk), str(sk), self._ended)

    def _add(self, write: Write, item: KeyValueItem | None) -> None:
        if self._indexes:
            if isinstance(write, Create):
                self._indexes.check_item(OPERATION, write.pk, write.sk, write.item)
            elif isinstance(write, Update):
                self._indexes.check_item(OPERATION, write.pk, write.sk, write.to_set)
        key = (write.pk, write.sk)
        if key in self._keys:
            reason = f"two operations on pk={write.pk!r}, sk={write.sk!r}; one per key"
            raise InvalidQueryError(OPERATION, write.pk, reason, sk=write.sk)
        if len(self._writes) >= MAX_TRANSACTION_OPERATIONS:
            reason = f"more than {MAX_TRANSACTION_OPERATIONS} operations"
            raise InvalidQueryError(OPERATION, write.pk, reason, sk=write.sk)
        self._keys.add(key)
        self._writes.append((write, item))
