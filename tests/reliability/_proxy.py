"""A fault-injecting HTTP proxy on loopback, between DynamoDBService and a real engine.

Each request is matched against the rules given to `FaultProxy.inject` (first match
wins, each rule good for `times` requests); an unmatched request is forwarded. The
proxy records what it did to every request, so a test can count botocore's attempts.

    with FaultProxy(engine.endpoint_url) as proxy:
        proxy.inject(Fault.DROP_AFTER, operation="PutItem", times=1)
        service = DynamoDBService(logger, config_for(proxy.endpoint_url))
"""

from __future__ import annotations

import enum
import http.client
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self

LOOPBACK = "127.0.0.1"
UPSTREAM_TIMEOUT_S = 30.0
_JSON = "application/x-amz-json-1.0"
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


class Fault(enum.Enum):
    """What the proxy does to a request."""

    PASS = "pass"  # noqa: S105 - a fault's name, not a password
    """Forward it and relay the answer."""
    DELAY = "delay"
    """Wait the rule's `seconds`, then forward it and relay the answer."""
    DROP_BEFORE = "drop_before"
    """Close the connection without forwarding: the engine never sees the request."""
    DROP_AFTER = "drop_after"
    """Forward it, then close the connection unanswered: applied, but the answer is lost."""
    ERROR_500 = "error_500"
    """Answer HTTP 500 without forwarding."""
    APPLY_THEN_500 = "apply_then_500"
    """Forward it, then answer HTTP 500 instead of the engine's answer (also ambiguous)."""
    THROTTLE = "throttle"
    """Answer DynamoDB's ThrottlingException (HTTP 400) without forwarding."""
    HANG = "hang"
    """Read the request and never answer (until the proxy stops)."""
    UNKNOWN_OPERATION = "unknown_operation"
    """Answer UnknownOperationException (HTTP 400), as an engine lacking the call does."""


FORWARDED = frozenset({Fault.PASS, Fault.DELAY, Fault.DROP_AFTER, Fault.APPLY_THEN_500})
"""Faults under which the engine receives the request."""


@dataclass
class Rule:
    """Fault the next `times` requests of `operation` (any, if None) holding `marker`."""

    fault: Fault
    operation: str | None
    times: int
    seconds: float = 0.0
    marker: bytes | None = None

    def matches(self, operation: str, body: bytes) -> bool:
        """Whether this rule applies to a request."""
        return (
            self.times > 0
            and self.operation in (None, operation)
            and (self.marker is None or self.marker in body)
        )


@dataclass(frozen=True)
class Seen:
    """One request the proxy received and what it did to it."""

    operation: str
    fault: Fault
    body: bytes
    at: float


class FaultProxy:
    """A threaded loopback proxy that forwards to `upstream` or injects faults.

    Args:
        upstream: The engine's endpoint (``http://host:port``); None for a proxy
            that only injects faults (an unmatched request then hangs).
    """

    def __init__(self, upstream: str | None, port: int = 0) -> None:
        """Bind `port` on loopback (0: a free one); nothing is served until `start`."""
        self._upstream = None if upstream is None else urlsplit(upstream)
        self._rules: list[Rule] = []
        self._seen: list[Seen] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._stopping = threading.Event()
        self._server = _Server((LOOPBACK, port), _Handler)
        self._server.proxy = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def endpoint_url(self) -> str:
        """Where clients reach the proxy."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        """Start serving."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop serving."""
        self.stop()

    def start(self) -> None:
        """Serve on a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Release hung and delayed requests, stop serving and close the port."""
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def inject(
        self,
        fault: Fault,
        *,
        operation: str | None = None,
        times: int = 1,
        seconds: float = 0.0,
        marker: bytes | None = None,
    ) -> Rule:
        """Fault the next `times` requests of `operation` (e.g. ``"PutItem"``).

        Args:
            fault: What to do to them.
            operation: DynamoDB's operation name; None for any operation.
            times: How many matching requests the rule takes.
            seconds: The wait of a DELAY.
            marker: Only requests whose body holds these bytes (e.g. a key).
        """
        rule = Rule(fault, operation, times, seconds, marker)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Drop every rule and forget what was seen."""
        with self._lock:
            self._rules.clear()
            self._seen.clear()

    def seen(self, operation: str | None = None, marker: bytes | None = None) -> list[Seen]:
        """The requests received so far, of `operation` and holding `marker` if given."""
        with self._lock:
            return [
                s
                for s in self._seen
                if operation in (None, s.operation) and (marker is None or marker in s.body)
            ]

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until no request is being handled (e.g. a DELAY has been forwarded)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout_s)

    def _done(self) -> None:
        with self._idle:
            self._in_flight -= 1
            self._idle.notify_all()

    def _decide(self, operation: str, body: bytes) -> tuple[Fault, float]:
        """The fault for a request, and a DELAY's seconds; the request is recorded."""
        with self._lock:
            rule = next((r for r in self._rules if r.matches(operation, body)), None)
            if rule is not None:
                rule.times -= 1
                fault, seconds = rule.fault, rule.seconds
            else:
                fault, seconds = (Fault.PASS if self._upstream else Fault.HANG), 0.0
            self._seen.append(Seen(operation, fault, body, time.monotonic()))
            self._in_flight += 1
            return fault, seconds

    def _forward(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> _Answer:
        if self._upstream is None:
            msg = "the proxy has no upstream to forward to"
            raise RuntimeError(msg)
        connection = http.client.HTTPConnection(
            self._upstream.hostname or LOOPBACK, self._upstream.port, timeout=UPSTREAM_TIMEOUT_S
        )
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() not in _HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            answer_headers = [
                (k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP
            ]
            return _Answer(response.status, answer_headers, response.read())
        finally:
            connection.close()


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _error_answer(status: int, error_type: str, message: str) -> _Answer:
    body = f'{{"__type":"com.amazonaws.dynamodb.v20120810#{error_type}","message":"{message}"}}'
    headers = [
        ("Content-Type", _JSON),
        ("x-amzn-ErrorType", error_type),
        ("x-amzn-RequestId", "fault-proxy"),
    ]
    return _Answer(status, headers, body.encode("ascii"))


THROTTLED = _error_answer(
    400, "ThrottlingException", "Rate of requests exceeds the allowed throughput."
)
INTERNAL_ERROR = _error_answer(500, "InternalServerError", "Internal server error (injected).")
UNKNOWN_OPERATION = _error_answer(400, "UnknownOperationException", "")
CANNED = {
    Fault.THROTTLE: THROTTLED,
    Fault.ERROR_500: INTERNAL_ERROR,
    Fault.UNKNOWN_OPERATION: UNKNOWN_OPERATION,
}
"""The faults the proxy answers itself, never forwarding the request."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    proxy: FaultProxy


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as DynamoDB: botocore reuses connections
    server: _Server

    def do_POST(self) -> None:
        proxy = self.server.proxy
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2] or "?"
        fault, seconds = proxy._decide(operation, body)
        try:
            self._serve(proxy, fault, seconds, body)
        except OSError:
            self.close_connection = True  # the client left (e.g. its read timed out)
        finally:
            proxy._done()

    do_GET = do_POST  # noqa: N815 - the engines' health checks

    def _serve(self, proxy: FaultProxy, fault: Fault, seconds: float, body: bytes) -> None:
        if fault is Fault.HANG:
            proxy._stopping.wait()
            self.close_connection = True
            return
        if fault is Fault.DELAY and proxy._stopping.wait(seconds):
            self.close_connection = True
            return
        if fault is Fault.DROP_BEFORE:
            self.close_connection = True
            return
        if fault in CANNED:
            self._answer(CANNED[fault])
            return
        answer = proxy._forward(self.command, self.path, list(self.headers.items()), body)
        if fault is Fault.DROP_AFTER:
            self.close_connection = True
            return
        self._answer(INTERNAL_ERROR if fault is Fault.APPLY_THEN_500 else answer)

    def _answer(self, answer: _Answer) -> None:
        self.send_response_only(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)
        self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's name
        """Stay quiet: a fault run makes many requests."""


def closed_port_url() -> str:
    """An endpoint on a loopback port nothing listens on (a dead endpoint)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port = probe.getsockname()[1]
    return f"http://{LOOPBACK}:{port}"


class Blackhole:
    """A loopback endpoint whose connections never complete: every connect times out.

    It listens with a backlog of 0 and fills that backlog itself, so the kernel drops
    the SYN of every later connection, as a firewall that drops packets would.
    """

    def __init__(self) -> None:
        """Listen, and fill the backlog."""
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(0)
        self._filler = socket.create_connection(self._listener.getsockname()[:2])

    @property
    def endpoint_url(self) -> str:
        """Where clients try to connect."""
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        """Close both sockets."""
        self._filler.close()
        self._listener.close()
