"""The default async transport: httpx's HTTP/1.1 engine, httpcore. The only module importing httpx.

Each connection is httpcore's, as under ``httpx.AsyncClient``, made by httpcore's
connection factory for the endpoint (or for the proxy: forwarded to an HTTP endpoint,
tunnelled with CONNECT to an HTTPS one); the pool that lends them out is this module's
`_Pool`. httpcore's own pool rescans every connection (polling each idle socket) on each
request and each response, and hands the connection that just went idle to every request
waiting at that moment, all but one of which then go round again: against dynalite, at
64 calls in flight, a request went round some 14 times, and the pool kept a dozen
connections busy, not 64. httpx's client and transport layers add their own per-request
work (auth flows, redirects, cookies, a second parse of the URL), none of which the
driver uses.

As the sync `Urllib3Transport`: the config's connect and read timeouts, at most
`max_pool_connections` connections (kept alive between calls), no retries and no
redirects of its own (the driver decides retries), the proxy and CA bundle boto3 would
use (handed in by `_table.transport_settings`, never read from the environment), the
request's head and body in one write, the body read as it came (no content decoding),
and each failure raised as the botocore exception the sync transport raises for it, so
that botocore's retry conditions and the adapter's error table read both alike. The
pool is built on the first send, in a worker thread (loading the CA bundle reads
files), and released by `aclose`.
"""

from __future__ import annotations

import select
import ssl
from collections import deque
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

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
    import httpcore
    import httpx
except ImportError as exc:
    raise missing_async_extra(exc) from exc

if TYPE_CHECKING:
    import socket
    from collections.abc import Iterable

    from botocore.exceptions import BotoCoreError

    from ._transport import TransportSettings

KEEPALIVE_EXPIRY_S = 5.0
"""An idle connection older than this is closed rather than reused (httpx's default)."""

# Failures after the request may have left: the connection broke while writing or reading.
_CUT_SHORT = (
    httpcore.WriteTimeout,
    httpcore.ReadError,
    httpcore.WriteError,
    httpcore.RemoteProtocolError,
)


class HttpxTransport:
    """The default async transport: httpx's HTTP/1.1 connections, pooled and kept alive.

    Requests beyond `max_pool_connections` in flight wait for a free connection, in the
    order they came, with no time limit of their own: bound a call with the caller's
    cancel scope (``anyio.fail_after``) where that matters.

    Args:
        settings: The timeouts (the read timeout also bounds each write), the number of
            connections open at once (all kept alive between calls), proxy and CA bundle.
    """

    def __init__(self, settings: TransportSettings) -> None:
        """Keep the settings; the pool is built on the first send."""
        read = settings.read_timeout
        timeout = {"connect": settings.connect_timeout, "read": read, "write": read, "pool": None}
        self._extensions = {"timeout": timeout}
        self._connections = settings.max_pool_connections
        self._proxy_url = settings.proxy_url
        self._verify = settings.verify
        self._pool: _Pool | None = None
        self._opening = anyio.Lock()

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send `request` on a pooled connection and read the whole answer.

        Raises:
            BotoCoreError: Those `Urllib3Transport.send` raises, each for the same failure
                (a refused connection, a timeout, a broken connection, TLS...).
        """
        try:
            url, host = _target(request.url)
            headers = [("Host", host), *request.headers.items()]
            if request.body and not any(n.lower() == "content-length" for n in request.headers):
                headers.insert(1, ("Content-Length", str(len(request.body))))
            outgoing = httpcore.Request(
                request.method, url, headers=headers, content=request.body,
                extensions=self._extensions,
            )  # fmt: skip
            pool = self._pool if self._pool is not None else await self._open()
            status, raw_headers, body = await pool.send(outgoing)
        except Exception as exc:
            raise self._engine_error(exc, request) from exc
        return HttpResponse(status, _headers(raw_headers), body)

    async def aclose(self) -> None:
        """Close every pooled connection; a later send builds a new pool."""
        async with self._opening:  # a send building the pool finishes first
            pool, self._pool = self._pool, None
        if pool is not None:
            await pool.aclose()

    async def _open(self) -> _Pool:
        async with self._opening:
            pool = self._pool
            if pool is None:
                factory = await anyio.to_thread.run_sync(self._new_factory)
                pool = self._pool = _Pool(factory, self._connections)
        return pool

    def _new_factory(self) -> httpcore.AsyncConnectionPool:
        """The connection factory: httpcore's pool for the endpoint or the proxy (never sent on)."""
        context = _tls_context(self._verify)
        # HTTP/1.1 only: over HTTP/2, h2 drops connection-specific headers and moves Host
        # to :authority after the request was signed, which broke SigV4 in aiobotocore's
        # httpx session (aio-libs/aiobotocore PR #1085); and no local engine speaks
        # HTTP/2 to test it against.
        backend = _OneWriteBackend(httpcore.AnyIOBackend())
        size, expiry = self._connections, KEEPALIVE_EXPIRY_S
        if self._proxy_url is None:
            return httpcore.AsyncConnectionPool(
                ssl_context=context, max_connections=size, max_keepalive_connections=size,
                keepalive_expiry=expiry, http1=True, http2=False, network_backend=backend,
            )  # fmt: skip
        # The proxy is boto3's, resolved by the caller: nothing is read from the environment.
        proxy = httpx.Proxy(self._proxy_url)
        return httpcore.AsyncHTTPProxy(
            proxy_url=httpcore.URL(
                scheme=proxy.url.raw_scheme,
                host=proxy.url.raw_host,
                port=proxy.url.port,
                target=proxy.url.raw_path,
            ),
            proxy_auth=proxy.raw_auth,
            proxy_ssl_context=context if proxy.url.scheme == "https" else None,
            proxy_headers=proxy.headers.raw,
            ssl_context=context, max_connections=size, max_keepalive_connections=size,
            keepalive_expiry=expiry, http1=True, http2=False, network_backend=backend,
        )  # fmt: skip

    def _engine_error(  # noqa: PLR0911 - one return per kind of failure
        self, exc: Exception, request: HttpRequest
    ) -> BotoCoreError:
        """The botocore exception the sync transport raises for what `exc` says happened."""
        url = request.url
        if isinstance(exc, httpcore.ConnectTimeout):
            if self._proxy_url:  # through a proxy, every connection made is to the proxy
                return ProxyConnectionError(proxy_url=mask_proxy_url(self._proxy_url), error=exc)
            return ConnectTimeoutError(endpoint_url=url, error=exc)
        if isinstance(exc, httpcore.ReadTimeout):
            return ReadTimeoutError(endpoint_url=url, error=exc)
        if isinstance(exc, httpcore.ConnectError | ssl.SSLError) and _tls_failure(exc):
            return SSLError(endpoint_url=url, error=exc)
        if isinstance(exc, httpcore.ProxyError | httpcore.ConnectError) and self._proxy_url:
            # Through a proxy, every connection made is to the proxy.
            return ProxyConnectionError(proxy_url=mask_proxy_url(self._proxy_url), error=exc)
        if isinstance(exc, httpcore.ConnectError):
            return EndpointConnectionError(endpoint_url=url, error=exc)
        if isinstance(exc, _CUT_SHORT):
            return ConnectionClosedError(endpoint_url=url, error=exc, request=request)
        return HTTPClientError(error=exc)


class _Target(NamedTuple):
    url: httpcore.URL
    host: str
    """The Host header: the URL's host, and its port unless the scheme's default."""


@lru_cache(maxsize=16)
def _target(url: str) -> _Target:
    """`url` parsed as httpx parses it (raising httpx.InvalidURL as it would), once per URL."""
    parsed = httpx.URL(url)
    return _Target(
        httpcore.URL(
            scheme=parsed.raw_scheme,
            host=parsed.raw_host,
            port=parsed.port,
            target=parsed.raw_path,
        ),
        parsed.netloc.decode("ascii"),
    )


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Names in lower case, values as urllib3 reads them; a repeated name's values joined."""
    headers: dict[str, str] = {}
    for name, value in raw:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


@lru_cache(maxsize=8)
def _tls_context(verify: bool | str) -> ssl.SSLContext:  # noqa: FBT001 - the settings value
    """The TLS settings for `verify`, made once per process and shared by every pool.

    Loading a CA bundle costs some 18 ms of CPU: a store per test, or per request
    handler, would pay it each time. A context is safe to share between connections.
    """
    if verify is False:
        return httpx.create_ssl_context(verify=False)
    cafile = verify if isinstance(verify, str) else get_cert_path(verify=True)
    return ssl.create_default_context(cafile=cafile)


def _tls_failure(exc: BaseException) -> bool:
    """Whether an ssl.SSLError is among `exc`'s causes (httpcore wraps it)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


class _Pool:
    """At most `size` connections from `factory`, each carrying one request at a time.

    A request takes a slot (waiting its turn when all are taken), then the most recently
    used idle connection to its origin that is still good (its keep-alive not expired,
    the server not gone), else a new one; an idle connection to another origin is closed
    to make room. With one request per connection, none is ever handed to two requests.
    """

    def __init__(self, factory: httpcore.AsyncConnectionPool, size: int) -> None:
        self._factory = factory
        self._size = size
        self._slots = _Slots(size)
        self._idle: list[httpcore.AsyncConnectionInterface] = []
        self._in_use = 0
        self._closed = False

    async def send(self, request: httpcore.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """The status, headers and whole body of `request`'s response."""
        await self._slots.take()
        try:
            while True:
                connection = await self._take(request.url.origin)
                try:
                    response = await connection.handle_async_request(request)
                    try:
                        body = await response.aread()
                    finally:
                        await response.aclose()
                except httpcore.ConnectionNotAvailable:
                    continue  # it closed before the request started: the next one is new
                finally:
                    await self._give_back(connection)
                return response.status, response.headers, body
        finally:
            self._slots.give()

    async def aclose(self) -> None:
        """Close the idle connections now, and those in use once their answer is read."""
        self._closed = True
        idle, self._idle = self._idle, []
        await _close(idle)

    async def _take(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        connection, stale = None, []
        for index in range(len(self._idle) - 1, -1, -1):
            candidate = self._idle[index]
            if candidate.can_handle_request(origin):
                del self._idle[index]
                if not candidate.has_expired():
                    connection = candidate
                    break
                stale.append(candidate)
        if connection is None:
            if self._idle and len(self._idle) + self._in_use >= self._size:
                stale.append(self._idle.pop(0))
            connection = self._factory.create_connection(origin)
        await _close(stale)
        self._in_use += 1
        return connection

    async def _give_back(self, connection: httpcore.AsyncConnectionInterface) -> None:
        self._in_use -= 1
        if connection.is_closed():
            return
        if connection.is_idle() and not self._closed:
            self._idle.append(connection)
        else:  # cut off mid-exchange (a cancelled send), or the pool was closed meanwhile
            await _close([connection])


class _Slots:
    """`size` slots, handed out in the order asked for; a free one is taken without yielding.

    As ``anyio.Semaphore``, less the checkpoint its acquire takes even when a slot is
    free: one pass of the event loop per request (``fast_acquire`` needs anyio 4.5).
    """

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: deque[anyio.Event] = deque()

    async def take(self) -> None:
        """A slot: at once if one is free and nobody waits, else in turn."""
        if self._free and not self._waiting:
            self._free -= 1
            return
        turn = anyio.Event()
        self._waiting.append(turn)
        try:
            await turn.wait()
        except BaseException:
            if turn.is_set():  # handed a slot while being cancelled: hand it on
                self.give()
            else:
                self._waiting.remove(turn)
            raise

    def give(self) -> None:
        """Give a slot back: to the first waiting, else to the free ones."""
        if self._waiting:
            self._waiting.popleft().set()
        else:
            self._free += 1


async def _close(connections: list[httpcore.AsyncConnectionInterface]) -> None:
    failure: BaseException | None = None
    with anyio.CancelScope(shield=True):
        for connection in connections:
            try:
                await connection.aclose()
            except BaseException as exc:  # noqa: BLE001, PERF203 - asyncio's cancel pierces the shield; close the rest first
                failure = failure or exc
    if failure is not None:
        raise failure


class _OneWriteBackend(httpcore.AsyncNetworkBackend):
    """`inner`'s connections, each holding what httpcore writes until it next reads.

    httpcore writes a request's head, then its body: two sends, two TCP segments, and
    the server woken twice. Held until the answer is read, they leave in one send, as
    urllib3 (http.client) sends them.
    """

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A connection to `host`, its writes held until the next read."""
        stream = await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _OneWriteStream(stream)

    async def sleep(self, seconds: float) -> None:
        """As `inner` sleeps."""
        await self._inner.sleep(seconds)


class _OneWriteStream(httpcore.AsyncNetworkStream):
    """A stream whose writes are sent together, just before the next read (or TLS handshake)."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._held: list[bytes] = []
        self._timeout: float | None = None
        # Looked up once: anyio builds every attribute of a socket to answer for one.
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Hold `buffer` (with its timeout) for the next read."""
        if buffer:
            self._held.append(buffer)
            self._timeout = timeout

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        """Send what is held, then read."""
        await self._flush()
        return await self._inner.read(max_bytes, timeout)

    async def aclose(self) -> None:
        """Drop what is held (nothing waits for its answer) and close."""
        self._held.clear()
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
    ) -> httpcore.AsyncNetworkStream:
        """The TLS stream over this one, its writes held too."""
        await self._flush()
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _OneWriteStream(tls)

    def get_extra_info(self, info: str) -> object:
        """As `inner`'s."""
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)

    async def _flush(self) -> None:
        if self._held:
            held = self._held[0] if len(self._held) == 1 else b"".join(self._held)
            self._held = []
            await self._inner.write(held, self._timeout)


def _readable(sock: socket.socket) -> bool:
    """Whether `sock` has something to read or is closed (idle, the server hung up)."""
    if sock.fileno() == -1:
        return True
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([sock], [], [], 0)[0])
    poll = select.poll()
    poll.register(sock, select.POLLIN)
    return bool(poll.poll(0))
