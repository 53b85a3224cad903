"""The two default transports, urllib3's (sync) and httpx's (async), on real loopback sockets.

Every failure a network causes is met by both, and both raise the same botocore
exception for it, which botocore's standard mode resends after: the retry decisions
and the adapter's error table read the two alike. Both put the same request on the
wire and hand back the same answer, undecoded. httpx's pool keeps to its size, stays
usable after a cancelled send, is built on the first send and released by aclose.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import anyio
import botocore.session
import pytest
from botocore.exceptions import (
    BotoCoreError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
)

from lvrgd.common.services.dynamodb._decisions import RetryDecisions
from lvrgd.common.services.dynamodb._errors import translate
from lvrgd.common.services.dynamodb._httpx import HttpxTransport
from lvrgd.common.services.dynamodb._protocol import (
    HttpRequest,
    HttpResponse,
    new_retries_context,
)
from lvrgd.common.services.dynamodb._transport import TransportSettings, Urllib3Transport
from lvrgd.common.services.kvstore import StoreUnavailableError, WriteOutcomeUnknownError

from ._sockets import (
    Server,
    answering,
    cut_short,
    free_port,
    full_backlog,
    hang_up,
    not_http,
    plain_http,
    read_request,
    reset,
    self_signed,
    silent,
)

if TYPE_CHECKING:
    import socket
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from pathlib import Path

TRANSPORTS = ["urllib3", "httpx"]
BACKENDS = ["asyncio", "trio"]
SETTINGS = TransportSettings(connect_timeout=0.5, read_timeout=0.5, max_pool_connections=2)


def _request(url: str, body: bytes = b'{"TableName": "t\\u00e9"}') -> HttpRequest:
    headers = {
        "X-Amz-Target": "DynamoDB_20120810.GetItem",
        "Content-Type": "application/x-amz-json-1.0",
        "User-Agent": "lvrgd-common test",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/...",
        "Content-Length": str(len(body)),
        "Accept-Encoding": "identity",
    }
    return HttpRequest("POST", f"{url}/", headers, body)


def _send(kind: str, request: HttpRequest, backend: str = "asyncio", **settings: Any) -> Any:
    options = replace(SETTINGS, **settings)
    if kind == "urllib3":
        transport = Urllib3Transport(options)
        try:
            return transport.send(request)
        finally:
            transport.close()

    async def send() -> HttpResponse:
        transport = HttpxTransport(options)
        try:
            return await transport.send(request)
        finally:
            await transport.aclose()

    return anyio.run(send, backend=backend)


@pytest.fixture(scope="module")
def decisions() -> RetryDecisions:
    return RetryDecisions(3, botocore.session.get_session().get_service_model("dynamodb"))


# --- failures ------------------------------------------------------------------------------


def _serving(behaviour: Callable[[socket.socket], None]) -> AbstractContextManager[str]:
    return Server(behaviour).running()


@contextlib.contextmanager
def _tls_to(behaviour: Callable[[socket.socket], None]) -> Any:
    with _serving(behaviour) as url:
        yield url.replace("http://", "https://")


FAULTS: list[tuple[str, Callable[[], AbstractContextManager[str]], type[BotoCoreError]]] = [
    ("refused", lambda: contextlib.nullcontext(f"http://127.0.0.1:{free_port()}"),
     EndpointConnectionError),
    ("connect-timeout", full_backlog, ConnectTimeoutError),
    ("read-timeout", lambda: _serving(silent), ReadTimeoutError),
    ("closed-before-answering", lambda: _serving(hang_up), ConnectionClosedError),
    ("connection-reset", lambda: _serving(reset), ConnectionClosedError),
    ("body-cut-short", lambda: _serving(cut_short), ConnectionClosedError),
    ("not-http", lambda: _serving(not_http), ConnectionClosedError),
    ("tls-to-a-plain-server", lambda: _tls_to(plain_http), SSLError),
]  # fmt: skip


@pytest.mark.parametrize("kind", TRANSPORTS)
@pytest.mark.parametrize(("fault", "where", "expected"), FAULTS, ids=[f[0] for f in FAULTS])
def test_a_network_failure_is_the_same_botocore_error_from_both_transports(
    kind: str,
    fault: str,
    where: Callable[[], AbstractContextManager[str]],
    expected: type[BotoCoreError],
    decisions: RetryDecisions,
) -> None:
    with where() as url, pytest.raises(BotoCoreError) as caught:
        _send(kind, _request(url))

    assert type(caught.value) is expected
    delay = decisions.delay(
        operation="GetItem", attempt=1, context={"retries": new_retries_context()},
        response=None, answer=None, exception=caught.value,
    )  # fmt: skip
    assert delay is not None  # botocore's standard mode resends after it


@pytest.mark.parametrize("kind", TRANSPORTS)
def test_an_unreachable_proxy_is_a_proxy_error_naming_no_password(kind: str) -> None:
    proxy = f"http://us%40er:p%3Ass@127.0.0.1:{free_port()}"
    with pytest.raises(ProxyConnectionError) as caught:
        _send(kind, _request("http://dynamodb.proxied.invalid:8000"), proxy_url=proxy)

    assert "p%3Ass" not in str(caught.value)
    assert "p:ss" not in str(caught.value)
    # nothing reached DynamoDB: a write is unavailable, not of unknown outcome
    assert type(translate(caught.value, "create", "p", "s")) is StoreUnavailableError


@pytest.mark.parametrize("kind", TRANSPORTS)
def test_a_read_timeout_leaves_a_write_of_unknown_outcome_from_both(kind: str) -> None:
    with _serving(silent) as url, pytest.raises(BotoCoreError) as caught:
        _send(kind, _request(url))

    assert type(translate(caught.value, "create", "p", "s")) is WriteOutcomeUnknownError


# --- the wire ------------------------------------------------------------------------------


def _parts(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    line, *fields = head.decode("latin-1").split("\r\n")
    headers = {}
    for field in fields:
        name, _, value = field.partition(":")
        headers[name.strip().lower()] = value.strip()
    return line, headers, body


def test_both_transports_put_the_same_request_on_the_wire() -> None:
    server = Server(lambda connection: None)
    server.behaviour = answering(server)
    with server.running() as url:
        request = _request(url)
        for kind in TRANSPORTS:
            assert _send(kind, request).status == 200

    by_urllib3, by_httpx = (_parts(raw) for raw in server.requests)
    assert by_httpx == by_urllib3
    line, headers, body = by_httpx
    assert line == "POST / HTTP/1.1"
    assert headers["accept-encoding"] == "identity"
    assert body == request.body


def test_both_transports_hand_back_the_same_answer_as_it_came() -> None:
    compressed = gzip.compress(b'{"Item": {}}')
    answer = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Encoding: gzip\r\nX-Amzn-RequestId: r1\r\n"
        + f"Content-Length: {len(compressed)}\r\n\r\n".encode()
        + compressed
    )

    def gzipped(connection: socket.socket) -> None:
        while read_request(connection):
            connection.sendall(answer)

    with _serving(gzipped) as url:
        by_urllib3, by_httpx = (_send(kind, _request(url)) for kind in TRANSPORTS)

    assert by_httpx == by_urllib3
    assert by_httpx.status == 400
    assert by_httpx.headers["x-amzn-requestid"] == "r1"
    assert by_httpx.body == compressed  # not decoded: the CRC32 is the body's as sent


@pytest.mark.parametrize("kind", TRANSPORTS)
def test_both_transports_verify_tls_against_the_given_ca_bundle(kind: str, tmp_path: Path) -> None:
    bundle, context = self_signed(tmp_path)
    server = Server(lambda connection: None, tls=context)
    server.behaviour = answering(server)
    with server.running() as url:
        assert _send(kind, _request(url), verify=str(bundle)).status == 200
        with pytest.raises(SSLError):  # botocore's own bundle does not know it
            _send(kind, _request(url))


# --- httpx's pool --------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_httpx_opens_at_most_max_pool_connections_and_keeps_them_alive(backend: str) -> None:
    server = Server(lambda connection: None)
    server.behaviour = answering(server)

    async def main(url: str) -> list[int]:
        transport = HttpxTransport(replace(SETTINGS, read_timeout=10, max_pool_connections=3))
        statuses: list[int] = []

        async def one() -> None:
            statuses.append((await transport.send(_request(url))).status)

        async with anyio.create_task_group() as tasks:
            for _ in range(30):
                tasks.start_soon(one)
        await transport.aclose()
        return statuses

    with server.running() as url:
        statuses = anyio.run(main, url, backend=backend)

    assert statuses == [200] * 30
    assert len(server.requests) == 30
    assert 1 <= len(server.peers) <= 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_cancelled_httpx_send_gives_its_connection_back(backend: str) -> None:
    connections = iter(range(100))
    server = Server(lambda connection: None)
    answer = answering(server)
    server.behaviour = lambda connection: (
        silent(connection) if next(connections) == 0 else answer(connection)
    )

    async def main(url: str) -> int:
        transport = HttpxTransport(replace(SETTINGS, read_timeout=30, max_pool_connections=1))
        with anyio.move_on_after(0.3) as waited:
            await transport.send(_request(url))
        assert waited.cancelled_caught
        with anyio.fail_after(10):  # the pool's one connection is free again
            status = (await transport.send(_request(url))).status
        await transport.aclose()
        return status

    with server.running() as url:
        assert anyio.run(main, url, backend=backend) == 200


@pytest.mark.parametrize("backend", BACKENDS)
def test_httpx_pool_is_built_on_first_send_and_released_by_aclose(backend: str) -> None:
    server = Server(lambda connection: None)
    server.behaviour = answering(server)
    closed = threading.Event()

    async def main(url: str) -> None:
        transport = HttpxTransport(SETTINGS)
        assert transport._pool is None
        await transport.send(_request(url))
        assert transport._pool is not None
        await transport.aclose()
        await transport.aclose()  # idempotent
        assert transport._pool is None
        for _ in range(100):  # the server sees the connection close
            if server.finished == 1:
                closed.set()
                return
            await anyio.sleep(0.05)

    with server.running() as url:
        anyio.run(main, url, backend=backend)

    assert closed.is_set()


@pytest.mark.parametrize("kind", TRANSPORTS)
def test_a_url_no_client_can_send_to_is_a_botocore_error(kind: str) -> None:
    with pytest.raises(BotoCoreError):
        _send(kind, _request("http://[::1"))
