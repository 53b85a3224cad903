"""Fixtures for the DynamoDB adapter's unit tests: a real, stubbed client and no network.

The client is a real botocore client wrapped in a ``Stubber``, so every request the
service sends is validated against DynamoDB's service model, and nothing leaves the
process: a request with no stubbed answer fails the test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from unittest.mock import Mock

import boto3
import pytest
from botocore.stub import Stubber

from lvrgd.common.services.dynamodb import DynamoDBConfig, DynamoDBService
from lvrgd.common.services.logging import LoggingService

from ._bridge import ClientBridge
from ._data import TABLE

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator
    from unittest.mock import MagicMock

    from botocore.model import OperationModel
    from mypy_boto3_dynamodb import DynamoDBClient
    from pytest_mock import MockerFixture

_CALL_FAILED = pytest.StashKey[bool]()
FAKE_KEY_ID = "x"
FAKE_SECRET = "y"  # noqa: S105 - a dummy credential for a client that never connects


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Note whether a test's body failed, for fixtures that check more on teardown."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def boto_session() -> boto3.session.Session:
    """One session for every test's client: building a client from it takes milliseconds."""
    return boto3.session.Session()


@pytest.fixture
def client(boto_session: boto3.session.Session) -> DynamoDBClient:
    """A real low-level client; the ``stubber`` fixture keeps it off the network."""
    return boto_session.client(
        "dynamodb",
        region_name="us-east-1",
        aws_access_key_id=FAKE_KEY_ID,
        aws_secret_access_key=FAKE_SECRET,
    )


@pytest.fixture
def sent(client: DynamoDBClient) -> list[str]:
    """The names of the operations the client was asked to send, in order."""
    operations: list[str] = []

    def record(model: OperationModel, **_: Any) -> None:
        operations.append(model.name)

    client.meta.events.register("provide-client-params.dynamodb", record)
    return operations


@pytest.fixture
def stubber(client: DynamoDBClient, request: pytest.FixtureRequest) -> Iterator[Stubber]:
    """The client's stubber; a passing test fails if an answer it queued is left unused."""
    with Stubber(client) as stub:
        yield stub
        if not request.node.stash.get(_CALL_FAILED, True):
            stub.assert_no_pending_responses()


@pytest.fixture
def logger() -> Mock:
    """The injected logger, as the package's testing strategy asks."""
    return Mock(spec=LoggingService)


@pytest.fixture
def config() -> DynamoDBConfig:
    """A config for the ``orders`` table; consistent reads, as by default.

    One attempt per call, as a Stubber answers a call once: a stubbed answer that
    says the call was resent (``RetryAttempts``) is played by the bridge as lost
    attempts, on a service that allows them (see ``resending``).
    """
    return DynamoDBConfig(table_name=TABLE, max_attempts=1)


@pytest.fixture
def bridge(client: DynamoDBClient) -> ClientBridge:
    """The transport the service sends through: the stubbed client answers."""
    return ClientBridge(client)


@pytest.fixture
def new_client(mocker: MockerFixture, client: DynamoDBClient, bridge: ClientBridge) -> MagicMock:
    """The one name the service calls to build its client, returning the stubbed client.

    The service's driver then sends through the bridge to that client: every request
    still reaches the Stubber, and nothing leaves the process.
    """
    mocker.patch("lvrgd.common.services.dynamodb._table.new_transport", return_value=bridge)
    mocker.patch("time.sleep")  # the driver's backoff between attempts
    return mocker.patch("lvrgd.common.services.dynamodb._table.new_client", return_value=client)


@pytest.fixture
def service(
    new_client: MagicMock, stubber: Stubber, logger: Mock, config: DynamoDBConfig
) -> DynamoDBService:
    """A DynamoDBService whose client is the stubbed one."""
    return DynamoDBService(logger, config)


@pytest.fixture
def resending(
    new_client: MagicMock, stubber: Stubber, logger: Mock, config: DynamoDBConfig
) -> DynamoDBService:
    """A service allowing two attempts, for answers stubbed as met on a resend."""
    return DynamoDBService(logger, config.model_copy(update={"max_attempts": 2}))
