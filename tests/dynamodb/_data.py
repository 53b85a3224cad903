"""Items, keys and the exact wire requests the DynamoDB adapter's tests share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lvrgd.common.services.kvstore import KeyValueItem

TABLE = "orders"
PK = "customer#1"
SK = "order#1"
PAYLOAD = "PAYLOAD-SENTINEL-7f3a"
"""A value only ever held in item payloads: no log line may carry it."""
ALL_OLD = {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
"""Every conditional write asks for the item its failed condition met."""


class Order(KeyValueItem, entity="order"):
    total: Decimal
    status: str = "open"
    note: str | None = None


ORDER = Order(pk=PK, sk=SK, total=Decimal("9.90"))


def key(pk: str = PK, sk: str = SK) -> dict[str, Any]:
    """A key in wire form."""
    return {"pk": {"S": pk}, "sk": {"S": sk}}


KEY = key()
ENTITY = {"_entity": {"S": "order"}}
"""The entity name every write of an Order stores."""
STORED_ORDER = {**KEY, "total": {"N": "9.9"}, "status": {"S": "open"}, **ENTITY}
"""ORDER as the service writes it (the None note omitted)."""

CREATE_REQUEST = {
    "TableName": TABLE,
    "Item": STORED_ORDER,
    "ConditionExpression": "attribute_not_exists(#pk)",
    "ExpressionAttributeNames": {"#pk": "pk"},
    **ALL_OLD,
}
UPDATE_REQUEST = {
    "TableName": TABLE,
    "Key": KEY,
    "ConditionExpression": "attribute_exists(#pk)",
    "ExpressionAttributeNames": {
        "#pk": "pk",
        "#e": "_entity",
        "#s0": "total",
        "#s1": "status",
        "#r0": "note",
    },
    "ExpressionAttributeValues": {":e": {"S": "order"}, ":s0": {"N": "9.9"}, ":s1": {"S": "open"}},
    "UpdateExpression": "SET #s0 = :s0, #s1 = :s1, #e = if_not_exists(#e, :e) REMOVE #r0",
    **ALL_OLD,
}


def delete_request(pk: str = PK, sk: str = SK) -> dict[str, Any]:
    """The DeleteItem (or ConditionCheck) the service sends for (pk, sk)."""
    return {
        "TableName": TABLE,
        "Key": key(pk, sk),
        "ConditionExpression": "attribute_exists(#pk)",
        "ExpressionAttributeNames": {"#pk": "pk"},
        **ALL_OLD,
    }


DELETE_REQUEST = delete_request()


def get_request(*, consistent: bool = True, pk: str = PK, sk: str = SK) -> dict[str, Any]:
    """The GetItem the service sends for (pk, sk)."""
    return {"TableName": TABLE, "Key": key(pk, sk), "ConsistentRead": consistent}


GET_REQUEST = get_request()


def query_request(
    *,
    limit: int | None = None,
    start: str | None = None,
    forward: bool = True,
    consistent: bool = True,
) -> dict[str, Any]:
    """The Query of partition PK with no sort-key condition."""
    request: dict[str, Any] = {
        "TableName": TABLE,
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": "pk"},
        "ExpressionAttributeValues": {":pk": {"S": PK}},
        "ScanIndexForward": forward,
        "ConsistentRead": consistent,
    }
    if limit is not None:
        request["Limit"] = limit
    if start is not None:
        request["ExclusiveStartKey"] = key(PK, start)
    return request


def stored(sk: str, pk: str = PK) -> dict[str, Any]:
    """A stored Order with total 1, in wire form."""
    return {**key(pk, sk), "total": {"N": "1"}, "status": {"S": "open"}, **ENTITY}


def page(sks: list[str], *, last: str | None = None) -> dict[str, Any]:
    """A Query answer holding the items at `sks`, continuing after `last` if given."""
    answer: dict[str, Any] = {
        "Items": [stored(sk) for sk in sks],
        "Count": len(sks),
        "ScannedCount": len(sks),
    }
    if last is not None:
        answer["LastEvaluatedKey"] = key(PK, last)
    return answer
