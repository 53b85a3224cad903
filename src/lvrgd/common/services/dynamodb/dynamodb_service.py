"""DynamoDBService: the KeyValueStore on one DynamoDB table, over DynamoDB's JSON protocol.

Operations go through the driver (`_driver`): requests built by `_protocol`, signed
and retried by botocore's signer and standard retry mode, sent through a `Transport`.
boto3's low-level client, built as before, resolves the endpoint and credentials the
driver uses.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from lvrgd.common.services.kvstore._attributes import encode_key
from lvrgd.common.services.kvstore._base import KeyValueStoreBase
from lvrgd.common.services.kvstore._batches import MAX_BATCH_GET_KEYS, MAX_BATCH_WRITE_ITEMS, chunks
from lvrgd.common.services.kvstore._errors import (
    ConditionFailedError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreUnavailableError,
    TransactionCanceledError,
)
from lvrgd.common.services.kvstore._patch import patch_error
from lvrgd.common.services.kvstore._writes import Create, Update, met_item

from . import _table
from ._errors import error_code, translate
from ._outcomes import cancellation_reasons, condition_failure
from ._requests import (
    batch_get_request,
    batch_write_request,
    get_request,
    patch_item_request,
    query_request,
    start_key,
    transact_item,
    write_request,
)
from ._retry import Backoff, resend_until_done
from ._schema import index_problems

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._batches import Key
    from lvrgd.common.services.kvstore._conditions import KeyQuery
    from lvrgd.common.services.kvstore._indexes import Position
    from lvrgd.common.services.kvstore._limits import Item
    from lvrgd.common.services.kvstore._patch import Patch
    from lvrgd.common.services.kvstore._writes import Delete, Write
    from lvrgd.common.services.logging import LoggingService

    from ._transport import Transport
    from .dynamodb_models import DynamoDBConfig

Request = dict[str, Any]


class DynamoDBService(KeyValueStoreBase):
    """KeyValueStore on one DynamoDB table, over DynamoDB's JSON protocol.

    Safe to share between threads. botocore's standard retry mode, with `max_attempts`
    attempts, decides the only retries of a failed call; what a batch leaves
    unprocessed is resent with backoff for up to `batch_retry_seconds`.

    Args:
        logger: Where operations are logged (name, key and milliseconds at debug;
            failures at error; never item payloads).
        config: The table and how to reach it.
        transport: Where requests are sent: a `Transport` of your own (a test double,
            another HTTP client); by default pooled urllib3 connections with the
            config's timeouts and `max_pool_connections`.
    """

    engine_errors: ClassVar[tuple[type[Exception], ...]] = (ClientError, BotoCoreError)

    def __init__(
        self, logger: LoggingService, config: DynamoDBConfig, *, transport: Transport | None = None
    ) -> None:
        """Build the client and the driver; nothing is sent until the first operation."""
        super().__init__(logger, entity_attribute=config.entity_attribute, indexes=config.indexes)
        self._config = config
        self._table = config.table_name
        self._client = _table.new_client(config, self._logger)
        self._driver = _table.new_driver(config, self._client, transport)

    def __repr__(self) -> str:
        """Name the table and region, never the credentials."""
        return f"DynamoDBService(table={self._table!r}, region={self._config.region!r})"

    def ping(self) -> bool:
        """True when the table is reachable and ACTIVE with its declared indexes.

        Each declared index must exist, be ACTIVE, and have the declared kind, keys and
        projection; otherwise False, with a warning naming the index, so that a
        deployment whose indexes drifted from the code is caught when it starts.
        """
        if self._closed:
            self._logger.warning("ping: the store is closed", op="ping")
            return False
        try:
            # Through the driver, as every operation: its successes refill the retry
            # quota that their retries take from, as botocore's one client did.
            table = self._driver.call("DescribeTable", {"TableName": self._table})["Table"]
        except ClientError as exc:
            reason = error_code(exc)
        except BotoCoreError as exc:
            reason = type(exc).__name__
        else:
            status = table.get("TableStatus")
            problems = index_problems(dict(table), self._indexes.specs, self._entity_attribute)
            if status == "ACTIVE" and not problems:
                return True
            reason = "; ".join(problems) if status == "ACTIVE" else f"the table is {status}"
        self._logger.warning("ping failed", op="ping", table=self._table, reason=reason)
        return False

    def close(self) -> None:
        """Close the client's connections; idempotent."""
        if not self._closed:
            self._closed = True
            self._driver.close()
            self._client.close()

    def translate(
        self, error: Exception, operation: str, pk: str | None, sk: str | None
    ) -> KeyValueStoreError:
        """The port's error for a botocore error (see `_errors.translate`)."""
        assert isinstance(error, ClientError | BotoCoreError)  # noqa: S101 - engine_errors
        attempts: int | None
        if isinstance(error, ClientError):
            attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
        else:
            attempts = self._driver.last_attempts()
        return translate(
            error, operation, pk, sk, table=self._table,
            endpoint=self._driver.endpoint, attempts=attempts,
        )  # fmt: skip

    def _apply(self, operation: str, write: Create | Update | Delete) -> None:
        """Send one conditional write; a failed condition becomes the error it means."""
        if isinstance(write, Update) and not (write.to_set or write.to_remove or write.tag):
            # Nothing to change: the update only asserts that the item exists (and an
            # UpdateItem without an expression crashes moto's server).
            if self._read_now(write.pk, write.sk) is None:
                raise ItemNotFoundError(operation, write.pk, write.sk)
            return
        request = write_request(self._table, write)
        try:
            if isinstance(write, Create):
                self._driver.call("PutItem", request)
            elif isinstance(write, Update):
                self._driver.call("UpdateItem", request)
            else:
                self._driver.call("DeleteItem", request)
        except ClientError as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            resent = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) > 0
            error = condition_failure(
                operation, write, exc.response, self._read_now, resent=resent,
                entity_attribute=self._entity_attribute,
            )  # fmt: skip
            if error is not None:
                raise error from exc
            self._logger.debug("a resent write met its own result", op=operation)

    def _patch(self, operation: str, patch: Patch) -> Item | None:
        """UpdateItem with the patch's expressions; a failed condition says what it met."""
        request = patch_item_request(self._table, patch)
        try:
            answer = self._driver.call("UpdateItem", request)
        except ClientError as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            old: Item | None = exc.response.get("Item")  # type: ignore[assignment]
            if old is None:
                old = self._read_now(patch.pk, patch.sk)
            error = patch_error(operation, patch, old, self._entity_attribute)
            if error is None:  # the engine read the condition otherwise than the store does
                met = met_item(operation, old, patch.model, self._entity_attribute)
                error = ConditionFailedError(operation, patch.pk, patch.sk, item=met)
            raise error from exc
        after: Item | None = answer.get("Attributes")
        return after

    def _fetch(self, pk: str, sk: str) -> Item | None:
        return self._read(pk, sk, consistent=self._config.consistent_reads)

    def _read_now(self, pk: str, sk: str) -> Item | None:
        """The item as it is now, strongly consistent whatever the config says."""
        return self._read(pk, sk, consistent=True)

    def _read(self, pk: str, sk: str, *, consistent: bool) -> Item | None:
        request = get_request(self._table, pk, sk, consistent=consistent)
        found: Item | None = self._driver.call("GetItem", request).get("Item")
        return found

    def _select(self, query: KeyQuery, *, after: Position | None, limit: int | None) -> list[Item]:
        """Query pages until `limit` items are in hand (all, if None), asking no more."""
        found: list[Item] = []
        index = query.index
        resume = None if after is None else start_key(query.pk, index, after)
        consistent = query.consistent
        if consistent is None and (index is None or index.spec.local):
            consistent = self._config.consistent_reads
        while True:
            request = query_request(
                self._table, query.pk, query.condition, descending=query.descending,
                consistent=consistent, limit=None if limit is None else limit - len(found),
                start_key=resume, index=index,
            )  # fmt: skip
            page = self._driver.call("Query", request)
            found.extend(page["Items"])
            resume = page.get("LastEvaluatedKey")
            if resume is None or (limit is not None and len(found) >= limit):
                return found

    def _fetch_many(self, keys: list[Key]) -> dict[Key, Item]:
        """BatchGetItem in chunks of 100, resending unprocessed keys with backoff."""
        found: dict[Key, Item] = {}
        backoff = self._backoff()
        consistent = self._config.consistent_reads
        parts = chunks(keys, MAX_BATCH_GET_KEYS)
        for index, chunk in enumerate(parts):
            request = batch_get_request(self._table, chunk, consistent=consistent)
            left = resend_until_done(lambda r: self._batch_get(r, found), request, backoff)
            if left is not None:
                unread = left["RequestItems"][self._table]["Keys"]
                later = [encode_key(*key) for part in parts[index + 1 :] for key in part]
                raise _unfinished("get_many", "unread", unread + later)
        return found

    def _store_many(self, items: dict[Key, Item]) -> None:
        """BatchWriteItem in chunks of 25, resending unprocessed items with backoff."""
        backoff = self._backoff()
        parts = chunks(list(items.values()), MAX_BATCH_WRITE_ITEMS)
        for index, chunk in enumerate(parts):
            request = batch_write_request(self._table, chunk)
            by_key = {(item["pk"]["S"], item["sk"]["S"]): item for item in chunk}
            left = resend_until_done(partial(self._batch_write, by_key=by_key), request, backoff)
            if left is not None:
                unwritten = [put["PutRequest"]["Item"] for put in left["RequestItems"][self._table]]
                later = [item for part in parts[index + 1 :] for item in part]
                raise _unfinished("put_many", "unwritten", unwritten + later)

    def _commit(self, writes: list[Write]) -> None:
        """TransactWriteItems; a cancellation names each operation's reason."""
        request = [transact_item(self._table, write) for write in writes]
        try:
            self._driver.call("TransactWriteItems", {"TransactItems": request})
        except ClientError as exc:
            if error_code(exc) != "TransactionCanceledException":
                raise
            reasons = exc.response.get("CancellationReasons", [])
            errors = cancellation_reasons(
                "transaction", writes, reasons, self._read_now, self._entity_attribute
            )
            raise TransactionCanceledError(errors) from exc

    def _batch_get(self, request: Request, found: dict[Key, Item]) -> Request | None:
        answer = self._driver.call("BatchGetItem", request)
        for item in answer.get("Responses", {}).get(self._table, []):
            found[(item["pk"]["S"], item["sk"]["S"])] = item
        left = answer.get("UnprocessedKeys", {}).get(self._table)
        return {"RequestItems": {self._table: left}} if left and left.get("Keys") else None

    def _batch_write(self, request: Request, by_key: dict[Key, Item]) -> Request | None:
        answer = self._driver.call("BatchWriteItem", request)
        left = answer.get("UnprocessedItems", {}).get(self._table)
        if not left:
            return None
        # Resend our own items: the answer's copies hold binaries as base64 text.
        keys = [
            (put["PutRequest"]["Item"]["pk"]["S"], put["PutRequest"]["Item"]["sk"]["S"])
            for put in left
        ]
        return batch_write_request(self._table, [by_key[key] for key in keys])

    def _backoff(self) -> Backoff:
        return Backoff(deadline_s=self._config.batch_retry_seconds)


def _unfinished(operation: str, state: str, items: list[Item]) -> KeyValueStoreError:
    keys = ", ".join(f"({item['pk']['S']!r}, {item['sk']['S']!r})" for item in items)
    reason = f"{len(items)} item(s) still {state} after the retry time: {keys}"
    return StoreUnavailableError(operation, None, None, reason)
