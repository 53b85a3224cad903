"""How the httpx transport lends its connections, and how a request leaves on one.

One request per connection at a time, so that no connection is handed to two requests
(which then go round again); an idle connection the server has since closed is not
reused; and a request's head and body leave in one write.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import anyio
import httpcore
import pytest

from lvrgd.common.services.dynamodb._httpx import HttpxTransport, _OneWriteStream
from lvrgd.common.services.dynamodb._transport import TransportSettings

from ._sockets import OK_ANSWER, Server, answering, read_request
from .test_transports import BACKENDS, _request

if TYPE_CHECKING:
    import socket

SETTINGS = TransportSettings(connect_timeout=5, read_timeout=10, max_pool_connections=8)


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_request_is_sent_once_on_a_connection_of_its_own(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = Server(lambda connection: None)
    server.behaviour = answering(server)
    tries = []
    sends = httpcore.AsyncHTTP11Connection.handle_async_request

    async def counted(
        self: httpcore.AsyncHTTP11Connection, request: httpcore.Request
    ) -> httpcore.Response:
        tries.append(self)
        return await sends(self, request)

    monkeypatch.setattr(httpcore.AsyncHTTP11Connection, "handle_async_request", counted)

    async def main(url: str) -> None:
        transport = HttpxTransport(SETTINGS)
        for _ in range(3):  # waves of as many requests as connections: idle ones reused
            async with anyio.create_task_group() as tasks:
                for _ in range(8):
                    tasks.start_soon(transport.send, _request(url))
        await transport.aclose()

    with server.running() as url:
        anyio.run(main, url, backend=backend)

    assert len(server.requests) == 24
    assert len(tries) == 24  # no request handed a busy connection and sent round again
    assert len(server.peers) == 8


def _answer_then_hang_up(connection: socket.socket) -> None:
    read_request(connection)
    connection.sendall(OK_ANSWER)
    connection.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_idle_connection_the_server_closed_is_not_reused(backend: str) -> None:
    server = Server(_answer_then_hang_up)

    async def main(url: str) -> list[int]:
        transport = HttpxTransport(replace(SETTINGS, max_pool_connections=1))
        statuses = []
        for _ in range(3):
            statuses.append((await transport.send(_request(url))).status)
            await anyio.sleep(0.1)  # the server's FIN arrives
        await transport.aclose()
        return statuses

    with server.running() as url:
        assert anyio.run(main, url, backend=backend) == [200] * 3
    assert len(server.peers) == 3


class _Recording(httpcore.AsyncNetworkStream):
    """A stream that records each write and answers 200 with a two-byte body."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self._answer = [b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        self.writes.append(buffer)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        return self._answer.pop(0) if self._answer else b""

    async def aclose(self) -> None:
        self.closed = True


def test_a_request_head_and_body_leave_in_one_write() -> None:
    inner = _Recording()

    async def main() -> bytes:
        origin = httpcore.Origin(b"http", b"example.com", 80)
        connection = httpcore.AsyncHTTP11Connection(origin, _OneWriteStream(inner))
        request = httpcore.Request(
            "POST",
            "http://example.com/",
            headers=[("Host", "example.com"), ("Content-Length", "7")],
            content=b'{"a":1}',
        )
        response = await connection.handle_async_request(request)
        body = await response.aread()
        await response.aclose()
        await connection.aclose()
        return body

    assert anyio.run(main) == b"ok"
    assert len(inner.writes) == 1
    head, body = inner.writes[0].split(b"\r\n\r\n")
    assert head.startswith(b"POST / HTTP/1.1\r\n")
    assert body == b'{"a":1}'
    assert inner.closed
