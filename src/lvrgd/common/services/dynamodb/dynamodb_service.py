"""DynamoDBService: the KeyValueStore on one DynamoDB table, over DynamoDB's JSON protocol.

Operations go through the driver (`_driver`): requests built by `_protocol`, signed
and retried by botocore's signer and standard retry mode, sent through a `Transport`.
boto3's low-level client, built as before, resolves the endpoint and credentials the
driver uses. The store's logic is the shared core's (`kvstore._core`); this adapter
only sends each call of a plan as one request (`_wire`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from lvrgd.common.services.kvstore._base import KeyValueStoreBase

from . import _table
from ._adapter import DynamoDBTable
from ._wire import raise_engine_error

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._steps import Call
    from lvrgd.common.services.logging import LoggingService

    from ._driver import Driver
    from ._transport import Transport
    from .dynamodb_models import DynamoDBConfig


class DynamoDBService(DynamoDBTable, KeyValueStoreBase):
    """KeyValueStore on one DynamoDB table, over DynamoDB's JSON protocol.

    Safe to share between threads. botocore's standard retry mode, with `max_attempts`
    attempts, decides the only retries of a failed call; what a batch leaves
    unprocessed is resent with backoff for up to `batch_retry_seconds`.

    Args:
        logger: Where operations are logged (name, key and milliseconds at debug;
            failures at error; never item payloads).
        config: The table and how to reach it.
        transport: Where requests are sent: a `Transport` of your own (a test double,
            another HTTP client); by default pooled urllib3 connections with the
            config's timeouts and `max_pool_connections`.
    """

    _driver: Driver

    def __init__(
        self, logger: LoggingService, config: DynamoDBConfig, *, transport: Transport | None = None
    ) -> None:
        """Build the client and the driver; nothing is sent until the first operation."""
        super().__init__(
            logger, entity_attribute=config.entity_attribute, indexes=config.indexes,
            batch_retry_seconds=config.batch_retry_seconds,
        )  # fmt: skip
        self._use_table(config)
        self._client = _table.new_client(config, self._logger)
        self._driver = _table.new_driver(config, self._client, transport)

    def close(self) -> None:
        """Close the client's connections; idempotent."""
        if not self._closed:
            self._closed = True
            self._driver.close()
            self._client.close()

    def _answer(self, call: Call) -> Any:
        """Send `call` as one request; a failed condition or cancellation as EngineError."""
        operation, request = self._wire.request(call)
        try:
            answer = self._driver.call(operation, request)
        except ClientError as exc:
            raise_engine_error(exc)
        return self._wire.reply(call, answer)
