"""The canned engine: DynamoDB's answers replayed with no socket, where each variant sends.

`install()` adds two handlers to botocore's built-in handlers (moto's mock_aws does
the same), so every botocore client created afterwards carries them, whatever
library built it (boto3, the Table resource, PynamoDB, dyntastic):

- on ``before-parse.dynamodb``, while recording, each response of a real engine is
  kept (status, headers, body);
- on ``before-send.dynamodb``, while replaying, the recorded response is returned as
  an ``AWSResponse`` and nothing is sent.

Everything else botocore does runs as usual: parameter validation, serialization,
endpoint resolution, SigV4 signing, retry checks with the CRC32 check of the body
(``x-amz-crc32`` is set to the body's CRC32, as DynamoDB sends it), response
parsing and error handling.

DynamoDBService sends through its own transport, not botocore's: `transport(inner)`
gives the Transport it is built with, which records and replays at the same points
(the HTTP answer, with the same headers) and otherwise leaves it to `inner`.
Everything else the service does runs as usual: request building, SigV4 signing,
retry decisions with the CRC32 check, parsing and error handling.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import cycle
from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.handlers import BUILTIN_HANDLERS

from lvrgd.common.services.dynamodb._protocol import HttpRequest, HttpResponse
from lvrgd.common.services.dynamodb._table import new_transport
from lvrgd.common.services.dynamodb._transport import BotocoreHooks

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lvrgd.common.services.dynamodb import DynamoDBConfig
    from lvrgd.common.services.dynamodb._transport import Transport

INSTALLED: list[Wire] = []
"""The Wire `install()` made, if any: DynamoDBService variants take their transport from it."""


@dataclass(frozen=True)
class Recorded:
    """One response of a real engine."""

    operation: str
    status: int
    body: bytes
    request_id: str = "canned"

    def to_json(self) -> dict[str, Any]:
        """A JSON-able form."""
        return {
            "operation": self.operation,
            "status": self.status,
            "body": self.body.decode("utf-8"),
            "request_id": self.request_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Recorded:
        """The inverse of `to_json`."""
        return cls(
            operation=data["operation"],
            status=data["status"],
            body=data["body"].encode("utf-8"),
            request_id=data["request_id"],
        )


class _Body:
    """The ``raw`` of an AWSResponse: botocore reads it through ``stream()``."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@dataclass
class _Replay:
    """The responses of one scenario, by operation, replayed in their recorded order."""

    responses: dict[str, Iterator[tuple[int, dict[str, str], bytes]]]


@dataclass
class Wire:
    """The state both handlers share: off, recording, or replaying one scenario."""

    recording: list[Recorded] | None = None
    replay: _Replay | None = None
    sent: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def on_before_parse(self, operation_model: Any, response_dict: Any, **_: Any) -> None:
        """Keep the response while recording."""
        if self.recording is not None:
            headers = response_dict["headers"]
            self.recording.append(
                Recorded(
                    operation=operation_model.name,
                    status=response_dict["status_code"],
                    body=bytes(response_dict["body"]),
                    request_id=str(headers.get("x-amzn-RequestId", "canned")),
                )
            )

    def on_before_send(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        """Answer from the current scenario while replaying; None lets botocore send."""
        if self.replay is None:
            return None
        status, headers, body = self.answer(event_name.rsplit(".", 1)[1])
        return AWSResponse(request.url, status, headers, _Body(body))  # type: ignore[arg-type]

    def transport(self, inner: Transport) -> CannedTransport:
        """A Transport that records and replays as this Wire does, else sends through `inner`."""
        return CannedTransport(self, inner)

    def answer(self, operation: str) -> tuple[int, dict[str, str], bytes]:
        """The next recorded answer to `operation` of the current scenario."""
        assert self.replay is not None  # noqa: S101 - only while replaying
        responses = self.replay.responses.get(operation)
        if responses is None:
            msg = f"the canned scenario has no {operation} response"
            raise RuntimeError(msg)
        return next(responses)

    def record(self) -> list[Recorded]:
        """Start keeping responses; the returned list fills as they come."""
        self.recording = []
        self.replay = None
        return self.recording

    def stop(self) -> None:
        """Neither record nor replay."""
        self.recording = None
        self.replay = None

    def play(self, scenario: list[Recorded]) -> None:
        """Answer every request from `scenario` until the next call."""
        by_operation: dict[str, list[tuple[int, dict[str, str], bytes]]] = defaultdict(list)
        for response in scenario:
            headers = {
                "x-amzn-RequestId": response.request_id,
                "Content-Type": "application/x-amz-json-1.0",
                "Content-Length": str(len(response.body)),
                "x-amz-crc32": str(zlib.crc32(response.body)),
            }
            by_operation[response.operation].append((response.status, headers, response.body))
        self.recording = None
        self.replay = _Replay({op: cycle(items) for op, items in by_operation.items()})


class CannedTransport:
    """DynamoDBService's transport on the canned engine: a Wire's answers, else `inner`'s."""

    def __init__(self, wire: Wire, inner: Transport) -> None:
        """Answer from `wire` while it replays; record `inner`'s answers while it records."""
        self._wire = wire
        self._inner = inner

    def send(self, request: HttpRequest) -> HttpResponse:
        """The recorded answer, or `inner`'s (kept while recording)."""
        operation = request.headers["X-Amz-Target"].rsplit(".", 1)[1]
        if self._wire.replay is not None:
            status, headers, body = self._wire.answer(operation)
            return HttpResponse(status, {name.lower(): v for name, v in headers.items()}, body)
        response = self._inner.send(request)
        if self._wire.recording is not None:
            request_id = response.headers.get("x-amzn-requestid", "canned")
            self._wire.recording.append(
                Recorded(operation, response.status, response.body, request_id)
            )
        return response

    def close(self) -> None:
        """Close `inner`."""
        self._inner.close()


class AsyncCannedTransport:
    """AsyncDynamoDBService's transport on the canned engine: a replaying Wire's answers.

    It replays what DynamoDBService's transport recorded: both adapters send the same
    requests, so they get the same answers.
    """

    def __init__(self, wire: Wire) -> None:
        """Answer from `wire`, which must be replaying when a request comes."""
        self._wire = wire

    async def send(self, request: HttpRequest) -> HttpResponse:
        """The recorded answer to the request's operation."""
        operation = request.headers["X-Amz-Target"].rsplit(".", 1)[1]
        status, headers, body = self._wire.answer(operation)
        return HttpResponse(status, {name.lower(): v for name, v in headers.items()}, body)

    async def aclose(self) -> None:
        """Nothing to release."""


def service_transport(config: DynamoDBConfig) -> Transport | None:
    """DynamoDBService's transport: the installed Wire's over the default one, or None.

    The default one first offers each request to botocore's built-in ``before-send``
    handlers, as the service's own default does, so that recording under moto's
    ``mock_aws`` is answered by moto.
    """
    if not INSTALLED:
        return None
    events = botocore.session.get_session().get_component("event_emitter")
    return INSTALLED[-1].transport(BotocoreHooks(events, new_transport(config)))


def install() -> Wire:
    """Hook a new Wire into every botocore session created from now on."""
    wire = Wire()
    BUILTIN_HANDLERS.append(("before-parse.dynamodb", wire.on_before_parse))
    BUILTIN_HANDLERS.append(("before-send.dynamodb", wire.on_before_send))
    INSTALLED.append(wire)
    return wire
