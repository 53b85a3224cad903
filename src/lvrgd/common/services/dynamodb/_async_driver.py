"""The async driver: answers a call's steps (`_exchange`) with an AsyncTransport, on anyio."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._async_transport import missing_async_extra
from ._exchange import Run, Send, Wait, last_attempts

try:
    import anyio
except ImportError as exc:
    raise missing_async_extra(exc) from exc

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from ._async_parts import LazyParts
    from ._async_transport import AsyncTransport
    from ._protocol import Params


class AsyncDriver:
    """Sends DynamoDB operations with botocore's signing and retry decisions, on anyio.

    Safe to share between the tasks of one loop; `last_attempts` answers for the task asking.

    Args:
        parts: What calls run on, built in a worker thread on the first call (or `prepare`).
        sleep: How the driver waits between attempts.
    """

    last_attempts = staticmethod(last_attempts)

    def __init__(
        self, parts: LazyParts, *, sleep: Callable[[float], Awaitable[None]] = anyio.sleep
    ) -> None:
        """Keep the parts; nothing is built or sent here."""
        self._parts = parts
        self._sleep = sleep

    @property
    def endpoint(self) -> str | None:
        """The endpoint requests go to, once prepared (None before)."""
        return self._parts.endpoint

    @property
    def transport(self) -> AsyncTransport | None:
        """Where requests are sent: the one given, or the default once prepared."""
        return self._parts.transport

    async def prepare(self) -> None:
        """Build the parts now rather than on the first call.

        Raises:
            KeyValueStoreError: botocore cannot build a client from the environment.
            BotoCoreError: The credential chain failed.
        """
        await self._parts.prepared()

    async def call(self, operation: str, params: Params) -> Params:
        """Send `operation` with `params` as `Driver.call` does: same retries, output, errors."""
        parts = await self._parts.prepared()
        with Run(parts.exchange, operation, params) as run:
            for step in run:
                if isinstance(step, Send):
                    try:
                        run.reply = await parts.transport.send(step.request)
                    except Exception as exc:  # noqa: BLE001 - botocore's retry mode judges it
                        run.reply = exc
                elif isinstance(step, Wait):
                    await self._sleep(step.seconds)
                else:
                    run.reply = await parts.credentials.frozen()
        return run.output

    async def aclose(self) -> None:
        """Close the transport's connections and botocore's client; idempotent."""
        await self._parts.aclose()
