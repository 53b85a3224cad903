"""Requests for DynamoDB's low-level API, built from values: no client, no I/O.

Every attribute name goes through an ``#placeholder``, so reserved words and names
holding ``.``, ``#`` or ``:`` are plain names, never expression syntax.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lvrgd.common.services.kvstore._attributes import Tag, encode_key
from lvrgd.common.services.kvstore._conditions import (
    BeginsWith,
    Between,
    Equals,
    GreaterOrEqual,
    GreaterThan,
    LessOrEqual,
    LessThan,
    SortKeyCondition,
)
from lvrgd.common.services.kvstore._patch import patch_request
from lvrgd.common.services.kvstore._writes import (
    VERSION,
    Check,
    Create,
    Delete,
    Require,
    Update,
    update_expression,
)

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._indexes import IndexQuery, Position
    from lvrgd.common.services.kvstore._limits import Item
    from lvrgd.common.services.kvstore._patch import Patch
    from lvrgd.common.services.kvstore._where import Condition
    from lvrgd.common.services.kvstore._writes import Write

Request = dict[str, Any]
ALL_OLD = {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
"""Asked of every conditional write: a failed condition returns the item it met."""

_KEY_NAMES = {"#pk": "pk", "#sk": "sk"}
_COMPARISONS: dict[type, str] = {
    Equals: "=",
    LessThan: "<",
    LessOrEqual: "<=",
    GreaterThan: ">",
    GreaterOrEqual: ">=",
}


def write_request(table: str, write: Create | Update | Delete) -> Request:
    """The PutItem, UpdateItem or DeleteItem request that carries out `write`."""
    if isinstance(write, Create):
        request = put_request(table, write.item)
    elif isinstance(write, Update):
        request = update_request(
            table, write.pk, write.sk, write.to_set, list(write.to_remove),
            expected_version=write.expected_version, tag=write.tag,
        )  # fmt: skip
    else:
        request = delete_request(table, write.pk, write.sk)
    return with_condition(request, write.condition)


def transact_item(table: str, write: Write) -> Request:
    """One element of TransactWriteItems carrying out `write`."""
    if isinstance(write, Require):
        return {"ConditionCheck": {**delete_request(table, write.pk, write.sk)}}
    if isinstance(write, Check):
        return {"ConditionCheck": check_request(table, write.pk, write.sk, write.condition)}
    kind = {Create: "Put", Update: "Update", Delete: "Delete"}[type(write)]
    return {kind: write_request(table, write)}


def patch_item_request(table: str, patch: Patch) -> Request:
    """UpdateItem carrying out `patch`: its changes, its conditions, the item after."""
    expressions = patch_request(patch)
    request: Request = {
        "TableName": table,
        "Key": encode_key(patch.pk, patch.sk),
        "UpdateExpression": expressions.update,
        "ExpressionAttributeNames": expressions.names,
        "ReturnValues": "ALL_NEW" if patch.return_item else "NONE",
        **ALL_OLD,
    }
    if expressions.condition:
        request["ConditionExpression"] = expressions.condition
    if expressions.values:
        request["ExpressionAttributeValues"] = expressions.values
    return request


def check_request(table: str, pk: str, sk: str, condition: Condition[Any]) -> Request:
    """A transaction's ConditionCheck of `condition` alone at (pk, sk)."""
    compiled = condition.compiled
    request: Request = {
        "TableName": table,
        "Key": encode_key(pk, sk),
        "ConditionExpression": compiled.expression,
        "ExpressionAttributeNames": dict(compiled.names),
        **ALL_OLD,
    }
    if compiled.values:
        request["ExpressionAttributeValues"] = dict(compiled.values)
    return request


def with_condition(request: Request, condition: Condition[Any] | None) -> Request:
    """`request` whose ConditionExpression also requires `condition` (its own placeholders)."""
    if condition is None:
        return request
    compiled = condition.compiled
    request["ConditionExpression"] = f"{request['ConditionExpression']} AND ({compiled.expression})"
    request["ExpressionAttributeNames"] = {**request["ExpressionAttributeNames"], **compiled.names}
    if compiled.values:
        values = request.get("ExpressionAttributeValues", {})
        request["ExpressionAttributeValues"] = {**values, **compiled.values}
    return request


def put_request(table: str, item: Item) -> Request:
    """PutItem that writes `item` only if its key is free."""
    return {
        "TableName": table,
        "Item": item,
        "ConditionExpression": "attribute_not_exists(#pk)",
        "ExpressionAttributeNames": {"#pk": "pk"},
        **ALL_OLD,
    }


def update_request(  # noqa: PLR0913 - each argument is a distinct part of the request
    table: str,
    pk: str,
    sk: str,
    to_set: Item,
    to_remove: list[str],
    *,
    expected_version: int | None = None,
    tag: Tag | None = None,
) -> Request:
    """UpdateItem that sets and removes attributes of an existing item only.

    With `expected_version`, only while the stored version is that one. With `tag`,
    the entity name is stored where the item has none (``if_not_exists``).
    """
    names = {"#pk": "pk"}
    values: Item = {}
    if tag is not None:
        names["#e"] = tag[0]
        values[":e"] = {"S": tag[1]}
    for index, (name, value) in enumerate(to_set.items()):
        names[f"#s{index}"] = name
        values[f":s{index}"] = value
    for index, name in enumerate(to_remove):
        names[f"#r{index}"] = name
    condition = "attribute_exists(#pk)"
    if expected_version is not None:
        names["#ver"] = VERSION
        values[":ver"] = {"N": str(expected_version)}
        condition += " AND #ver = :ver"
    request: Request = {
        "TableName": table,
        "Key": encode_key(pk, sk),
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        **ALL_OLD,
    }
    if values:
        request["ExpressionAttributeValues"] = values
    expression = update_expression(len(to_set), len(to_remove), tagged=tag is not None)
    if expression:
        request["UpdateExpression"] = expression
    return request


def delete_request(table: str, pk: str, sk: str) -> Request:
    """DeleteItem that removes an existing item only."""
    return {
        "TableName": table,
        "Key": encode_key(pk, sk),
        "ConditionExpression": "attribute_exists(#pk)",
        "ExpressionAttributeNames": {"#pk": "pk"},
        **ALL_OLD,
    }


def batch_get_request(table: str, keys: list[tuple[str, str]], *, consistent: bool) -> Request:
    """BatchGetItem of up to 100 distinct keys."""
    return {
        "RequestItems": {
            table: {"Keys": [encode_key(pk, sk) for pk, sk in keys], "ConsistentRead": consistent}
        }
    }


def batch_write_request(table: str, items: list[Item]) -> Request:
    """BatchWriteItem putting up to 25 items of distinct keys."""
    return {"RequestItems": {table: [{"PutRequest": {"Item": item}} for item in items]}}


def get_request(table: str, pk: str, sk: str, *, consistent: bool) -> Request:
    """GetItem of one key."""
    return {"TableName": table, "Key": encode_key(pk, sk), "ConsistentRead": consistent}


def query_request(  # noqa: PLR0913 - every argument is a distinct part of the request
    table: str,
    pk: str,
    condition: SortKeyCondition | None,
    *,
    descending: bool,
    consistent: bool | None,
    limit: int | None = None,
    start_key: Item | None = None,
    index: IndexQuery | None = None,
) -> Request:
    """Query of one partition, of the table or of an index, under an optional sort-key condition.

    Args:
        table: The table's name.
        pk: The partition to read (the index's partition key for an index).
        condition: The sort-key condition (on the index's sort key), if any.
        descending: Read from the highest sort key down.
        consistent: Strongly consistent read; None sends no ConsistentRead (a global
            index takes only eventually consistent reads).
        limit: At most this many items evaluated in this request.
        start_key: The page's starting point, DynamoDB's LastEvaluatedKey.
        index: The index read, None for the table.
    """
    expression, values = _key_condition(pk, condition)
    if index is None:
        names = dict(_KEY_NAMES) if condition is not None else {"#pk": "pk"}
    else:
        spec = index.spec
        names = {"#pk": spec.pk} if condition is None or spec.sk is None else {
            "#pk": spec.pk, "#sk": spec.sk
        }  # fmt: skip
    request: Request = {
        "TableName": table,
        "KeyConditionExpression": expression,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": not descending,
    }
    if index is not None:
        request["IndexName"] = index.spec.name
        if index.fetch_unprojected:
            request["Select"] = "ALL_ATTRIBUTES"
    if consistent is not None:
        request["ConsistentRead"] = consistent
    if limit is not None:
        request["Limit"] = limit
    if start_key is not None:
        request["ExclusiveStartKey"] = start_key
    return request


def start_key(query_pk: str, index: IndexQuery | None, after: Position) -> Item:
    """The ExclusiveStartKey that resumes a query after the item standing at `after`.

    For the table, the item's key; for an index, the index's keys and the table's, as
    DynamoDB's LastEvaluatedKey of an index query holds them.
    """
    if index is None or isinstance(after, str):
        return encode_key(query_pk, str(after))
    index_sk, pk, sk = after
    key: Item = {index.spec.pk: {"S": query_pk}}
    if index.spec.sk is not None:
        key[index.spec.sk] = {"S": index_sk}
    key.update(encode_key(pk, sk))
    return key


def _key_condition(pk: str, condition: SortKeyCondition | None) -> tuple[str, Item]:
    expression = "#pk = :pk"
    values: Item = {":pk": {"S": pk}}
    if condition is None:
        return expression, values
    if isinstance(condition, Between):
        values[":lo"], values[":hi"] = {"S": condition.low}, {"S": condition.high}
        return f"{expression} AND #sk BETWEEN :lo AND :hi", values
    if isinstance(condition, BeginsWith):
        values[":sk"] = {"S": condition.prefix}
        return f"{expression} AND begins_with(#sk, :sk)", values
    values[":sk"] = {"S": condition.value}
    return f"{expression} AND #sk {_COMPARISONS[type(condition)]} :sk", values
