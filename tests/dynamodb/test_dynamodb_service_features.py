"""DynamoDBService's later features: versions, query_page, get_many, put_many, transactions.

Same harness as test_dynamodb_service.py: a real client behind a Stubber.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from lvrgd.common.services.dynamodb import DynamoDBConfig, DynamoDBService
from lvrgd.common.services.kvstore import (
    InvalidItemError,
    InvalidQueryError,
    ItemAlreadyExistsError,
    ItemNotFoundError,
    KeyValueStoreError,
    StoreUnavailableError,
    TransactionCanceledError,
    VersionConflictError,
    VersionedItem,
    _backoff,
)

from ._data import (
    ALL_OLD,
    CREATE_REQUEST,
    ORDER,
    PK,
    SK,
    STORED_ORDER,
    TABLE,
    UPDATE_REQUEST,
    Order,
    delete_request,
    get_request,
    key,
    page,
    query_request,
    stored,
)

if TYPE_CHECKING:
    from unittest.mock import MagicMock, Mock

    from botocore.stub import Stubber
    from mypy_boto3_dynamodb import DynamoDBClient
    from pytest_mock import MockerFixture

CONDITION_FAILED = "ConditionalCheckFailedException"


class Doc(VersionedItem, entity="doc"):
    title: str


def _order(sk: str) -> Order:
    return Order(pk=PK, sk=sk, total=Decimal(1))


@pytest.fixture
def no_backoff(mocker: MockerFixture) -> None:
    """Resend what a batch left unprocessed at once."""
    mocker.patch.object(_backoff, "FIRST_DELAY_S", 0.0)


# optimistic locking

DOC_KEY = key(PK, "doc#1")


def test_create_versioned_item_stores_version_1_and_sets_it_on_the_item(
    service: DynamoDBService, stubber: Stubber
) -> None:
    doc = Doc(pk=PK, sk="doc#1", title="t")
    item = {**DOC_KEY, "version": {"N": "1"}, "title": {"S": "t"}, "_entity": {"S": "doc"}}
    stubber.add_response("put_item", {}, {**CREATE_REQUEST, "Item": item})

    service.create(doc)

    assert doc.version == 1


def _versioned_update(expected: int) -> dict[str, Any]:
    return {
        "TableName": TABLE,
        "Key": DOC_KEY,
        "ConditionExpression": "attribute_exists(#pk) AND #ver = :ver",
        "ExpressionAttributeNames": {
            "#pk": "pk",
            "#s0": "version",
            "#s1": "title",
            "#ver": "version",
            "#e": "_entity",
        },
        "ExpressionAttributeValues": {
            ":s0": {"N": str(expected + 1)},
            ":s1": {"S": "t"},
            ":ver": {"N": str(expected)},
            ":e": {"S": "doc"},
        },
        "UpdateExpression": "SET #s0 = :s0, #s1 = :s1, #e = if_not_exists(#e, :e)",
        **ALL_OLD,
    }


def test_update_versioned_item_at_its_version_stores_and_sets_the_next(
    service: DynamoDBService, stubber: Stubber
) -> None:
    doc = Doc(pk=PK, sk="doc#1", title="t", version=1)
    stubber.add_response("update_item", {}, _versioned_update(1))

    service.update(doc)

    assert doc.version == 2


def test_update_versioned_item_at_a_stale_version_raises_version_conflict(
    service: DynamoDBService, stubber: Stubber
) -> None:
    doc = Doc(pk=PK, sk="doc#1", title="t", version=1)
    newer = {**DOC_KEY, "version": {"N": "5"}, "title": {"S": "u"}}
    stubber.add_client_error(
        "update_item", CONDITION_FAILED, "failed", expected_params=_versioned_update(1),
        modeled_fields={"Item": newer},
    )  # fmt: skip

    with pytest.raises(VersionConflictError) as caught:
        service.update(doc)

    assert (caught.value.pk, caught.value.sk, caught.value.expected) == (PK, "doc#1", 1)
    assert isinstance(caught.value.__cause__, ClientError)
    assert doc.version == 1


def test_update_versioned_item_that_is_missing_raises_item_not_found(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_client_error(
        "update_item", CONDITION_FAILED, "failed", expected_params=_versioned_update(1)
    )
    stubber.add_response("get_item", {}, get_request(sk="doc#1"))

    with pytest.raises(ItemNotFoundError):
        service.update(Doc(pk=PK, sk="doc#1", title="t", version=1))


# query_page


def test_query_page_asks_one_more_than_the_page_and_resumes_from_its_cursor(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("query", page(["a", "b", "c"], last="c"), query_request(limit=3))
    stubber.add_response("query", page(["c"]), query_request(limit=3, start="b"))

    first = service.query_page(PK, Order, page_size=2)
    second = service.query_page(PK, Order, page_size=2, cursor=first.cursor)

    assert [item.sk for item in first.items] == ["a", "b"]
    assert first.cursor is not None
    assert [item.sk for item in second.items] == ["c"]
    assert second.cursor is None


def test_query_page_whole_result_in_one_page_has_no_cursor(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    stubber.add_response("query", page(["a", "b"]), query_request(limit=3))

    result = service.query_page(PK, Order, page_size=2)

    assert [item.sk for item in result.items] == ["a", "b"]
    assert result.cursor is None
    assert sent == ["Query"]


@pytest.mark.parametrize(
    "arguments",
    [{"cursor": "not a cursor"}, {"cursor": "eyJ2IjoxfQ"}, {"page_size": 0}, {"page_size": -1}],
    ids=["garbled", "foreign-json", "page-size-0", "page-size-negative"],
)
def test_query_page_bad_cursor_or_size_raises_invalid_query_and_sends_nothing(
    service: DynamoDBService, sent: list[str], arguments: dict[str, Any]
) -> None:
    with pytest.raises(InvalidQueryError):
        service.query_page(PK, Order, **arguments)

    assert sent == []


def test_query_page_cursor_of_another_partition_raises_invalid_query(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    stubber.add_response("query", page(["a", "b"], last="b"), query_request(limit=2))
    cursor = service.query_page(PK, Order, page_size=1).cursor

    with pytest.raises(InvalidQueryError):
        service.query_page("customer#2", Order, page_size=1, cursor=cursor)

    assert sent == ["Query"]


# get_many


def _batch_get(keys: list[dict[str, Any]], *, consistent: bool = True) -> dict[str, Any]:
    return {"RequestItems": {TABLE: {"Keys": keys, "ConsistentRead": consistent}}}


def test_get_many_returns_found_items_in_key_order_skipping_missing_ones(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response(
        "batch_get_item",
        {"Responses": {TABLE: [stored("a"), stored("b")]}},
        _batch_get([key(PK, "b"), key(PK, "zz"), key(PK, "a")]),
    )

    found = service.get_many([(PK, "b"), (PK, "zz"), (PK, "a"), (PK, "b")], Order)

    assert [item.sk for item in found] == ["b", "a", "b"]


def test_get_many_with_eventual_reads_configured_is_not_consistent(
    new_client: MagicMock, stubber: Stubber, logger: Mock
) -> None:
    service = DynamoDBService(logger, DynamoDBConfig(table_name=TABLE, consistent_reads=False))
    stubber.add_response("batch_get_item", {}, _batch_get([key()], consistent=False))

    assert service.get_many([(PK, SK)], Order) == []


def test_get_many_more_than_100_keys_asks_in_chunks_of_100(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    sks = [f"order#{index:03}" for index in range(150)]
    stubber.add_response("batch_get_item", {}, _batch_get([key(PK, sk) for sk in sks[:100]]))
    stubber.add_response("batch_get_item", {}, _batch_get([key(PK, sk) for sk in sks[100:]]))

    assert service.get_many([(PK, sk) for sk in sks], Order) == []
    assert sent == ["BatchGetItem", "BatchGetItem"]


@pytest.mark.usefixtures("no_backoff")
def test_get_many_unprocessed_keys_are_asked_again(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response(
        "batch_get_item",
        {
            "Responses": {TABLE: [stored("a")]},
            "UnprocessedKeys": {TABLE: {"Keys": [key(PK, "b")], "ConsistentRead": True}},
        },
        _batch_get([key(PK, "a"), key(PK, "b")]),
    )
    stubber.add_response(
        "batch_get_item", {"Responses": {TABLE: [stored("b")]}}, _batch_get([key(PK, "b")])
    )

    found = service.get_many([(PK, "a"), (PK, "b")], Order)

    assert [item.sk for item in found] == ["a", "b"]


def test_get_many_keys_still_unread_after_the_retry_time_raise_store_error_naming_them(
    new_client: MagicMock, stubber: Stubber, logger: Mock
) -> None:
    service = DynamoDBService(logger, DynamoDBConfig(table_name=TABLE, batch_retry_seconds=1e-9))
    stubber.add_response(
        "batch_get_item",
        {"UnprocessedKeys": {TABLE: {"Keys": [key(PK, "b")], "ConsistentRead": True}}},
        _batch_get([key(PK, "b")]),
    )

    with pytest.raises(KeyValueStoreError, match="'customer#1', 'b'") as caught:
        service.get_many([(PK, "b")], Order)

    assert type(caught.value) is StoreUnavailableError


@pytest.mark.parametrize(
    "keys",
    [[("", SK)], [(PK, "x" * 1025)], [[PK, SK]], [(PK,)], "pk"],
    ids=["empty-pk", "long-sk", "list-pair", "one-part", "string"],
)
def test_get_many_bad_keys_raise_invalid_query_and_send_nothing(
    service: DynamoDBService, sent: list[str], keys: Any
) -> None:
    with pytest.raises(InvalidQueryError):
        service.get_many(keys, Order)

    assert sent == []


def test_get_many_no_keys_returns_empty_list_and_sends_nothing(
    service: DynamoDBService, sent: list[str]
) -> None:
    assert service.get_many([], Order) == []
    assert sent == []


# put_many


def _batch_write(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"RequestItems": {TABLE: [{"PutRequest": {"Item": item}} for item in items]}}


def test_put_many_writes_in_chunks_of_25_unconditionally(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    sks = [f"order#{index:02}" for index in range(30)]
    stubber.add_response("batch_write_item", {}, _batch_write([stored(sk) for sk in sks[:25]]))
    stubber.add_response("batch_write_item", {}, _batch_write([stored(sk) for sk in sks[25:]]))

    service.put_many([_order(sk) for sk in sks])

    assert sent == ["BatchWriteItem", "BatchWriteItem"]


def test_put_many_same_key_twice_sends_the_later_item_once(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response("batch_write_item", {}, _batch_write([STORED_ORDER]))

    service.put_many([Order(pk=PK, sk=SK, total=Decimal(5)), ORDER])


@pytest.mark.usefixtures("no_backoff")
def test_put_many_unprocessed_items_are_sent_again(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {TABLE: [{"PutRequest": {"Item": stored("b")}}]}},
        _batch_write([stored("a"), stored("b")]),
    )
    stubber.add_response("batch_write_item", {}, _batch_write([stored("b")]))

    service.put_many([_order("a"), _order("b")])


def test_put_many_versioned_item_raises_invalid_item_and_sends_nothing(
    service: DynamoDBService, sent: list[str]
) -> None:
    with pytest.raises(InvalidItemError):
        service.put_many([ORDER, Doc(pk=PK, sk="doc#1", title="t")])

    assert sent == []


def test_put_many_items_refused_by_dynamodb_raise_invalid_item(
    service: DynamoDBService, stubber: Stubber
) -> None:
    stubber.add_client_error(
        "batch_write_item", "ValidationException", "Item size has exceeded the maximum",
        expected_params=_batch_write([STORED_ORDER]),
    )  # fmt: skip

    with pytest.raises(InvalidItemError) as caught:
        service.put_many([ORDER])

    assert isinstance(caught.value.__cause__, ClientError)


def test_put_many_nothing_sends_nothing(service: DynamoDBService, sent: list[str]) -> None:
    service.put_many([])

    assert sent == []


# transactions


ORDER_2 = _order("order#2")
TRANSACTION = [
    {"Put": {**CREATE_REQUEST, "Item": stored("order#2")}},
    {"Update": UPDATE_REQUEST},
    {"Delete": delete_request(sk="order#3")},
    {"ConditionCheck": delete_request(sk="order#4")},
]


def _four_operations(service: DynamoDBService) -> None:
    with service.transaction() as tx:
        tx.create(ORDER_2)
        tx.update(ORDER)
        tx.delete(PK, "order#3")
        tx.require(PK, "order#4")


def test_transaction_commits_every_operation_in_one_request(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    stubber.add_response("transact_write_items", {}, {"TransactItems": TRANSACTION})

    _four_operations(service)

    assert sent == ["TransactWriteItems"]


def test_transaction_with_no_operation_sends_nothing_and_raises_nothing(
    service: DynamoDBService, sent: list[str]
) -> None:
    with service.transaction():
        pass

    assert sent == []


def test_transaction_block_raising_sends_nothing_and_lets_the_error_through(
    service: DynamoDBService, sent: list[str]
) -> None:
    def failing_block() -> None:
        with service.transaction() as tx:
            tx.delete(PK, SK)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing_block()

    assert sent == []


def test_transaction_canceled_raises_with_one_reason_per_operation(
    service: DynamoDBService, stubber: Stubber, sent: list[str]
) -> None:
    stubber.add_client_error(
        "transact_write_items",
        "TransactionCanceledException",
        "Transaction cancelled",
        expected_params={"TransactItems": TRANSACTION},
        modeled_fields={
            "CancellationReasons": [
                {"Code": "ConditionalCheckFailed", "Item": stored("order#2")},
                {"Code": "None"},
                {"Code": "ConditionalCheckFailed"},
                {"Code": "None"},
            ]
        },
    )
    stubber.add_response("get_item", {}, get_request(sk="order#3"))

    with pytest.raises(TransactionCanceledError) as caught:
        _four_operations(service)

    kinds = [None if reason is None else type(reason) for reason in caught.value.reasons]
    assert kinds == [ItemAlreadyExistsError, None, ItemNotFoundError, None]
    assert isinstance(caught.value.__cause__, ClientError)
    assert sent == ["TransactWriteItems", "GetItem"]


def test_transaction_settles_versions_only_after_the_commit(
    service: DynamoDBService, stubber: Stubber
) -> None:
    doc = Doc(pk=PK, sk="doc#1", title="t", version=1)
    stubber.add_response(
        "transact_write_items", {}, {"TransactItems": [{"Update": _versioned_update(1)}]}
    )

    with service.transaction() as tx:
        tx.update(doc)
        assert doc.version == 1

    assert doc.version == 2


def test_transaction_two_operations_on_one_key_raise_invalid_query_and_send_nothing(
    service: DynamoDBService, sent: list[str]
) -> None:
    def same_key_twice() -> None:
        with service.transaction() as tx:
            tx.update(ORDER)
            tx.delete(PK, SK)

    with pytest.raises(InvalidQueryError):
        same_key_twice()

    assert sent == []


def test_transaction_unreachable_endpoint_raises_store_error(
    service: DynamoDBService, client: DynamoDBClient, mocker: MockerFixture
) -> None:
    exc = EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")
    mocker.patch.object(client, "transact_write_items", side_effect=exc)

    with pytest.raises(KeyValueStoreError) as caught, service.transaction() as tx:
        tx.delete(PK, SK)

    assert type(caught.value) is StoreUnavailableError
    assert caught.value.__cause__ is exc
