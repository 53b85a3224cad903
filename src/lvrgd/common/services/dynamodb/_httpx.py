"""The default async transport: httpx's connection pool, HTTP/1.1. The only module importing httpx.

Requests go through ``httpx.AsyncHTTPTransport``, the pool under ``httpx.AsyncClient``:
the client's own per-request work (auth flows, redirects, cookies, event hooks, URL
merging) is nothing the driver uses, and skipping it saves some 130 to 250 µs of CPU
per request. As the sync `Urllib3Transport`: the config's connect and read timeouts, at most
`max_pool_connections` connections (all kept alive), no retries and no redirects of its
own (the driver decides retries), the proxy and CA bundle boto3 would use (handed in by
`_table.transport_settings`, never read by httpx from the environment), the body read
as it came (no content decoding), and each failure raised as the botocore exception the
sync transport raises for it, so that botocore's retry conditions and the adapter's
error table read both alike. The pool is built on the first send, in a worker thread
(loading the CA bundle reads files), and released by `aclose`.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
)
from botocore.httpsession import get_cert_path, mask_proxy_url

from ._async_transport import missing_async_extra
from ._protocol import HttpRequest, HttpResponse

try:
    import anyio
    import httpx
except ImportError as exc:
    raise missing_async_extra(exc) from exc

if TYPE_CHECKING:
    from botocore.exceptions import BotoCoreError

    from ._transport import TransportSettings

# Failures after the request may have left: the connection broke while writing or reading.
_CUT_SHORT = (httpx.WriteTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


class HttpxTransport:
    """The default async transport: one httpx connection pool, HTTP/1.1 keep-alive.

    Requests beyond `max_pool_connections` in flight wait for a free connection, with no
    time limit of their own: bound a call with the caller's cancel scope
    (``anyio.fail_after``) where that matters.

    Args:
        settings: The timeouts (the read timeout also bounds each write), the number of
            connections open at once (all kept alive between calls), proxy and CA bundle.
    """

    def __init__(self, settings: TransportSettings) -> None:
        """Keep the settings; the pool is built on the first send."""
        read, connections = settings.read_timeout, settings.max_pool_connections
        timeout = httpx.Timeout(connect=settings.connect_timeout, read=read, write=read, pool=None)
        self._extensions = {"timeout": timeout.as_dict()}
        self._limits = httpx.Limits(
            max_connections=connections, max_keepalive_connections=connections
        )
        self._proxy_url = settings.proxy_url
        self._verify = settings.verify
        self._pool: httpx.AsyncHTTPTransport | None = None
        self._opening = anyio.Lock()

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send `request` on a pooled connection and read the whole answer.

        Raises:
            BotoCoreError: Those `Urllib3Transport.send` raises, each for the same failure
                (a refused connection, a timeout, a broken connection, TLS...).
        """
        try:
            outgoing = httpx.Request(
                request.method,
                request.url,
                headers=request.headers,
                content=request.body,
                extensions=self._extensions,
            )
            pool = self._pool if self._pool is not None else await self._open()
            response = await pool.handle_async_request(outgoing)
            try:
                stream = response.stream
                assert isinstance(stream, httpx.AsyncByteStream)  # noqa: S101 - an async pool's
                body = b"".join([chunk async for chunk in stream])
            finally:
                await response.aclose()
        except Exception as exc:
            raise self._engine_error(exc, request) from exc
        headers = {name.lower(): value for name, value in response.headers.items()}
        return HttpResponse(response.status_code, headers, body)

    async def aclose(self) -> None:
        """Close every pooled connection; a later send builds a new pool."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.aclose()

    async def _open(self) -> httpx.AsyncHTTPTransport:
        async with self._opening:
            if self._pool is None:
                self._pool = await anyio.to_thread.run_sync(self._new_pool)
        return self._pool

    def _new_pool(self) -> httpx.AsyncHTTPTransport:
        verify = self._verify
        context: ssl.SSLContext | bool = False
        if verify is not False:
            cafile = verify if isinstance(verify, str) else get_cert_path(verify=True)
            context = ssl.create_default_context(cafile=cafile)
        return httpx.AsyncHTTPTransport(
            # HTTP/1.1 only: over HTTP/2, h2 drops connection-specific headers and moves
            # Host to :authority after the request was signed, which broke SigV4 in
            # aiobotocore's httpx session (aio-libs/aiobotocore PR #1085); and no local
            # engine speaks HTTP/2 to test it against.
            http1=True,
            http2=False,
            limits=self._limits,
            proxy=self._proxy_url,
            verify=context,
            # The proxy and CA bundle are boto3's, resolved by the caller: httpx reads
            # no environment variable of its own.
            trust_env=False,
        )

    def _engine_error(  # noqa: PLR0911 - one return per kind of failure
        self, exc: Exception, request: HttpRequest
    ) -> BotoCoreError:
        """The botocore exception the sync transport raises for what `exc` says happened."""
        url = request.url
        if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            return ConnectTimeoutError(endpoint_url=url, error=exc)
        if isinstance(exc, httpx.ReadTimeout):
            return ReadTimeoutError(endpoint_url=url, error=exc)
        if isinstance(exc, httpx.ConnectError | ssl.SSLError) and _tls_failure(exc):
            return SSLError(endpoint_url=url, error=exc)
        if isinstance(exc, httpx.ProxyError | httpx.ConnectError) and self._proxy_url is not None:
            # Through a proxy, every connection made is to the proxy.
            return ProxyConnectionError(proxy_url=mask_proxy_url(self._proxy_url), error=exc)
        if isinstance(exc, httpx.ConnectError):
            return EndpointConnectionError(endpoint_url=url, error=exc)
        if isinstance(exc, _CUT_SHORT):
            return ConnectionClosedError(endpoint_url=url, error=exc, request=request)
        return HTTPClientError(error=exc)


def _tls_failure(exc: BaseException) -> bool:
    """Whether an ssl.SSLError is among `exc`'s causes (httpx wraps httpcore's, which wraps it)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False
