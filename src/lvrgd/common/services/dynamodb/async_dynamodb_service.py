"""AsyncDynamoDBService: the AsyncKeyValueStore on one DynamoDB table.

The async form of `DynamoDBService`, on the same parts: the shared core's plans
(`kvstore._core`), the table's wire form and errors (`_adapter`, `_wire`), and a driver
running the same request steps (`_exchange`) over an async transport. This module
only sends each call of a plan as one request and awaits the answer. It needs the
``lvrgd-common[async]`` extra (anyio and httpx).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from lvrgd.common.services.kvstore._async_base import AsyncKeyValueStoreBase

from ._adapter import DynamoDBTable
from ._async_parts import new_async_driver
from ._wire import raise_engine_error

if TYPE_CHECKING:
    from lvrgd.common.services.kvstore._steps import Call
    from lvrgd.common.services.logging import LoggingService

    from ._async_driver import AsyncDriver
    from ._async_transport import AsyncTransport
    from .dynamodb_models import DynamoDBConfig


class AsyncDynamoDBService(DynamoDBTable, AsyncKeyValueStoreBase):
    """AsyncKeyValueStore on one DynamoDB table, over DynamoDB's JSON protocol.

    Every operation of `DynamoDBService`, awaited, with the same results, errors and
    logs. Safe to share between the tasks of one event loop (asyncio or trio). Nothing
    blocks the loop: botocore's client and the credentials are made in a worker thread
    on first use (concurrent callers wait for that one), and refreshed the same way.

    Args:
        logger: Where operations are logged (name, key and milliseconds at debug;
            failures at error; never item payloads).
        config: The table and how to reach it.
        transport: Where requests are sent: an `AsyncTransport` of your own (a test
            double, another HTTP client); by default httpx's connection pool (HTTP/1.1)
            with the config's timeouts and `max_pool_connections`, made on first use
            and released by `aclose()`.
    """

    _driver: AsyncDriver

    def __init__(
        self,
        logger: LoggingService,
        config: DynamoDBConfig,
        *,
        transport: AsyncTransport | None = None,
    ) -> None:
        """Keep the config and make the driver; nothing is sent or resolved until first use."""
        super().__init__(
            logger, entity_attribute=config.entity_attribute, indexes=config.indexes,
            batch_retry_seconds=config.batch_retry_seconds,
        )  # fmt: skip
        self._use_table(config)
        self._driver = new_async_driver(config, self._logger, transport)

    async def aclose(self) -> None:
        """Release the connection pool and botocore's client; idempotent."""
        if not self._closed:
            self._closed = True
            await self._driver.aclose()

    async def _answer(self, call: Call) -> Any:
        """Send `call` as one request; a failed condition or cancellation as EngineError."""
        operation, request = self._wire.request(call)
        try:
            answer = await self._driver.call(operation, request)
        except ClientError as exc:
            raise_engine_error(exc)
        return self._wire.reply(call, answer)
