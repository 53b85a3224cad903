"""DynamoDBService: the KeyValueStore on one DynamoDB table, over DynamoDB's JSON protocol.

Operations go through the driver (`_driver`): requests built by `_protocol`, signed
and retried by botocore's signer and standard retry mode, sent through a `Transport`.
boto3's low-level client, built as before, resolves the endpoint and credentials the
driver uses. The store's logic is the shared core's (`kvstore._core`); this adapter
only sends each call of a plan as one request (`_wire`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from lvrgd.common.services.kvstore._base import KeyValueStoreBase

from . import _table
from ._errors import error_code, translate
from ._wire import Wire, engine_error

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lvrgd.common.services.kvstore._errors import KeyValueStoreError
    from lvrgd.common.services.kvstore._steps import Call
    from lvrgd.common.services.logging import LoggingService

    from ._transport import Transport
    from .dynamodb_models import DynamoDBConfig


class DynamoDBService(KeyValueStoreBase):
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

    engine_errors: ClassVar[tuple[type[Exception], ...]] = (ClientError, BotoCoreError)

    def __init__(
        self, logger: LoggingService, config: DynamoDBConfig, *, transport: Transport | None = None
    ) -> None:
        """Build the client and the driver; nothing is sent until the first operation."""
        super().__init__(
            logger, entity_attribute=config.entity_attribute, indexes=config.indexes,
            batch_retry_seconds=config.batch_retry_seconds,
        )  # fmt: skip
        self._config = config
        self._table = config.table_name
        self._wire = Wire(
            self._table, config.consistent_reads, self._indexes.specs, self._entity_attribute
        )
        self._client = _table.new_client(config, self._logger)
        self._driver = _table.new_driver(config, self._client, transport)

    def __repr__(self) -> str:
        """Name the table and region, never the credentials."""
        return f"DynamoDBService(table={self._table!r}, region={self._config.region!r})"

    def close(self) -> None:
        """Close the client's connections; idempotent."""
        if not self._closed:
            self._closed = True
            self._driver.close()
            self._client.close()

    def translate(
        self, error: Exception, operation: str, pk: str | None, sk: str | None
    ) -> KeyValueStoreError:
        """The port's error for a botocore error (see `_errors.translate`)."""
        assert isinstance(error, ClientError | BotoCoreError)  # noqa: S101 - engine_errors
        attempts: int | None
        if isinstance(error, ClientError):
            attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) + 1
        else:
            attempts = self._driver.last_attempts()
        return translate(
            error, operation, pk, sk, table=self._table,
            endpoint=self._driver.endpoint, attempts=attempts,
        )  # fmt: skip

    def ping_failure(self, error: Exception) -> str:
        """DynamoDB's error code, or the class of a network error."""
        return error_code(error) if isinstance(error, ClientError) else type(error).__name__

    @property
    def _log_context(self) -> Mapping[str, object]:
        return {"table": self._table}

    def _answer(self, call: Call) -> Any:
        """Send `call` as one request; a failed condition or cancellation as EngineError."""
        operation, request = self._wire.request(call)
        try:
            answer = self._driver.call(operation, request)
        except ClientError as exc:
            error = engine_error(exc)
            if error is None:
                raise
            raise error from exc
        return self._wire.reply(call, answer)
