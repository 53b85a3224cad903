"""The async transport's Protocol, and the before-send offer in async form.

This module imports neither httpx nor anyio: a transport of your own needs neither.
The default transport, on httpx, is `_httpx.HttpxTransport`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from lvrgd.common.services.kvstore._extra import ASYNC_EXTRA, missing_async_extra

from ._transport import offer_to_handlers

__all__ = ["ASYNC_EXTRA", "AsyncBotocoreHooks", "AsyncTransport", "missing_async_extra"]

if TYPE_CHECKING:
    from ._protocol import HttpRequest, HttpResponse


@runtime_checkable
class AsyncTransport(Protocol):
    """Sends one request and returns its whole response, without blocking the event loop.

    The same frozen request and response types as the sync `Transport`. A failure to
    get a response raises an exception; botocore's standard retry mode resends after
    ``botocore.exceptions.ConnectionError`` and ``HTTPClientError`` (and their
    subclasses), and after nothing else. Cancellation is not a failure: it propagates.
    """

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send `request` once and read the whole answer."""
        ...

    async def aclose(self) -> None:
        """Release connections; idempotent."""
        ...


@dataclass(frozen=True, slots=True)
class AsyncBotocoreHooks:
    """An async transport that first offers each request to botocore's ``before-send`` handlers.

    As the sync `BotocoreHooks`: a handler's answer (moto's ``mock_aws``, a test's own)
    is returned, else the request goes to `inner`.

    Attributes:
        events: The client's event emitter (``client.meta.events``).
        inner: Where a request no handler answers is sent.
    """

    events: Any
    inner: AsyncTransport

    async def send(self, request: HttpRequest) -> HttpResponse:
        """A handler's answer, or `inner`'s."""
        answer = offer_to_handlers(self.events, request)
        return await self.inner.send(request) if answer is None else answer

    async def aclose(self) -> None:
        """Close `inner`."""
        await self.inner.aclose()
