"""The port: the one interface business logic depends on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, overload, runtime_checkable

from ._item import KeyValueItem
from ._pages import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from contextlib import AbstractContextManager
    from types import TracebackType

    from typing_extensions import Self, TypeForm

    from ._entities import OnOther
    from ._transaction import Transaction
    from ._where import Condition

T = TypeVar("T", bound=KeyValueItem)


@runtime_checkable
class KeyValueStore(Protocol):
    """A single-table key-value store with DynamoDB's semantics.

    Every adapter behaves identically: the contract suite in ``contracts/`` is the
    specification. Stores are context managers; leaving the block closes them.
    """

    def __enter__(self) -> Self:
        """Use the store in a ``with`` block; leaving it closes the store."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store."""
        ...

    def create(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Write a new item; nothing is overwritten.

        `condition` (built with `where`) must also hold; of no item, ``not_exists`` and
        ``!=`` hold.

        Raises:
            ItemAlreadyExistsError: If an item exists at (item.pk, item.sk); `.item` is it.
            ConditionFailedError: If `condition` does not hold.
            InvalidItemError: If the item breaks a limit or holds a value with no wire form.
        """
        ...

    def update(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Give the stored item every field of `item`; nothing is created.

        Non-None fields are set, None fields removed; stored attributes that are not
        fields of ``type(item)`` stay as they are. `condition` must hold of the stored item.

        Raises:
            ItemNotFoundError: If no item exists at (item.pk, item.sk).
            ConditionFailedError: If `condition` does not hold; `.item` is the stored
                item (VersionConflictError, a kind of it, for a stale VersionedItem).
            InvalidItemError: If the item breaks a limit or holds a value with no wire form.
        """
        ...

    @overload
    def patch(
        self,
        pk: str,
        sk: str,
        model_class: type[T],
        *,
        set: Mapping[str, Any] | None = None,
        remove: Sequence[str] = (),
        add: Mapping[str, Any] | None = None,
        append: Mapping[str, Any] | None = None,
        set_if_absent: Mapping[str, Any] | None = None,
        condition: Condition[T] | None = None,
        upsert: bool = False,
        return_item: Literal[True] = True,
    ) -> T: ...

    @overload
    def patch(
        self,
        pk: str,
        sk: str,
        model_class: type[T],
        *,
        set: Mapping[str, Any] | None = None,
        remove: Sequence[str] = (),
        add: Mapping[str, Any] | None = None,
        append: Mapping[str, Any] | None = None,
        set_if_absent: Mapping[str, Any] | None = None,
        condition: Condition[T] | None = None,
        upsert: bool = False,
        return_item: Literal[False],
    ) -> None: ...

    @overload
    def patch(
        self,
        pk: str,
        sk: str,
        model_class: type[T],
        *,
        set: Mapping[str, Any] | None = None,
        remove: Sequence[str] = (),
        add: Mapping[str, Any] | None = None,
        append: Mapping[str, Any] | None = None,
        set_if_absent: Mapping[str, Any] | None = None,
        condition: Condition[T] | None = None,
        upsert: bool = False,
        return_item: bool,
    ) -> T | None: ...

    def patch(  # noqa: PLR0913 - one keyword per kind of change
        self,
        pk: str,
        sk: str,
        model_class: type[T],
        *,
        set: Mapping[str, Any] | None = None,  # noqa: A002 - DynamoDB's name for the action
        remove: Sequence[str] = (),
        add: Mapping[str, Any] | None = None,
        append: Mapping[str, Any] | None = None,
        set_if_absent: Mapping[str, Any] | None = None,
        condition: Condition[T] | None = None,
        upsert: bool = False,
        return_item: bool = True,
    ) -> T | None:
        """Change some attributes of the item at (pk, sk), in one atomic step.

        Paths are fields of `model_class` (``"stock"``), dotted for nested models
        (``"address.city"``), with ``[i]`` for list elements. `set` sets values, `remove`
        removes attributes, `add` adds to a number (a counter; negative to subtract) or
        to a set, `append` appends to a list, `set_if_absent` sets only where the
        attribute is absent. Each value is validated as its field. The item must exist
        unless `upsert`, must be of `model_class`'s entity, and must still read as
        `model_class` after the change. A VersionedItem's version is bumped.

        Returns:
            The item after the change as `model_class`; None with ``return_item=False``.

        Raises:
            ItemNotFoundError: If there is no item and `upsert` is False.
            ConditionFailedError: If `condition` does not hold; `.item` is the item met.
            InvalidItemError: Before sending, for a path the model lacks, a value its
                field refuses, a required field removed, ``add`` on what is neither a
                number nor a set, ``append`` on what is not a list, overlapping paths,
                an index key left stale; at the store, for an item of another entity,
                a missing parent of a nested path, a number out of DynamoDB's range.
        """
        ...

    def delete(self, pk: str, sk: str, *, condition: Condition[Any] | None = None) -> None:
        """Remove the item at (pk, sk), if `condition` (when given) holds of it.

        Raises:
            ItemNotFoundError: If no item exists there.
            ConditionFailedError: If `condition` does not hold; `.item` is the stored item.
            InvalidItemError: If the key breaks the key limits.
        """
        ...

    def get_one(
        self, pk: str, sk: str, model_class: TypeForm[T], *, on_other: OnOther = "skip"
    ) -> T | None:
        """The item at (pk, sk) as the class its entity names, or None.

        `model_class` is a class or a union of classes (``Customer | Order``, or a tuple
        of classes). An item stored with another class's entity name gives None, or
        InvalidItemError with ``on_other="raise"``; an item stored before entity names
        reads as the first class given that validates it. Reads are strongly consistent.

        Raises:
            InvalidQueryError: If the key breaks the key limits, or `model_class` names
                anything but KeyValueItem classes.
            InvalidItemError: If the stored item does not validate as its class.
        """
        ...

    def query_by_pk(  # noqa: PLR0913 - the sort-key conditions are keywords by design
        self,
        pk: str,
        model_class: TypeForm[T],
        *,
        equals: str | None = None,
        begins_with: str | None = None,
        between: tuple[str, str] | None = None,
        lt: str | None = None,
        lte: str | None = None,
        gt: str | None = None,
        gte: str | None = None,
        limit: int | None = None,
        descending: bool = False,
        on_other: OnOther = "skip",
        index: str | None = None,
        consistent: bool | None = None,
        hydrate: bool = False,
    ) -> list[T]:
        """The partition's items in sort-key order, every page followed, up to `limit`.

        Each item comes back as the class its entity names, among `model_class` (a
        class, or a union of classes); items of other entities are skipped (or, with
        ``on_other="raise"``, refused). `limit` counts the items returned. Sort keys
        order by their UTF-8 bytes; `between` includes both bounds.

        With `index`, the query reads that secondary index: `pk` is the index's
        partition key, the sort-key condition applies to the index's sort key, and
        items come in the index's sort-key order (items sharing an index key in an
        order not fixed). A global index is read eventually consistently: a write may
        show there later. `consistent` asks for a strongly consistent read (True) or
        an eventually consistent one (False); None is the store's setting on the table
        and local indexes. On a global index whose projection lacks fields the model
        needs, `hydrate=True` reads each item whole (items deleted meanwhile are
        skipped); a local index reads them from the table by itself.

        Raises:
            InvalidQueryError: If more than one sort-key condition is given, `limit` < 1,
                `between`'s low bound is above its high bound, or a key breaks the limits;
                for an unknown index, a consistent read of a global index, a sort-key
                condition on an index without a sort key, a model needing fields a global
                index does not project (without `hydrate`), or `hydrate` without `index`.
            InvalidItemError: If a stored item does not validate as its class.
        """
        ...

    def query_page(  # noqa: PLR0913 - the sort-key conditions are keywords by design
        self,
        pk: str,
        model_class: TypeForm[T],
        *,
        equals: str | None = None,
        begins_with: str | None = None,
        between: tuple[str, str] | None = None,
        lt: str | None = None,
        lte: str | None = None,
        gt: str | None = None,
        gte: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        cursor: str | None = None,
        descending: bool = False,
        on_other: OnOther = "skip",
        index: str | None = None,
        consistent: bool | None = None,
        hydrate: bool = False,
    ) -> Page[T]:
        """One page of what `query_by_pk` would return; pass `cursor` on to continue.

        Pages chained until the cursor is None hold exactly `query_by_pk`'s result. A
        page holds `page_size` items unless it is the last. `index`, `consistent` and
        `hydrate` are `query_by_pk`'s; a cursor resumes only the index it came from.

        Raises:
            InvalidQueryError: As `query_by_pk`, and for `page_size` < 1 or a cursor that
                is garbled or belongs to another index, partition or query.
        """
        ...

    def get_many(
        self,
        keys: Sequence[tuple[str, str]],
        model_class: TypeForm[T],
        *,
        on_other: OnOther = "skip",
    ) -> list[T]:
        """The items found at `keys`, in the order of `keys`; missing keys are skipped.

        Each item comes back as the class its entity names, as for `get_one`. A key
        given twice gives its item twice.

        Raises:
            InvalidQueryError: If a key breaks the key limits.
            StoreUnavailableError: If the engine leaves keys unread past the retry time;
                the message names them.
        """
        ...

    def put_many(self, items: Sequence[KeyValueItem]) -> None:
        """Write every item, overwriting existing ones (batches take no conditions).

        Of two items with one key, the later wins.

        Raises:
            InvalidItemError: If any item is invalid or a VersionedItem; nothing is written.
            StoreUnavailableError: If the engine leaves items unwritten past the retry
                time; the message names them (the others were written).
        """
        ...

    def transaction(self) -> AbstractContextManager[Transaction]:
        """A block whose operations commit together when it ends without an exception.

        Raises:
            TransactionCanceledError: If any operation's condition fails; nothing is written.
            InvalidQueryError: Inside the block, for a 101st operation or a second one on a key.
        """
        ...

    def ping(self) -> bool:
        """True when the store is usable; False (with a warning logged) otherwise. Never raises."""
        ...

    def close(self) -> None:
        """Release connections; idempotent. Later operations raise StoreClosedError."""
        ...
