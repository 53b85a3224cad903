"""Loopback servers that misbehave on purpose, and one that answers and records, for transports.

Each server listens on 127.0.0.1 on a free port, handles each connection with its
`behaviour` in a thread of its own, and stops (its socket and the connections it holds
closed) when its `with` block ends. Nothing here reaches past loopback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
import struct
import threading
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

LOOPBACK = "127.0.0.1"
OK_BODY = b"{}"
OK_ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
    + f"x-amz-crc32: {zlib.crc32(OK_BODY)}\r\nContent-Length: {len(OK_BODY)}\r\n\r\n".encode()
    + OK_BODY
)


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def read_request(connection: socket.socket) -> bytes:
    """One whole HTTP request (head and Content-Length body) from `connection`, or b""."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@dataclass
class Server:
    """A loopback server whose `behaviour` handles each accepted connection."""

    behaviour: Callable[[socket.socket], None]
    tls: ssl.SSLContext | None = None
    requests: list[bytes] = field(default_factory=list)
    peers: set[tuple[str, int]] = field(default_factory=set)
    finished: int = 0
    _held: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextlib.contextmanager
    def running(self) -> Iterator[str]:
        """Serve until the block ends; yields the server's URL."""
        listener = socket.socket()
        listener.bind((LOOPBACK, 0))
        listener.listen(64)
        thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        thread.start()
        scheme = "http" if self.tls is None else "https"
        try:
            yield f"{scheme}://{LOOPBACK}:{listener.getsockname()[1]}"
        finally:
            # shutdown wakes the thread blocked in accept(); close alone would not.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
            with self._lock:
                for held in self._held:
                    held.close()
            thread.join(timeout=5)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                connection, peer = listener.accept()
            except OSError:
                return
            with self._lock:
                self._held.append(connection)
                self.peers.add(peer)
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError):
            if self.tls is not None:
                connection = self.tls.wrap_socket(connection, server_side=True)
                with self._lock:
                    self._held.append(connection)
            self.behaviour(connection)
        with self._lock:
            self.finished += 1

    def record(self, request: bytes) -> None:
        """Keep `request` (a behaviour calls this)."""
        with self._lock:
            self.requests.append(request)


def answering(server: Server) -> Callable[[socket.socket], None]:
    """Record each request on a kept-alive connection and answer it with an empty item."""

    def behaviour(connection: socket.socket) -> None:
        while request := read_request(connection):
            server.record(request)
            connection.sendall(OK_ANSWER)

    return behaviour


def silent(connection: socket.socket) -> None:
    """Read the request and never answer, until the client gives up and closes."""
    read_request(connection)
    while connection.recv(65536):
        pass


def hang_up(connection: socket.socket) -> None:
    """Read the request and close the connection without answering."""
    read_request(connection)
    connection.close()


def reset(connection: socket.socket) -> None:
    """Read the request and reset the connection (RST, not FIN)."""
    read_request(connection)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def cut_short(connection: socket.socket) -> None:
    """Answer with a body shorter than its Content-Length, then close."""
    read_request(connection)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}")
    connection.close()


def plain_http(connection: socket.socket) -> None:
    """Answer whatever comes (a TLS handshake) in plain HTTP, then close."""
    connection.recv(65536)
    connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    connection.close()


def not_http(connection: socket.socket) -> None:
    """Answer with something that is not HTTP, then close."""
    read_request(connection)
    connection.sendall(b"NOT HTTP AT ALL\r\n\r\n")
    connection.close()


@contextlib.contextmanager
def full_backlog() -> Iterator[str]:
    """A listener whose accept queue is full: a connection attempt gets no answer (times out).

    Linux keeps backlog + 1 connections waiting and drops later SYNs; the queue is
    filled here by connections never accepted.
    """
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen(0)
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.settimeout(0)  # non-blocking: connect only starts
            with contextlib.suppress(BlockingIOError):
                filler.connect(listener.getsockname())
            fillers.append(filler)
        yield f"http://{LOOPBACK}:{listener.getsockname()[1]}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def self_signed(directory: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 (its PEM file, a CA bundle) and a server context using it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOOPBACK)])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    bundle = directory / "bundle.pem"
    bundle.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private = directory / "key.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(bundle, private)
    return bundle, context
