"""The async driver on its default transport (httpx) against real engines: moto, dynalite.

The same operations go through the sync driver and the async one, each on a table of
its own, and every answer (and every error) is the same; on asyncio and on trio. The
engines are the testing kit's, started once per run and shared with the contract
suite; each must start under CI (``CI`` set), and the tests skip, saying why, elsewhere.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from botocore.exceptions import ClientError
from pydantic import SecretStr

from lvrgd.common.services.dynamodb import DynamoDBConfig, _table, create_table
from lvrgd.common.services.dynamodb._async_parts import new_async_driver
from lvrgd.common.services.dynamodb._async_transport import AsyncBotocoreHooks
from lvrgd.common.services.dynamodb._httpx import HttpxTransport
from lvrgd.common.services.testing.plugin import backend_for

if TYPE_CHECKING:
    from lvrgd.common.services.dynamodb._async_driver import AsyncDriver
    from lvrgd.common.services.dynamodb._driver import Driver

Params = dict[str, Any]


@pytest.fixture(params=["moto", "dynalite"], scope="module")
def endpoint_url(request: pytest.FixtureRequest) -> str:
    """Where the engine answers (started on first use by the testing kit)."""
    url = backend_for(request.config, request.param).endpoint_url
    assert url is not None
    return url


def _new_table(endpoint_url: str) -> DynamoDBConfig:
    config = DynamoDBConfig(
        table_name=f"async-driver-{uuid.uuid4().hex[:12]}",
        region="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="engine",
        aws_secret_access_key=SecretStr("engine-dummy-secret"),
        max_pool_connections=4,
    )
    create_table(config)
    return config


def _key(sk: str) -> Params:
    return {"pk": {"S": "customer#1"}, "sk": {"S": sk}}


def _operations(table: str) -> list[tuple[str, Params]]:
    """A session of a store's operations, in DynamoDB's JSON; a failed condition included."""
    blob = base64.b64encode(b"\x00\xff").decode()  # the codec's wire form of bytes
    item = {**_key("order#1"), "total": {"N": "9.90"}, "blob": {"B": blob}, "tag": {"S": "é😀"}}
    absent = {
        "ConditionExpression": "attribute_not_exists(#pk)",
        "ExpressionAttributeNames": {"#pk": "pk"},
    }
    return [
        ("DescribeTable", {"TableName": table}),
        ("PutItem", {"TableName": table, "Item": item, **absent}),
        (
            "PutItem",
            {
                "TableName": table,
                "Item": item,
                **absent,
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            },
        ),
        ("GetItem", {"TableName": table, "Key": _key("order#1"), "ConsistentRead": True}),
        (
            "BatchWriteItem",
            {
                "RequestItems": {
                    table: [{"PutRequest": {"Item": _key(f"order#{n:02}")}} for n in range(2, 20)]
                }
            },
        ),
        (
            "TransactWriteItems",
            {
                "TransactItems": [
                    {"Put": {"TableName": table, "Item": _key("order#20")}},
                    {"Delete": {"TableName": table, "Key": _key("order#02")}},
                ]
            },
        ),
        (
            "Query",
            {
                "TableName": table,
                "KeyConditionExpression": "#pk = :pk",
                "ExpressionAttributeNames": {"#pk": "pk"},
                "ExpressionAttributeValues": {":pk": {"S": "customer#1"}},
                "ConsistentRead": True,
                "Limit": 7,
            },
        ),
        (
            "UpdateItem",
            {
                "TableName": table,
                "Key": _key("order#1"),
                "UpdateExpression": "SET #t = :t",
                "ExpressionAttributeNames": {"#t": "total"},
                "ExpressionAttributeValues": {":t": {"N": "1"}},
                "ReturnValues": "ALL_NEW",
            },
        ),
        ("DeleteItem", {"TableName": table, "Key": _key("order#1"), "ReturnValues": "ALL_OLD"}),
        ("GetItem", {"TableName": table, "Key": _key("order#1"), "ConsistentRead": True}),
    ]


def _comparable(table: str, operation: str, outcome: Params) -> Any:
    """`outcome` without what differs between two tables: their names and creation times."""
    if operation == "DescribeTable":
        described = outcome["Table"]
        return {"status": described["TableStatus"], "keys": described["KeySchema"]}
    return json.loads(json.dumps(outcome).replace(table, "TABLE"))


def _sync_outcome(driver: Driver, table: str, operation: str, params: Params) -> Any:
    try:
        return _comparable(table, operation, driver.call(operation, params))
    except ClientError as exc:
        return {"error": exc.response["Error"]["Code"], "item": exc.response.get("Item")}


async def _async_outcome(driver: AsyncDriver, table: str, operation: str, params: Params) -> Any:
    try:
        return _comparable(table, operation, await driver.call(operation, params))
    except ClientError as exc:
        return {"error": exc.response["Error"]["Code"], "item": exc.response.get("Item")}


def _sync_session(config: DynamoDBConfig) -> list[Any]:
    client = _table.new_client(config)
    driver = _table.new_driver(config, client)
    table = config.table_name
    try:
        return [_sync_outcome(driver, table, *operation) for operation in _operations(table)]
    finally:
        driver.close()
        client.close()


async def _async_session(config: DynamoDBConfig) -> list[Any]:
    driver = new_async_driver(config)
    table = config.table_name
    try:
        outcomes = [
            await _async_outcome(driver, table, *operation) for operation in _operations(table)
        ]
        assert isinstance(driver.transport, AsyncBotocoreHooks)
        assert isinstance(driver.transport.inner, HttpxTransport)
    finally:
        await driver.aclose()
    return outcomes


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_async_driver_answers_as_the_sync_driver_on_a_real_engine(
    backend: str, endpoint_url: str
) -> None:
    expected = _sync_session(_new_table(endpoint_url))
    got = anyio.run(_async_session, _new_table(endpoint_url), backend=backend)

    assert got == expected
    assert got[2]["error"] == "ConditionalCheckFailedException"
    assert got[3]["Item"]["blob"] == {"B": base64.b64encode(b"\x00\xff").decode()}
    assert len(got[6]["Items"]) == 7


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_concurrent_calls_share_the_pool_on_a_real_engine(backend: str, endpoint_url: str) -> None:
    config = _new_table(endpoint_url)
    table = config.table_name

    async def main() -> Params:
        driver = new_async_driver(config)
        try:
            async with anyio.create_task_group() as tasks:
                for n in range(64):  # 64 in flight over max_pool_connections=4
                    item = {**_key(f"item#{n:03}"), "n": {"N": str(n)}}
                    tasks.start_soon(driver.call, "PutItem", {"TableName": table, "Item": item})
            return await driver.call(
                "Query",
                {"TableName": table, "KeyConditionExpression": "pk = :pk",
                 "ExpressionAttributeValues": {":pk": {"S": "customer#1"}}},
            )  # fmt: skip
        finally:
            await driver.aclose()

    page = anyio.run(main, backend=backend)

    assert [item["n"]["N"] for item in page["Items"]] == [str(n) for n in range(64)]
