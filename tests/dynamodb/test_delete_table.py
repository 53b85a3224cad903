"""delete_table: the table goes, and the call waits until it has gone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from lvrgd.common.services.dynamodb import _table, delete_table
from lvrgd.common.services.kvstore import KeyValueStoreError

from ._data import TABLE

if TYPE_CHECKING:
    from unittest.mock import MagicMock

    from botocore.stub import Stubber
    from mypy_boto3_dynamodb import DynamoDBClient
    from pytest_mock import MockerFixture

    from lvrgd.common.services.dynamodb import DynamoDBConfig

REQUEST = {"TableName": TABLE}


def _described(status: str) -> dict[str, Any]:
    return {"Table": {"TableName": TABLE, "TableStatus": status}}


DELETING = {"TableDescription": {"TableName": TABLE, "TableStatus": "DELETING"}}


@pytest.fixture(autouse=True)
def fast_polls(mocker: MockerFixture) -> None:
    mocker.patch.object(_table, "_POLL_INTERVAL_S", 0.0)


@pytest.fixture
def client_close(mocker: MockerFixture, client: DynamoDBClient) -> MagicMock:
    return mocker.patch.object(client, "close")


def test_delete_table_deletes_and_polls_until_the_table_is_gone(
    new_client: MagicMock,
    stubber: Stubber,
    config: DynamoDBConfig,
    sent: list[str],
    client_close: MagicMock,
) -> None:
    stubber.add_response("delete_table", DELETING, REQUEST)
    stubber.add_response("describe_table", _described("DELETING"), REQUEST)
    stubber.add_client_error("describe_table", "ResourceNotFoundException", expected_params=REQUEST)

    delete_table(config)

    new_client.assert_called_once_with(config, None)
    assert sent == ["DeleteTable", "DescribeTable", "DescribeTable"]
    client_close.assert_called_once_with()


def test_delete_table_of_a_missing_table_does_nothing_more(
    new_client: MagicMock,
    stubber: Stubber,
    config: DynamoDBConfig,
    sent: list[str],
    client_close: MagicMock,
) -> None:
    stubber.add_client_error("delete_table", "ResourceNotFoundException", expected_params=REQUEST)

    delete_table(config)

    assert sent == ["DeleteTable"]
    client_close.assert_called_once_with()


def test_delete_table_refused_raises_store_error_with_cause(
    new_client: MagicMock, stubber: Stubber, config: DynamoDBConfig, client_close: MagicMock
) -> None:
    stubber.add_client_error(
        "delete_table", "AccessDeniedException", "not allowed", expected_params=REQUEST
    )

    with pytest.raises(KeyValueStoreError, match=f"delete_table: table '{TABLE}'") as caught:
        delete_table(config)

    assert type(caught.value) is KeyValueStoreError
    assert isinstance(caught.value.__cause__, ClientError)
    client_close.assert_called_once_with()


def test_delete_table_unreachable_endpoint_raises_store_error_with_cause(
    new_client: MagicMock,
    client: DynamoDBClient,
    mocker: MockerFixture,
    config: DynamoDBConfig,
    client_close: MagicMock,
) -> None:
    exc = EndpointConnectionError(endpoint_url="http://localhost:8000")
    mocker.patch.object(client, "delete_table", side_effect=exc)

    with pytest.raises(KeyValueStoreError) as caught:
        delete_table(config)

    assert caught.value.__cause__ is exc
    client_close.assert_called_once_with()


def test_delete_table_still_there_after_the_timeout_raises_store_error(
    new_client: MagicMock,
    stubber: Stubber,
    config: DynamoDBConfig,
    mocker: MockerFixture,
    client_close: MagicMock,
) -> None:
    mocker.patch.object(_table, "TABLE_ACTIVE_TIMEOUT_S", -1.0)
    stubber.add_response("delete_table", DELETING, REQUEST)
    stubber.add_response("describe_table", _described("DELETING"), REQUEST)

    with pytest.raises(KeyValueStoreError, match="still exists after"):
        delete_table(config)

    client_close.assert_called_once_with()
