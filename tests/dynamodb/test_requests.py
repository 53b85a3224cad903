"""The pure request builders: the exact requests DynamoDB receives."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from botocore.session import get_session
from botocore.validate import validate_parameters

from lvrgd.common.services.dynamodb._requests import (
    batch_get_request,
    batch_write_request,
    delete_request,
    get_request,
    put_request,
    query_request,
    transact_item,
    update_request,
    write_request,
)
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
from lvrgd.common.services.kvstore._writes import Create, Delete, Require, Update

if TYPE_CHECKING:
    from botocore.model import ServiceModel

TABLE = "orders"
PK = "customer#1"
SK = "order#1"
KEY = {"pk": {"S": PK}, "sk": {"S": SK}}
PK_VALUE = {":pk": {"S": PK}}
ALL_OLD = {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
"""Every conditional write asks for the item its failed condition met."""
ODD_NAMES = ["name", "status", "data", "size", "a.b", "a#b", "a:b", "#s0", ":s0", "x y"]
"""Reserved words, expression syntax and a would-be placeholder: all plain attribute names."""

_NAME_PLACEHOLDER = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_PLACEHOLDER = re.compile(r":[A-Za-z0-9_]+")


def _expressions(request: dict[str, Any]) -> str:
    return " ".join(text for key, text in request.items() if key.endswith("Expression"))


def _assert_placeholders_match(request: dict[str, Any]) -> None:
    """Every placeholder used is defined and every one defined is used (DynamoDB refuses both)."""
    text = _expressions(request)
    names = request.get("ExpressionAttributeNames", {})
    values = request.get("ExpressionAttributeValues", {})
    assert set(_NAME_PLACEHOLDER.findall(text)) == set(names)
    assert set(_VALUE_PLACEHOLDER.findall(text)) == set(values)
    assert all(_NAME_PLACEHOLDER.fullmatch(name) for name in names)
    assert all(_VALUE_PLACEHOLDER.fullmatch(value) for value in values)


@pytest.fixture(scope="module")
def service_model() -> ServiceModel:
    return get_session().get_service_model("dynamodb")


# put_request


def test_put_request_new_item_is_conditional_on_a_free_key() -> None:
    item = {**KEY, "status": {"S": "open"}, "total": {"N": "9.9"}}

    assert put_request(TABLE, item) == {
        "TableName": TABLE,
        "Item": {**KEY, "status": {"S": "open"}, "total": {"N": "9.9"}},
        "ConditionExpression": "attribute_not_exists(#pk)",
        "ExpressionAttributeNames": {"#pk": "pk"},
        **ALL_OLD,
    }


# update_request


def test_update_request_set_only_sets_through_placeholders_on_an_existing_item() -> None:
    to_set = {"total": {"N": "9.9"}, "status": {"S": "open"}}

    assert update_request(TABLE, PK, SK, to_set, []) == {
        "TableName": TABLE,
        "Key": KEY,
        "ConditionExpression": "attribute_exists(#pk)",
        **ALL_OLD,
        "ExpressionAttributeNames": {"#pk": "pk", "#s0": "total", "#s1": "status"},
        "ExpressionAttributeValues": {":s0": {"N": "9.9"}, ":s1": {"S": "open"}},
        "UpdateExpression": "SET #s0 = :s0, #s1 = :s1",
    }


def test_update_request_remove_only_removes_and_sends_no_values() -> None:
    assert update_request(TABLE, PK, SK, {}, ["note", "data"]) == {
        "TableName": TABLE,
        "Key": KEY,
        "ConditionExpression": "attribute_exists(#pk)",
        **ALL_OLD,
        "ExpressionAttributeNames": {"#pk": "pk", "#r0": "note", "#r1": "data"},
        "UpdateExpression": "REMOVE #r0, #r1",
    }


def test_update_request_set_and_remove_gives_one_expression_with_both_clauses() -> None:
    assert update_request(TABLE, PK, SK, {"total": {"N": "1"}}, ["note"]) == {
        "TableName": TABLE,
        "Key": KEY,
        "ConditionExpression": "attribute_exists(#pk)",
        **ALL_OLD,
        "ExpressionAttributeNames": {"#pk": "pk", "#s0": "total", "#r0": "note"},
        "ExpressionAttributeValues": {":s0": {"N": "1"}},
        "UpdateExpression": "SET #s0 = :s0 REMOVE #r0",
    }


def test_update_request_nothing_to_change_has_no_update_expression_and_keeps_condition() -> None:
    assert update_request(TABLE, PK, SK, {}, []) == {
        "TableName": TABLE,
        "Key": KEY,
        "ConditionExpression": "attribute_exists(#pk)",
        **ALL_OLD,
        "ExpressionAttributeNames": {"#pk": "pk"},
    }


@pytest.mark.parametrize("name", ODD_NAMES)
def test_update_request_odd_name_set_goes_only_through_a_placeholder(name: str) -> None:
    request = update_request(TABLE, PK, SK, {name: {"S": "v"}}, [])

    assert request["ExpressionAttributeNames"] == {"#pk": "pk", "#s0": name}
    assert request["UpdateExpression"] == "SET #s0 = :s0"
    _assert_placeholders_match(request)


@pytest.mark.parametrize("name", ODD_NAMES)
def test_update_request_odd_name_removed_goes_only_through_a_placeholder(name: str) -> None:
    request = update_request(TABLE, PK, SK, {}, [name])

    assert request["ExpressionAttributeNames"] == {"#pk": "pk", "#r0": name}
    assert request["UpdateExpression"] == "REMOVE #r0"
    _assert_placeholders_match(request)


def test_update_request_many_odd_names_leave_only_syntax_outside_placeholders() -> None:
    to_set = {name: {"S": name} for name in ODD_NAMES}
    request = update_request(TABLE, PK, SK, to_set, [f"{name}!" for name in ODD_NAMES])

    syntax = re.sub(r"[#:][A-Za-z0-9_]+", "", request["UpdateExpression"]).split()

    assert set(syntax) <= {"SET", "REMOVE", "=", ","}
    assert (syntax.count("SET"), syntax.count("REMOVE")) == (1, 1)
    assert syntax.count("=") == len(ODD_NAMES)
    assert sorted(request["ExpressionAttributeNames"].values()) == sorted(
        ["pk", *ODD_NAMES, *(f"{name}!" for name in ODD_NAMES)]
    )
    _assert_placeholders_match(request)


def test_update_request_leaves_its_inputs_unchanged() -> None:
    to_set = {"total": {"N": "1"}}
    to_remove = ["note"]

    update_request(TABLE, PK, SK, to_set, to_remove)

    assert to_set == {"total": {"N": "1"}}
    assert to_remove == ["note"]


def test_update_request_expected_version_adds_it_to_the_condition() -> None:
    request = update_request(TABLE, PK, SK, {"version": {"N": "4"}}, [], expected_version=3)

    assert request == {
        "TableName": TABLE,
        "Key": KEY,
        "ConditionExpression": "attribute_exists(#pk) AND #ver = :ver",
        **ALL_OLD,
        "ExpressionAttributeNames": {"#pk": "pk", "#s0": "version", "#ver": "version"},
        "ExpressionAttributeValues": {":s0": {"N": "4"}, ":ver": {"N": "3"}},
        "UpdateExpression": "SET #s0 = :s0",
    }
    _assert_placeholders_match(request)


def test_update_request_expected_version_alone_sends_only_its_value() -> None:
    request = update_request(TABLE, PK, SK, {}, [], expected_version=0)

    assert request["ExpressionAttributeValues"] == {":ver": {"N": "0"}}
    assert "UpdateExpression" not in request
    _assert_placeholders_match(request)


# delete_request and get_request


def test_delete_request_is_conditional_on_an_existing_item() -> None:
    assert delete_request(TABLE, PK, SK) == {
        "TableName": TABLE,
        "Key": KEY,
        "ConditionExpression": "attribute_exists(#pk)",
        **ALL_OLD,
        "ExpressionAttributeNames": {"#pk": "pk"},
    }


@pytest.mark.parametrize("consistent", [True, False], ids=["consistent", "eventual"])
def test_get_request_reads_one_key_with_the_consistency_asked(consistent: bool) -> None:  # noqa: FBT001
    assert get_request(TABLE, PK, SK, consistent=consistent) == {
        "TableName": TABLE,
        "Key": KEY,
        "ConsistentRead": consistent,
    }


# query_request


def test_query_request_no_condition_names_only_the_partition_key() -> None:
    request = query_request(TABLE, PK, None, descending=False, consistent=True)

    assert request == {
        "TableName": TABLE,
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": "pk"},
        "ExpressionAttributeValues": PK_VALUE,
        "ScanIndexForward": True,
        "ConsistentRead": True,
    }
    _assert_placeholders_match(request)


CONDITIONS: list[tuple[SortKeyCondition, str, dict[str, Any]]] = [
    (Equals("order#1"), "#pk = :pk AND #sk = :sk", {":sk": {"S": "order#1"}}),
    (
        BeginsWith("order#"),
        "#pk = :pk AND begins_with(#sk, :sk)",
        {":sk": {"S": "order#"}},
    ),
    (
        Between("a", "c"),
        "#pk = :pk AND #sk BETWEEN :lo AND :hi",
        {":lo": {"S": "a"}, ":hi": {"S": "c"}},
    ),
    (LessThan("m"), "#pk = :pk AND #sk < :sk", {":sk": {"S": "m"}}),
    (LessOrEqual("m"), "#pk = :pk AND #sk <= :sk", {":sk": {"S": "m"}}),
    (GreaterThan("m"), "#pk = :pk AND #sk > :sk", {":sk": {"S": "m"}}),
    (GreaterOrEqual("m"), "#pk = :pk AND #sk >= :sk", {":sk": {"S": "m"}}),
]


@pytest.mark.parametrize(
    ("condition", "expression", "values"),
    CONDITIONS,
    ids=[type(condition).__name__ for condition, _, _ in CONDITIONS],
)
def test_query_request_sort_key_condition_gives_its_key_condition_expression(
    condition: SortKeyCondition, expression: str, values: dict[str, Any]
) -> None:
    request = query_request(TABLE, PK, condition, descending=False, consistent=True)

    assert request == {
        "TableName": TABLE,
        "KeyConditionExpression": expression,
        "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"},
        "ExpressionAttributeValues": {**PK_VALUE, **values},
        "ScanIndexForward": True,
        "ConsistentRead": True,
    }
    _assert_placeholders_match(request)


def test_query_request_descending_reads_backwards() -> None:
    request = query_request(TABLE, PK, Between("a", "c"), descending=True, consistent=True)

    assert request["ScanIndexForward"] is False


def test_query_request_eventual_read_is_not_consistent() -> None:
    request = query_request(TABLE, PK, None, descending=False, consistent=False)

    assert request["ConsistentRead"] is False


def test_query_request_limit_asks_for_at_most_that_many() -> None:
    request = query_request(TABLE, PK, None, descending=False, consistent=True, limit=7)

    assert request["Limit"] == 7


def test_query_request_no_limit_or_start_key_sends_neither() -> None:
    request = query_request(TABLE, PK, None, descending=False, consistent=True)

    assert "Limit" not in request
    assert "ExclusiveStartKey" not in request


def test_query_request_start_key_continues_from_it() -> None:
    start = {"pk": {"S": PK}, "sk": {"S": "order#3"}}

    request = query_request(TABLE, PK, None, descending=False, consistent=True, start_key=start)

    assert request["ExclusiveStartKey"] == {"pk": {"S": PK}, "sk": {"S": "order#3"}}


def test_query_request_changing_a_result_leaves_later_requests_unchanged() -> None:
    first = query_request(TABLE, PK, Equals("a"), descending=False, consistent=True)
    first["ExpressionAttributeNames"]["#extra"] = "extra"
    first["ExpressionAttributeValues"][":extra"] = {"S": "extra"}

    second = query_request(TABLE, PK, Equals("a"), descending=False, consistent=True)
    third = query_request(TABLE, PK, None, descending=False, consistent=True)

    assert second["ExpressionAttributeNames"] == {"#pk": "pk", "#sk": "sk"}
    assert second["ExpressionAttributeValues"] == {**PK_VALUE, ":sk": {"S": "a"}}
    assert third["ExpressionAttributeNames"] == {"#pk": "pk"}


# write_request and transact_item


def test_write_request_create_is_the_put_request() -> None:
    item = {**KEY, "total": {"N": "1"}}

    assert write_request(TABLE, Create(PK, SK, item)) == put_request(TABLE, item)


def test_write_request_update_is_the_update_request_with_its_version() -> None:
    write = Update(PK, SK, {"total": {"N": "1"}}, ("note",), expected_version=2)

    assert write_request(TABLE, write) == update_request(
        TABLE, PK, SK, {"total": {"N": "1"}}, ["note"], expected_version=2
    )


def test_write_request_delete_is_the_delete_request() -> None:
    assert write_request(TABLE, Delete(PK, SK)) == delete_request(TABLE, PK, SK)


def test_transact_item_wraps_each_write_in_its_kind() -> None:
    item = {**KEY, "total": {"N": "1"}}

    assert transact_item(TABLE, Create(PK, SK, item)) == {"Put": put_request(TABLE, item)}
    assert transact_item(TABLE, Update(PK, SK, {}, ("note",))) == {
        "Update": update_request(TABLE, PK, SK, {}, ["note"])
    }
    assert transact_item(TABLE, Delete(PK, SK)) == {"Delete": delete_request(TABLE, PK, SK)}


def test_transact_item_require_is_a_condition_check_that_the_item_exists() -> None:
    assert transact_item(TABLE, Require(PK, SK)) == {
        "ConditionCheck": {
            "TableName": TABLE,
            "Key": KEY,
            "ConditionExpression": "attribute_exists(#pk)",
            "ExpressionAttributeNames": {"#pk": "pk"},
            **ALL_OLD,
        }
    }


# batches


@pytest.mark.parametrize("consistent", [True, False], ids=["consistent", "eventual"])
def test_batch_get_request_reads_every_key_with_the_consistency_asked(consistent: bool) -> None:  # noqa: FBT001
    request = batch_get_request(TABLE, [(PK, SK), (PK, "order#2")], consistent=consistent)

    assert request == {
        "RequestItems": {
            TABLE: {
                "Keys": [KEY, {"pk": {"S": PK}, "sk": {"S": "order#2"}}],
                "ConsistentRead": consistent,
            }
        }
    }


def test_batch_write_request_puts_every_item_unconditionally() -> None:
    first, second = {**KEY, "a": {"N": "1"}}, {"pk": {"S": PK}, "sk": {"S": "order#2"}}

    assert batch_write_request(TABLE, [first, second]) == {
        "RequestItems": {TABLE: [{"PutRequest": {"Item": first}}, {"PutRequest": {"Item": second}}]}
    }


# every request against DynamoDB's own service model

MODEL_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("put", "PutItem", put_request(TABLE, {**KEY, "data": {"S": "x"}})),
    ("update-set", "UpdateItem", update_request(TABLE, PK, SK, {"a.b": {"N": "1"}}, [])),
    ("update-remove", "UpdateItem", update_request(TABLE, PK, SK, {}, ["a#b"])),
    ("update-nothing", "UpdateItem", update_request(TABLE, PK, SK, {}, [])),
    (
        "update-versioned",
        "UpdateItem",
        update_request(TABLE, PK, SK, {"n": {"N": "2"}}, ["m"], expected_version=1),
    ),
    ("delete", "DeleteItem", delete_request(TABLE, PK, SK)),
    ("get", "GetItem", get_request(TABLE, PK, SK, consistent=False)),
    ("query", "Query", query_request(TABLE, PK, None, descending=True, consistent=True)),
    (
        "query-page",
        "Query",
        query_request(
            TABLE, PK, Between("a", "c"), descending=False, consistent=True, limit=2, start_key=KEY
        ),
    ),
    (
        "transaction",
        "TransactWriteItems",
        {
            "TransactItems": [
                transact_item(TABLE, Create(PK, SK, KEY)),
                transact_item(TABLE, Update(PK, "b", {"n": {"N": "1"}}, ("m",), 1)),
                transact_item(TABLE, Delete(PK, "c")),
                transact_item(TABLE, Require(PK, "d")),
            ]
        },
    ),
    ("batch-get", "BatchGetItem", batch_get_request(TABLE, [(PK, SK)], consistent=True)),
    ("batch-write", "BatchWriteItem", batch_write_request(TABLE, [KEY])),
]


@pytest.mark.parametrize(
    ("operation", "request_"),
    [(operation, request) for _, operation, request in MODEL_CASES],
    ids=[case_id for case_id, _, _ in MODEL_CASES],
)
def test_requests_every_builder_output_is_valid_for_dynamodb(
    service_model: ServiceModel, operation: str, request_: dict[str, Any]
) -> None:
    shape = service_model.operation_model(operation).input_shape
    assert shape is not None

    validate_parameters(request_, shape)  # raises ParamValidationError if not
    _assert_placeholders_match(request_)
