"""A Transport that answers through a stubbed botocore client, for the service's unit tests.

The driver's request (target header, JSON body) becomes a call of the client's method
with the body's parameters, so that the ``Stubber`` checks the exact request and
botocore validates it against DynamoDB's service model; the client's answer becomes
DynamoDB's HTTP answer (JSON, ``x-amz-crc32``), or its error answer (``__type``,
``message``, the error's fields). An exception the client raises (a mocked method's
``EndpointConnectionError``...) is raised by the transport, as a network failure.

A stubbed error whose ``ResponseMetadata`` says ``RetryAttempts: n`` is answered as
botocore would have met it: n attempts whose answers are lost (ConnectionClosedError),
then the error, so the driver itself resends n times.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import TYPE_CHECKING, Any

from botocore import xform_name
from botocore.exceptions import ClientError, ConnectionClosedError

from lvrgd.common.services.dynamodb._protocol import TOKEN, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"


class ClientBridge:
    """Answers each request through `client`'s method of the request's operation."""

    def __init__(self, client: DynamoDBClient) -> None:
        self.client = client
        self.requests: list[HttpRequest] = []
        self._pending: list[HttpResponse | None] = []
        self.closed = False

    def send(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        if self._pending:
            return self._next(request)
        operation = request.headers["X-Amz-Target"].split(".", 1)[1]
        params = _binaries(json.loads(request.body))
        params.pop(TOKEN, None)  # the client fills its own, after the Stubber's check
        try:
            answer = getattr(self.client, xform_name(operation))(**params)
        except ClientError as exc:
            response = _error(exc)
            lost = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
            if lost:
                self._pending = [None] * lost + [response]
                return self._next(request)
            return response
        answer = {key: value for key, value in answer.items() if key != "ResponseMetadata"}
        return _http(200, answer)

    def _next(self, request: HttpRequest) -> HttpResponse:
        response = self._pending.pop(0)
        if response is None:  # an attempt whose answer is lost
            raise ConnectionClosedError(endpoint_url=request.url)
        return response

    def close(self) -> None:
        self.closed = True


def _error(exc: ClientError) -> HttpResponse:
    response: dict[str, Any] = dict(exc.response)
    error = response.pop("Error", {})
    metadata = response.pop("ResponseMetadata", {})
    body = {
        "__type": _ERROR_PREFIX + str(error.get("Code", "")),
        "message": error.get("Message", ""),
        **response,
    }
    return _http(int(metadata.get("HTTPStatusCode", 400)), body)


def _http(status: int, body: dict[str, Any]) -> HttpResponse:
    data = json.dumps(body, default=_b64).encode()
    headers = {"x-amz-crc32": str(zlib.crc32(data)), "content-type": "application/x-amz-json-1.0"}
    return HttpResponse(status, headers, data)


def _b64(value: object) -> str:
    assert isinstance(value, bytes | bytearray)
    return base64.b64encode(bytes(value)).decode()


def _binaries(value: Any) -> Any:
    """The parameters with binary attribute values as bytes again, as the service built them."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((kind, body),) = value.items()
            if kind == "B" and isinstance(body, str):
                return {"B": base64.b64decode(body)}
            if kind == "BS" and isinstance(body, list) and all(isinstance(b, str) for b in body):
                return {"BS": [base64.b64decode(b) for b in body]}
        return {key: _binaries(element) for key, element in value.items()}
    if isinstance(value, list):
        return [_binaries(element) for element in value]
    return value
