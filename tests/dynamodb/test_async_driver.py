"""The async driver's own behaviour: built once, closed once, cancelled cleanly, per-task counts.

What it shares with the sync driver (requests, retries, credentials) is proven in
test_parity.py; these are what only an async driver has to get right.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

import anyio
import boto3
import botocore.client
import pytest
from botocore.exceptions import NoCredentialsError, ReadTimeoutError
from botocore.retries.standard import ExponentialBackoff
from moto import mock_aws
from pydantic import SecretStr

from lvrgd.common.services.dynamodb import DynamoDBConfig, _table
from lvrgd.common.services.dynamodb._async_driver import AsyncDriver
from lvrgd.common.services.dynamodb._async_parts import new_async_driver
from lvrgd.common.services.dynamodb._protocol import HttpRequest, HttpResponse
from lvrgd.common.services.kvstore import KeyValueStoreError

if TYPE_CHECKING:
    from pytest_mock import MockerFixture

TABLE = "orders"
GET = {"TableName": TABLE, "Key": {"pk": {"S": "p"}, "sk": {"S": "s"}}}
BACKENDS = ["asyncio", "trio"]


def _config(**fields: Any) -> DynamoDBConfig:
    keys = {"aws_access_key_id": "AKIDASYNC", "aws_secret_access_key": SecretStr("secret")}
    return DynamoDBConfig(table_name=TABLE, region="eu-west-1", **{**keys, **fields})


class Canned:
    """An async transport answering each send with `answer` (a response, or raising)."""

    def __init__(self, answer: HttpResponse | Exception | None = None) -> None:
        body = b"{}"
        self.answer = answer or HttpResponse(200, {"x-amz-crc32": str(zlib.crc32(body))}, body)
        self.sent: list[HttpRequest] = []
        self.closed = 0

    async def send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    async def aclose(self) -> None:
        self.closed += 1


async def _no_wait(_: float) -> None:
    pass


@pytest.fixture
def own_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """A boto3 session of the test's own: what its chain finds stays out of later tests'."""
    monkeypatch.setattr(_table, "_sessions", [])


@pytest.mark.parametrize("backend", BACKENDS)
def test_parts_are_built_once_for_concurrent_first_callers(
    backend: str, mocker: MockerFixture
) -> None:
    built = mocker.spy(_table, "new_client")
    transport = Canned()
    driver = new_async_driver(_config(), transport=transport)

    async def main() -> None:
        assert driver.endpoint is None  # nothing built yet
        async with anyio.create_task_group() as tasks:
            for _ in range(50):
                tasks.start_soon(driver.call, "GetItem", GET)

    anyio.run(main, backend=backend)

    assert built.call_count == 1
    assert len(transport.sent) == 50
    assert driver.endpoint == "https://dynamodb.eu-west-1.amazonaws.com"


@pytest.mark.usefixtures("own_session")
def test_a_failing_build_raises_to_its_callers_and_is_tried_again_by_the_next_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    transport = Canned()
    driver = new_async_driver(DynamoDBConfig(table_name=TABLE), transport=transport)

    async def main() -> None:
        with pytest.raises(KeyValueStoreError, match="cannot build a DynamoDB client"):
            await driver.call("GetItem", GET)
        monkeypatch.delenv("AWS_PROFILE")
        _table._sessions.clear()
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLATER")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
        await driver.call("GetItem", GET)

    anyio.run(main)
    assert len(transport.sent) == 1


def test_without_credentials_nothing_is_sent(mocker: MockerFixture) -> None:
    mocker.patch.object(_table, "credentials_of", return_value=None)  # the chain found none
    transport = Canned()
    driver = new_async_driver(_config(), transport=transport)

    async def main() -> None:
        with pytest.raises(NoCredentialsError):
            await driver.call("GetItem", GET)

    anyio.run(main)
    assert transport.sent == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_failed_calls_attempts_are_its_tasks_own(backend: str) -> None:
    transport = Canned(ReadTimeoutError(endpoint_url="https://dynamodb"))
    driver = new_async_driver(_config(max_attempts=3), transport=transport, sleep=_no_wait)
    seen: dict[str, int | None] = {}

    async def fail(name: str) -> None:
        with pytest.raises(ReadTimeoutError):
            await driver.call("GetItem", GET)
        seen[name] = AsyncDriver.last_attempts()
        seen[f"{name}, asked again"] = AsyncDriver.last_attempts()

    async def succeed() -> None:
        seen["another task"] = AsyncDriver.last_attempts()

    async def main() -> None:
        await fail("failed task")
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(succeed)

    anyio.run(main, backend=backend)

    assert seen == {"failed task": 3, "failed task, asked again": None, "another task": None}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_call_cancelled_while_waiting_to_resend_leaves_the_driver_usable(
    backend: str, mocker: MockerFixture
) -> None:
    mocker.patch.object(ExponentialBackoff, "delay_amount", return_value=1.0)
    transport = Canned(ReadTimeoutError(endpoint_url="https://dynamodb"))
    driver = new_async_driver(_config(max_attempts=5), transport=transport, sleep=anyio.sleep)

    async def main() -> None:
        with anyio.move_on_after(0.05) as scope:  # during the first wait, of a second
            await driver.call("GetItem", GET)
        assert scope.cancelled_caught
        sent = len(transport.sent)
        assert sent == 1
        transport.answer = Canned().answer
        assert await driver.call("GetItem", GET) == {}
        assert len(transport.sent) == sent + 1

    anyio.run(main, backend=backend)


def test_aclose_closes_the_transport_and_the_client_and_is_idempotent(
    mocker: MockerFixture,
) -> None:
    transport = Canned()
    driver = new_async_driver(_config(), transport=transport)
    closing = mocker.spy(botocore.client.BaseClient, "close")

    async def main() -> None:
        await driver.aclose()  # before any call: the given transport is closed
        await driver.call("GetItem", GET)
        await driver.aclose()
        await driver.aclose()

    anyio.run(main)
    assert transport.closed == 3
    assert closing.call_count == 2


@pytest.mark.usefixtures("own_session")
@pytest.mark.parametrize("backend", BACKENDS)
def test_under_mock_aws_the_default_transport_is_answered_by_moto(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    item = {"pk": {"S": "p"}, "sk": {"S": "s"}, "n": {"N": "1"}}
    with mock_aws():
        boto3.client("dynamodb", region_name="eu-west-1").create_table(
            TableName=TABLE,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        driver = new_async_driver(DynamoDBConfig(table_name=TABLE, region="eu-west-1"))

        async def main() -> Any:
            try:
                await driver.call("PutItem", {"TableName": TABLE, "Item": item})
                return await driver.call("GetItem", GET)
            finally:
                await driver.aclose()

        assert anyio.run(main, backend=backend) == {"Item": item}
