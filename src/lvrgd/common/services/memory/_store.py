"""InMemoryKeyValueStore: the embedded KeyValueStore that behaves like a DynamoDB table."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from lvrgd.common.services.kvstore._attributes import (
    check_item_size,
    decode_item,
    encode_changes,
    encode_item,
)
from lvrgd.common.services.kvstore._conditions import key_query
from lvrgd.common.services.kvstore._errors import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreClosedError,
)
from lvrgd.common.services.kvstore._item import KeyValueItem
from lvrgd.common.services.kvstore._limits import key_problem

from ._partition import Partition

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType

    from typing_extensions import Self

    from lvrgd.common.services.logging import LoggingService

T = TypeVar("T", bound=KeyValueItem)


class InMemoryKeyValueStore:
    """KeyValueStore held in this process, with DynamoDB's ordering, limits and errors.

    Items are kept in DynamoDB's wire form, encoded by the same codec the DynamoDB
    adapter sends, so what one accepts, refuses and returns, the other does too.
    Stored items share nothing with the models passed in or handed out. One lock
    guards the table: the store is safe to share between threads.

    Args:
        logger: Where operations are logged (name, key and milliseconds at debug).
    """

    def __init__(self, logger: LoggingService) -> None:
        """Start with an empty table."""
        self._logger = logger
        self._partitions: dict[str, Partition] = {}
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
            encoded = encode_item("create", item)
            pk, sk = item.pk, item.sk
            with self._lock:
                partition = self._partitions.setdefault(pk, Partition())
                if partition.get(sk) is not None:
                    raise ItemAlreadyExistsError("create", pk, sk)
                partition.put(sk, encoded)

    def update(self, item: KeyValueItem) -> None:
        """Set the item's non-None fields, remove its None fields; ItemNotFoundError if absent."""
        with self._operation("update", *_key_of(item)):
            to_set, to_remove = encode_changes("update", item)
            pk, sk = item.pk, item.sk
            with self._lock:
                partition = self._partitions.get(pk)
                stored = None if partition is None else partition.get(sk)
                if partition is None or stored is None:
                    raise ItemNotFoundError("update", pk, sk)
                updated = {**stored, **to_set}
                for name in to_remove:
                    updated.pop(name, None)
                check_item_size("update", pk, sk, updated)
                partition.put(sk, updated)

    def delete(self, pk: str, sk: str) -> None:
        """Remove the item at (pk, sk); ItemNotFoundError if absent."""
        with self._operation("delete", pk, sk):
            _require_key("delete", pk, sk, InvalidItemError)
            with self._lock:
                partition = self._partitions.get(pk)
                if partition is None or partition.get(sk) is None:
                    raise ItemNotFoundError("delete", pk, sk)
                partition.remove(sk)
                if not partition:
                    del self._partitions[pk]

    def get_one(self, pk: str, sk: str, model_class: type[T]) -> T | None:
        """The item at (pk, sk) as `model_class`, or None."""
        with self._operation("get_one", pk, sk):
            _require_key("get_one", pk, sk, InvalidQueryError)
            with self._lock:
                partition = self._partitions.get(pk)
                stored = None if partition is None else partition.get(sk)
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
                partition = self._partitions.get(pk)
                found = (
                    []
                    if partition is None
                    else partition.select(
                        query.condition, descending=query.descending, limit=query.limit
                    )
                )
            return [decode_item("query_by_pk", item, model_class) for item in found]

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
            self._partitions.clear()

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


def _require_key(
    operation: str, pk: str, sk: str, error: type[InvalidItemError | InvalidQueryError]
) -> None:
    problem = key_problem(pk, sk)
    if problem is None:
        return
    if error is InvalidItemError:
        raise InvalidItemError(operation, str(pk), str(sk), problem)
    raise InvalidQueryError(operation, str(pk), problem)


def _key_of(item: object) -> tuple[object, object]:
    return getattr(item, "pk", None), getattr(item, "sk", None)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
