"""The async form of the store: the port's operations as coroutines, run by the async driver.

An adapter provides one primitive, ``async _answer(call)``: it takes one step of the
engine (`_steps` lists them) and returns the reply, raising EngineError for a failed
condition or a canceled transaction; and ``aclose()``. Everything else is
`StoreCore`'s, shared with the sync form: the same plans, checks, boundary and logs.
Backoff waits are ``anyio.sleep``, so the store runs under asyncio and trio.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from . import _plans as plans
from ._core import StoreCore, key_of
from ._extra import missing_async_extra
from ._item import KeyValueItem
from ._pages import DEFAULT_PAGE_SIZE, Page
from ._steps import drive_async

try:
    import anyio
except ImportError as exc:
    raise missing_async_extra(exc, "the async form of the store") from exc

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping, Sequence
    from types import TracebackType

    from typing_extensions import Self, TypeForm

    from ._entities import OnOther
    from ._steps import Call, Plan
    from ._transaction import Transaction
    from ._where import Condition

T = TypeVar("T", bound=KeyValueItem)
R = TypeVar("R")


class AsyncKeyValueStoreBase(StoreCore, ABC):
    """An AsyncKeyValueStore built on an adapter's async primitive, `_answer`.

    Args:
        logger: Where operations are logged (see `StoreCore`).
    """

    # --- what an adapter provides -------------------------------------------------

    @abstractmethod
    async def _answer(self, call: Call) -> Any:
        """Take one step of the engine and return its reply (the table in `_steps`).

        Raises:
            EngineError: For a failed condition or a canceled transaction.
        """

    @abstractmethod
    async def aclose(self) -> None:
        """Release the store's resources; idempotent."""

    # --- how plans run --------------------------------------------------------------

    async def _drive(self, plan: Plan[R]) -> R:
        """Run `plan` on this store's engine; backoff waits in ``anyio.sleep``."""
        return await drive_async(plan, self._answer, anyio.sleep)

    async def _run(self, name: str, pk: object, sk: object, plan: Plan[R]) -> R:
        """Run `plan` as the operation `name` at (pk, sk), within the boundary."""
        with self._operation(name, pk, sk):
            return await drive_async(plan, self._answer, anyio.sleep)

    # --- the port -----------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Use the store in an ``async with`` block that closes it."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store."""
        await self.aclose()

    async def ping(self) -> bool:
        """True when the store is usable; False, with a warning logged, otherwise."""
        with self._pinging() as ping:
            if ping.open:
                ping.reason = await self._drive(plans.describe())
        return ping.reason is None

    async def create(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Write a new item; ItemAlreadyExistsError if its key is taken."""
        await self._run("create", *key_of(item), self._create_plan(item, condition))

    async def update(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Set the item's non-None fields, remove its None fields; ItemNotFoundError if absent."""
        await self._run("update", *key_of(item), self._update_plan(item, condition))

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

    async def patch(  # noqa: PLR0913 - the port's signature
        self,
        pk: str,
        sk: str,
        model_class: type[T],
        *,
        set: Mapping[str, Any] | None = None,  # noqa: A002 - the port's name for the action
        remove: Sequence[str] = (),
        add: Mapping[str, Any] | None = None,
        append: Mapping[str, Any] | None = None,
        set_if_absent: Mapping[str, Any] | None = None,
        condition: Condition[T] | None = None,
        upsert: bool = False,
        return_item: bool = True,
    ) -> T | None:
        """Change some attributes of the item at (pk, sk); the item after, as `model_class`."""
        plan = self._patch_plan(pk, sk, model_class, locals())  # the keywords, by name
        return await self._run("patch", pk, sk, plan)

    async def delete(self, pk: str, sk: str, *, condition: Condition[Any] | None = None) -> None:
        """Remove the item at (pk, sk); ItemNotFoundError if absent."""
        await self._run("delete", pk, sk, self._delete_plan(pk, sk, condition))

    async def get_one(
        self, pk: str, sk: str, model_class: TypeForm[T], *, on_other: OnOther = "skip"
    ) -> T | None:
        """The item at (pk, sk) as the class its entity names, or None."""
        return await self._run("get_one", pk, sk, self._get_one_plan(pk, sk, model_class, on_other))

    async def query_by_pk(  # noqa: PLR0913 - the port's signature
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
        """The partition's items in sort-key order, every page followed, up to `limit`."""
        plan = self._query_by_pk_plan(pk, model_class, locals())  # the keywords, by name
        return await self._run("query_by_pk", pk, None, plan)

    async def query_page(  # noqa: PLR0913 - the port's signature
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
        """One page of the query; its cursor resumes it, None on the last page."""
        plan = self._query_page_plan(pk, model_class, locals())  # the keywords, by name
        return await self._run("query_page", pk, None, plan)

    async def get_many(
        self,
        keys: Sequence[tuple[str, str]],
        model_class: TypeForm[T],
        *,
        on_other: OnOther = "skip",
    ) -> list[T]:
        """The items at `keys`, in their order (twice for a key given twice); missing skipped."""
        return await self._run(
            "get_many", None, None, self._get_many_plan(keys, model_class, on_other)
        )

    async def put_many(self, items: Sequence[KeyValueItem]) -> None:
        """Write every item, overwriting existing ones; the later of two with one key wins."""
        await self._run("put_many", None, None, self._put_many_plan(items))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Collect operations; commit them together when the block ends without an exception."""
        with self._collecting() as transaction:
            yield transaction
        if len(transaction):
            await self._run("transaction", None, None, self._commit_plan(transaction))
