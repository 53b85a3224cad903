"""What the async driver runs on, built off the event loop on first use.

The parts are the sync driver's: botocore's client from `_table.new_client` and the
steps from `_table.new_exchange`. Building them blocks (the credential chain, the
config files, DynamoDB's service model), so `LazyParts` runs it in a worker thread,
once, while concurrent callers wait for that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from . import _table
from ._async_credentials import AsyncCredentials
from ._async_driver import AsyncDriver
from ._async_transport import AsyncBotocoreHooks, missing_async_extra
from ._exchange import keys_of

try:
    import anyio
except ImportError as exc:
    raise missing_async_extra(exc) from exc

from ._httpx import HttpxTransport

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from botocore.credentials import Credentials, ReadOnlyCredentials

    from lvrgd.common.services.logging import LoggingService

    from ._async_transport import AsyncTransport
    from ._exchange import Exchange
    from ._transport import TransportSettings
    from .dynamodb_models import DynamoDBConfig


@dataclass(frozen=True, slots=True)
class Parts:
    """What the async driver is built from, made by blocking code (in a worker thread).

    Attributes:
        exchange: The call's steps: requests, signing, parsing, retry decisions.
        credentials: botocore's credentials, or None when the chain found none.
        events: botocore's event emitter, whose ``before-send`` handlers the default
            transport offers each request to first.
        transport_settings: The default transport's settings.
        close: What else to release on `LazyParts.aclose` (botocore's client).
    """

    exchange: Exchange
    credentials: Credentials | None
    events: Any
    transport_settings: TransportSettings
    close: Callable[[], None]


@dataclass(frozen=True, slots=True)
class Prepared:
    """What a call runs on, once the parts are built.

    Attributes:
        exchange: The call's steps.
        transport: Where requests are sent.
        credentials: What requests are signed with.
    """

    exchange: Exchange
    transport: AsyncTransport
    credentials: AsyncCredentials


class LazyParts:
    """The async driver's parts, built in a worker thread on first use, once.

    Safe to share between the tasks of one event loop: concurrent first callers wait
    for the one build; a build that fails raises to them, and the next call tries again.

    Args:
        build: Builds the parts; blocking, so it is run in a worker thread.
        transport: Where requests are sent; if None, an `HttpxTransport` with the
            parts' settings, after botocore's ``before-send`` handlers.

    Attributes:
        transport: Where requests are sent: the one given, or the default once built.
    """

    def __init__(self, build: Callable[[], Parts], transport: AsyncTransport | None) -> None:
        """Keep what builds the parts; nothing is built here."""
        self._build = build
        self.transport = transport
        self._parts: Parts | None = None
        self._prepared: Prepared | None = None
        self._lock = anyio.Lock()

    @property
    def endpoint(self) -> str | None:
        """The endpoint requests go to, once built (None before)."""
        return None if self._parts is None else self._parts.exchange.endpoint

    async def prepared(self) -> Prepared:
        """What a call runs on, the parts built first if need be.

        Raises:
            KeyValueStoreError: botocore cannot build a client from the environment.
            BotoCoreError: The credential chain failed.
        """
        prepared = self._prepared
        if prepared is None:
            async with self._lock:
                prepared = self._prepared or await self._prepare()
        return prepared

    async def aclose(self) -> None:
        """Close the transport's connections and botocore's client; idempotent."""
        if self.transport is not None:
            await self.transport.aclose()
        if self._parts is not None:
            self._parts.close()

    async def _prepare(self) -> Prepared:
        """Build the parts and resolve their credentials in a worker thread."""
        parts, frozen = await anyio.to_thread.run_sync(self._resolved)
        if self.transport is None:
            inner = HttpxTransport(parts.transport_settings)
            self.transport = AsyncBotocoreHooks(parts.events, inner)
        self._parts = parts
        credentials = AsyncCredentials(parts.credentials, frozen)
        self._prepared = Prepared(parts.exchange, self.transport, credentials)
        return self._prepared

    def _resolved(self) -> tuple[Parts, ReadOnlyCredentials | None]:
        """The parts, and their credentials resolved (a deferred provider fetches them now)."""
        parts = self._build()
        return parts, keys_of(parts.credentials)


def new_async_driver(
    config: DynamoDBConfig,
    logger: LoggingService | None = None,
    transport: AsyncTransport | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
) -> AsyncDriver:
    """The driver an async DynamoDB adapter sends its operations through.

    Its parts, built on first use in a worker thread, are the sync driver's: botocore's
    client from `_table.new_client` (endpoint, region, credentials, service model,
    User-Agent) and `_table.new_exchange`. Requests go through `transport`; by default
    through an `HttpxTransport` with `_table.transport_settings` (the config's timeouts
    and pool size, boto3's proxy and CA bundle), after the client's ``before-send``
    handlers (moto's ``mock_aws``...) had the chance to answer.

    Args:
        config: The table and how to reach it.
        logger: Where the client logs the use of dummy keys for a loopback endpoint.
        transport: Where requests go; the default httpx transport if None.
        sleep: How the driver waits between attempts.
    """
    return AsyncDriver(LazyParts(partial(_new_parts, config, logger), transport), sleep=sleep)


def _new_parts(config: DynamoDBConfig, logger: LoggingService | None) -> Parts:
    """The parts of botocore's client for `config` (blocking)."""
    client = _table.new_client(config, logger)
    return Parts(
        exchange=_table.new_exchange(config, client),
        credentials=_table.credentials_of(client),
        events=client.meta.events,
        transport_settings=_table.transport_settings(config, client),
        close=client.close,
    )
