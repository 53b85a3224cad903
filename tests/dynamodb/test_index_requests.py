"""The DynamoDB adapter's index requests: Query on an index, CreateTable, and ping's drift check."""

from __future__ import annotations

import pytest

from lvrgd.common.services.dynamodb._requests import query_request, start_key
from lvrgd.common.services.dynamodb._schema import create_request, index_problems
from lvrgd.common.services.kvstore import IndexSpec
from lvrgd.common.services.kvstore._conditions import Between, GreaterThan
from lvrgd.common.services.kvstore._indexes import IndexQuery

ENTITY = "_entity"
GLOBAL = IndexSpec(name="open", pk="gsi1pk", sk="gsi1sk", projection=("total",))
NO_SORT = IndexSpec(name="email", pk="email", projection="keys_only")
LOCAL = IndexSpec(name="by_date", pk="pk", sk="placed", local=True, projection="keys_only")
INVERTED = IndexSpec(name="inverted", pk="sk", sk="pk")


def test_an_index_query_names_the_index_and_its_key_attributes() -> None:
    request = query_request(
        "t", "status#open", Between("a", "b"), descending=True, consistent=None,
        index=IndexQuery(GLOBAL), limit=10,
    )  # fmt: skip
    assert request["IndexName"] == "open"
    assert request["KeyConditionExpression"] == "#pk = :pk AND #sk BETWEEN :lo AND :hi"
    assert request["ExpressionAttributeNames"] == {"#pk": "gsi1pk", "#sk": "gsi1sk"}
    assert request["ExpressionAttributeValues"][":pk"] == {"S": "status#open"}
    assert request["ScanIndexForward"] is False
    assert request["Limit"] == 10
    assert "ConsistentRead" not in request  # DynamoDB refuses it on a global index
    assert "Select" not in request


def test_an_index_query_without_condition_names_only_the_partition_key() -> None:
    request = query_request(
        "t", "a@b.c", None, descending=False, consistent=None, index=IndexQuery(NO_SORT)
    )
    assert request["ExpressionAttributeNames"] == {"#pk": "email"}


def test_a_local_index_query_may_be_consistent_and_read_unprojected_attributes() -> None:
    request = query_request(
        "t", "c#1", GreaterThan("2026"), descending=False, consistent=True,
        index=IndexQuery(LOCAL, fetch_unprojected=True),
    )  # fmt: skip
    assert request["ConsistentRead"] is True
    assert request["Select"] == "ALL_ATTRIBUTES"
    assert request["ExpressionAttributeNames"] == {"#pk": "pk", "#sk": "placed"}


def test_a_table_query_is_unchanged() -> None:
    request = query_request("t", "c#1", None, descending=False, consistent=True)
    assert request == {
        "TableName": "t",
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": "pk"},
        "ExpressionAttributeValues": {":pk": {"S": "c#1"}},
        "ScanIndexForward": True,
        "ConsistentRead": True,
    }


@pytest.mark.parametrize(
    ("index", "after", "expected"),
    [
        (None, "o#1", {"pk": {"S": "P"}, "sk": {"S": "o#1"}}),
        (
            IndexQuery(GLOBAL),
            ("d", "c#1", "o#1"),
            {"gsi1pk": {"S": "P"}, "gsi1sk": {"S": "d"}, "pk": {"S": "c#1"}, "sk": {"S": "o#1"}},
        ),
        (
            IndexQuery(NO_SORT),
            ("", "c#1", "#"),
            {"email": {"S": "P"}, "pk": {"S": "c#1"}, "sk": {"S": "#"}},
        ),
        (IndexQuery(INVERTED), ("c#1", "c#1", "o#1"), {"sk": {"S": "o#1"}, "pk": {"S": "c#1"}}),
    ],
)
def test_start_keys_hold_the_index_keys_and_the_tables(
    index: IndexQuery | None, after: str | tuple[str, str, str], expected: dict[str, object]
) -> None:
    assert start_key("P", index, after) == expected


def test_create_table_declares_every_key_attribute_once_and_each_index() -> None:
    request = create_request("t", (GLOBAL, NO_SORT, LOCAL, INVERTED), ENTITY)
    assert [each["AttributeName"] for each in request["AttributeDefinitions"]] == [
        "pk", "sk", "gsi1pk", "gsi1sk", "email", "placed",
    ]  # fmt: skip
    assert [each["IndexName"] for each in request["GlobalSecondaryIndexes"]] == [
        "open", "email", "inverted",
    ]  # fmt: skip
    (local,) = request["LocalSecondaryIndexes"]
    assert local["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "placed", "KeyType": "RANGE"},
    ]
    included = request["GlobalSecondaryIndexes"][0]["Projection"]
    assert included == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total", ENTITY]}
    assert request["BillingMode"] == "PAY_PER_REQUEST"


def test_create_table_without_indexes_sends_none() -> None:
    request = create_request("t", (), ENTITY)
    assert "GlobalSecondaryIndexes" not in request
    assert "LocalSecondaryIndexes" not in request


def _described(*specs: IndexSpec, status: str = "ACTIVE") -> dict[str, object]:
    request = create_request("t", specs, ENTITY)
    described: dict[str, object] = {"TableStatus": "ACTIVE"}
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if kind in request:
            indexes = [dict(each) for each in request[kind]]
            if kind.startswith("Global"):
                for each in indexes:
                    each["IndexStatus"] = status
            described[kind] = indexes
    return described


def test_ping_finds_no_problem_in_the_declared_indexes() -> None:
    assert index_problems(_described(GLOBAL, LOCAL), (GLOBAL, LOCAL), ENTITY) == []


@pytest.mark.parametrize(
    ("described", "problem"),
    [
        (_described(LOCAL), "index 'open' does not exist"),
        (_described(GLOBAL, LOCAL, status="CREATING"), "index 'open' is CREATING"),
        (
            _described(GLOBAL.model_copy(update={"sk": "other"}), LOCAL),
            "index 'open' has other keys than declared",
        ),
        (
            _described(GLOBAL.model_copy(update={"projection": "all"}), LOCAL),
            "index 'open' projects other attributes than declared",
        ),
        (
            _described(GLOBAL, LOCAL.model_copy(update={"local": False})),
            "index 'by_date' is declared local but is not",
        ),
    ],
)
def test_ping_names_an_index_that_drifted(described: dict[str, object], problem: str) -> None:
    assert problem in index_problems(described, (GLOBAL, LOCAL), ENTITY)
