"""aiobotocore as a peer of AsyncDynamoDBService: botocore's pipeline on aiohttp, async.

The variant writes the items as the raw client does (hand-written AttributeValue
dicts) and reads them back through boto3's ``TypeDeserializer`` and
``Order.model_validate``, so its rows carry the same model conversion as every other
variant's. Its client is entered once on the variant's own loop and kept for the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiobotocore.session import get_session
from boto3.dynamodb.types import TypeDeserializer

from . import _variants
from ._items import ACCESS_KEY, REGION, SECRET_KEY, TABLE, Order, raw_item, raw_key
from ._timing import expect
from .peers import _Loop

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


class Aiobotocore(_variants.Variant):
    """aiobotocore's DynamoDB client (async); items validated as `Order`."""

    name = "aiobotocore"
    label = "aiobotocore (async)"

    def __init__(self, endpoint_url: str) -> None:
        """A client of the engine with the benchmark's dummy keys, on a loop of its own."""
        self.loop = _Loop()
        self._context = get_session().create_client(
            "dynamodb",
            region_name=REGION,
            endpoint_url=endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )
        self.client: Any = self.loop.loop.run_until_complete(self._context.__aenter__())
        self._plain = TypeDeserializer().deserialize

    def _model(self, item: dict[str, Any]) -> Order:
        plain = self._plain
        return Order.model_validate({name: plain(value) for name, value in item.items()})

    def create(self, items: Sequence[Order]) -> Callable[[], None]:
        """``await put_item(...)`` with ``attribute_not_exists(pk)``."""
        requests = [
            {
                "TableName": TABLE,
                "Item": raw_item(i),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
            for i in items
        ]
        put = self.client.put_item

        async def batch() -> None:
            for request in requests:
                await put(**request)

        return lambda: self.loop.run(batch())

    def get_one(self, pk: str, sk: str, times: int) -> Callable[[], None]:
        """``await get_item(ConsistentRead=True)``, then the item as `Order`."""
        get, key = self.client.get_item, raw_key(pk, sk)

        async def batch() -> None:
            for _ in range(times):
                self._model((await get(TableName=TABLE, Key=key, ConsistentRead=True))["Item"])

        return lambda: self.loop.run(batch())

    def update(self, items: Sequence[Order]) -> Callable[[], None]:
        """Not compared here (the engine suite compares updates)."""
        raise NotImplementedError

    def query(self, pk: str, expected: int, times: int) -> Callable[[], None]:
        """Every page of the partition, each item as `Order`."""
        query = self.client.query

        async def batch() -> None:
            for _ in range(times):
                request: dict[str, Any] = {
                    "TableName": TABLE,
                    "KeyConditionExpression": "pk = :pk",
                    "ExpressionAttributeValues": {":pk": {"S": pk}},
                    "ConsistentRead": True,
                }
                items: list[Order] = []
                while True:
                    page = await query(**request)
                    items += [self._model(item) for item in page["Items"]]
                    if "LastEvaluatedKey" not in page:
                        break
                    request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
                expect(len(items) == expected, f"{expected} items")

        return lambda: self.loop.run(batch())

    def close(self) -> None:
        """Leave the client's context and close the loop."""
        self.loop.run(self._context.__aexit__(None, None, None))
        self.loop.close()
