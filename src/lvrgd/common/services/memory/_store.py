"""InMemoryKeyValueStore: the embedded KeyValueStore that behaves like a DynamoDB table."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from lvrgd.common.services.kvstore._attributes import decode_item
from lvrgd.common.services.kvstore._batches import batch_items, batch_keys
from lvrgd.common.services.kvstore._conditions import key_query
from lvrgd.common.services.kvstore._errors import (
    InvalidQueryError,
    KeyValueStoreError,
    StoreClosedError,
    TransactionCanceledError,
)
from lvrgd.common.services.kvstore._item import KeyValueItem
from lvrgd.common.services.kvstore._limits import key_problem
from lvrgd.common.services.kvstore._pages import (
    DEFAULT_PAGE_SIZE,
    Page,
    next_cursor,
    page_query,
)
from lvrgd.common.services.kvstore._transaction import Transaction
from lvrgd.common.services.kvstore._writes import (
    Write,
    plan_create,
    plan_delete,
    plan_update,
    settle,
)

from ._table import Table

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import TracebackType

    from typing_extensions import Self

    from lvrgd.common.services.kvstore._limits import Item
    from lvrgd.common.services.logging import LoggingService

T = TypeVar("T", bound=KeyValueItem)


class InMemoryKeyValueStore:
    """KeyValueStore held in this process, with DynamoDB's ordering, limits and errors.

    Items are kept in DynamoDB's wire form, encoded by the same codec the DynamoDB
    adapter sends, so what one accepts, refuses and returns, the other does too.
    Stored items share nothing with the models passed in or handed out. One lock
    guards the table: the store is safe to share between threads, and a transaction
    is applied atomically.

    Args:
        logger: Where operations are logged (name, key and milliseconds at debug).
    """

    def __init__(self, logger: LoggingService) -> None:
        """Start with an empty table."""
        self._logger = logger
        self._table = Table()
        self._lock = threading.Lock()
        self._closed = False

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

    def create(self, item: KeyValueItem) -> None:
        """Write a new item; ItemAlreadyExistsError if its key is taken."""
        with self._operation("create", *_key_of(item)):
            write = plan_create("create", item)
            self._write("create", write)
            settle(write, item)

    def update(self, item: KeyValueItem) -> None:
        """Set the item's non-None fields, remove its None fields; ItemNotFoundError if absent."""
        with self._operation("update", *_key_of(item)):
            write = plan_update("update", item)
            self._write("update", write)
            settle(write, item)

    def delete(self, pk: str, sk: str) -> None:
        """Remove the item at (pk, sk); ItemNotFoundError if absent."""
        with self._operation("delete", pk, sk):
            self._write("delete", plan_delete("delete", pk, sk))

    def get_one(self, pk: str, sk: str, model_class: type[T]) -> T | None:
        """The item at (pk, sk) as `model_class`, or None."""
        with self._operation("get_one", pk, sk):
            problem = key_problem(pk, sk)
            if problem is not None:
                raise InvalidQueryError("get_one", str(pk), problem, sk=str(sk))
            with self._lock:
                stored = self._table.get(pk, sk)
            return None if stored is None else decode_item("get_one", stored, model_class)

    def query_by_pk(  # noqa: PLR0913 - the port's signature
        self,
        pk: str,
        model_class: type[T],
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
    ) -> list[T]:
        """The partition's items in sort-key order, up to `limit`."""
        with self._operation("query_by_pk", pk, None):
            query = key_query(
                "query_by_pk", pk, equals=equals, begins_with=begins_with, between=between,
                lt=lt, lte=lte, gt=gt, gte=gte, limit=limit, descending=descending,
            )  # fmt: skip
            with self._lock:
                found = self._table.select(query, after=None, limit=query.limit)
            return _decoded("query_by_pk", found, model_class)

    def query_page(  # noqa: PLR0913 - the port's signature
        self,
        pk: str,
        model_class: type[T],
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
    ) -> Page[T]:
        """One page of the query; its cursor resumes it, None on the last page."""
        with self._operation("query_page", pk, None):
            request = page_query(
                "query_page", pk, equals=equals, begins_with=begins_with, between=between,
                lt=lt, lte=lte, gt=gt, gte=gte, page_size=page_size, cursor=cursor,
                descending=descending,
            )  # fmt: skip
            with self._lock:  # one more than a page tells whether another page follows
                found = self._table.select(
                    request.query, after=request.after, limit=request.page_size + 1
                )
            page = found[: request.page_size]
            more = len(found) > request.page_size
            next_page = next_cursor(request.query, page[-1]["sk"]["S"]) if more else None
            return Page(items=_decoded("query_page", page, model_class), cursor=next_page)

    def get_many(self, keys: Sequence[tuple[str, str]], model_class: type[T]) -> list[T]:
        """The items at `keys`, in their order; missing keys are skipped."""
        with self._operation("get_many", None, None):
            distinct = batch_keys("get_many", keys)
            with self._lock:
                found = {key: self._table.get(*key) for key in distinct}
            stored = [item for item in (found[key] for key in keys) if item is not None]
            return _decoded("get_many", stored, model_class)

    def put_many(self, items: Sequence[KeyValueItem]) -> None:
        """Write every item, overwriting existing ones; the later of two with one key wins."""
        with self._operation("put_many", None, None):
            encoded = batch_items("put_many", items)
            with self._lock:
                for (pk, sk), item in encoded.items():
                    self._table.put(pk, sk, item)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Collect operations; commit them atomically when the block ends cleanly."""
        if self._closed:
            raise StoreClosedError("transaction")
        transaction = Transaction()
        yield transaction
        with self._operation("transaction", None, None):
            writes = transaction.writes
            with self._lock:
                reasons = [self._table.check("transaction", write) for write, _ in writes]
                if any(reason is not None for reason in reasons):
                    raise TransactionCanceledError(reasons)
                for write, _ in writes:
                    self._table.apply(write)
            for write, item in writes:
                if item is not None:
                    settle(write, item)

    def ping(self) -> bool:
        """True while the store is open; False, with a warning, once closed."""
        if self._closed:
            self._logger.warning("ping: the store is closed", op="ping")
            return False
        return True

    def close(self) -> None:
        """Close the store and drop its items; idempotent."""
        with self._lock:
            self._closed = True
            self._table.clear()

    def _write(self, operation: str, write: Write) -> None:
        with self._lock:
            error = self._table.check(operation, write)
            if error is not None:
                raise error
            self._table.apply(write)

    @contextmanager
    def _operation(self, name: str, pk: object, sk: object) -> Iterator[None]:
        """Refuse a closed store, time and log the call, log failures at error."""
        if self._closed:
            raise StoreClosedError(name)
        started = time.perf_counter()
        try:
            yield
        except KeyValueStoreError as error:
            self._logger.error("operation failed", op=name, error=type(error).__name__)
            raise
        self._logger.debug(name, op=name, pk=pk, sk=sk, ms=_ms_since(started))


def _decoded(operation: str, items: list[Item], model_class: type[T]) -> list[T]:
    return [decode_item(operation, item, model_class) for item in items]


def _key_of(item: object) -> tuple[object, object]:
    return getattr(item, "pk", None), getattr(item, "sk", None)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
