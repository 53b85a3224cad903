"""DynamoDBService: the KeyValueStore on one DynamoDB table, through boto3's low-level client."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from lvrgd.common.services.kvstore._attributes import decode_item, encode_changes, encode_item
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

from . import _table
from ._errors import error_code, translate
from ._requests import delete_request, get_request, put_request, query_request, update_request

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType

    from typing_extensions import Self

    from lvrgd.common.services.logging import LoggingService

    from .dynamodb_models import DynamoDBConfig

T = TypeVar("T", bound=KeyValueItem)


class DynamoDBService:
    """KeyValueStore on one DynamoDB table, through boto3's low-level client.

    Safe to share between threads (the low-level client is). botocore's own retries,
    configured by `max_attempts`, are the only retries.

    Args:
        logger: Where operations are logged (name, key and milliseconds at debug;
            failures at error; never item payloads).
        config: The table and how to reach it.
    """

    def __init__(self, logger: LoggingService, config: DynamoDBConfig) -> None:
        """Build the client; nothing is sent until the first operation."""
        self._logger = logger
        self._config = config
        self._table = config.table_name
        self._client = _table.new_client(config)
        self._closed = False

    def __enter__(self) -> Self:
        """Use the service in a ``with`` block that closes it."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the service."""
        self.close()

    def __repr__(self) -> str:
        """Name the table and region, never the credentials."""
        return f"DynamoDBService(table={self._table!r}, region={self._config.region!r})"

    def create(self, item: KeyValueItem) -> None:
        """PutItem on condition that the key is free; ItemAlreadyExistsError if not."""
        pk, sk = _key_of(item)
        with self._operation("create", pk, sk, on_condition=ItemAlreadyExistsError):
            request = put_request(self._table, encode_item("create", item))
            self._client.put_item(**request)

    def update(self, item: KeyValueItem) -> None:
        """UpdateItem (SET non-None, REMOVE None) on condition that the item exists."""
        pk, sk = _key_of(item)
        with self._operation("update", pk, sk, on_condition=ItemNotFoundError):
            to_set, to_remove = encode_changes("update", item)
            self._client.update_item(**update_request(self._table, pk, sk, to_set, to_remove))

    def delete(self, pk: str, sk: str) -> None:
        """DeleteItem on condition that the item exists; ItemNotFoundError if not."""
        with self._operation("delete", pk, sk, on_condition=ItemNotFoundError):
            _require_key("delete", pk, sk, InvalidItemError)
            self._client.delete_item(**delete_request(self._table, pk, sk))

    def get_one(self, pk: str, sk: str, model_class: type[T]) -> T | None:
        """GetItem, strongly consistent unless the config says otherwise."""
        with self._operation("get_one", pk, sk):
            _require_key("get_one", pk, sk, InvalidQueryError)
            request = get_request(self._table, pk, sk, consistent=self._config.consistent_reads)
            found = self._client.get_item(**request).get("Item")
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
        """Query, following every page, asking for no more items than `limit` needs."""
        with self._operation("query_by_pk", pk, None):
            query = key_query(
                "query_by_pk", pk, equals=equals, begins_with=begins_with, between=between,
                lt=lt, lte=lte, gt=gt, gte=gte, limit=limit, descending=descending,
            )  # fmt: skip
            results: list[T] = []
            start_key = None
            while True:
                remaining = None if query.limit is None else query.limit - len(results)
                request = query_request(
                    self._table, pk, query.condition, descending=query.descending,
                    consistent=self._config.consistent_reads, limit=remaining,
                    start_key=start_key,
                )  # fmt: skip
                page = self._client.query(**request)
                results.extend(
                    decode_item("query_by_pk", item, model_class) for item in page["Items"]
                )
                start_key = page.get("LastEvaluatedKey")
                if start_key is None or (query.limit is not None and len(results) >= query.limit):
                    return results

    def ping(self) -> bool:
        """True when the table is reachable and ACTIVE; False, with a warning, otherwise."""
        if self._closed:
            self._logger.warning("ping: the store is closed", op="ping")
            return False
        try:
            status = self._client.describe_table(TableName=self._table)["Table"].get("TableStatus")
        except ClientError as exc:
            reason = error_code(exc)
        except BotoCoreError as exc:
            reason = type(exc).__name__
        else:
            if status == "ACTIVE":
                return True
            reason = f"the table is {status}"
        self._logger.warning("ping failed", op="ping", table=self._table, reason=reason)
        return False

    def close(self) -> None:
        """Close the client's connections; idempotent."""
        if not self._closed:
            self._closed = True
            self._client.close()

    @contextmanager
    def _operation(
        self,
        name: str,
        pk: str,
        sk: str | None,
        on_condition: type[ItemAlreadyExistsError | ItemNotFoundError] | None = None,
    ) -> Iterator[None]:
        """The one boundary: refuse a closed store, time and log, translate engine errors."""
        if self._closed:
            raise StoreClosedError(name)
        started = time.perf_counter()
        try:
            yield
        except (ClientError, BotoCoreError) as exc:
            error = translate(exc, name, pk, sk, on_condition)
            self._logger.error("operation failed", op=name, error=type(error).__name__)
            raise error from exc
        except KeyValueStoreError as error:
            self._logger.error("operation failed", op=name, error=type(error).__name__)
            raise
        self._logger.debug(name, op=name, pk=pk, sk=sk, ms=_ms_since(started))


def _key_of(item: object) -> tuple[str, str]:
    return str(getattr(item, "pk", "?")), str(getattr(item, "sk", "?"))


def _require_key(
    operation: str, pk: str, sk: str, error: type[InvalidItemError | InvalidQueryError]
) -> None:
    problem = key_problem(pk, sk)
    if problem is None:
        return
    if error is InvalidItemError:
        raise InvalidItemError(operation, str(pk), str(sk), problem)
    raise InvalidQueryError(operation, str(pk), problem)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
