"""DynamoDBService on a stubbed client: the exact requests, the errors, logging, lifecycle.

Every request goes through a real botocore client wrapped in a ``Stubber`` (see
conftest.py), so it is validated against DynamoDB's service model; a request with no
stubbed answer fails the test. Errors botocore raises before a response exists
(connection, timeout) come from a mocked client method, since a Stubber cannot raise them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from unittest.mock import ANY

import pytest
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from lvrgd.common.services.dynamodb import DynamoDBConfig, DynamoDBService, _table, create_table
from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueItem,
    KeyValueStore,
    KeyValueStoreError,
    StoreClosedError,
    StoreUnavailableError,
    TableNotFoundError,
    WriteOutcomeUnknownError,
)

from ._data import (
    ALL_OLD,
    CREATE_REQUEST,
    DELETE_REQUEST,
    GET_REQUEST,
    KEY,
    ORDER,
    PAYLOAD,
    PK,
    SK,
    STORED_ORDER,
    TABLE,
    UPDATE_REQUEST,
    Order,
    get_request,
    page,
    query_request,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from unittest.mock import MagicMock, Mock

    from botocore.stub import Stubber
    from mypy_boto3_dynamodb import DynamoDBClient
    from pytest_mock import MockerFixture

SECRET = "s3cr3t-XYZ"  # noqa: S105 - a fake secret the tests look for


class Reading(KeyValueItem):
    value: float


@dataclass(frozen=True)
class Op:
    """One port operation: how to call it, what it sends and a successful answer."""

    name: str
    method: str
    request: dict[str, Any]
    answer: dict[str, Any]
    call: Callable[[DynamoDBService], object]
    sk: str | None = SK

    @property
    def request_name(self) -> str:
        """The operation's name on the wire, e.g. ``PutItem``."""
        return "".join(part.title() for part in self.method.split("_"))


OPS = [
    Op("create", "put_item", CREATE_REQUEST, {}, lambda service: service.create(ORDER)),
    Op("update", "update_item", UPDATE_REQUEST, {}, lambda service: service.update(ORDER)),
    Op("delete", "delete_item", DELETE_REQUEST, {}, lambda service: service.delete(PK, SK)),
    Op(
        "get_one",
        "get_item",
        GET_REQUEST,
        {"Item": STORED_ORDER},
        lambda service: service.get_one(PK, SK, Order),
    ),
    Op(
        "query_by_pk",
        "query",
        query_request(),
        page([SK]),
        lambda service: service.query_by_pk(PK, Order),
        sk=None,
    ),
]
WRITE_OPS = OPS[:3]
READ_OPS = OPS[3:]


def _ids(ops: list[Op]) -> list[str]:
    return [op.name for op in ops]


def _assert_is_cause(error: BaseException, cause_type: type[BaseException]) -> BaseException:
    cause = error.__cause__
    assert isinstance(cause, cause_type)
    return cause


# construction


def test_init_builds_its_client_from_the_config_and_sends_nothing(
    new_client: MagicMock, stubber: Stubber, logger: Mock, config: DynamoDBConfig, sent: list[str]
) -> None:
    DynamoDBService(logger, config)

    new_client.assert_called_once_with(config, logger)
    assert sent == []


def test_service_satisfies_the_key_value_store_port(service: DynamoDBService) -> None:
    assert isinstance(service, KeyValueStore)


def test_repr_names_table_and_region_but_no_credentials(
    new_client: MagicMock, stubber: Stubber, logger: Mock
) -> None:
    config = DynamoDBConfig(
        table_name=TABLE, region="eu-west-1", aws_access_key_id="AKID", aws_secret_access_key=SECRET
    )

    text = repr(DynamoDBService(logger, config))

    assert TABLE in text
    assert "eu-west-1" in text
    assert SECRET not in text
    assert "AKID" not in text


# each operation's exact request


@pytest.mark.parametrize("op", OPS, ids=_ids(OPS))
def test_operation_sends_its_exact_request(
    op: Op, service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    stubber.add_response(op.method, op.answer, op.request)

    op.call(service)

    assert len(sent) == 1


def test_create_none_field_is_omitted_from_the_item(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("put_item", {}, CREATE_REQUEST)

    service.create(Order(pk=PK, sk=SK, total=Decimal("9.90"), note=None))


def test_update_only_the_key_reads_the_item_strongly_and_writes_nothing(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response(
        "get_item",
        {"Item": {"pk": {"S": PK}, "sk": {"S": SK}}},
        {"TableName": TABLE, "Key": KEY, "ConsistentRead": True},
    )

    service.update(KeyValueItem(pk=PK, sk=SK))


def test_update_only_the_key_of_a_missing_item_raises_item_not_found(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("get_item", {}, {"TableName": TABLE, "Key": KEY, "ConsistentRead": True})

    with pytest.raises(ItemNotFoundError) as caught:
        service.update(KeyValueItem(pk=PK, sk=SK))

    assert (caught.value.pk, caught.value.sk) == (PK, SK)


def test_update_reserved_and_odd_attribute_names_go_through_placeholders(
    service: DynamoDBService, stubber: Stubber
) -> None:
    class Odd(KeyValueItem, entity="odd"):
        data: str
        size: int
        dotted: str | None = None

    stubber.add_response(
        "update_item",
        {},
        {
            "TableName": TABLE,
            "Key": KEY,
            "ConditionExpression": "attribute_exists(#pk)",
            "ExpressionAttributeNames": {
                "#pk": "pk",
                "#s0": "data",
                "#s1": "size",
                "#r0": "dotted",
                "#e": "_entity",
            },
            "ExpressionAttributeValues": {":s0": {"S": "d"}, ":s1": {"N": "2"}, ":e": {"S": "odd"}},
            "UpdateExpression": "SET #s0 = :s0, #s1 = :s1, #e = if_not_exists(#e, :e) REMOVE #r0",
            **ALL_OLD,
        },
    )

    service.update(Odd(pk=PK, sk=SK, data="d", size=2))


# get_one


def test_get_one_existing_item_returns_it_as_the_model_class(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("get_item", {"Item": STORED_ORDER}, GET_REQUEST)

    found = service.get_one(PK, SK, Order)

    assert type(found) is Order
    assert found == Order(pk=PK, sk=SK, total=Decimal("9.9"), status="open")


def test_get_one_missing_item_returns_none(service: DynamoDBService, stubber: Stubber) -> None:
    stubber.add_response("get_item", {}, GET_REQUEST)

    assert service.get_one(PK, SK, Order) is None


def test_get_one_with_eventual_reads_configured_is_not_consistent(
    new_client: MagicMock, stubber: Stubber, logger: Mock
) -> None:
    service = DynamoDBService(logger, DynamoDBConfig(table_name=TABLE, consistent_reads=False))
    stubber.add_response("get_item", {}, {**GET_REQUEST, "ConsistentRead": False})

    assert service.get_one(PK, SK, Order) is None


def test_get_one_stored_item_not_matching_the_model_raises_invalid_item(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("get_item", {"Item": {**KEY, "total": {"S": PAYLOAD}}}, GET_REQUEST)

    with pytest.raises(InvalidItemError) as caught:
        service.get_one(PK, SK, Order)

    assert PAYLOAD not in str(caught.value)


# query_by_pk


def test_query_by_pk_one_page_returns_its_items_in_order(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("query", page(["a", "b", "c"]), query_request())

    found = service.query_by_pk(PK, Order)

    assert [item.sk for item in found] == ["a", "b", "c"]
    assert all(type(item) is Order for item in found)


def test_query_by_pk_empty_partition_returns_empty_list(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("query", page([]), query_request())

    assert service.query_by_pk(PK, Order) == []


def test_query_by_pk_follows_last_evaluated_key_across_pages(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    stubber.add_response("query", page(["a", "b"], last="b"), query_request())
    stubber.add_response("query", page(["c", "d"], last="d"), query_request(start="b"))
    stubber.add_response("query", page(["e"]), query_request(start="d"))

    found = service.query_by_pk(PK, Order)

    assert [item.sk for item in found] == ["a", "b", "c", "d", "e"]
    assert sent == ["Query", "Query", "Query"]


def test_query_by_pk_empty_page_with_last_key_keeps_reading(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("query", page([], last="a"), query_request())
    stubber.add_response("query", page(["b"]), query_request(start="a"))

    assert [item.sk for item in service.query_by_pk(PK, Order)] == ["b"]


def test_query_by_pk_limit_asks_only_for_the_items_still_needed_then_stops(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    stubber.add_response("query", page(["a", "b", "c"], last="c"), query_request(limit=5))
    stubber.add_response("query", page(["d", "e"], last="e"), query_request(limit=2, start="c"))

    found = service.query_by_pk(PK, Order, limit=5)

    assert [item.sk for item in found] == ["a", "b", "c", "d", "e"]
    assert sent == ["Query", "Query"]


def test_query_by_pk_limit_reached_at_a_page_boundary_sends_no_further_request(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    stubber.add_response("query", page(["a", "b", "c"], last="c"), query_request(limit=3))

    found = service.query_by_pk(PK, Order, limit=3)

    assert [item.sk for item in found] == ["a", "b", "c"]
    assert sent == ["Query"]


def test_query_by_pk_limit_above_the_partition_size_returns_everything(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("query", page(["a", "b", "c"], last="c"), query_request(limit=10))
    stubber.add_response("query", page(["d"]), query_request(limit=7, start="c"))

    assert [item.sk for item in service.query_by_pk(PK, Order, limit=10)] == ["a", "b", "c", "d"]


def test_query_by_pk_descending_reads_backwards(service: DynamoDBService, stubber: Stubber) -> None:
    stubber.add_response("query", page(["c", "b"]), query_request(forward=False))

    found = service.query_by_pk(PK, Order, descending=True)

    assert [item.sk for item in found] == ["c", "b"]


def test_query_by_pk_with_eventual_reads_configured_is_not_consistent(
    new_client: MagicMock, stubber: Stubber, logger: Mock
) -> None:
    service = DynamoDBService(logger, DynamoDBConfig(table_name=TABLE, consistent_reads=False))
    stubber.add_response("query", page([]), query_request(consistent=False))

    assert service.query_by_pk(PK, Order) == []


CONDITION_KEYWORDS: list[tuple[dict[str, Any], str, dict[str, Any]]] = [
    ({"equals": "o#1"}, "#pk = :pk AND #sk = :sk", {":sk": {"S": "o#1"}}),
    ({"begins_with": "o#"}, "#pk = :pk AND begins_with(#sk, :sk)", {":sk": {"S": "o#"}}),
    (
        {"between": ("a", "c")},
        "#pk = :pk AND #sk BETWEEN :lo AND :hi",
        {":lo": {"S": "a"}, ":hi": {"S": "c"}},
    ),
    ({"lt": "m"}, "#pk = :pk AND #sk < :sk", {":sk": {"S": "m"}}),
    ({"lte": "m"}, "#pk = :pk AND #sk <= :sk", {":sk": {"S": "m"}}),
    ({"gt": "m"}, "#pk = :pk AND #sk > :sk", {":sk": {"S": "m"}}),
    ({"gte": "m"}, "#pk = :pk AND #sk >= :sk", {":sk": {"S": "m"}}),
]


@pytest.mark.parametrize(
    ("keyword", "expression", "values"),
    CONDITION_KEYWORDS,
    ids=[next(iter(keyword)) for keyword, _, _ in CONDITION_KEYWORDS],
)
def test_query_by_pk_sort_key_keyword_sends_its_key_condition(
    service: DynamoDBService,
    stubber: Stubber,
    keyword: dict[str, Any],
    expression: str,
    values: dict[str, Any],
) -> None:
    request = {
        **query_request(),
        "KeyConditionExpression": expression,
        "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"},
        "ExpressionAttributeValues": {":pk": {"S": PK}, **values},
    }
    stubber.add_response("query", page([]), request)

    assert service.query_by_pk(PK, Order, **keyword) == []


@pytest.mark.parametrize(
    "arguments",
    [
        {"equals": "a", "begins_with": "a"},
        {"lt": "a", "gt": "b"},
        {"limit": 0},
        {"limit": -1},
        {"between": ("c", "a")},
        {"begins_with": ""},
        {"gte": "x" * 1025},
    ],
    ids=["two-conditions", "lt-and-gt", "limit-0", "limit-negative", "between-reversed",
         "empty-bound", "bound-too-long"],
)  # fmt: skip
def test_query_by_pk_bad_arguments_raise_invalid_query_and_send_nothing(
    service: DynamoDBService, sent: list[str], arguments: dict[str, Any]
) -> None:
    with pytest.raises(InvalidQueryError):
        service.query_by_pk(PK, Order, **arguments)

    assert sent == []


# keys that break the limits: nothing is sent

BAD_KEYS = [
    ("", SK),
    (PK, ""),
    ("é" * 1024 + "a", SK),  # 2049 bytes of UTF-8
    (PK, "é" * 512 + "a"),  # 1025 bytes of UTF-8
]
BAD_KEY_IDS = ["empty-pk", "empty-sk", "pk-2049-bytes", "sk-1025-bytes"]


@pytest.mark.parametrize(("pk", "sk"), BAD_KEYS, ids=BAD_KEY_IDS)
@pytest.mark.parametrize("write", ["create", "update"])
def test_write_of_item_with_bad_key_raises_invalid_item_and_sends_nothing(
    service: DynamoDBService, sent: list[str], write: str, pk: str, sk: str
) -> None:
    item = Order(pk=pk, sk=sk, total=Decimal(1))

    with pytest.raises(InvalidItemError) as caught:
        getattr(service, write)(item)

    assert (caught.value.pk, caught.value.sk) == (pk, sk)
    assert sent == []


@pytest.mark.parametrize(("pk", "sk"), BAD_KEYS, ids=BAD_KEY_IDS)
def test_delete_bad_key_raises_invalid_item_and_sends_nothing(
    service: DynamoDBService, sent: list[str], pk: str, sk: str
) -> None:
    with pytest.raises(InvalidItemError):
        service.delete(pk, sk)

    assert sent == []


@pytest.mark.parametrize(("pk", "sk"), BAD_KEYS, ids=BAD_KEY_IDS)
def test_get_one_bad_key_raises_invalid_query_and_sends_nothing(
    service: DynamoDBService, sent: list[str], pk: str, sk: str
) -> None:
    with pytest.raises(InvalidQueryError):
        service.get_one(pk, sk, Order)

    assert sent == []


@pytest.mark.parametrize("pk", ["", "é" * 1024 + "a"], ids=["empty-pk", "pk-2049-bytes"])
def test_query_by_pk_bad_partition_key_raises_invalid_query_and_sends_nothing(
    service: DynamoDBService, sent: list[str], pk: str
) -> None:
    with pytest.raises(InvalidQueryError):
        service.query_by_pk(pk, Order)

    assert sent == []


@pytest.mark.parametrize("key", [123, None, b"pk"], ids=["int", "none", "bytes"])
def test_get_one_key_of_wrong_type_raises_invalid_query_and_sends_nothing(
    service: DynamoDBService, sent: list[str], key: object
) -> None:
    with pytest.raises(InvalidQueryError):
        service.get_one(key, SK, Order)  # type: ignore[arg-type]

    assert sent == []


def test_get_one_key_at_the_byte_limits_is_sent(service: DynamoDBService, stubber: Stubber) -> None:
    pk, sk = "é" * 1024, "é" * 512  # exactly 2048 and 1024 bytes
    key = {"pk": {"S": pk}, "sk": {"S": sk}}
    stubber.add_response("get_item", {}, {**GET_REQUEST, "Key": key})

    assert service.get_one(pk, sk, Order) is None


def test_create_item_the_codec_refuses_raises_invalid_item_and_sends_nothing(
    service: DynamoDBService, sent: list[str]
) -> None:
    with pytest.raises(InvalidItemError):
        service.create(Reading(pk=PK, sk=SK, value=float("nan")))

    assert sent == []


def test_create_object_that_is_not_an_item_raises_invalid_item_and_sends_nothing(
    service: DynamoDBService, sent: list[str]
) -> None:
    with pytest.raises(InvalidItemError):
        service.create({"pk": PK, "sk": SK})  # type: ignore[type-var]

    assert sent == []


# error mapping


CONDITION_FAILED = "ConditionalCheckFailedException"


def _condition_failed(
    stubber: Stubber,
    op: Op,
    *,
    old: dict[str, Any] | None = None,
    retry_attempts: int = 0,
) -> None:
    """Queue DynamoDB's answer to a failed condition, with the old item when there was one."""
    stubber.add_client_error(
        op.method,
        CONDITION_FAILED,
        "The conditional request failed",
        expected_params=op.request,
        response_meta={"RetryAttempts": retry_attempts},
        modeled_fields=None if old is None else {"Item": old},
    )


def _assert_condition_cause(error: BaseException) -> None:
    cause = _assert_is_cause(error, ClientError)
    assert isinstance(cause, ClientError)
    assert cause.response["Error"]["Code"] == CONDITION_FAILED


def test_create_taken_key_raises_item_already_exists_with_key_and_cause(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    existing = {**STORED_ORDER, "total": {"N": "1"}}
    _condition_failed(stubber, OPS[0], old=existing)

    with pytest.raises(ItemAlreadyExistsError) as caught:
        service.create(ORDER)

    assert (caught.value.operation, caught.value.pk, caught.value.sk) == ("create", PK, SK)
    _assert_condition_cause(caught.value)
    assert sent == ["PutItem"]  # the old item came back: nothing more to read


def test_create_taken_key_on_an_engine_ignoring_all_old_reads_the_item_then_raises(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    _condition_failed(stubber, OPS[0])
    stubber.add_response("get_item", {"Item": STORED_ORDER}, GET_REQUEST)

    with pytest.raises(ItemAlreadyExistsError) as caught:
        service.create(ORDER)

    _assert_condition_cause(caught.value)
    assert sent == ["PutItem", "GetItem"]


def test_create_taken_by_an_identical_item_on_first_attempt_raises_item_already_exists(
    service: DynamoDBService, stubber: Stubber
) -> None:
    _condition_failed(stubber, OPS[0], old=STORED_ORDER, retry_attempts=0)

    with pytest.raises(ItemAlreadyExistsError):
        service.create(ORDER)


def test_create_resent_by_botocore_meeting_its_own_write_succeeds(
    resending: DynamoDBService, stubber: Stubber, logger: Mock
) -> None:
    # The first attempt was applied but its answer lost; the resend met that item.
    _condition_failed(stubber, OPS[0], old=STORED_ORDER, retry_attempts=1)

    resending.create(ORDER)

    logger.error.assert_not_called()


def test_create_resent_by_botocore_meeting_another_item_raises_item_already_exists(
    resending: DynamoDBService, stubber: Stubber
) -> None:
    _condition_failed(stubber, OPS[0], old={**STORED_ORDER, "total": {"N": "1"}}, retry_attempts=1)

    with pytest.raises(ItemAlreadyExistsError):
        resending.create(ORDER)


@pytest.mark.parametrize("op", WRITE_OPS[1:], ids=_ids(WRITE_OPS[1:]))
def test_missing_item_raises_item_not_found_with_key_and_cause(
    service: DynamoDBService, stubber: Stubber, sent: list[str], op: Op
) -> None:
    # DynamoDB returns no old item when there was none; the service reads to be sure.
    _condition_failed(stubber, op)
    stubber.add_response("get_item", {}, GET_REQUEST)

    with pytest.raises(ItemNotFoundError) as caught:
        op.call(service)

    assert (caught.value.operation, caught.value.pk, caught.value.sk) == (op.name, PK, SK)
    _assert_condition_cause(caught.value)
    assert sent == [op.request_name, "GetItem"]


@pytest.mark.parametrize("op", WRITE_OPS[1:], ids=_ids(WRITE_OPS[1:]))
def test_missing_item_reappearing_before_the_read_still_raises_item_not_found(
    service: DynamoDBService, stubber: Stubber, op: Op
) -> None:
    _condition_failed(stubber, op)
    stubber.add_response("get_item", {"Item": STORED_ORDER}, GET_REQUEST)

    with pytest.raises(ItemNotFoundError):
        op.call(service)


def test_failed_condition_read_is_strongly_consistent_even_with_eventual_reads_configured(
    new_client: MagicMock, stubber: Stubber, logger: Mock
) -> None:
    # _outcomes: an engine that returns no old item gets it "fetched, strongly consistent";
    # an eventually consistent read may see an item the condition did not.
    service = DynamoDBService(logger, DynamoDBConfig(table_name=TABLE, consistent_reads=False))
    _condition_failed(stubber, OPS[2])
    stubber.add_response("get_item", {}, get_request(consistent=True))

    with pytest.raises(ItemNotFoundError):
        service.delete(PK, SK)


@pytest.mark.parametrize("op", WRITE_OPS, ids=_ids(WRITE_OPS))
def test_write_refused_by_dynamodb_raises_invalid_item_with_cause(
    service: DynamoDBService, stubber: Stubber, op: Op
) -> None:
    stubber.add_client_error(
        op.method, "ValidationException", "Item size has exceeded the maximum allowed size",
        expected_params=op.request,
    )  # fmt: skip

    with pytest.raises(InvalidItemError) as caught:
        op.call(service)

    assert (caught.value.pk, caught.value.sk) == (PK, SK)
    _assert_is_cause(caught.value, ClientError)


@pytest.mark.parametrize("op", READ_OPS, ids=_ids(READ_OPS))
def test_read_refused_by_dynamodb_raises_invalid_query_with_cause(
    service: DynamoDBService, stubber: Stubber, op: Op
) -> None:
    stubber.add_client_error(
        op.method, "ValidationException", "The provided key element does not match the schema",
        expected_params=op.request,
    )  # fmt: skip

    with pytest.raises(InvalidQueryError) as caught:
        op.call(service)

    assert caught.value.pk == PK
    _assert_is_cause(caught.value, ClientError)


@pytest.mark.parametrize(
    "code", ["ResourceNotFoundException", "ProvisionedThroughputExceededException"]
)
@pytest.mark.parametrize("op", OPS, ids=_ids(OPS))
def test_engine_failure_raises_store_error_with_the_client_error_as_cause(
    service: DynamoDBService, stubber: Stubber, op: Op, code: str
) -> None:
    stubber.add_client_error(op.method, code, "it failed", expected_params=op.request)

    with pytest.raises(KeyValueStoreError) as caught:
        op.call(service)

    expected = TableNotFoundError if code == "ResourceNotFoundException" else StoreUnavailableError
    assert type(caught.value) is expected
    assert str(caught.value).startswith(f"{op.name}: pk={PK!r}")
    cause = _assert_is_cause(caught.value, ClientError)
    assert isinstance(cause, ClientError)
    assert cause.response["Error"]["Code"] == code


CONNECTION_ERRORS: list[BotoCoreError] = [
    EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com"),
    ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com"),
]


@pytest.mark.parametrize("exc", CONNECTION_ERRORS, ids=lambda exc: type(exc).__name__)
@pytest.mark.parametrize("op", OPS, ids=_ids(OPS))
def test_connection_failure_raises_store_error_never_a_botocore_error(
    service: DynamoDBService,
    client: DynamoDBClient,
    mocker: MockerFixture,
    op: Op,
    exc: BotoCoreError,
) -> None:
    method = mocker.patch.object(client, op.method, side_effect=exc)

    with pytest.raises(KeyValueStoreError) as caught:
        op.call(service)

    sent = isinstance(exc, ReadTimeoutError)
    writes = {"create", "update", "delete"}
    expected = WriteOutcomeUnknownError if sent and op.name in writes else StoreUnavailableError
    assert type(caught.value) is expected
    assert caught.value.retryable
    assert caught.value.attempts == 1  # one attempt allowed (conftest), and it was made
    assert not isinstance(caught.value, ClientError | BotoCoreError)
    assert caught.value.__cause__ is exc
    method.assert_called_once_with(**op.request)


# ping


def test_ping_active_table_is_true(
    service: DynamoDBService, stubber: Stubber, logger: Mock
) -> None:
    stubber.add_response(
        "describe_table", {"Table": {"TableName": TABLE, "TableStatus": "ACTIVE"}},
        {"TableName": TABLE},
    )  # fmt: skip

    assert service.ping() is True
    logger.warning.assert_not_called()


@pytest.mark.parametrize("status", ["CREATING", "UPDATING", "DELETING", "ARCHIVED"])
def test_ping_table_not_active_is_false_with_a_warning(
    service: DynamoDBService, stubber: Stubber, logger: Mock, status: str
) -> None:
    stubber.add_response(
        "describe_table", {"Table": {"TableName": TABLE, "TableStatus": status}},
        {"TableName": TABLE},
    )  # fmt: skip

    assert service.ping() is False
    logger.warning.assert_called_once()
    assert status in repr(logger.warning.call_args)


def test_ping_missing_table_is_false_with_a_warning(
    service: DynamoDBService, stubber: Stubber, logger: Mock
) -> None:
    stubber.add_client_error(
        "describe_table", "ResourceNotFoundException", "Requested resource not found",
        expected_params={"TableName": TABLE},
    )  # fmt: skip

    assert service.ping() is False
    logger.warning.assert_called_once()
    assert "ResourceNotFoundException" in repr(logger.warning.call_args)


@pytest.mark.parametrize("exc", CONNECTION_ERRORS, ids=lambda exc: type(exc).__name__)
def test_ping_unreachable_endpoint_is_false_with_a_warning(
    service: DynamoDBService,
    client: DynamoDBClient,
    mocker: MockerFixture,
    logger: Mock,
    exc: BotoCoreError,
) -> None:
    describe = mocker.patch.object(client, "describe_table", side_effect=exc)

    assert service.ping() is False
    describe.assert_called_once_with(TableName=TABLE)
    logger.warning.assert_called_once()


def test_ping_after_close_is_false_with_a_warning_and_sends_nothing(
    service: DynamoDBService, logger: Mock, sent: list[str]
) -> None:
    service.close()

    assert service.ping() is False
    logger.warning.assert_called_once()
    assert sent == []


# close and the context manager


def test_close_closes_the_client_once_however_often_called(
    service: DynamoDBService, client: DynamoDBClient, mocker: MockerFixture
) -> None:
    close = mocker.patch.object(client, "close")

    service.close()
    service.close()

    close.assert_called_once_with()


def _transaction(service: DynamoDBService) -> None:
    with service.transaction() as tx:
        tx.delete(PK, SK)


CLOSED_CALLS: list[tuple[str, Callable[[DynamoDBService], object]]] = [
    *((op.name, op.call) for op in OPS),
    ("query_page", lambda service: service.query_page(PK, Order)),
    ("get_many", lambda service: service.get_many([(PK, SK)], Order)),
    ("put_many", lambda service: service.put_many([ORDER])),
    ("transaction", _transaction),
]


@pytest.mark.parametrize(("name", "call"), CLOSED_CALLS, ids=[name for name, _ in CLOSED_CALLS])
def test_operation_after_close_raises_store_closed_and_sends_nothing(
    service: DynamoDBService,
    sent: list[str],
    name: str,
    call: Callable[[DynamoDBService], object],
) -> None:
    service.close()

    with pytest.raises(StoreClosedError) as caught:
        call(service)

    assert caught.value.operation == name
    assert sent == []


def test_operation_after_close_with_a_bad_key_raises_store_closed(
    service: DynamoDBService, sent: list[str]
) -> None:
    service.close()

    with pytest.raises(StoreClosedError):
        service.get_one("", SK, Order)

    assert sent == []


def test_context_manager_returns_the_service_and_closes_it_on_exit(
    service: DynamoDBService, client: DynamoDBClient, mocker: MockerFixture
) -> None:
    close = mocker.patch.object(client, "close")

    with service as entered:
        assert entered is service
        close.assert_not_called()

    close.assert_called_once_with()
    with pytest.raises(StoreClosedError):
        service.delete(PK, SK)


def test_context_manager_closes_on_error_and_lets_the_error_through(
    service: DynamoDBService, client: DynamoDBClient, mocker: MockerFixture
) -> None:
    close = mocker.patch.object(client, "close")

    with pytest.raises(RuntimeError, match="boom"), service:
        raise RuntimeError("boom")

    close.assert_called_once_with()


# logging


@pytest.mark.parametrize("op", OPS, ids=_ids(OPS))
def test_operation_success_logs_debug_with_op_key_and_ms(
    service: DynamoDBService, stubber: Stubber, logger: Mock, op: Op
) -> None:
    stubber.add_response(op.method, op.answer, op.request)

    op.call(service)

    logger.debug.assert_called_once_with(op.name, op=op.name, pk=PK, sk=op.sk, ms=ANY)
    ms = logger.debug.call_args.kwargs["ms"]
    assert isinstance(ms, float)
    assert ms >= 0
    logger.error.assert_not_called()


@pytest.mark.parametrize("op", OPS, ids=_ids(OPS))
def test_operation_failure_logs_error_not_debug(
    service: DynamoDBService, stubber: Stubber, logger: Mock, op: Op
) -> None:
    stubber.add_client_error(op.method, "ProvisionedThroughputExceededException", "slow down")

    with pytest.raises(KeyValueStoreError):
        op.call(service)

    logger.error.assert_called_once()
    context = logger.error.call_args.kwargs
    assert (context["op"], context["pk"], context["error"]) == (
        op.name, PK, "StoreUnavailableError"
    )  # fmt: skip
    assert context["sk"] == op.sk
    assert context["attempts"] == 1
    logger.debug.assert_not_called()


def test_invalid_key_is_logged_as_refused_at_info(service: DynamoDBService, logger: Mock) -> None:
    with pytest.raises(InvalidItemError):
        service.delete("", SK)

    logger.error.assert_not_called()
    logger.info.assert_called_once()
    assert logger.info.call_args.args == ("refused",)
    assert logger.info.call_args.kwargs == {
        "op": "delete", "pk": "", "sk": SK, "error": "InvalidItemError",
    }  # fmt: skip


def test_no_logged_call_holds_an_item_payload(
    service: DynamoDBService, stubber: Stubber, logger: Mock
) -> None:
    item = Order(pk=PK, sk=SK, total=Decimal(1), status=PAYLOAD, note=PAYLOAD)
    stored = {**KEY, "total": {"N": "1"}, "status": {"S": PAYLOAD}, "note": {"S": PAYLOAD}}
    stubber.add_response("put_item", {})
    stubber.add_response("update_item", {})
    stubber.add_response("get_item", {"Item": stored})
    stubber.add_response("query", {"Items": [stored]})
    stubber.add_client_error("put_item", "ValidationException", "Item size has exceeded")
    stubber.add_client_error("update_item", CONDITION_FAILED, "failed")
    stubber.add_response("get_item", {})
    stubber.add_client_error(
        "put_item", CONDITION_FAILED, "failed", modeled_fields={"Item": stored}
    )
    stubber.add_response("get_item", {"Item": {**KEY, "total": {"S": PAYLOAD}}})

    service.create(item)
    service.update(item)
    assert service.get_one(PK, SK, Order) == item
    assert service.query_by_pk(PK, Order) == [item]
    with pytest.raises(InvalidItemError):
        service.create(item)
    with pytest.raises(ItemNotFoundError):
        service.update(item)
    with pytest.raises(ItemAlreadyExistsError):
        service.create(item)
    with pytest.raises(InvalidItemError):
        service.get_one(PK, SK, Order)  # the stored total does not validate
    with pytest.raises(InvalidItemError):
        service.create(Reading(pk=PK, sk=SK, value=float("inf")))

    # 4 successes and 2 failed conditions at debug, 3 refusals at info, nothing at error
    assert (logger.debug.call_count, logger.info.call_count) == (4 + 2, 3)
    logger.error.assert_not_called()
    assert PAYLOAD not in repr(logger.mock_calls)
    assert "inf" not in repr(logger.error.call_args_list)


# create_table


CREATE_TABLE_REQUEST = {
    "TableName": TABLE,
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
    ],
    "KeySchema": [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "BillingMode": "PAY_PER_REQUEST",
}
DESCRIBE = {"TableName": TABLE}


def _described(status: str) -> dict[str, Any]:
    return {"Table": {"TableName": TABLE, "TableStatus": status}}


@pytest.fixture
def fast_polls(mocker: MockerFixture) -> None:
    mocker.patch.object(_table, "_POLL_INTERVAL_S", 0.0)


@pytest.fixture
def client_close(mocker: MockerFixture, client: DynamoDBClient) -> MagicMock:
    return mocker.patch.object(client, "close")


@pytest.mark.usefixtures("fast_polls")
def test_create_table_creates_pk_sk_on_demand_and_polls_until_active(
    new_client: MagicMock,
    stubber: Stubber,
    config: DynamoDBConfig,
    sent: list[str],
    client_close: MagicMock,
) -> None:
    stubber.add_response("create_table", {}, CREATE_TABLE_REQUEST)
    stubber.add_response("describe_table", _described("CREATING"), DESCRIBE)
    stubber.add_response("describe_table", _described("CREATING"), DESCRIBE)
    stubber.add_response("describe_table", _described("ACTIVE"), DESCRIBE)

    create_table(config)

    new_client.assert_called_once_with(config, None)
    assert sent == ["CreateTable", "DescribeTable", "DescribeTable", "DescribeTable"]
    client_close.assert_called_once_with()


@pytest.mark.usefixtures("fast_polls")
def test_create_table_existing_table_is_left_as_it_is(
    new_client: MagicMock, stubber: Stubber, config: DynamoDBConfig, client_close: MagicMock
) -> None:
    stubber.add_client_error(
        "create_table", "ResourceInUseException", "Table already exists: orders",
        expected_params=CREATE_TABLE_REQUEST,
    )  # fmt: skip
    stubber.add_response("describe_table", _described("ACTIVE"), DESCRIBE)

    create_table(config)

    client_close.assert_called_once_with()


@pytest.mark.usefixtures("fast_polls")
def test_create_table_refused_raises_store_error_with_cause(
    new_client: MagicMock,
    stubber: Stubber,
    config: DynamoDBConfig,
    sent: list[str],
    client_close: MagicMock,
) -> None:
    stubber.add_client_error(
        "create_table", "AccessDeniedException", "not allowed", expected_params=CREATE_TABLE_REQUEST
    )

    with pytest.raises(KeyValueStoreError) as caught:
        create_table(config)

    assert type(caught.value) is KeyValueStoreError
    assert TABLE in str(caught.value)
    _assert_is_cause(caught.value, ClientError)
    assert sent == ["CreateTable"]
    client_close.assert_called_once_with()


@pytest.mark.usefixtures("fast_polls")
def test_create_table_unreachable_endpoint_raises_store_error_with_cause(
    new_client: MagicMock,
    client: DynamoDBClient,
    mocker: MockerFixture,
    config: DynamoDBConfig,
    client_close: MagicMock,
) -> None:
    exc = EndpointConnectionError(endpoint_url="http://localhost:8000")
    mocker.patch.object(client, "create_table", side_effect=exc)

    with pytest.raises(KeyValueStoreError) as caught:
        create_table(config)

    assert type(caught.value) is KeyValueStoreError
    assert caught.value.__cause__ is exc
    client_close.assert_called_once_with()


@pytest.mark.usefixtures("fast_polls")
def test_create_table_table_vanishing_while_waiting_raises_store_error(
    new_client: MagicMock, stubber: Stubber, config: DynamoDBConfig, client_close: MagicMock
) -> None:
    stubber.add_response("create_table", {}, CREATE_TABLE_REQUEST)
    stubber.add_client_error(
        "describe_table", "ResourceNotFoundException", "gone", expected_params=DESCRIBE
    )

    with pytest.raises(KeyValueStoreError) as caught:
        create_table(config)

    assert type(caught.value) is KeyValueStoreError
    _assert_is_cause(caught.value, ClientError)
    client_close.assert_called_once_with()


@pytest.mark.usefixtures("fast_polls")
def test_create_table_never_active_raises_store_error_after_the_deadline(
    new_client: MagicMock,
    stubber: Stubber,
    mocker: MockerFixture,
    config: DynamoDBConfig,
    client_close: MagicMock,
) -> None:
    mocker.patch.object(_table, "TABLE_ACTIVE_TIMEOUT_S", -1.0)
    stubber.add_response("create_table", {}, CREATE_TABLE_REQUEST)
    stubber.add_response("describe_table", _described("CREATING"), DESCRIBE)

    with pytest.raises(KeyValueStoreError, match="not ACTIVE"):
        create_table(config)

    client_close.assert_called_once_with()
