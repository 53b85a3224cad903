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
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar, overload

from ._batches import batch_items, batch_keys
from ._conditions import KeyQuery, key_query
from ._entities import (
    DEFAULT_ENTITY_ATTRIBUTE,
    EntityError,
    OnOther,
    check_entity_attribute,
    check_on_other,
    read_types,
)
from ._errors import (
    ConditionFailedError,
    InvalidItemError,
    InvalidQueryError,
    KeyValueStoreError,
    StoreClosedError,
    TransactionCanceledError,
    TransactionClosedError,
)
from ._indexes import Indexes
from ._item import KeyValueItem
from ._limits import key_problem
from ._pages import DEFAULT_PAGE_SIZE, Page, next_cursor, page_query
from ._patch import Patch, patched_keys, plan_patch, validated
from ._reads import Reader, read_page, read_up_to
from ._transaction import Transaction
from ._writes import Create, Delete, Update, Write, plan_create, plan_delete, plan_update, settle

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from types import TracebackType

    from typing_extensions import Self, TypeForm

    from lvrgd.common.services.logging import LoggingService

    from ._batches import Key
    from ._indexes import IndexQuery, IndexSpec, Position
    from ._limits import Item, ItemView
    from ._reads import Hydrate
    from ._where import Condition

T = TypeVar("T", bound=KeyValueItem)

CONDITION_OUTCOMES = (ConditionFailedError, TransactionCanceledError)
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

    def __init__(
        self,
        logger: LoggingService,
        *,
        entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
        indexes: Iterable[IndexSpec] = (),
    ) -> None:
        """Keep the logger, the entity attribute and the indexes; the adapter builds the rest.

        Raises:
            ValueError: If `entity_attribute` is empty, longer than 255 characters, or a
                key, or the index declarations break one of DynamoDB's rules.
        """
        self._entity_attribute = check_entity_attribute(entity_attribute)
        self._indexes = Indexes(indexes, self._entity_attribute)
        self._readers: dict[tuple[str, object, object], Reader] = {}
        self._logger = logger
        self._closed = False

    # --- what an adapter provides -------------------------------------------------

    @abstractmethod
    def _apply(self, operation: str, write: Create | Update | Delete) -> None:
        """Carry out one conditional write, raising the port's error if its condition fails."""

    @abstractmethod
    def _patch(self, operation: str, patch: Patch) -> Item | None:
        """Carry out a patch under its conditions; the item after it (None if not asked for).

        Raises:
            ItemNotFoundError, ConditionFailedError, InvalidItemError: As `patch_error`
                says of the item the patch met, or as the change itself fails.
        """

    @abstractmethod
    def _fetch(self, pk: str, sk: str) -> ItemView | None:
        """The item at (pk, sk), or None."""

    @abstractmethod
    def _select(
        self, query: KeyQuery, *, after: Position | None, limit: int | None
    ) -> Sequence[ItemView]:
        """The items `query` selects, in its order, past the position `after`, at most `limit`.

        A query of an index gives each item as the index holds it (its projection), or
        whole where `query.index.fetch_unprojected` says so.
        """

    @abstractmethod
    def _fetch_many(self, keys: list[Key]) -> Mapping[Key, ItemView]:
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

    def create(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Write a new item; ItemAlreadyExistsError if its key is taken."""
        with self._operation("create", *_key_of(item)):
            write = plan_create("create", item, self._entity_attribute, condition)
            if self._indexes:
                self._indexes.check_item("create", write.pk, write.sk, write.item)
            self._apply("create", write)
            settle(write, item)

    def update(self, item: T, *, condition: Condition[T] | None = None) -> None:
        """Set the item's non-None fields, remove its None fields; ItemNotFoundError if absent."""
        with self._operation("update", *_key_of(item)):
            write = plan_update("update", item, self._entity_attribute, condition)
            if self._indexes:
                self._indexes.check_item("update", write.pk, write.sk, write.to_set)
            self._apply("update", write)
            settle(write, item)

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

    def patch(  # noqa: PLR0913 - the port's signature
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
        with self._operation("patch", pk, sk):
            plan = plan_patch(
                "patch", pk, sk, model_class, set_=set, remove=remove, add=add, append=append,
                set_if_absent=set_if_absent, condition=condition, upsert=upsert,
                return_item=return_item, entity_attribute=self._entity_attribute,
                indexes=self._indexes,
            )  # fmt: skip
            if self._indexes:
                self._indexes.check_item("patch", pk, sk, patched_keys(plan))
            after = self._patch("patch", plan)
            if after is None or not plan.return_item:
                return None
            item: T = validated("patch", plan, after, self._entity_attribute)  # type: ignore[assignment]
            return item

    def delete(self, pk: str, sk: str, *, condition: Condition[Any] | None = None) -> None:
        """Remove the item at (pk, sk); ItemNotFoundError if absent."""
        with self._operation("delete", pk, sk):
            self._apply("delete", plan_delete("delete", pk, sk, condition))

    def get_one(
        self, pk: str, sk: str, model_class: TypeForm[T], *, on_other: OnOther = "skip"
    ) -> T | None:
        """The item at (pk, sk) as the class its entity names, or None."""
        with self._operation("get_one", pk, sk):
            reader = self._reader("get_one", pk, model_class, on_other)
            problem = key_problem(pk, sk)
            if problem is not None:
                raise InvalidQueryError("get_one", str(pk), problem, sk=str(sk))
            found = self._fetch(pk, sk)
            decoded: T | None = None if found is None else reader.decode(found)
            return decoded

    def query_by_pk(  # noqa: PLR0913 - the port's signature
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
        with self._operation("query_by_pk", pk, None):
            reader = self._reader("query_by_pk", pk, model_class, on_other)
            conditions = (equals, begins_with, between, lt, lte, gt, gte)
            read = self._index_query(
                "query_by_pk", pk, index, conditions=conditions, consistent=consistent,
                hydrate=hydrate, reader=reader,
            )  # fmt: skip
            query = key_query(
                "query_by_pk", pk, equals=equals, begins_with=begins_with, between=between,
                lt=lt, lte=lte, gt=gt, gte=gte, limit=limit, descending=descending,
            )  # fmt: skip
            if read is not None or consistent is not None:
                query = replace(query, index=read, consistent=consistent)
            return read_up_to(self._select_after, query, reader, query.limit, self._hydrator(read))

    def query_page(  # noqa: PLR0913 - the port's signature
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
        with self._operation("query_page", pk, None):
            reader = self._reader("query_page", pk, model_class, on_other)
            conditions = (equals, begins_with, between, lt, lte, gt, gte)
            read = self._index_query(
                "query_page", pk, index, conditions=conditions, consistent=consistent,
                hydrate=hydrate, reader=reader,
            )  # fmt: skip
            request = page_query(
                "query_page", pk, equals=equals, begins_with=begins_with, between=between,
                lt=lt, lte=lte, gt=gt, gte=gte, page_size=page_size, cursor=cursor,
                descending=descending, index=read, consistent=consistent,
            )  # fmt: skip
            items, last = read_page(
                self._select_after, request.query, reader, request.after, request.page_size,
                hydrate=self._hydrator(read),
            )  # fmt: skip
            next_page = None if last is None else next_cursor(request.query, last)
            return Page(items=items, cursor=next_page)

    def get_many(
        self,
        keys: Sequence[tuple[str, str]],
        model_class: TypeForm[T],
        *,
        on_other: OnOther = "skip",
    ) -> list[T]:
        """The items at `keys`, in their order (twice for a key given twice); missing skipped."""
        with self._operation("get_many", None, None):
            reader = self._reader("get_many", "?", model_class, on_other)
            found = self._fetch_many(batch_keys("get_many", keys))
            in_order = [item for item in (found.get(key) for key in keys) if item is not None]
            decoded = [reader.decode(item) for item in in_order]
            return [item for item in decoded if item is not None]

    def _reader(self, operation: str, pk: object, model_class: object, on_other: object) -> Reader:
        """How this read decodes items, its arguments checked (and kept for the next read).

        Raises:
            InvalidQueryError: If `model_class` names no KeyValueItem classes, one of its
                classes cannot claim its entity name, or `on_other` is unknown.
        """
        try:
            return self._readers[(operation, model_class, on_other)]
        except (KeyError, TypeError):  # not read yet, or unhashable (refused below)
            pass
        try:
            reader = Reader(
                operation, read_types(model_class), check_on_other(on_other), self._entity_attribute
            )
        except EntityError as exc:
            raise InvalidQueryError(operation, str(pk), str(exc)) from None
        if len(self._readers) < _MAX_READERS:
            self._readers[(operation, model_class, on_other)] = reader
        return reader

    def _index_query(  # noqa: PLR0913 - the query's arguments that concern indexes
        self,
        operation: str,
        pk: str,
        index: object,
        *,
        conditions: tuple[object, ...],
        consistent: object,
        hydrate: object,
        reader: Reader,
    ) -> IndexQuery | None:
        """How the query reads `index` (None for the table), its arguments checked."""
        return self._indexes.query(
            operation, str(pk), index,
            has_condition=any(condition is not None for condition in conditions),
            consistent=consistent, hydrate=hydrate, model_classes=reader.types.classes,
        )  # fmt: skip

    def _hydrator(self, read: IndexQuery | None) -> Hydrate | None:
        """Whole items for index entries, when the query asks for them."""
        if read is None or not read.hydrate:
            return None
        return self._whole_items

    def _whole_items(self, entries: Sequence[ItemView]) -> list[ItemView | None]:
        keys = [(entry["pk"]["S"], entry["sk"]["S"]) for entry in entries]
        found = self._fetch_many(list(dict.fromkeys(keys))) if keys else {}
        return [found.get(key) for key in keys]

    def _select_after(
        self, query: KeyQuery, after: Position | None, limit: int | None
    ) -> Sequence[ItemView]:
        return self._select(query, after=after, limit=limit)

    def put_many(self, items: Sequence[KeyValueItem]) -> None:
        """Write every item, overwriting existing ones; the later of two with one key wins."""
        with self._operation("put_many", None, None):
            encoded = batch_items("put_many", items, self._entity_attribute)
            if self._indexes:
                for (pk, sk), item in encoded.items():
                    self._indexes.check_item("put_many", pk, sk, item)
            self._store_many(encoded)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Collect operations; commit them together when the block ends without an exception."""
        if self._closed:
            raise StoreClosedError("transaction")
        transaction = Transaction(self._entity_attribute, self._indexes)
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

    def _operation(self, name: str, pk: object, sk: object) -> _Operation:
        """The one boundary: refuse a closed store, time and log, translate engine errors."""
        return _Operation(self, name, pk, sk)

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


class _Operation:
    """`KeyValueStoreBase._operation`'s context: what a generator-based one does, cheaper.

    Every call of the port enters one, so it is a small class rather than a
    ``@contextmanager`` generator (a third of a fast in-memory read went to the latter).
    """

    __slots__ = ("_name", "_pk", "_sk", "_started", "_store")

    def __init__(self, store: KeyValueStoreBase, name: str, pk: object, sk: object) -> None:
        self._store, self._name, self._pk, self._sk = store, name, pk, sk
        self._started = 0.0

    def __enter__(self) -> None:
        self._started = time.perf_counter()
        if self._store._closed:  # noqa: SLF001 - the store's own boundary
            error = StoreClosedError(self._name)
            self._store._log_failure(self._name, self._pk, self._sk, error)  # noqa: SLF001
            raise error

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        store, name, pk, sk = self._store, self._name, self._pk, self._sk
        if exc is None:
            store._logger.debug(name, op=name, pk=pk, sk=sk, ms=_ms_since(self._started))  # noqa: SLF001
        elif isinstance(exc, KeyValueStoreError):
            store._log_failure(name, pk, sk, exc)  # noqa: SLF001
        elif isinstance(exc, store.engine_errors):
            translated = store.translate(exc, name, _text(pk), _text(sk))
            store._log_failure(name, pk, sk, translated)  # noqa: SLF001
            raise translated from exc


def _key_of(item: object) -> tuple[object, object]:
    return getattr(item, "pk", None), getattr(item, "sk", None)


_SHOWN_KEY_CHARS = 64
_MAX_READERS = 1024
"""Readers kept per store: one per operation, model class and on_other actually used."""


def _shown(key: object) -> object:
    """A refused key as logged: cut to a readable length (it may be megabytes long)."""
    if isinstance(key, str) and len(key) > _SHOWN_KEY_CHARS:
        return f"{key[:_SHOWN_KEY_CHARS]}...({len(key)} chars)"
    return key


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
