"""An engine that lacks a DynamoDB call: UnsupportedOperationError, not an opaque error.

dynalite implements no TransactWriteItems; it answers UnknownOperationException with an
empty message. The port names the operation, the engine's endpoint and the API call.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

import pytest

from lvrgd.common.services import (
    DynamoDBConfig,
    DynamoDBService,
    KeyValueItem,
    LoggingService,
    UnsupportedOperationError,
    create_table,
)
from lvrgd.common.services.testing.adapters._engines import start_dynalite
from lvrgd.common.services.testing.adapters._process import EngineUnavailableError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lvrgd.common.services.testing.adapters._process import RunningEngine


class Note(KeyValueItem, entity="tests.dynamodb.test_unsupported_operations.Note"):
    """A plain item."""

    body: str = "x"


@pytest.fixture(scope="module")
def dynalite() -> Iterator[RunningEngine]:
    try:
        engine = start_dynalite()
    except EngineUnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"dynalite must start under CI: {exc.reason}")
        pytest.skip(f"dynalite cannot start here: {exc.reason}")
    yield engine
    engine.stop()


def test_transaction_on_dynalite_raises_unsupported_operation_naming_it(
    dynalite: RunningEngine,
) -> None:
    config = DynamoDBConfig(
        table_name=f"unsupported-{uuid.uuid4().hex[:12]}", endpoint_url=dynalite.endpoint_url
    )
    create_table(config)
    with DynamoDBService(LoggingService("test"), config) as service:
        with pytest.raises(UnsupportedOperationError) as caught, service.transaction() as tx:
            tx.create(Note(pk="p", sk="s"))
        assert service.get_one("p", "s", Note) is None

    error = caught.value
    assert (error.operation, error.api_call) == ("transaction", "TransactWriteItems")
    assert error.endpoint == dynalite.endpoint_url
    assert str(error) == (
        f"transaction: the engine at {dynalite.endpoint_url} does not implement DynamoDB's "
        "TransactWriteItems; use an engine that does (DynamoDB, moto, ministack)"
    )
    assert not error.retryable
