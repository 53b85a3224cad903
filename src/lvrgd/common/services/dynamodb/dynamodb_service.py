"""DynamoDBService: the KeyValueStore on one DynamoDB table, through boto3's low-level client."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from lvrgd.common.services.kvstore._attributes import decode_item, encode_key
from lvrgd.common.services.kvstore._batches import (
    MAX_BATCH_GET_KEYS,
    MAX_BATCH_WRITE_ITEMS,
    batch_items,
    batch_keys,
    chunks,
)
from lvrgd.common.services.kvstore._conditions import KeyQuery, key_query
from lvrgd.common.services.kvstore._errors import (
    InvalidQueryError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreClosedError,
    TransactionCanceledError,
)
from lvrgd.common.services.kvstore._item import KeyValueItem
from lvrgd.common.services.kvstore._limits import key_problem
from lvrgd.common.services.kvstore._pages import DEFAULT_PAGE_SIZE, Page, next_cursor, page_query
from lvrgd.common.services.kvstore._transaction import Transaction
from lvrgd.common.services.kvstore._writes import (
    Create,
    Delete,
    Update,
    plan_create,
    plan_delete,
    plan_update,
    settle,
)

from . import _table
from ._errors import error_code, translate
from ._outcomes import cancellation_reasons, condition_failure
from ._requests import (
    batch_get_request,
    batch_write_request,
    get_request,
    query_request,
    transact_item,
    write_request,
)
from ._retry import Backoff, resend_until_done

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import TracebackType

    from typing_extensions import Self

    from lvrgd.common.services.kvstore._limits import Item
    from lvrgd.common.services.logging import LoggingService

    from .dynamodb_models import DynamoDBConfig

T = TypeVar("T", bound=KeyValueItem)


class DynamoDBService:
    """KeyValueStore on one DynamoDB table, through boto3's low-level client.

    Safe to share between threads (the low-level client is). botocore's own retries,
    configured by `max_attempts`, are the only retries of a failed call; what a batch
    leaves unprocessed is resent with backoff for up to `batch_retry_seconds`.

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
        with self._operation("create", pk, sk):
            write = plan_create("create", item)
            self._write("create", write)
            settle(write, item)

    def update(self, item: KeyValueItem) -> None:
        """UpdateItem (SET non-None, REMOVE None) on condition that the item exists."""
        pk, sk = _key_of(item)
        with self._operation("update", pk, sk):
            write = plan_update("update", item)
            self._write("update", write)
            settle(write, item)

    def delete(self, pk: str, sk: str) -> None:
        """DeleteItem on condition that the item exists; ItemNotFoundError if not."""
        with self._operation("delete", pk, sk):
            self._write("delete", plan_delete("delete", pk, sk))

    def get_one(self, pk: str, sk: str, model_class: type[T]) -> T | None:
        """GetItem, strongly consistent unless the config says otherwise."""
        with self._operation("get_one", pk, sk):
            problem = key_problem(pk, sk)
            if problem is not None:
                raise InvalidQueryError("get_one", str(pk), problem, sk=str(sk))
            found = self._read(pk, sk)
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
            found = self._collect(query, wanted=query.limit, after=None)
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
            request = page_query(
                "query_page", pk, equals=equals, begins_with=begins_with, between=between,
                lt=lt, lte=lte, gt=gt, gte=gte, page_size=page_size, cursor=cursor,
                descending=descending,
            )  # fmt: skip
            # One item more than a page tells whether another page follows.
            found = self._collect(request.query, wanted=request.page_size + 1, after=request.after)
            page = found[: request.page_size]
            more = len(found) > request.page_size
            next_page = next_cursor(request.query, page[-1]["sk"]["S"]) if more else None
            items = [decode_item("query_page", item, model_class) for item in page]
            return Page(items=items, cursor=next_page)

    def get_many(self, keys: Sequence[tuple[str, str]], model_class: type[T]) -> list[T]:
        """BatchGetItem in chunks of 100, resending unprocessed keys with backoff."""
        with self._operation("get_many", None, None):
            found: dict[tuple[str, str], Item] = {}
            for chunk in chunks(batch_keys("get_many", keys), MAX_BATCH_GET_KEYS):
                request = batch_get_request(
                    self._table, chunk, consistent=self._config.consistent_reads
                )
                left = resend_until_done(
                    lambda r: self._batch_get(r, found), request, self._backoff()
                )
                if left is not None:
                    raise _unfinished(
                        "get_many", "unread", left["RequestItems"][self._table]["Keys"]
                    )
            ordered = [found.get(key) for key in keys]
            return [decode_item("get_many", item, model_class) for item in ordered if item]

    def put_many(self, items: Sequence[KeyValueItem]) -> None:
        """BatchWriteItem in chunks of 25, resending unprocessed items with backoff."""
        with self._operation("put_many", None, None):
            encoded = list(batch_items("put_many", items).values())
            for chunk in chunks(encoded, MAX_BATCH_WRITE_ITEMS):
                request = batch_write_request(self._table, chunk)
                left = resend_until_done(self._batch_write, request, self._backoff())
                if left is not None:
                    unwritten = [
                        put["PutRequest"]["Item"] for put in left["RequestItems"][self._table]
                    ]
                    raise _unfinished("put_many", "unwritten", unwritten)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Collect operations; commit them with TransactWriteItems when the block ends cleanly."""
        if self._closed:
            raise StoreClosedError("transaction")
        transaction = Transaction()
        yield transaction
        writes = transaction.writes
        if not writes:
            return
        with self._operation("transaction", None, None):
            request = [transact_item(self._table, write) for write, _ in writes]
            try:
                self._client.transact_write_items(TransactItems=request)  # type: ignore[arg-type]
            except ClientError as exc:
                if error_code(exc) != "TransactionCanceledException":
                    raise
                reasons = exc.response.get("CancellationReasons", [])
                plain = [write for write, _ in writes]
                errors = cancellation_reasons("transaction", plain, reasons, self._read_now)
                raise TransactionCanceledError(errors) from exc
            for write, item in writes:
                if item is not None:
                    settle(write, item)

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

    def _write(self, operation: str, write: Create | Update | Delete) -> None:
        """Send one conditional write; a failed condition becomes the error it means."""
        if isinstance(write, Update) and not write.to_set and not write.to_remove:
            # Nothing to change: the update only asserts that the item exists.
            if self._read_now(write.pk, write.sk) is None:
                raise ItemNotFoundError(operation, write.pk, write.sk)
            return
        request = write_request(self._table, write)
        try:
            if isinstance(write, Create):
                self._client.put_item(**request)
            elif isinstance(write, Update):
                self._client.update_item(**request)
            else:
                self._client.delete_item(**request)
        except ClientError as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            resent = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) > 0
            error = condition_failure(operation, write, exc.response, self._read_now, resent=resent)
            if error is not None:
                raise error from exc
            self._logger.debug("a resent create met its own write", op=operation)

    def _read(self, pk: str, sk: str, *, consistent: bool | None = None) -> Item | None:
        strong = self._config.consistent_reads if consistent is None else consistent
        request = get_request(self._table, pk, sk, consistent=strong)
        found: Item | None = self._client.get_item(**request).get("Item")
        return found

    def _read_now(self, pk: str, sk: str) -> Item | None:
        """The item as it is now, strongly consistent whatever the config says."""
        return self._read(pk, sk, consistent=True)

    def _collect(self, query: KeyQuery, *, wanted: int | None, after: str | None) -> list[Item]:
        """Query pages until `wanted` items are in hand (all, if None), past `after`."""
        found: list[Item] = []
        start_key = None if after is None else encode_key(query.pk, after)
        while True:
            request = query_request(
                self._table, query.pk, query.condition, descending=query.descending,
                consistent=self._config.consistent_reads,
                limit=None if wanted is None else wanted - len(found), start_key=start_key,
            )  # fmt: skip
            page = self._client.query(**request)
            found.extend(page["Items"])
            start_key = page.get("LastEvaluatedKey")
            if start_key is None or (wanted is not None and len(found) >= wanted):
                return found

    def _batch_get(
        self, request: dict[str, Any], found: dict[tuple[str, str], Item]
    ) -> dict[str, Any] | None:
        answer = self._client.batch_get_item(**request)
        for item in answer.get("Responses", {}).get(self._table, []):
            found[(item["pk"]["S"], item["sk"]["S"])] = item
        left = answer.get("UnprocessedKeys", {}).get(self._table)
        return {"RequestItems": {self._table: left}} if left and left.get("Keys") else None

    def _batch_write(self, request: dict[str, Any]) -> dict[str, Any] | None:
        answer = self._client.batch_write_item(**request)
        left = answer.get("UnprocessedItems", {}).get(self._table)
        return {"RequestItems": {self._table: left}} if left else None

    def _backoff(self) -> Backoff:
        return Backoff(deadline_s=self._config.batch_retry_seconds)

    @contextmanager
    def _operation(self, name: str, pk: str | None, sk: str | None) -> Iterator[None]:
        """The one boundary: refuse a closed store, time and log, translate engine errors."""
        if self._closed:
            raise StoreClosedError(name)
        started = time.perf_counter()
        try:
            yield
        except (ClientError, BotoCoreError) as exc:
            error = translate(exc, name, pk or "?", sk)
            self._logger.error("operation failed", op=name, error=type(error).__name__)
            raise error from exc
        except KeyValueStoreError as error:
            self._logger.error("operation failed", op=name, error=type(error).__name__)
            raise
        self._logger.debug(name, op=name, pk=pk, sk=sk, ms=_ms_since(started))


def _unfinished(operation: str, state: str, items: list[Item]) -> KeyValueStoreError:
    keys = ", ".join(f"({item['pk']['S']!r}, {item['sk']['S']!r})" for item in items)
    return KeyValueStoreError(
        f"{operation}: {len(items)} item(s) still {state} after the retry time: {keys}"
    )


def _key_of(item: object) -> tuple[str, str]:
    return str(getattr(item, "pk", "?")), str(getattr(item, "sk", "?"))


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
