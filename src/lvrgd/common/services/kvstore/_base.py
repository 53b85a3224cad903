"""The port's operations written once, on the few primitives an adapter provides.

An adapter says how to apply one write, read one key, select a partition's items,
read and store a batch, and commit a transaction, in DynamoDB's wire form; this
class does the rest the same way for every adapter: argument checks, encoding,
decoding, versions, pages, the closed-store check, timing and logging.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from typing import TYPE_CHECKING, ClassVar, TypeVar

from ._attributes import decode_item
from ._batches import batch_items, batch_keys
from ._conditions import KeyQuery, key_query
from ._errors import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreClosedError,
    TransactionCanceledError,
    TransactionClosedError,
    VersionConflictError,
)
from ._item import KeyValueItem
from ._limits import key_problem
from ._pages import DEFAULT_PAGE_SIZE, Page, next_cursor, page_query
from ._transaction import Transaction
from ._writes import Create, Delete, Update, Write, plan_create, plan_delete, plan_update, settle

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import TracebackType

    from typing_extensions import Self

    from lvrgd.common.services.logging import LoggingService

    from ._batches import Key
    from ._limits import Item

T = TypeVar("T", bound=KeyValueItem)

CONDITION_OUTCOMES = (
    ItemAlreadyExistsError,
    ItemNotFoundError,
    VersionConflictError,
    TransactionCanceledError,
)
"""Answers to what the caller asked (does the key exist? is the version current?): DEBUG."""

REFUSALS = (InvalidItemError, InvalidQueryError, StoreClosedError, TransactionClosedError)
"""The caller's input or use was refused before anything was sent: INFO."""


class KeyValueStoreBase(ABC):
    """A KeyValueStore built on an adapter's primitives.

    Args:
        logger: Where operations are logged, never with an item's payload: each
            operation's name, key and milliseconds at DEBUG; a failed condition or a
            canceled transaction at DEBUG; refused input at INFO; failures of the engine
            or the network at ERROR, with the error class and the attempts made.
    """

    engine_errors: ClassVar[tuple[type[Exception], ...]] = ()
    """The engine's own exception types, turned into the port's by `translate`."""

    def __init__(self, logger: LoggingService) -> None:
        """Keep the logger; the adapter builds the rest."""
        self._logger = logger
        self._closed = False

    # --- what an adapter provides -------------------------------------------------

    @abstractmethod
    def _apply(self, operation: str, write: Create | Update | Delete) -> None:
        """Carry out one conditional write, raising the port's error if its condition fails."""

    @abstractmethod
    def _fetch(self, pk: str, sk: str) -> Item | None:
        """The item at (pk, sk), or None."""

    @abstractmethod
    def _select(self, query: KeyQuery, *, after: str | None, limit: int | None) -> list[Item]:
        """The items `query` selects, in its order, past the sort key `after`, at most `limit`."""

    @abstractmethod
    def _fetch_many(self, keys: list[Key]) -> dict[Key, Item]:
        """The items found at `keys` (distinct, valid keys), by key."""

    @abstractmethod
    def _store_many(self, items: dict[Key, Item]) -> None:
        """Write every item, overwriting."""

    @abstractmethod
    def _commit(self, writes: list[Write]) -> None:
        """Apply `writes` (at least one) all or none, raising TransactionCanceledError."""

    def translate(
        self, error: Exception, operation: str, pk: str | None, sk: str | None
    ) -> KeyValueStoreError:
        """The port's error for one of `engine_errors`."""
        message = f"{operation}: pk={pk!r}, sk={sk!r}: {error}"
        return KeyValueStoreError(message)

    # --- the port -----------------------------------------------------------------

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

    @abstractmethod
    def close(self) -> None:
        """Release the store's resources; idempotent."""

    @abstractmethod
    def ping(self) -> bool:
        """True when the store is usable; never raises."""

    def create(self, item: KeyValueItem) -> None:
        """Write a new item; ItemAlreadyExistsError if its key is taken."""
        with self._operation("create", *_key_of(item)):
            write = plan_create("create", item)
            self._apply("create", write)
            settle(write, item)

    def update(self, item: KeyValueItem) -> None:
        """Set the item's non-None fields, remove its None fields; ItemNotFoundError if absent."""
        with self._operation("update", *_key_of(item)):
            write = plan_update("update", item)
            self._apply("update", write)
            settle(write, item)

    def delete(self, pk: str, sk: str) -> None:
        """Remove the item at (pk, sk); ItemNotFoundError if absent."""
        with self._operation("delete", pk, sk):
            self._apply("delete", plan_delete("delete", pk, sk))

    def get_one(self, pk: str, sk: str, model_class: type[T]) -> T | None:
        """The item at (pk, sk) as `model_class`, or None."""
        with self._operation("get_one", pk, sk):
            _check_model_class("get_one", pk, model_class)
            problem = key_problem(pk, sk)
            if problem is not None:
                raise InvalidQueryError("get_one", str(pk), problem, sk=str(sk))
            found = self._fetch(pk, sk)
            return None if found is None else decode_item("get_one", found, model_class)

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
        """The partition's items in sort-key order, every page followed, up to `limit`."""
        with self._operation("query_by_pk", pk, None):
            _check_model_class("query_by_pk", pk, model_class)
            query = key_query(
                "query_by_pk", pk, equals=equals, begins_with=begins_with, between=between,
                lt=lt, lte=lte, gt=gt, gte=gte, limit=limit, descending=descending,
            )  # fmt: skip
            found = self._select(query, after=None, limit=query.limit)
            return [decode_item("query_by_pk", item, model_class) for item in found]

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
            _check_model_class("query_page", pk, model_class)
            request = page_query(
                "query_page", pk, equals=equals, begins_with=begins_with, between=between,
                lt=lt, lte=lte, gt=gt, gte=gte, page_size=page_size, cursor=cursor,
                descending=descending,
            )  # fmt: skip
            # One item more than a page tells whether another page follows.
            found = self._select(request.query, after=request.after, limit=request.page_size + 1)
            page = found[: request.page_size]
            more = len(found) > request.page_size
            next_page = next_cursor(request.query, page[-1]["sk"]["S"]) if more else None
            items = [decode_item("query_page", item, model_class) for item in page]
            return Page(items=items, cursor=next_page)

    def get_many(self, keys: Sequence[tuple[str, str]], model_class: type[T]) -> list[T]:
        """The items at `keys`, in their order (twice for a key given twice); missing skipped."""
        with self._operation("get_many", None, None):
            _check_model_class("get_many", "?", model_class)
            found = self._fetch_many(batch_keys("get_many", keys))
            in_order = [item for item in (found.get(key) for key in keys) if item is not None]
            return [decode_item("get_many", item, model_class) for item in in_order]

    def put_many(self, items: Sequence[KeyValueItem]) -> None:
        """Write every item, overwriting existing ones; the later of two with one key wins."""
        with self._operation("put_many", None, None):
            self._store_many(batch_items("put_many", items))

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Collect operations; commit them together when the block ends without an exception."""
        if self._closed:
            raise StoreClosedError("transaction")
        transaction = Transaction()
        try:
            yield transaction
        except BaseException:
            transaction.finish("been left by an exception")
            raise
        transaction.finish("ended")  # whatever the commit does, the block is over
        writes = transaction.writes
        if not writes:
            return
        with self._operation("transaction", None, None):
            self._commit([write for write, _ in writes])
            for write, item in writes:
                if item is not None:
                    settle(write, item)

    @contextmanager
    def _operation(self, name: str, pk: object, sk: object) -> Iterator[None]:
        """The one boundary: refuse a closed store, time and log, translate engine errors."""
        started = time.perf_counter()
        try:
            if self._closed:
                raise StoreClosedError(name)
            yield
        except KeyValueStoreError as error:
            self._log_failure(name, pk, sk, error)
            raise
        except self.engine_errors as exc:
            translated = self.translate(exc, name, _text(pk), _text(sk))
            self._log_failure(name, pk, sk, translated)
            raise translated from exc
        self._logger.debug(name, op=name, pk=pk, sk=sk, ms=_ms_since(started))

    def _log_failure(self, name: str, pk: object, sk: object, error: KeyValueStoreError) -> None:
        """Log an operation's error at the level its kind deserves; never its payload."""
        kind = type(error).__name__
        if isinstance(error, CONDITION_OUTCOMES):
            self._logger.debug("condition failed", op=name, pk=pk, sk=sk, error=kind)
        elif isinstance(error, REFUSALS):
            self._logger.info("refused", op=name, pk=_shown(pk), sk=_shown(sk), error=kind)
        else:
            attempts = getattr(error, "attempts", None)
            self._logger.error(
                "operation failed", op=name, pk=pk, sk=sk, error=kind, attempts=attempts
            )


def _check_model_class(operation: str, pk: object, model_class: object) -> None:
    if not (isinstance(model_class, type) and issubclass(model_class, KeyValueItem)):
        reason = f"model_class must be a KeyValueItem subclass, not {model_class!r}"
        raise InvalidQueryError(operation, str(pk), reason)


def _key_of(item: object) -> tuple[object, object]:
    return getattr(item, "pk", None), getattr(item, "sk", None)


_SHOWN_KEY_CHARS = 64


def _shown(key: object) -> object:
    """A refused key as logged: cut to a readable length (it may be megabytes long)."""
    if isinstance(key, str) and len(key) > _SHOWN_KEY_CHARS:
        return f"{key[:_SHOWN_KEY_CHARS]}...({len(key)} chars)"
    return key


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
