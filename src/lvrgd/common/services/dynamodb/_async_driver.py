"""The async driver: runs a call's steps (`_exchange`) with an AsyncTransport and ``anyio.sleep``.

The sync `Driver`'s twin: requests, signing, parsing, the endpoint and botocore's retry
decisions are the same `Exchange`'s. What blocks is kept off the event loop: building
botocore's client (the credential chain, the config files, DynamoDB's service model)
and every credential refresh run in a worker thread, once, while concurrent callers
wait for that one; a call whose credentials are fresh takes no thread.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.credentials import RefreshableCredentials

from . import _table
from ._async_transport import AsyncBotocoreHooks, missing_async_extra
from ._exchange import Run, Send, Wait

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
    from ._protocol import Params
    from ._transport import TransportSettings
    from .dynamodb_models import DynamoDBConfig

_failed_attempts: ContextVar[int | None] = ContextVar("lvrgd_failed_attempts", default=None)


@dataclass(frozen=True, slots=True)
class Parts:
    """What a driver is built from, made by blocking code (`new_async_driver`'s).

    Attributes:
        exchange: The call's steps: requests, signing, parsing, retry decisions.
        credentials: botocore's credentials, or None when the chain found none.
        events: botocore's event emitter, whose ``before-send`` handlers the default
            transport offers each request to first.
        transport_settings: The default transport's settings.
        close: What else to release on `aclose` (botocore's client).
    """

    exchange: Exchange
    credentials: Credentials | None
    events: Any
    transport_settings: TransportSettings
    close: Callable[[], None]


class AsyncDriver:
    """Sends DynamoDB operations with botocore's signing and retry decisions, on anyio.

    Safe to share between the tasks of one event loop (asyncio or trio). Nothing is
    built until the first call (or `prepare`): then `prepare_parts` runs in a worker
    thread, once, and the frozen credentials are kept until botocore says a refresh is
    due, when one worker thread refreshes them while concurrent callers wait.

    Args:
        prepare_parts: Builds the parts; blocking, so it is run in a worker thread.
        transport: Where requests are sent; if None, an `HttpxTransport` with the
            parts' settings, after botocore's ``before-send`` handlers.
        sleep: How the driver waits between attempts.
    """

    def __init__(
        self,
        prepare_parts: Callable[[], Parts],
        *,
        transport: AsyncTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        """Keep what builds the parts; nothing is built or sent here."""
        self._prepare_parts = prepare_parts
        self.transport = transport
        self._sleep = sleep
        self._parts: Parts | None = None
        self._credentials: Credentials | None = None
        self._frozen: ReadOnlyCredentials | None = None
        self._refreshes = 0
        self._lock = anyio.Lock()

    @property
    def endpoint(self) -> str | None:
        """The endpoint requests go to, once prepared (None before)."""
        return None if self._parts is None else self._parts.exchange.endpoint

    @staticmethod
    def last_attempts() -> int | None:
        """How many requests this task's last failed call sent (None if none failed)."""
        attempts = _failed_attempts.get()
        _failed_attempts.set(None)
        return attempts

    async def prepare(self) -> None:
        """Build the parts in a worker thread, once; concurrent callers wait for it.

        Raises:
            KeyValueStoreError: botocore cannot build a client from the environment.
            BotoCoreError: The credential chain failed.
        """
        if self._parts is None:
            async with self._lock:
                if self._parts is None:
                    parts, frozen = await anyio.to_thread.run_sync(self._build)
                    self._credentials, self._frozen = parts.credentials, frozen
                    if self.transport is None:
                        inner = HttpxTransport(parts.transport_settings)
                        self.transport = AsyncBotocoreHooks(parts.events, inner)
                    self._parts = parts

    async def call(self, operation: str, params: Params) -> Params:
        """Send `operation` with `params` until botocore's retry mode stops it.

        The async form of `Driver.call`, whose requests, retries, waits, output and
        errors (ClientError, ChecksumError, BotoCoreError) it shares.
        """
        await self.prepare()
        assert self._parts is not None  # noqa: S101 - prepare made them
        assert self.transport is not None  # noqa: S101 - given, or made by prepare
        transport = self.transport
        run = Run(self._parts.exchange, operation, params)
        try:
            for step in run:
                if isinstance(step, Send):
                    try:
                        run.reply = await transport.send(step.request)
                    except Exception as exc:  # noqa: BLE001 - botocore's retry mode judges it
                        run.reply = exc
                elif isinstance(step, Wait):
                    await self._sleep(step.seconds)
                else:
                    run.reply = await self._keys()
        except Exception:
            _failed_attempts.set(run.sends or None)
            raise
        return run.output

    async def aclose(self) -> None:
        """Close the transport's connections and botocore's client; idempotent."""
        if self.transport is not None:
            await self.transport.aclose()
        if self._parts is not None:
            self._parts.close()

    def _build(self) -> tuple[Parts, ReadOnlyCredentials | None]:
        """The parts, and the credentials resolved (a deferred provider fetches them now)."""
        parts = self._prepare_parts()
        credentials = parts.credentials
        return parts, None if credentials is None else credentials.get_frozen_credentials()

    async def _keys(self) -> ReadOnlyCredentials | None:
        """The frozen credentials; a refresh, when due, in one worker thread for all callers."""
        credentials = self._credentials
        if credentials is None:
            return None
        if self._frozen is not None and not _refresh_due(credentials):
            return self._frozen
        seen = self._refreshes
        async with self._lock:
            if self._refreshes == seen or self._frozen is None:
                self._frozen = await anyio.to_thread.run_sync(credentials.get_frozen_credentials)
                self._refreshes += 1
        return self._frozen


def _refresh_due(credentials: Credentials) -> bool:
    """Whether botocore would refresh now (its advisory window), read without refreshing."""
    return isinstance(credentials, RefreshableCredentials) and credentials.refresh_needed()


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

    def prepare_parts() -> Parts:
        client = _table.new_client(config, logger)
        return Parts(
            exchange=_table.new_exchange(config, client),
            credentials=_table.credentials_of(client),
            events=client.meta.events,
            transport_settings=_table.transport_settings(config, client),
            close=client.close,
        )

    return AsyncDriver(prepare_parts, transport=transport, sleep=sleep)
