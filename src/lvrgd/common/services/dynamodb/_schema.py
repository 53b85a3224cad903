"""The table's schema in DynamoDB's terms: CreateTable's request, and drift from a description.

`create_table` builds the table and its declared indexes from `create_request`;
`ping` compares what DescribeTable says with the declarations through
`index_problems`, so that a deployment whose indexes drifted from the code is
caught when it starts. Pure functions of values: no client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lvrgd.common.services.kvstore._indexes import included_attributes

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._indexes import IndexSpec

Request = dict[str, Any]
_TABLE_KEYS = (("pk", "HASH"), ("sk", "RANGE"))


def create_request(table: str, indexes: tuple[IndexSpec, ...], entity_attribute: str) -> Request:
    """CreateTable of the pk/sk table (on-demand) with its global and local indexes."""
    attributes = {"pk": None, "sk": None}
    for index in indexes:
        attributes.update(dict.fromkeys(index.key_attributes))
    request: Request = {
        "TableName": table,
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in attributes
        ],
        "KeySchema": [{"AttributeName": name, "KeyType": kind} for name, kind in _TABLE_KEYS],
        "BillingMode": "PAY_PER_REQUEST",
    }
    global_indexes = [_index(index, entity_attribute) for index in indexes if not index.local]
    local_indexes = [_index(index, entity_attribute) for index in indexes if index.local]
    if global_indexes:
        request["GlobalSecondaryIndexes"] = global_indexes
    if local_indexes:
        request["LocalSecondaryIndexes"] = local_indexes
    return request


def _index(index: IndexSpec, entity_attribute: str) -> Request:
    return {
        "IndexName": index.name,
        "KeySchema": key_schema(index),
        "Projection": projection(index, entity_attribute),
    }


def key_schema(index: IndexSpec) -> list[dict[str, str]]:
    """The index's KeySchema."""
    schema = [{"AttributeName": index.pk, "KeyType": "HASH"}]
    if index.sk is not None:
        schema.append({"AttributeName": index.sk, "KeyType": "RANGE"})
    return schema


def projection(index: IndexSpec, entity_attribute: str) -> dict[str, Any]:
    """The index's Projection; INCLUDE also holds the entity attribute."""
    if index.projection == "all":
        return {"ProjectionType": "ALL"}
    if index.projection == "keys_only":
        return {"ProjectionType": "KEYS_ONLY"}
    return {
        "ProjectionType": "INCLUDE",
        "NonKeyAttributes": list(included_attributes(index, entity_attribute)),
    }


def index_problems(
    description: dict[str, Any], indexes: tuple[IndexSpec, ...], entity_attribute: str
) -> list[str]:
    """How the described table's indexes differ from the declared ones, one line each.

    Args:
        description: DescribeTable's ``Table``.
        indexes: The declarations.
        entity_attribute: Where items store their entity name.
    """
    found = {
        **{each["IndexName"]: each for each in description.get("GlobalSecondaryIndexes", [])},
        **{each["IndexName"]: each for each in description.get("LocalSecondaryIndexes", [])},
    }
    local_names = {each["IndexName"] for each in description.get("LocalSecondaryIndexes", [])}
    problems = []
    for index in indexes:
        described = found.get(index.name)
        if described is None:
            problems.append(f"index {index.name!r} does not exist")
            continue
        if index.local != (index.name in local_names):
            kind = "local" if index.local else "global"
            problems.append(f"index {index.name!r} is declared {kind} but is not")
        status = described.get("IndexStatus", "ACTIVE")  # local indexes carry none
        if status != "ACTIVE":
            problems.append(f"index {index.name!r} is {status}")
        if _key_pairs(described.get("KeySchema", [])) != _key_pairs(key_schema(index)):
            problems.append(f"index {index.name!r} has other keys than declared")
        if _projection_shape(described.get("Projection", {})) != _projection_shape(
            projection(index, entity_attribute)
        ):
            problems.append(f"index {index.name!r} projects other attributes than declared")
    return problems


def _key_pairs(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(each.get("AttributeName", ""), each.get("KeyType", "")) for each in schema]


def _projection_shape(described: dict[str, Any]) -> tuple[str, frozenset[str]]:
    return described.get("ProjectionType", ""), frozenset(described.get("NonKeyAttributes", []))
