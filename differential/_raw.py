"""The engine's own answers, below the adapter: raw requests through its boto3 client.

Probes and boundary properties need to send what the codec would refuse (or
normalise) before sending, so they use the very client DynamoDBService holds.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from lvrgd.common.services import DynamoDBService

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from lvrgd.common.services.kvstore import KeyValueStore

Wire = dict[str, Any]

ACCEPTED = "accepted"
REFUSED = "refused"
"""A ValidationException: the engine refused the request as invalid."""


@dataclass(frozen=True)
class RawTable:
    """One table of an engine, reached without the adapter."""

    client: DynamoDBClient
    name: str

    def put(self, item: Wire) -> str:
        """PutItem; ``accepted``, ``refused`` or the error's code."""
        return self.attempt(lambda: self.client.put_item(TableName=self.name, Item=item))

    def update(self, key: Wire, **request: Any) -> str:
        """UpdateItem; ``accepted``, ``refused`` or the error's code."""
        return self.attempt(
            lambda: self.client.update_item(TableName=self.name, Key=key, **request)
        )

    def get(self, key: Wire) -> Wire | None:
        """GetItem, strongly consistent; the item, or None."""
        answer = self.client.get_item(TableName=self.name, Key=key, ConsistentRead=True)
        found = answer.get("Item")
        return None if found is None else binary_as_bytes(found)

    def query(self, pk: str, condition: str = "", **values: Wire) -> dict[str, Any]:
        """One Query page of partition `pk`, under an optional sort-key condition.

        Args:
            pk: The partition.
            condition: e.g. ``"#sk > :a"``; ``:a``, ``:b`` are given in `values`.
            **values: The condition's operands, by placeholder name without ``:``.
        """
        expression = "#pk = :pk" + (f" AND {condition}" if condition else "")
        names = {"#pk": "pk", "#sk": "sk"} if "#sk" in condition else {"#pk": "pk"}
        operands = {":pk": {"S": pk}, **{f":{name}": v for name, v in values.items()}}
        page = self.client.query(
            TableName=self.name,
            KeyConditionExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=operands,
            ConsistentRead=True,
        )
        answer: dict[str, Any] = dict(page)
        items: list[Wire] = answer.get("Items", [])
        answer["Items"] = [binary_as_bytes(found) for found in items]
        return answer

    def attempt(self, call: Any) -> str:
        """Run a write; ``accepted``, ``refused`` (ValidationException) or the code."""
        try:
            call()
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "Unknown"))
            return REFUSED if code == "ValidationException" else f"error {code}"
        except BotoCoreError as error:
            return f"error {type(error).__name__}"
        return ACCEPTED


def binary_as_bytes(item: Wire) -> Wire:
    """An item with its binary values as bytes.

    DynamoDBService's client hands answers over as DynamoDB's JSON, unparsed, where
    binary values are base64 text; a plain boto3 client gives bytes. Probes compare
    bytes, whichever client is used. A value of no known shape is left as it is.
    """
    return {name: _bytes_in(value) for name, value in item.items()}


def _bytes_in(value: Any) -> Any:
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((kind, body),) = value.items()
    if kind == "B" and isinstance(body, str):
        return {"B": base64.b64decode(body)}
    if kind == "BS":
        return {"BS": [base64.b64decode(b) if isinstance(b, str) else b for b in body]}
    if kind == "L" and isinstance(body, list):
        return {"L": [_bytes_in(element) for element in body]}
    if kind == "M" and isinstance(body, dict):
        return {"M": {k: _bytes_in(v) for k, v in body.items()}}
    return value


def raw_table(store: KeyValueStore) -> RawTable:
    """The client and table behind a DynamoDBService.

    Raises:
        TypeError: If `store` is not a DynamoDBService.
    """
    if not isinstance(store, DynamoDBService):
        msg = f"raw access needs a DynamoDBService, not {type(store).__name__}"
        raise TypeError(msg)
    # The suite reads the adapter's own client: probes must hit the very table and
    # connection the adapter uses, and the harness exposes nothing else.
    return RawTable(client=store._client, name=store._table)  # noqa: SLF001


def key(pk: str, sk: str) -> Wire:
    """The wire form of a key."""
    return {"pk": {"S": pk}, "sk": {"S": sk}}
