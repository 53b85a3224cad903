"""The async form of any backend, in sync form: the contract suite runs on it unchanged.

`BlockingKeyValueStore` drives an AsyncKeyValueStore on an event loop in a worker
thread (anyio's blocking portal): each call of the sync port runs the async store's
coroutine on that loop and returns its result, or raises its error as it is. It
knows nothing of the store it drives, so every async adapter gets the whole contract
suite: `AsyncForm` turns a backend that makes async stores (``new_async_store``) into
one that hands tests their sync form, named ``<backend>-async``.
"""

from __future__ import annotations

from contextlib import ExitStack
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from anyio.from_thread import start_blocking_portal

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping
    from contextlib import AbstractContextManager
    from types import TracebackType

    from anyio.from_thread import BlockingPortal
    from typing_extensions import Self

    from lvrgd.common.services.kvstore import (
        AsyncKeyValueStore,
        IndexSpec,
        KeyValueStore,
        Transaction,
    )
    from lvrgd.common.services.logging import LoggingService

    from ._harness import AsyncHarness, Feature

R = TypeVar("R")

ASYNC_SUFFIX = "-async"
"""A backend's name with this suffix is its async form (``memory-async``)."""


class BlockingKeyValueStore:
    """A KeyValueStore that runs each call on an AsyncKeyValueStore through a portal.

    Safe to call from many threads at once: each call is a task of its own on the
    portal's loop. A transaction block enters and leaves the async store's block on
    that loop; ``tx.create(...)`` and the others are the async transaction's own.

    Args:
        store: The async store to drive.
        portal: The portal of the event loop that runs it.
    """

    def __init__(self, store: AsyncKeyValueStore, portal: BlockingPortal) -> None:
        """Drive `store` through `portal`; nothing runs yet."""
        self.wrapped = store
        self._portal = portal

    def __repr__(self) -> str:
        """Name the store driven."""
        return f"BlockingKeyValueStore({self.wrapped!r})"

    def _call(self, method: Callable[..., Awaitable[R]], *args: Any, **kwargs: Any) -> R:
        return self._portal.call(partial(method, *args, **kwargs))

    def __enter__(self) -> Self:
        """Use the store in a ``with`` block that closes it."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store."""
        self.close()

    def create(self, *args: Any, **kwargs: Any) -> None:
        """The async store's create, awaited."""
        self._call(self.wrapped.create, *args, **kwargs)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """The async store's update, awaited."""
        self._call(self.wrapped.update, *args, **kwargs)

    def patch(self, *args: Any, **kwargs: Any) -> Any:
        """The async store's patch, awaited."""
        return self._call(self.wrapped.patch, *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> None:
        """The async store's delete, awaited."""
        self._call(self.wrapped.delete, *args, **kwargs)

    def get_one(self, *args: Any, **kwargs: Any) -> Any:
        """The async store's get_one, awaited."""
        return self._call(self.wrapped.get_one, *args, **kwargs)

    def query_by_pk(self, *args: Any, **kwargs: Any) -> Any:
        """The async store's query_by_pk, awaited."""
        return self._call(self.wrapped.query_by_pk, *args, **kwargs)

    def query_page(self, *args: Any, **kwargs: Any) -> Any:
        """The async store's query_page, awaited."""
        return self._call(self.wrapped.query_page, *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        """The async store's get_many, awaited."""
        return self._call(self.wrapped.get_many, *args, **kwargs)

    def put_many(self, *args: Any, **kwargs: Any) -> None:
        """The async store's put_many, awaited."""
        self._call(self.wrapped.put_many, *args, **kwargs)

    def transaction(self) -> AbstractContextManager[Transaction]:
        """The async store's transaction block, entered and left on its loop."""
        return self._portal.wrap_async_context_manager(self.wrapped.transaction())

    def ping(self) -> bool:
        """The async store's ping, awaited."""
        return self._call(self.wrapped.ping)

    def close(self) -> None:
        """The async store's aclose, awaited."""
        self._call(self.wrapped.aclose)


class AsyncForm:
    """A backend that hands out the sync form of another backend's async stores.

    Args:
        inner: The backend whose async stores (``new_async_store``) are driven.
        name: This backend's name, e.g. ``memory-async``.
        loop: The anyio backend of the portal's loop (``asyncio`` or ``trio``).
    """

    def __init__(self, inner: AsyncHarness, name: str, loop: str = "asyncio") -> None:
        """Wrap `inner`; nothing starts yet."""
        self.name = name
        self.lacks: Mapping[Feature, str] = inner.lacks
        """What the inner backend lacks."""
        self._inner = inner
        self._loop = loop
        self._stack = ExitStack()
        self._portal: BlockingPortal | None = None

    @property
    def endpoint_url(self) -> str | None:
        """Where the inner backend's engine answers, if it has one."""
        return getattr(self._inner, "endpoint_url", None)

    def start(self) -> None:
        """Start the inner backend, and the event loop the stores run on."""
        self._inner.start()
        self._portal = self._stack.enter_context(start_blocking_portal(self._loop))

    def new_store(
        self,
        logger: LoggingService,
        indexes: tuple[IndexSpec, ...] = (),
        **table: tuple[IndexSpec, ...] | None,
    ) -> BlockingKeyValueStore:
        """The sync form of a new, empty async store of the inner backend.

        Args:
            logger: The store's logger.
            indexes: The indexes the store declares.
            **table: ``table_indexes``, for a backend whose tables may differ (see
                BackendInfo.new_store).
        """
        if self._portal is None:
            msg = f"{self.name}: start() the harness before asking for a store"
            raise RuntimeError(msg)
        return BlockingKeyValueStore(self.new_async_store(logger, indexes, **table), self._portal)

    def release(self, store: KeyValueStore) -> None:
        """Close the store on its loop; what it held may serve another test."""
        if self._portal is not None:
            self._portal.call(self._inner.release_async, _driven(store))

    def new_async_store(
        self,
        logger: LoggingService,
        indexes: tuple[IndexSpec, ...] = (),
        **table: tuple[IndexSpec, ...] | None,
    ) -> AsyncKeyValueStore:
        """A new, empty async store of the inner backend (for ``async_kvstore``)."""
        return self._inner.new_async_store(logger, indexes, **table)

    async def release_async(self, store: AsyncKeyValueStore) -> None:
        """Hand an async store back to the inner backend."""
        await self._inner.release_async(store)

    def settle(self, store: KeyValueStore) -> None:
        """Settle the async store as the inner backend settles its own."""
        # propagate_indexes and its kin are plain calls on an async store too
        self._inner.settle(_driven(store))  # type: ignore[arg-type]

    def stop(self) -> None:
        """Stop the loop, then the inner backend; idempotent."""
        try:
            self._stack.close()
        finally:
            self._portal = None
            self._inner.stop()


def _driven(store: KeyValueStore) -> AsyncKeyValueStore:
    """The async store behind a store this backend handed out."""
    if not isinstance(store, BlockingKeyValueStore):
        msg = f"{store!r} is not a store this backend handed out"
        raise TypeError(msg)
    return store.wrapped
