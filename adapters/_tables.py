"""Tables for tests: a pool that hands out empty tables without creating one per test.

A table is created the first time the pool has none free; from then on it is
handed out again and again, emptied first (a Scan of its keys, and BatchWriteItem
deletes of 25 at a time). A test that writes a few items costs a few milliseconds
instead of a CreateTable; the pool deletes its tables when it is closed.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from lvrgd.common.services.dynamodb import DynamoDBConfig, create_table, delete_table
from lvrgd.common.services.dynamodb._table import new_client
from lvrgd.common.services.kvstore import KeyValueStoreError

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_dynamodb import DynamoDBClient

    from lvrgd.common.services.kvstore import IndexSpec

BATCH_SIZE = 25
"""DynamoDB's most writes in one BatchWriteItem."""
_UNPROCESSED_ATTEMPTS = 8
_UNPROCESSED_BACKOFF_S = 0.01
_KEYS = {"ProjectionExpression": "#pk, #sk", "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"}}


def empty_table(config: DynamoDBConfig) -> int:
    """Delete every item of the table `config` names, leaving the table; for tests.

    Never point this at a table whose items matter: it deletes them all.

    Args:
        config: The table and how to reach it.

    Returns:
        How many items were deleted.

    Raises:
        KeyValueStoreError: If the engine refuses, or keeps items unprocessed.
    """
    client = new_client(config)
    try:
        return clear(client, config.table_name)
    except (ClientError, BotoCoreError) as exc:
        msg = f"empty_table: table {config.table_name!r}: {exc}"
        raise KeyValueStoreError(msg) from exc
    finally:
        client.close()


def clear(client: DynamoDBClient, table: str) -> int:
    """Delete every item of `table` through `client`; how many were deleted.

    The Scan asks for the keys only; where the engine fails that (moto cannot
    project an item holding a number of 38 digits), for whole items.

    Raises:
        KeyValueStoreError: If items stay unprocessed after every retry.
        ClientError: If the engine refuses the Scan or the deletes.
    """
    try:
        return _clear(client, table, _KEYS)
    except ClientError:
        return _clear(client, table, {})


def _clear(client: DynamoDBClient, table: str, projection: dict[str, Any]) -> int:
    deleted = 0
    request: dict[str, Any] = {"TableName": table, "ConsistentRead": True, **projection}
    while True:
        page = client.scan(**request)
        keys = page.get("Items", [])
        for start in range(0, len(keys), BATCH_SIZE):
            chunk = keys[start : start + BATCH_SIZE]
            deletes = [{"DeleteRequest": {"Key": _key(item)}} for item in chunk]
            _delete(client, table, deletes)
        deleted += len(keys)
        if "LastEvaluatedKey" not in page:
            return deleted
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _key(item: dict[str, Any]) -> dict[str, Any]:
    return {"pk": item["pk"], "sk": item["sk"]}


def _delete(client: DynamoDBClient, table: str, requests: list[Any]) -> None:
    for attempt in range(_UNPROCESSED_ATTEMPTS):
        answer = client.batch_write_item(RequestItems={table: requests})
        requests = answer.get("UnprocessedItems", {}).get(table, [])
        if not requests:
            return
        time.sleep(_UNPROCESSED_BACKOFF_S * 2**attempt)
    msg = f"empty_table: table {table!r}: {len(requests)} deletes stayed unprocessed"
    raise KeyValueStoreError(msg)


class TablePool:
    """Tables on one endpoint, each handed out empty and taken back for another test.

    Tables are pooled by their index declarations: a test that declares indexes gets
    a table that has exactly those.

    Args:
        config_for: The config of a table of the given name on the endpoint.
        prefix: How the names of the pool's tables begin.
    """

    def __init__(self, config_for: Callable[[str], DynamoDBConfig], prefix: str) -> None:
        """Remember how to reach the endpoint; no table is made yet."""
        self._config_for = config_for
        self._prefix = prefix
        self._free: dict[tuple[IndexSpec, ...], list[DynamoDBConfig]] = {}
        self._all: list[DynamoDBConfig] = []
        self._client: DynamoDBClient | None = None

    def lease(self, indexes: tuple[IndexSpec, ...] = ()) -> DynamoDBConfig:
        """An empty table with `indexes` nobody else holds: a free one emptied, else a new one."""
        free = self._free.setdefault(indexes, [])
        while free:
            config = free.pop()
            try:
                clear(self._emptier(config), config.table_name)
            except (ClientError, BotoCoreError, KeyValueStoreError):
                continue  # a table the engine cannot empty is left for close() to delete
            return config
        config = self._config_for(f"{self._prefix}{uuid.uuid4().hex[:12]}")
        if indexes:
            config = DynamoDBConfig.model_validate({**dict(config), "indexes": indexes})
        create_table(config)
        self._all.append(config)
        return config

    def give_back(self, config: DynamoDBConfig) -> None:
        """Take back a table from `lease`; it is emptied when next handed out."""
        self._free.setdefault(config.indexes, []).append(config)

    def close(self) -> None:
        """Delete every table of the pool."""
        try:
            for config in self._all:
                delete_table(config)
        finally:
            self._all.clear()
            self._free.clear()
            if self._client is not None:
                self._client.close()
                self._client = None

    def _emptier(self, config: DynamoDBConfig) -> DynamoDBClient:
        """The one client that empties the pool's tables (they share an endpoint)."""
        if self._client is None:
            self._client = new_client(config)
        return self._client
