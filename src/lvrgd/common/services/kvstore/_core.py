"""What both forms of the store share: each operation's plan, and the one boundary.

`StoreCore` holds everything the sync store (`KeyValueStoreBase`) and the async store
(`AsyncKeyValueStoreBase`) do alike: the checks of each operation's arguments, its
encoding and decoding, versions, pages and batches (as plans, see `_steps`), and,
through `Boundary`, the closed-store refusal, timing, logging and the translation of
engine errors. A form adds only how a plan is run: by a sync driver or an async one,
on the adapter's primitive ``_answer(call)``.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from . import _plans as plans
from ._backoff import DEFAULT_BATCH_RETRY_SECONDS, Backoff
from ._batches import batch_items, batch_keys
from ._boundary import Boundary
from ._conditions import key_query
from ._entities import (
    DEFAULT_ENTITY_ATTRIBUTE,
    EntityError,
    check_entity_attribute,
    check_on_other,
    read_types,
)
from ._errors import InvalidQueryError, StoreClosedError
from ._indexes import Indexes
from ._item import KeyValueItem
from ._limits import key_problem
from ._pages import Page, next_cursor, page_query
from ._patch import patched_keys, plan_patch, validated
from ._reads import Reader, decode_all, read_page, read_up_to
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
    from ._limits import Item, ItemView
    from ._reads import Hydrate
    from ._steps import Plan
    from ._where import Condition

T = TypeVar("T", bound=KeyValueItem)


class StoreCore(Boundary):
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
        reader, read, conditions = self._query_parts("query_by_pk", pk, model_class, query)
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
        reader, read, conditions = self._query_parts("query_page", pk, model_class, query)
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
        decoded: list[T] = yield from decode_all(reader, in_order)
        return decoded

    def _put_many_plan(self, items: Sequence[KeyValueItem]) -> Plan[None]:
        encoded = batch_items("put_many", items, self._entity_attribute)
        if self._indexes:
            for (pk, sk), item in encoded.items():
                self._indexes.check_item("put_many", pk, sk, item)
        yield from self._store_many(encoded)

    def _commit_plan(self, transaction: Transaction) -> Plan[None]:
        return plans.commit("transaction", transaction.writes, self._entity_attribute)

    # --- plans of the adapter's steps, with this store's settings ----------------------

    def _fetch(self, pk: str, sk: str) -> Plan[ItemView | None]:
        return plans.fetch(pk, sk)

    def _select(
        self, query: KeyQuery, after: Position | None, limit: int | None
    ) -> Plan[list[ItemView]]:
        return plans.select(query, after, limit)

    def _fetch_many(self, keys: Sequence[Key]) -> Plan[dict[Key, ItemView]]:
        return plans.fetch_many(keys, self._backoff())

    def _store_many(self, items: dict[Key, Item]) -> Plan[None]:
        return plans.store_many(items, self._backoff())

    def _whole_items(self, entries: Sequence[ItemView]) -> Plan[list[ItemView | None]]:
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

    def _query_parts(
        self, operation: str, pk: str, model_class: object, query: Mapping[str, Any]
    ) -> tuple[Reader, IndexQuery | None, dict[str, Any]]:
        """The query's reader, how it reads its index (None: the table), its sort-key keywords."""
        reader = self._reader(operation, pk, model_class, query["on_other"])
        conditions = {name: query[name] for name in _CONDITIONS}
        read = self._index_query(
            operation, pk, query["index"], conditions=tuple(conditions.values()),
            consistent=query["consistent"], hydrate=query["hydrate"], reader=reader,
        )  # fmt: skip
        return reader, read, conditions

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


def key_of(item: object) -> tuple[object, object]:
    """The key an operation on `item` logs (None where the item has no such field)."""
    return getattr(item, "pk", None), getattr(item, "sk", None)


_CONDITIONS = ("equals", "begins_with", "between", "lt", "lte", "gt", "gte")
"""The port's sort-key conditions, by keyword."""
_MAX_READERS = 1024
"""Readers kept per store: one per operation, model class and on_other actually used."""
