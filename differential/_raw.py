"""The engine's own answers, below the adapter: raw requests through its boto3 client.

Probes and boundary properties need to send what the codec would refuse (or
normalise) before sending, so they use the very client DynamoDBService holds.
"""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from lvrgd.common.services import DynamoDBService
from lvrgd.common.services.kvstore import DEFAULT_ENTITY_ATTRIBUTE

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


# -- the probe table with secondary indexes --------------------------------------------


@dataclass(frozen=True)
class ProbeIndex:
    """A secondary index of the probes' indexed table, as the port's IndexSpec declares it.

    The fields are IndexSpec's: the in-memory store declares the same indexes from
    these, and ``indexed_table_request`` creates them on an engine.

    Attributes:
        name: The index's name.
        pk: The attribute holding its partition key.
        sk: The attribute holding its sort key; None for none.
        local: A local secondary index (its pk is the table's).
        projection: ``all``, ``keys_only``, or the non-key attributes it includes;
            the engine's INCLUDE list also names the entity attribute, as the port
            adds it.
    """

    name: str
    pk: str
    sk: str | None = None
    local: bool = False
    projection: Literal["all", "keys_only"] | tuple[str, ...] = "all"


GSI = "by-g"
"""Global, (gpk, gsk), all attributes."""
GSI_KEYS = "by-g-keys"
"""Global, (gpk, gsk), keys only."""
GSI_INCLUDE = "by-g-include"
"""Global, (gpk, gsk), the keys and ``a``."""
GSI_HASH = "by-h"
"""Global, hpk alone (no sort key), all attributes."""
LSI = "by-l"
"""Local, (pk, lsk), all attributes."""
LSI_KEYS = "by-l-keys"
"""Local, (pk, lsk), keys only."""
LSI_INCLUDE = "by-l-include"
"""Local, (pk, lsk), the keys and ``a``."""
INCLUDED = ("a",)

PROBE_INDEXES: tuple[ProbeIndex, ...] = (
    ProbeIndex(GSI, "gpk", "gsk"),
    ProbeIndex(GSI_KEYS, "gpk", "gsk", projection="keys_only"),
    ProbeIndex(GSI_INCLUDE, "gpk", "gsk", projection=INCLUDED),
    ProbeIndex(GSI_HASH, "hpk"),
    ProbeIndex(LSI, "pk", "lsk", local=True),
    ProbeIndex(LSI_KEYS, "pk", "lsk", local=True, projection="keys_only"),
    ProbeIndex(LSI_INCLUDE, "pk", "lsk", local=True, projection=INCLUDED),
)
"""The indexed probe table's indexes, on an engine and on the in-memory store alike."""

TABLE_ACTIVE_TIMEOUT_S = 60.0
_POLL_S = 0.05


def indexed_table_request(name: str) -> dict[str, Any]:
    """The raw CreateTable of the indexed probe table `name` (on-demand billing)."""
    key_names = {"pk", "sk"} | {a for i in PROBE_INDEXES for a in (i.pk, i.sk) if a is not None}
    globals_ = [_index_request(i) for i in PROBE_INDEXES if not i.local]
    locals_ = [_index_request(i) for i in PROBE_INDEXES if i.local]
    return {
        "TableName": name,
        "AttributeDefinitions": [
            {"AttributeName": n, "AttributeType": "S"} for n in sorted(key_names)
        ],
        "KeySchema": [
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": globals_,
        "LocalSecondaryIndexes": locals_,
        "BillingMode": "PAY_PER_REQUEST",
    }


def _index_request(index: ProbeIndex) -> dict[str, Any]:
    schema = [{"AttributeName": index.pk, "KeyType": "HASH"}]
    if index.sk is not None:
        schema.append({"AttributeName": index.sk, "KeyType": "RANGE"})
    projection: dict[str, Any]
    if isinstance(index.projection, tuple):
        included = [*index.projection, DEFAULT_ENTITY_ATTRIBUTE]
        projection = {"ProjectionType": "INCLUDE", "NonKeyAttributes": included}
    else:
        projection = {"ProjectionType": index.projection.upper()}
    return {"IndexName": index.name, "KeySchema": schema, "Projection": projection}


def create_indexed_table(client: DynamoDBClient, prefix: str = "fidelity-indexes-") -> RawTable:
    """Create the indexed probe table on `client`'s engine; it is ACTIVE, its GSIs too.

    Raises:
        TimeoutError: If the table or an index is not ACTIVE within a minute.
    """
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    client.create_table(**indexed_table_request(name))
    wait_until_active(client, name)
    return RawTable(client=client, name=name)


def drop_table(client: DynamoDBClient, name: str) -> None:
    """Delete table `name` once it is ACTIVE (an engine may refuse to delete a new one)."""
    wait_until_active(client, name)
    client.delete_table(TableName=name)


def wait_until_active(client: DynamoDBClient, name: str) -> None:
    """Wait until table `name` and each of its global indexes is ACTIVE.

    Raises:
        TimeoutError: If one is not ACTIVE within a minute.
    """
    deadline = time.monotonic() + TABLE_ACTIVE_TIMEOUT_S
    while True:
        table = client.describe_table(TableName=name)["Table"]
        indexes = table.get("GlobalSecondaryIndexes", [])
        if table.get("TableStatus") == "ACTIVE" and all(
            index.get("IndexStatus", "ACTIVE") == "ACTIVE" for index in indexes
        ):
            return
        if time.monotonic() > deadline:
            msg = f"table {name!r} or one of its indexes is not ACTIVE after a minute"
            raise TimeoutError(msg)
        time.sleep(_POLL_S)
