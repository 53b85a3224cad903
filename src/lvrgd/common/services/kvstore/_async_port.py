"""The async port: every operation of KeyValueStore as a coroutine, with its semantics.

Each method takes the parameters, defaults and results of its namesake in
`KeyValueStore` and raises the same errors; the one difference in names is
``aclose()`` for ``close()``, as ``contextlib.aclosing`` expects. The two forms are
built on one core (`kvstore._core`), so they behave alike by construction, and the
contract suite runs on both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, overload, runtime_checkable

from ._item import KeyValueItem
from ._pages import DEFAULT_PAGE_SIZE, Page

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from contextlib import AbstractAsyncContextManager
    from types import TracebackType

    from typing_extensions import Self, TypeForm

    from ._entities import OnOther
    from ._transaction import Transaction
    from ._where import Condition

T = TypeVar("T", bound=KeyValueItem)


@runtime_checkable
class AsyncKeyValueStore(Protocol):
    """KeyValueStore in async form: each operation awaited, with identical semantics.

    Stores are async context managers: leaving ``async with`` closes them. A
    transaction is ``async with store.transaction() as tx:``; its ``tx.create``,
    ``tx.update``... stay plain calls that collect, and the block commits when it ends
    without an exception. Works under asyncio and trio (through anyio).
    """

    async def __aenter__(self) -> Self:
        """Use the store in an ``async with`` block; leaving it closes the store."""
        ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store."""
        ...

    async def create(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Write a new item; nothing is overwritten. As `KeyValueStore.create`."""
        ...

    async def update(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Give the stored item every field of `item`. As `KeyValueStore.update`."""
        ...

    @overload
    async def patch(
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
    async def patch(
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
    async def patch(
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

    async def patch(  # noqa: PLR0913 - one keyword per kind of change
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
        """Change some attributes of the item at (pk, sk). As `KeyValueStore.patch`."""
        ...

    async def delete(self, pk: str, sk: str, *, condition: Condition[Any] | None = None) -> None:
        """Remove the item at (pk, sk). As `KeyValueStore.delete`."""
        ...

    async def get_one(
        self, pk: str, sk: str, model_class: TypeForm[T], *, on_other: OnOther = "skip"
    ) -> T | None:
        """The item at (pk, sk), or None. As `KeyValueStore.get_one`."""
        ...

    async def query_by_pk(  # noqa: PLR0913 - the sort-key conditions are keywords by design
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
        """The partition's items in sort-key order. As `KeyValueStore.query_by_pk`."""
        ...

    async def query_page(  # noqa: PLR0913 - the sort-key conditions are keywords by design
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
        """One page of what `query_by_pk` would return. As `KeyValueStore.query_page`."""
        ...

    async def get_many(
        self,
        keys: Sequence[tuple[str, str]],
        model_class: TypeForm[T],
        *,
        on_other: OnOther = "skip",
    ) -> list[T]:
        """The items found at `keys`, in their order. As `KeyValueStore.get_many`."""
        ...

    async def put_many(self, items: Sequence[KeyValueItem]) -> None:
        """Write every item, overwriting. As `KeyValueStore.put_many`."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """A block whose operations commit together when it ends without an exception.

        ``async with store.transaction() as tx:``; as `KeyValueStore.transaction`.
        """
        ...

    async def ping(self) -> bool:
        """True when the store is usable; False (with a warning logged) otherwise. Never raises."""
        ...

    async def aclose(self) -> None:
        """Release connections; idempotent. Later operations raise StoreClosedError."""
        ...
