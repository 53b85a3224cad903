"""What both forms of the store share: each operation's plan, and the one boundary.

`StoreCore` holds everything the sync store (`KeyValueStoreBase`) and the async store
(`AsyncKeyValueStoreBase`) do alike: the checks of each operation's arguments, its
encoding and decoding, versions, pages and batches (as plans, see `_steps`), the
closed-store refusal, timing, logging and the translation of engine errors. A form adds
only how a plan is run: by a sync driver or an async one, on the adapter's primitive
``_answer(call)``.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from . import _plans as plans
from ._backoff import DEFAULT_BATCH_RETRY_SECONDS, Backoff
from ._batches import batch_items, batch_keys
from ._conditions import key_query
from ._entities import (
    DEFAULT_ENTITY_ATTRIBUTE,
    EntityError,
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
from ._pages import Page, next_cursor, page_query
from ._patch import patched_keys, plan_patch, validated
from ._reads import Reader, read_page, read_up_to
from ._transaction import Transaction
from ._writes import plan_create, plan_delete, plan_update, settle

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from typing_extensions import TypeForm

    from lvrgd.common.services.logging import LoggingService

    from ._batches import Key
    from ._conditions import KeyQuery
    from ._entities import OnOther
    from ._indexes import IndexQuery, IndexSpec, Position
    from ._limits import Item
    from ._reads import Hydrate
    from ._steps import Plan
    from ._where import Condition

T = TypeVar("T", bound=KeyValueItem)

CONDITION_OUTCOMES = (ConditionFailedError, TransactionCanceledError)
"""Answers to what the caller asked (does the key exist? is the version current?): DEBUG."""

REFUSALS = (InvalidItemError, InvalidQueryError, StoreClosedError, TransactionClosedError)
"""The caller's input or use was refused before anything was sent: INFO."""

CLOSED = "the store is closed"


class Ping:
    """One ping under way: whether the store was open, and why it is not usable, if not."""

    def __init__(self, *, open_: bool) -> None:
        """Start a ping of an open store, or of a closed one (which is not usable)."""
        self.open = open_
        self.reason: str | None = None if open_ else CLOSED


class StoreCore:
    """The logic of a KeyValueStore, in either form, on an adapter's primitive.

    Args:
        logger: Where operations are logged, never with an item's payload: each
            operation's name, key and milliseconds at DEBUG; a failed condition or a
            canceled transaction at DEBUG; refused input at INFO; failures of the engine
            or the network at ERROR, with the error class and the attempts made.
        entity_attribute: Where items store their entity name.
        indexes: The table's secondary indexes.
        batch_retry_seconds: How long get_many and put_many resend what the engine
            leaves unprocessed.
    """

    engine_errors: ClassVar[tuple[type[Exception], ...]] = ()
    """The engine's own exception types, turned into the port's by `translate`."""

    def __init__(
        self,
        logger: LoggingService,
        *,
        entity_attribute: str = DEFAULT_ENTITY_ATTRIBUTE,
        indexes: Iterable[IndexSpec] = (),
        batch_retry_seconds: float = DEFAULT_BATCH_RETRY_SECONDS,
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
        self._batch_retry_seconds = batch_retry_seconds
        self._closed = False

    def translate(
        self, error: Exception, operation: str, pk: str | None, sk: str | None
    ) -> KeyValueStoreError:
        """The port's error for one of `engine_errors`."""
        message = f"{operation}: pk={pk!r}, sk={sk!r}: {error}"
        return KeyValueStoreError(message)

    def ping_failure(self, error: Exception) -> str:
        """Why a ping that met one of `engine_errors` failed, in a few words."""
        return type(error).__name__

    @property
    def _log_context(self) -> Mapping[str, object]:
        """What the store's own log lines name besides the operation (e.g. its table)."""
        return {}

    # --- the operations' plans -------------------------------------------------------

    def _create_plan(self, item: T, condition: Condition[T] | None) -> Plan[None]:
        write = plan_create("create", item, self._entity_attribute, condition)
        if self._indexes:
            self._indexes.check_item("create", write.pk, write.sk, write.item)
        yield from plans.write("create", write, self._entity_attribute)
        settle(write, item)

    def _update_plan(self, item: T, condition: Condition[T] | None) -> Plan[None]:
        write = plan_update("update", item, self._entity_attribute, condition)
        if self._indexes:
            self._indexes.check_item("update", write.pk, write.sk, write.to_set)
        yield from plans.write("update", write, self._entity_attribute)
        settle(write, item)

    def _patch_plan(
        self, pk: str, sk: str, model_class: type[T], arguments: Mapping[str, Any]
    ) -> Plan[T | None]:
        """`arguments`: the port's keywords of patch, by name (``set``, ``remove``...)."""
        planned = plan_patch(
            "patch", pk, sk, model_class, set_=arguments["set"], remove=arguments["remove"],
            add=arguments["add"], append=arguments["append"],
            set_if_absent=arguments["set_if_absent"], condition=arguments["condition"],
            upsert=arguments["upsert"], return_item=arguments["return_item"],
            entity_attribute=self._entity_attribute, indexes=self._indexes,
        )  # fmt: skip
        if self._indexes:
            self._indexes.check_item("patch", pk, sk, patched_keys(planned))
        after = yield from plans.patch("patch", planned, self._entity_attribute)
        if after is None or not planned.return_item:
            return None
        item: T = validated("patch", planned, after, self._entity_attribute)  # type: ignore[assignment]
        return item

    def _delete_plan(self, pk: str, sk: str, condition: Condition[Any] | None) -> Plan[None]:
        write = plan_delete("delete", pk, sk, condition)
        yield from plans.write("delete", write, self._entity_attribute)

    def _get_one_plan(
        self, pk: str, sk: str, model_class: TypeForm[T], on_other: OnOther
    ) -> Plan[T | None]:
        reader = self._reader("get_one", pk, model_class, on_other)
        problem = key_problem(pk, sk)
        if problem is not None:
            raise InvalidQueryError("get_one", str(pk), problem, sk=str(sk))
        found = yield from plans.fetch(pk, sk)
        decoded: T | None = None if found is None else reader.decode(found)
        return decoded

    def _query_by_pk_plan(
        self, pk: str, model_class: TypeForm[T], query: Mapping[str, Any]
    ) -> Plan[list[T]]:
        """`query`: the port's keywords of query_by_pk, by name (``equals``, ``limit``...)."""
        reader, read = self._query_reader("query_by_pk", pk, model_class, query)
        conditions = {name: query[name] for name in _CONDITIONS}
        planned = key_query(
            "query_by_pk", pk, **conditions, limit=query["limit"], descending=query["descending"]
        )
        if read is not None or query["consistent"] is not None:
            planned = replace(planned, index=read, consistent=query["consistent"])
        hydrate = self._hydrator(read)
        found: list[T] = yield from read_up_to(
            self._select, planned, reader, planned.limit, hydrate
        )
        return found

    def _query_page_plan(
        self, pk: str, model_class: TypeForm[T], query: Mapping[str, Any]
    ) -> Plan[Page[T]]:
        """`query`: the port's keywords of query_page, by name (``equals``, ``cursor``...)."""
        reader, read = self._query_reader("query_page", pk, model_class, query)
        conditions = {name: query[name] for name in _CONDITIONS}
        request = page_query(
            "query_page", pk, **conditions, page_size=query["page_size"],
            cursor=query["cursor"], descending=query["descending"], index=read,
            consistent=query["consistent"],
        )  # fmt: skip
        items, last = yield from read_page(
            self._select, request.query, reader, request.after, request.page_size,
            hydrate=self._hydrator(read),
        )  # fmt: skip
        next_page = None if last is None else next_cursor(request.query, last)
        return Page(items=items, cursor=next_page)

    def _get_many_plan(
        self, keys: Sequence[tuple[str, str]], model_class: TypeForm[T], on_other: OnOther
    ) -> Plan[list[T]]:
        reader = self._reader("get_many", "?", model_class, on_other)
        found = yield from self._fetch_many(batch_keys("get_many", keys))
        in_order = [item for item in (found.get(key) for key in keys) if item is not None]
        decoded = [reader.decode(item) for item in in_order]
        return [item for item in decoded if item is not None]

    def _put_many_plan(self, items: Sequence[KeyValueItem]) -> Plan[None]:
        encoded = batch_items("put_many", items, self._entity_attribute)
        if self._indexes:
            for (pk, sk), item in encoded.items():
                self._indexes.check_item("put_many", pk, sk, item)
        yield from self._store_many(encoded)

    def _commit_plan(self, transaction: Transaction) -> Plan[None]:
        return plans.commit("transaction", transaction.writes, self._entity_attribute)

    # --- plans of the adapter's steps, with this store's settings ----------------------

    def _fetch(self, pk: str, sk: str) -> Plan[Item | None]:
        return plans.fetch(pk, sk)

    def _select(
        self, query: KeyQuery, after: Position | None, limit: int | None
    ) -> Plan[list[Item]]:
        return plans.select(query, after, limit)

    def _fetch_many(self, keys: Sequence[Key]) -> Plan[dict[Key, Item]]:
        return plans.fetch_many(keys, self._backoff())

    def _store_many(self, items: dict[Key, Item]) -> Plan[None]:
        return plans.store_many(items, self._backoff())

    def _whole_items(self, entries: list[Item]) -> Plan[list[Item | None]]:
        return plans.whole_items(entries, self._backoff())

    def _backoff(self) -> Backoff:
        """The time a batch call may take resending, counted from now."""
        return Backoff(self._batch_retry_seconds)

    def _hydrator(self, read: IndexQuery | None) -> Hydrate | None:
        """Whole items for index entries, when the query asks for them."""
        if read is None or not read.hydrate:
            return None
        return self._whole_items

    # --- argument checks ---------------------------------------------------------------

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

    def _query_reader(
        self, operation: str, pk: str, model_class: object, query: Mapping[str, Any]
    ) -> tuple[Reader, IndexQuery | None]:
        """The query's reader, and how it reads its index (None for the table)."""
        reader = self._reader(operation, pk, model_class, query["on_other"])
        read = self._index_query(
            operation, pk, query["index"], conditions=tuple(query[name] for name in _CONDITIONS),
            consistent=query["consistent"], hydrate=query["hydrate"], reader=reader,
        )  # fmt: skip
        return reader, read

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

    # --- the boundary ------------------------------------------------------------------

    def _open_transaction(self) -> Transaction:
        """A transaction to collect a block's operations.

        Raises:
            StoreClosedError: If the store is closed.
        """
        if self._closed:
            raise StoreClosedError("transaction")
        return Transaction(self._entity_attribute, self._indexes)

    @contextmanager
    def _collecting(self) -> Iterator[Transaction]:
        """A transaction block's collection, finished however the block ends."""
        transaction = self._open_transaction()
        try:
            yield transaction
        except BaseException:
            transaction.finish("been left by an exception")
            raise
        transaction.finish("ended")  # whatever the commit does, the block is over

    @contextmanager
    def _pinging(self) -> Iterator[Ping]:
        """A ping: engine errors become its reason, and a failed one is logged (warning)."""
        ping = Ping(open_=not self._closed)
        try:
            yield ping
        except self.engine_errors as exc:
            ping.reason = self.ping_failure(exc)
        if ping.reason == CLOSED:
            self._logger.warning("ping: the store is closed", op="ping")
        elif ping.reason is not None:
            self._logger.warning("ping failed", op="ping", reason=ping.reason, **self._log_context)

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


def key_of(item: object) -> tuple[object, object]:
    """The key an operation on `item` logs (None where the item has no such field)."""
    return getattr(item, "pk", None), getattr(item, "sk", None)


_CONDITIONS = ("equals", "begins_with", "between", "lt", "lte", "gt", "gte")
"""The port's sort-key conditions, by keyword."""
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
