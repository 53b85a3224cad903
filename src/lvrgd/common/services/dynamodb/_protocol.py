"""DynamoDB's JSON protocol, as pure functions: the request of an operation, and its answer.

No client, no socket, no clock of its own. A request is the target header, the content
type and the JSON body of the codec's wire items (bytes as base64, as botocore's JSON
serializer writes them); an answer is parsed straight from DynamoDB's JSON (binaries
stay base64 text, which the codec decodes). botocore's own parts stay botocore's: the
driver signs with its SigV4 signer and retries on its standard mode's decisions.

The shapes mirror botocore 1.43's: the body is ``json.dumps`` of the parameters in
their order (``ClientRequestToken`` appended for TransactWriteItems), headers carry the
same names and values, and an error parses as botocore's JSON parser parses it
(``{"Error": {"Code", "Message"}, "ResponseMetadata": ...}`` plus the error's own
fields, e.g. ``Item`` or ``CancellationReasons``).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

SERVICE = "dynamodb"
"""The signing name and the service id botocore's retry mode knows DynamoDB by."""
TARGET_PREFIX = "DynamoDB_20120810."
CONTENT_TYPE = "application/x-amz-json-1.0"
TRANSACT_WRITE_ITEMS = "TransactWriteItems"
TOKEN = "ClientRequestToken"  # noqa: S105 - a parameter name, no secret
CRC32_HEADER = "x-amz-crc32"
_FIRST_ERROR_STATUS = 300
_HTTP_DATE = "%a, %d %b %Y %H:%M:%S %Z"
_TTL_FORMAT = "%Y%m%dT%H%M%SZ"

Params = dict[str, Any]


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request, ready to send. Its repr shows neither headers nor body.

    Attributes:
        method: Always ``POST`` for DynamoDB.
        url: The endpoint, e.g. ``https://dynamodb.eu-west-1.amazonaws.com``.
        headers: Header names as sent, values as text; not to be changed. They carry
            the signature and any session token, kept out of the repr (tracebacks
            that show locals).
        body: The JSON body, the items' payloads, kept out of the repr too.
    """

    method: str
    url: str
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """One HTTP response, read whole.

    Attributes:
        status: The HTTP status code.
        headers: Header names in lower case; not to be changed.
        body: The body as received (no content decoding).
    """

    status: int
    headers: Mapping[str, str]
    body: bytes = field(repr=False)  # items' payloads stay out of tracebacks' locals


@dataclass(frozen=True, slots=True)
class Answer:
    """A parsed response: exactly one of `parsed` (success) or `error` is set.

    Attributes:
        parsed: The operation's output, in DynamoDB's JSON, when the status is 2xx.
        error: The error as botocore parses it (``Error.Code``, ``Error.Message``, the
            error's own fields and ``ResponseMetadata``), when the status is not.
        corrupt: The body's CRC32 is not the one ``x-amz-crc32`` announced.
    """

    parsed: Params | None
    error: Params | None
    corrupt: bool = False


def with_token(operation: str, params: Params) -> Params:
    """`params` with a fresh ClientRequestToken for TransactWriteItems, where none is given.

    botocore fills the token (an idempotency token of the service model) once per call
    and resends the same token on every attempt; so does the driver, calling this once.
    """
    if operation == TRANSACT_WRITE_ITEMS and TOKEN not in params:
        return {**params, TOKEN: str(uuid.uuid4())}
    return params


def encode_body(params: Params) -> bytes:
    """The JSON body of `params`, byte for byte as botocore's JSON serializer writes it."""
    return json.dumps(params, default=_json_default).encode("utf-8")


def _json_default(value: object) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    msg = f"{type(value).__name__} has no place in DynamoDB's JSON"
    raise TypeError(msg)


def base_headers(operation: str, user_agent: str) -> dict[str, str]:
    """The headers botocore sets before signing, in its order."""
    return {
        "X-Amz-Target": TARGET_PREFIX + operation,
        "Content-Type": CONTENT_TYPE,
        "User-Agent": user_agent,
    }


def retry_headers(retries: Mapping[str, Any]) -> dict[str, str]:
    """``amz-sdk-invocation-id`` and ``amz-sdk-request``, from the call's retries context.

    As botocore's ``add_retry_headers``: ``ttl``, ``attempt`` and ``max`` in that order,
    each when the context holds it.
    """
    request = "; ".join(
        f"{key}={retries[key]}" for key in ("ttl", "attempt", "max") if key in retries
    )
    return {"amz-sdk-invocation-id": str(retries["invocation-id"]), "amz-sdk-request": request}


def new_retries_context() -> dict[str, Any]:
    """The retries context of a new call: attempt 1 and a fresh invocation id."""
    return {"attempt": 1, "invocation-id": str(uuid.uuid4())}


def ttl(
    now: dt.datetime,
    received: dt.datetime,
    date_header: str | None,
    read_timeout: float,
) -> str | None:
    """The ``ttl`` botocore announces on a resend after an answer that had a Date header.

    The local time plus the read timeout plus the server's clock skew (its Date minus
    when the answer was received), or None without a usable Date.

    Args:
        now: The local time now (UTC, naive, as botocore's clock).
        received: When the previous answer was received (same clock).
        date_header: That answer's ``Date`` header.
        read_timeout: The read timeout in seconds.
    """
    if not date_header:
        return None
    try:
        server = dt.datetime.strptime(date_header, _HTTP_DATE)  # noqa: DTZ007 - botocore's
    except ValueError:
        return None
    skew = server - received
    return (now + dt.timedelta(seconds=read_timeout) + skew).strftime(_TTL_FORMAT)


def crc32_matches(response: HttpResponse) -> bool:
    """Whether the body's CRC32 is the announced ``x-amz-crc32`` (True without the header)."""
    announced = response.headers.get(CRC32_HEADER)
    if announced is None:
        return True
    try:
        return zlib.crc32(response.body) & 0xFFFFFFFF == int(announced)
    except ValueError:
        return False


def parse(response: HttpResponse) -> Answer:
    """The answer `response` holds: the output, or the error as botocore parses it."""
    if response.status < _FIRST_ERROR_STATUS:
        if not crc32_matches(response):
            return Answer(parsed={}, error=None, corrupt=True)
        return Answer(parsed=json.loads(response.body) if response.body else {}, error=None)
    return Answer(parsed=None, error=parse_error(response))


def parse_error(response: HttpResponse) -> Params:
    """DynamoDB's error answer as botocore's JSON parser and modeled fields give it.

    The code is ``__type`` after its last ``#`` (and before any ``:``), or the status
    when there is none; the message is ``message`` or ``Message``; the body's other
    fields (``Item``, ``CancellationReasons``...) are kept beside ``Error``.
    """
    body = _error_body(response.body)
    code = body.get("__type", str(response.status))
    if not isinstance(code, str):
        code = str(code)
    code = code.split(":", 1)[0].rsplit("#", 1)[-1]
    message = body.get("message", body.get("Message", ""))
    metadata: Params = {"HTTPStatusCode": response.status}
    request_id = response.headers.get("x-amzn-requestid")
    if request_id is not None:
        metadata["RequestId"] = request_id
    fields = {key: value for key, value in body.items() if key != "__type"}
    return {**fields, "Error": {"Message": message, "Code": code}, "ResponseMetadata": metadata}


def _error_body(body: bytes) -> Params:
    if not body:
        return {}
    text = body.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"message": text}
    return parsed if isinstance(parsed, dict) else {"message": text}
